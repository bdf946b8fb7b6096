"""Relief-point files from URLs (Google Sheets CSV, Google My Maps KML, uMap, GeoJSON), cached.

Volunteers keep relief lists in shared spreadsheets and web maps; the atlas must still build
when that site is down or the network is gone, so every download lands in the cache and a failed
download falls back to the last good copy, with a warning that says how old it is.
"""
from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from papermap.errors import PapermapError
from papermap.sources.cache import Cache, CacheEntry
from papermap.sources.http import DEFAULT_MAX_BYTES, FetchError, Progress, Response, RetryPolicy, check_url, request

POINT_SUFFIXES = (".kml", ".kmz", ".csv", ".geojson", ".json", ".umap")

_CONTENT_TYPES = {
    "application/vnd.google-earth.kml+xml": ".kml",
    "application/vnd.google-earth.kmz": ".kmz",
    "text/csv": ".csv",
    "application/geo+json": ".geojson",
    "application/vnd.geo+json": ".geojson",
    "application/json": ".json",
}

Warn = Callable[[str], None]

# A build waits for a relief-point URL at most this long in all, retries included, then goes on
# with the cached copy or stops with the error: a stalled site must not hold a shelter's laptop
# for the 15 minutes an Overpass fetch may take.
POINTS_TIMEOUT = 30.0
POINTS_POLICY = RetryPolicy(attempts=3, total_time=90.0)


class OfflineMissError(PapermapError):
    """--offline was asked for, but the cache holds no copy of what is needed."""


def warn_stderr(message: str) -> None:
    print(f"papermap: warning: {message}", file=sys.stderr)


def fetch_with_cache(key: str, *, cache: Cache, offline: bool, label: str,
                     download: Callable[[], tuple[Response, str]], warn: Warn = warn_stderr,
                     hint: str = "run the same command once without --offline while online to download it"
                     ) -> CacheEntry:
    """Download and cache, or use the cached copy: only it when offline, as fallback on failure.

    `download` returns the checked response and the file suffix to store it under; any FetchError
    it raises (network, HTTP, invalid content) falls back to the cache when a copy exists. `hint`
    tells an offline user with an empty cache what to do.
    """
    if offline:
        entry = cache.get(key)
        if entry is None:
            raise OfflineMissError(f"{label}: no cached copy in {cache.root} to use offline; {hint}")
        warn(f"{label}: offline, using cached copy {entry.age()}")
        return entry
    try:
        response, suffix = download()
    except FetchError as exc:
        entry = cache.get(key)
        if entry is None:
            raise
        warn(f"{exc}; using cached copy {entry.age()}")
        return entry
    return cache.put(key, response.body, url=response.url, content_type=response.content_type, suffix=suffix)


def fetch_url(url: str, *, cache: Cache, offline: bool, timeout: float = POINTS_TIMEOUT,
              max_bytes: int = DEFAULT_MAX_BYTES, policy: RetryPolicy = POINTS_POLICY,
              progress: Progress | None = None, warn: Warn = warn_stderr) -> Path:
    """A local copy of a relief-point file at `url`, with the extension its reader dispatches on."""
    check_url(url)

    def download() -> tuple[Response, str]:
        response = request(url, timeout=timeout, max_bytes=max_bytes, policy=policy, progress=progress)
        return response, guess_suffix(response)

    return fetch_with_cache(Cache.key("GET", url), cache=cache, offline=offline, label=url,
                            download=download, warn=warn).path


def guess_suffix(response: Response) -> str:
    """The file type of a download, from its bytes, URL, file name and Content-Type, in that order.

    Share links rarely end in an extension: Google Sheets exports end in `/export?format=csv`,
    My Maps in `/kml?mid=…` (KMZ unless `forcekml=1`), uMap downloads name the file only in
    Content-Disposition.
    """
    url = urlsplit(response.url)
    path = PurePosixPath(url.path)
    query = {k.lower(): v[-1].lower() for k, v in parse_qs(url.query).items()}
    if response.body[:4] == b"PK\x03\x04":  # a zip: KMZ, whatever the link says
        return ".kmz"
    if path.suffix.lower() in POINT_SUFFIXES:
        return path.suffix.lower()
    disposed = _disposition_suffix(response.headers.get("Content-Disposition", ""))
    if disposed:
        return disposed
    wanted = query.get("format") or query.get("output") or query.get("tqx", "").removeprefix("out:")
    if f".{wanted}" in POINT_SUFFIXES:
        return f".{wanted}"
    if path.name == "kml":
        return ".kml" if query.get("forcekml") == "1" else ".kmz"
    if response.content_type in _CONTENT_TYPES:
        return _CONTENT_TYPES[response.content_type]
    if response.content_type == "text/html":
        raise FetchError(response.url, "this link gives a web page, not a data file: for Google Sheets "
                         "use the CSV link (File > Share > Publish to web > CSV, or …/export?format=csv), "
                         "for Google My Maps the KML link (…/maps/d/kml?mid=…&forcekml=1)")
    raise FetchError(response.url, f"cannot tell what kind of file this is (Content-Type "
                     f"{response.content_type or 'missing'}); expected one of {', '.join(POINT_SUFFIXES)}")


def _disposition_suffix(header: str) -> str:
    """The extension of `filename=` in a Content-Disposition header, if it is a points format."""
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() in ("filename", "filename*"):
            suffix = PurePosixPath(value.strip().strip('"').rsplit("'", 1)[-1]).suffix.lower()
            if suffix in POINT_SUFFIXES:
                return suffix
    return ""
