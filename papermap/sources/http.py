"""HTTP downloads that survive disaster-zone networks: retries with backoff, and hard size and time limits.

Mobile links after a disaster drop connections, public servers answer 429/5xx under load, and a
proxy may cut a body short. Every failure here ends either in a retry or in one FetchError line
that names the URL and what went wrong, never in a traceback or a silently empty map.
"""
from __future__ import annotations

import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Callable, Iterator, Mapping
from urllib.parse import urlsplit

import requests
import urllib3

from papermap.errors import PapermapError
from papermap.settings import USER_AGENT

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_MAX_BYTES = 512 * 1024 * 1024  # a whole town from Overpass is tens of MB; this stops runaways
CONNECT_TIMEOUT = 15.0                 # seconds to open a connection; the read timeout is separate
CHUNK = 64 * 1024

Progress = Callable[[int, int | None], None]
"""Called with (bytes received so far, total bytes if the server said, else None)."""


class FetchError(PapermapError):
    """A download failed for good (after any retries). Prints as one line: URL: reason."""

    def __init__(self, url: str, reason: str):
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")

    def __reduce__(self):
        """Pickled as (url, reason): a download that failed in a forked reader re-raises here as itself
        (unpicklable, it broke the pool and the URL was fetched a second time)."""
        return type(self), (self.url, self.reason)


class _Retryable(Exception):
    """A failure worth another try (connection trouble, busy or failing server)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The defaults are polite to shared public servers; tests pass a fake sleep."""

    attempts: int = 4               # tries per URL, the first one included
    backoff: float = 2.0            # seconds before the first retry, doubled for each further retry
    max_backoff: float = 60.0
    max_retry_after: float = 120.0  # a server's Retry-After is honoured up to this many seconds
    total_time: float = 900.0       # everything, retries and waits included, ends within this
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


@dataclass(frozen=True)
class Response:
    """A complete, size-checked body plus what the caller needs to store and dispatch it."""

    url: str
    status: int
    content_type: str
    headers: Mapping[str, str]
    body: bytes


def check_url(url: str) -> None:
    """Refuse anything but http(s) before any request: a points URL must never read local files."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        what = f"{scheme}:// URLs are" if scheme else "this is not a URL and"
        raise FetchError(url, f"{what} not downloaded; only http:// and https:// URLs are")
    if not parts.hostname:
        raise FetchError(url, "the URL has no host name")


def backoff_delay(policy: RetryPolicy, retry: int) -> float:
    """Wait before retry number `retry` (1-based): exponential, with jitter so clients spread out."""
    ceiling = min(policy.max_backoff, policy.backoff * 2 ** (retry - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    policy: RetryPolicy = RetryPolicy(),
    deadline: float | None = None,
    progress: Progress | None = None,
) -> Response:
    """Download `url` completely, retrying transient faults; raise FetchError when it cannot be done.

    `timeout` bounds each wait for data; `deadline` (time.monotonic()) lets several calls share
    one time budget, otherwise it is policy.total_time from now.
    """
    check_url(url)
    start = time.monotonic()
    end = start + policy.total_time if deadline is None else deadline
    if progress is None and sys.stderr.isatty():
        progress = _TerminalProgress(url)
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    failures = 0
    with requests.Session() as session:
        while True:
            try:
                wait_at_most = max(0.01, min(timeout, end - time.monotonic()))
                return _attempt(session, method, url, data, sent, wait_at_most, max_bytes, end, progress)
            except _Retryable as exc:
                failures += 1
                spent = time.monotonic() - start
                tries = f"{failures} attempt{'s' if failures > 1 else ''} in {spent:.0f} s"
                if failures >= policy.attempts:
                    raise FetchError(url, f"{exc.reason} (gave up after {tries})") from None
                if exc.retry_after is not None:
                    wait = min(exc.retry_after, policy.max_retry_after)
                else:
                    wait = backoff_delay(policy, failures)
                if time.monotonic() + wait >= end:
                    raise FetchError(url, f"{exc.reason} (gave up after {tries}: waiting {wait:.0f} s more "
                                          f"would pass the {policy.total_time:.0f} s time limit)") from None
                policy.sleep(wait)
            finally:
                if isinstance(progress, _TerminalProgress):
                    progress.finish()


def _attempt(session: requests.Session, method: str, url: str, data: bytes | None,
             headers: Mapping[str, str], timeout: float, max_bytes: int, end: float,
             progress: Progress | None) -> Response:
    """One try. Raises _Retryable for transient faults and FetchError for lasting ones."""
    try:
        resp = _answer_by(end, url, lambda: session.request(
            method, url, data=data, headers=dict(headers), stream=True,
            timeout=(min(CONNECT_TIMEOUT, timeout), timeout)))
    except requests.Timeout:
        raise _Retryable(f"no answer within {timeout:g} s") from None
    except requests.exceptions.SSLError as exc:  # retrying will not fix a certificate
        raise FetchError(url, f"secure connection failed ({describe_connection_error(exc)})") from None
    except requests.ConnectionError as exc:
        raise _Retryable(describe_connection_error(exc)) from None
    except requests.RequestException as exc:  # invalid redirect target, too many redirects…
        raise FetchError(url, str(exc)) from None
    with resp:
        status = resp.status_code
        if status == 429 or status >= 500:
            reason = f"HTTP {status} {resp.reason or ''}".rstrip()
            if status == 429:
                reason += " (the server is busy or rate-limiting)"
            raise _Retryable(reason, _retry_after(resp.headers.get("Retry-After")))
        if status >= 400:
            raise FetchError(url, f"HTTP {status} {resp.reason or ''}".rstrip() + _error_text(resp))
        body = _read_body(resp, url, max_bytes, end, progress)
        return Response(url=resp.url, status=status, headers=resp.headers, body=body,
                        content_type=resp.headers.get("Content-Type", "").split(";")[0].strip().lower())


def _answer_by(end: float, url: str, send: Callable[[], requests.Response]) -> requests.Response:
    """``send()`` (the request, up to the answer's status line and headers), given up at ``end``.

    requests bounds each receive, not the whole answer: a server that trickles its headers a byte
    at a time keeps every receive within the read timeout. So the request waits in a daemon thread
    of its own and, past the deadline, the caller stops waiting for it (the thread then ends at
    its socket's read timeout, or with the process); the body has its own deadline (``_read_body``).
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["answer"] = send()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below, as raised
            box["error"] = exc

    waiter = threading.Thread(target=run, name="papermap-http", daemon=True)
    waiter.start()
    waiter.join(max(0.0, end - time.monotonic()))
    if waiter.is_alive():
        raise FetchError(url, "no complete answer (status line and headers) when the time limit ran out")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["answer"]  # type: ignore[return-value]


def _read_body(resp: requests.Response, url: str, max_bytes: int, end: float,
               progress: Progress | None) -> bytes:
    """Stream the body, stopping past max_bytes or the deadline; a cut connection is retryable.

    Read with ``read1`` (whatever one receive brings) and the socket's timeout set to the time
    left before each receive: reading whole chunks, a server dripping one byte a second kept
    every receive within the timeout and the deadline was not looked at for hours.
    """
    length = resp.headers.get("Content-Length", "")
    total = int(length) if length.isdigit() else None
    if total is not None and total > max_bytes:
        raise FetchError(url, f"the file is {format_bytes(total)}, larger than the download limit "
                              f"of {format_bytes(max_bytes)}")
    chunks: list[bytes] = []
    done = 0
    connection = getattr(resp.raw, "connection", None)
    sock = getattr(connection, "sock", None)

    def received() -> Iterator[bytes]:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise FetchError(url, f"download still unfinished after {format_bytes(done)} when the "
                                      "time limit ran out")
            if sock is not None:
                sock.settimeout(min(left, sock.gettimeout() or left))
            try:
                chunk = resp.raw.read1(CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError:
                if time.monotonic() >= end:
                    continue  # the deadline, not the server's pause: said above
                raise
            if not chunk:
                return
            yield chunk

    try:
        for chunk in received():
            done += len(chunk)
            if done > max_bytes:
                raise FetchError(url, f"stopped after {format_bytes(done)}: larger than the download "
                                      f"limit of {format_bytes(max_bytes)}")
            if time.monotonic() > end:
                raise FetchError(url, f"download still unfinished after {format_bytes(done)} when the "
                                      "time limit ran out")
            chunks.append(chunk)
            if progress:
                progress(done, total)
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        got = f" after {format_bytes(done)}" if done else ""
        raise _Retryable(f"connection lost during download{got} ({describe_connection_error(exc)})") from None
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _error_text(resp: requests.Response) -> str:
    """The first words of an error page (Overpass explains query errors there), as a short suffix."""
    try:
        head = next(resp.iter_content(4096), b"")
    except requests.RequestException:
        return ""
    text = re.sub(r"<[^>]*>", " ", head.decode("utf-8", "replace"))
    text = re.sub(r"\s+", " ", text).strip()
    return f": {text[:200]}" if text else ""


_CONNECTION_CAUSES = (
    ("Connection refused", "connection refused (is the server running, is the URL right?)"),
    ("RemoteDisconnected", "the server closed the connection without answering"),
    ("Connection aborted", "the server closed the connection without answering"),
    ("Connection reset", "the connection was reset"),
    ("IncompleteRead", "the connection closed before the whole file arrived"),
    ("Response ended prematurely", "the connection closed before the whole file arrived"),
    ("NameResolutionError", "cannot look up the host name (offline, or no DNS?)"),
    ("Network is unreachable", "network unreachable (offline?)"),
    ("CERTIFICATE_VERIFY_FAILED", "the server's certificate could not be verified"),
    ("timed out", "the connection timed out"),
)


def describe_connection_error(exc: BaseException) -> str:
    """A short human cause instead of urllib3's multi-line connection-pool message."""
    text = repr(exc)
    for marker, meaning in _CONNECTION_CAUSES:
        if marker in text:
            return meaning
    return re.sub(r"\s+", " ", str(exc))[:160] or type(exc).__name__


def format_bytes(n: int) -> str:
    """Sizes as users read them: 1,234 bytes / 12.3 MB."""
    if n < 1024 * 1024:
        return f"{n:,} bytes"
    return f"{n / (1024 * 1024):,.1f} MB"


class _TerminalProgress:
    """One self-overwriting stderr line with the bytes so far; used only when stderr is a terminal."""

    def __init__(self, url: str):
        self.label = urlsplit(url).hostname or url
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < 0.25:
            return
        self.last = now
        of = f" of {format_bytes(total)}" if total else ""
        sys.stderr.write(f"\r  {self.label}: {format_bytes(done)}{of}   ")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False
