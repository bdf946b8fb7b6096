"""A real HTTP server on 127.0.0.1 that plays a script of replies, faults included, for download tests.

Each request gets the next scripted Reply; the last one repeats. Tests also get a guard that makes
any name lookup other than 127.0.0.1/localhost fail, so no test can reach the public servers.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Reply:
    """One scripted answer."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0          # seconds before answering at all (a slow or stuck server)
    drop: bool = False          # close the socket without sending anything
    length: int | None = None   # Content-Length to announce; None: the real length
    send_length: bool = True    # False: no Content-Length, the body ends when the connection closes
    drip: float = 0.0           # seconds between single bytes of the body (a server that trickles)
    header_drip: float = 0.0    # seconds between single bytes of the status line and headers


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    """ThreadingHTTPServer on port 0 in a daemon thread; use as a context manager."""

    def __init__(self, *replies: Reply):
        self.replies = list(replies) or [Reply()]
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # clients that gave up are expected
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def url(self, path: str = "/api/interpreter") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            return self.replies[min(len(self.seen), len(self.replies)) - 1]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size) if size else b""
                reply = server._next(Seen(self.command, self.path, dict(self.headers), body))
                time.sleep(reply.delay)
                self.close_connection = True
                if reply.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.header_drip:   # status line and headers one byte at a time, then the body
                    head = (f"HTTP/1.1 {reply.status} OK\r\nContent-Type: {reply.content_type}\r\n"
                            f"X-Padding: {'a' * 4000}\r\nContent-Length: {len(reply.body)}\r\n\r\n").encode()
                    for i in range(len(head)):
                        self.wfile.write(head[i:i + 1])
                        self.wfile.flush()
                        time.sleep(reply.header_drip)
                    self.wfile.write(reply.body)
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(reply.body) if reply.length is None else reply.length))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not reply.drip:
                    self.wfile.write(reply.body)
                    return
                for i in range(len(reply.body)):
                    self.wfile.write(reply.body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip)

        return Handler


def block_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every host name but 127.0.0.1/localhost unresolvable, so no test can leave the machine."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not contact {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
