"""How phones join a server on a shelter's Wi-Fi: its addresses, the join token as a QR code in the
terminal and on a printable sheet (A4, for the wall next to the laptop)."""
from __future__ import annotations

import html
import io
import socket

import segno


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, found without sending a packet (a UDP
    socket's connect only picks the route), so it works with no internet."""
    found = []
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 1))
                addr = s.getsockname()[0]
        except OSError:
            continue
        if not addr.startswith("127.") and addr not in found:
            found.append(addr)
    return found


def join_urls(host: str, port: int, token: str) -> list[str]:
    """The addresses phones can open to join, the token included (the QR code's content)."""
    hosts = lan_addresses() if host in ("0.0.0.0", "::", "") else [host]
    return [f"http://{h}:{port}/join?t={token}" for h in hosts]


def terminal_text(urls: list[str], token: str) -> str:
    """What the server prints at start for a server open to the network: the QR code to scan,
    the address and the join code to type."""
    lines = ["", "スマートフォンで参加 / join from a phone on the same Wi-Fi:"]
    if urls:
        qr = segno.make(urls[0], error="m")
        buf = io.StringIO()
        qr.terminal(out=buf, compact=True)
        lines.append(buf.getvalue())
        lines += [f"  {u}" for u in urls]
    lines += [f"参加コード / join code: {token}",
              "印刷用の参加シート / printable join sheet: open /join-sheet on this computer", ""]
    return "\n".join(lines)


def join_sheet_html(state, host_header: str) -> str:
    """A printable page: the QR code, the address and the join code, in Japanese and English."""
    port = host_header.rsplit(":", 1)[-1] if ":" in host_header else "80"
    hosts = lan_addresses() or [host_header.rsplit(":", 1)[0]]
    urls = [f"http://{h}:{port}/join?t={state.token}" for h in hosts]
    svg = segno.make(urls[0], error="m").svg_inline(scale=8, border=2)
    listed = "".join(f"<li>{html.escape(u)}</li>" for u in urls)
    return f"""<!doctype html><html lang="ja"><head><meta charset="utf-8">
<title>参加シート / join sheet</title><link rel="stylesheet" href="/static/style.css"></head>
<body class="sheet"><h1>支援マップに地点を追加 / Add places to the relief map</h1>
<ol><li>このWi-Fiにつなぐ / Join this Wi-Fi</li><li>QRコードを読む / Scan the QR code</li></ol>
<div class="qr">{svg}</div><ul class="urls">{listed}</ul>
<p class="code">参加コード / join code: <b>{html.escape(state.token)}</b></p></body></html>"""
