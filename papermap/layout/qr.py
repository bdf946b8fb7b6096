"""The text in each page's QR code: what a phone shows even with no network (page, area, data
date), plus an optional link to the same area online. Pure."""
from __future__ import annotations

import math
from urllib.parse import urlsplit

BBox = tuple[float, float, float, float]
QrMatrix = tuple[bytes, ...]   # rows of modules, 1 = dark, quiet zone not included


def _deg(v: float) -> str:
    """Five decimals (about a metre): enough for a paper map, few enough to keep the code small."""
    return f"{v:.5f}"


def check_url(qr_url: str) -> None:
    """Only http(s) links with a host: a phone opens them, and nothing else rides in the code."""
    parts = urlsplit(qr_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"qr_url must be an http:// or https:// address, not {qr_url!r}")


def qr_payload(page_id: str, bbox_deg: BBox, data_date: str, qr_url: str = "") -> str:
    """``papermap page 3`` / ``bbox W,S,E,N (W,S,E,N)`` / ``data 2023-12-26`` [/ the link].

    In ``qr_url`` the placeholders {west} {south} {east} {north} and {page} are filled in;
    anything else is kept as written. Raises ValueError for a bad bbox or a non-http(s) link.
    """
    w, s, e, n = bbox_deg
    if not all(math.isfinite(v) for v in bbox_deg) or not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(f"bbox {bbox_deg} is not west,south,east,north in degrees")
    lines = [f"papermap page {page_id}",
             f"bbox {_deg(w)},{_deg(s)},{_deg(e)},{_deg(n)} (W,S,E,N)",
             f"data {data_date}"]
    if qr_url:
        check_url(qr_url)
        url = qr_url
        for key, value in (("west", _deg(w)), ("south", _deg(s)), ("east", _deg(e)), ("north", _deg(n)),
                           ("page", page_id)):
            url = url.replace("{" + key + "}", value)
        lines.append(url)
    return "\n".join(lines)


def qr_matrix(text: str) -> QrMatrix:
    """The modules encoding ``text``: error correction at least M, raised for free when the
    version has room. Encoding is slow (segno tries all 8 masks, ~40 ms), so callers cache it."""
    import segno

    code = segno.make(text, error="m", boost_error=True, micro=False)
    return tuple(bytes(row) for row in code.matrix)
