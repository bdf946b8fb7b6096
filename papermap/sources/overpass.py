"""OpenStreetMap data for an area from the Overpass API, as plain Overpass JSON, with offline cache.

One query fetches the basemap layers and relief-relevant points with full node/way/relation
membership, so papermap.sources.osm.read_osm can rebuild geometry from the file like any extract.
"""
from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlencode

from papermap.errors import PapermapError
from papermap.sources.cache import Cache, CacheEntry
from papermap.sources.http import DEFAULT_MAX_BYTES, FetchError, Progress, Response, RetryPolicy, check_url, request
from papermap.sources.remote import Warn, fetch_with_cache, warn_stderr

DEFAULT_ENDPOINTS = (
    "https://overpass-api.de/api/interpreter",
    "https://overpass.private.coffee/api/interpreter",
)
DEFAULT_TIMEOUT = 180  # seconds; Overpass's own default query time limit

# what the basemap draws, and the points relief workers look for
BASEMAP_KEYS = ("highway", "railway", "building", "natural", "waterway", "landuse", "leisure", "place")
POI_KEYS = ("amenity", "emergency", "social_facility", "shop", "healthcare")
WATER_MAN_MADE = ("water_tap", "water_well", "water_tower", "water_works")

Doc = dict[str, Any]


@dataclass(frozen=True)
class BBox:
    """West, south, east, north in WGS84 degrees: the order of --bbox (Overpass wants S,W,N,E)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """Read 'W,S,E,N', explaining the usual mistakes (lat/lon swapped, edges reversed)."""
        try:
            west, south, east, north = (float(v) for v in text.split(","))
        except ValueError:
            raise PapermapError(f"--bbox {text!r}: expected four numbers W,S,E,N "
                                "(west lon, south lat, east lon, north lat), e.g. 136.89,37.38,136.92,37.40") from None
        for lat in (south, north):
            if not -90 <= lat <= 90:
                raise PapermapError(f"--bbox {text}: latitude {lat:g} is outside -90..90; the order is "
                                    "W,S,E,N (longitude first)")
        for lon in (west, east):
            if not -180 <= lon <= 180:
                raise PapermapError(f"--bbox {text}: longitude {lon:g} is outside -180..180")
        if south >= north or west >= east:
            raise PapermapError(f"--bbox {text}: west must be less than east and south less than north "
                                "(the order is W,S,E,N)")
        return cls(west, south, east, north)

    def __str__(self) -> str:
        return ",".join(_degrees(v) for v in (self.west, self.south, self.east, self.north))


def _degrees(value: float) -> str:
    """Up to 7 decimals (about 1 cm), without trailing zeros."""
    return f"{value:.7f}".rstrip("0").rstrip(".")


def build_query(bbox: BBox, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The one Overpass QL query for an atlas area: features plus everything they are made of."""
    man_made = "|".join(WATER_MAN_MADE)
    selects = [f"  nwr[{key}];" for key in BASEMAP_KEYS + POI_KEYS]
    selects.append(f'  nwr[man_made~"^({man_made})$"];')
    return (f"[out:json][timeout:{_query_timeout(timeout)}]"
            f"[bbox:{_degrees(bbox.south)},{_degrees(bbox.west)},{_degrees(bbox.north)},{_degrees(bbox.east)}];\n"
            "(\n" + "\n".join(selects) + "\n);\n"
            "(._; >;);\n"
            "out body qt;\n")


def build_place_query(name: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Overpass's own area search: the OSM objects named `name` (or name:en) that form an area."""
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (f"[out:json][timeout:{_query_timeout(timeout)}];\n"
            f"(area[name={quoted}]; area[\"name:en\"={quoted}];)->.a;\n"
            "nwr(pivot.a);\n"
            "out tags bb;\n")


def _query_timeout(timeout: float) -> int:
    if not math.isfinite(timeout):
        raise PapermapError(f"--timeout {timeout}: give a number of seconds")
    return max(1, math.ceil(timeout))


def http_timeout(timeout: float) -> float:
    """How long to wait for an answer: the server's own limit plus a grace, so its error arrives first."""
    return timeout + min(timeout, 30.0)


def check_response(body: bytes, url: str) -> Doc:
    """The parsed Overpass JSON; a timeout/memory remark or a cut-off body is an error, not an empty map."""
    try:
        doc = json.loads(body)
    except UnicodeDecodeError:
        raise FetchError(url, "the answer is not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        cause = ("it is cut off (truncated download)" if exc.pos >= len(body.rstrip())
                 else f"{exc.msg} at byte {exc.pos}")
        raise FetchError(url, f"the answer is not valid JSON: {cause}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), list):
        raise FetchError(url, "the answer is not Overpass JSON (it has no 'elements' list)")
    remark = str(doc.get("remark") or "").strip()
    if re.search(r"error|timed out|out of memory", remark, re.IGNORECASE):
        raise FetchError(url, f"Overpass could not finish the query ({remark}); "
                              "try a smaller area or a longer --timeout")
    return doc


@dataclass(frozen=True)
class Overpass:
    """An Overpass client: endpoints tried in order, limits, and the cache behind it."""

    cache: Cache
    offline: bool = False
    endpoints: Sequence[str] = DEFAULT_ENDPOINTS
    timeout: float = DEFAULT_TIMEOUT  # the server's query time limit; the HTTP wait is a bit longer
    max_bytes: int = DEFAULT_MAX_BYTES
    policy: RetryPolicy = RetryPolicy()
    progress: Progress | None = None
    warn: Warn = warn_stderr

    def run(self, query: str, label: str) -> tuple[CacheEntry, Doc]:
        """Run `query` on the first endpoint that answers well and cache it; fall back to the cache.

        The cache key leaves out the endpoint and [timeout:]: every mirror serves the same data,
        so a copy fetched from a mirror is just as good offline.
        """
        if not self.endpoints:
            raise PapermapError("no Overpass endpoint given")
        for endpoint in self.endpoints:
            check_url(endpoint)
        body = urlencode({"data": query}).encode("ascii")
        docs: list[Doc] = []

        def download() -> tuple[Response, str]:
            deadline = time.monotonic() + self.policy.total_time
            failures: list[FetchError] = []
            for endpoint in self.endpoints:
                try:
                    response = request(endpoint, method="POST", data=body, timeout=http_timeout(self.timeout),
                                       headers={"Content-Type": "application/x-www-form-urlencoded"},
                                       max_bytes=self.max_bytes, policy=self.policy, deadline=deadline,
                                       progress=self.progress)
                    docs.append(check_response(response.body, endpoint))
                    return response, ".json"
                except FetchError as exc:
                    failures.append(exc)
                    if time.monotonic() >= deadline:
                        break
            if len(failures) == 1:
                raise failures[0]
            raise FetchError("Overpass API", "every server failed: " + "; ".join(map(str, failures)))

        key = Cache.key("POST", "overpass", re.sub(r"\[timeout:\d+\]", "", query).encode("utf-8"))
        entry = fetch_with_cache(key, cache=self.cache, offline=self.offline, label=label,
                                 download=download, warn=self.warn,
                                 hint="run `papermap fetch` for this area once without --offline while "
                                      "online, with the same --cache-dir, to download it")
        return entry, docs[0] if docs else _read_cached(entry)

    def fetch_area(self, bbox: BBox) -> tuple[CacheEntry, Doc]:
        """OSM data for `bbox`: the cached Overpass JSON file and its parsed content."""
        return self.run(build_query(bbox, self.timeout), f"OpenStreetMap data for --bbox {bbox}")

    def resolve_place(self, name: str) -> Place:
        """The one area named `name`; several candidates are listed rather than guessed between."""
        _, doc = self.run(build_place_query(name, self.timeout), f"place search for {name!r}")
        places = [_place(el) for el in doc["elements"] if isinstance(el, dict) and "bounds" in el]
        admin = [p for p in places if p.admin_level]
        if len(admin) == 1:
            return admin[0]
        if len(places) == 1:
            return places[0]
        if not places:
            raise PapermapError(f"--place {name!r}: no OpenStreetMap area has this name or name:en; use the "
                                "spelling shown on openstreetmap.org (e.g. 輪島市 or Wajima), "
                                "or give --bbox W,S,E,N")
        candidates = admin or places
        shown = "; ".join(map(str, candidates[:5]))
        more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
        raise PapermapError(f"--place {name!r} matches {len(candidates)} areas: {shown}{more}; "
                            "pick one and pass its --bbox instead")


def _read_cached(entry: CacheEntry) -> Doc:
    try:
        return json.loads(entry.path.read_bytes())
    except (OSError, ValueError) as exc:
        raise PapermapError(f"{entry.path}: cached Overpass data is unreadable ({exc}); "
                            "delete it and fetch again") from None


@dataclass(frozen=True)
class Place:
    """The OSM object a place name resolved to, and its bounding box."""

    name: str
    osm_type: str
    osm_id: int
    admin_level: str
    bbox: BBox

    def __str__(self) -> str:
        level = f", admin_level {self.admin_level}" if self.admin_level else ""
        return f"{self.name} ({self.osm_type} {self.osm_id}{level}; --bbox {self.bbox})"


def _place(element: Doc) -> Place:
    """A place search answer's element; bounds that are missing, not numbers or not W<E, S<N (a
    damaged answer, or a place that is a single point) are an error naming the element."""
    tags, b = element.get("tags"), element["bounds"]
    tags = tags if isinstance(tags, dict) else {}
    name = f"{element.get('type', '?')} {element.get('id', '?')}"
    try:
        edges = [float(b[k]) for k in ("minlon", "minlat", "maxlon", "maxlat")]
        bbox = BBox.parse(",".join(map(repr, edges)))
    except (KeyError, TypeError, ValueError, OverflowError, PapermapError) as exc:
        detail = exc if isinstance(exc, PapermapError) else "missing or not numbers"
        raise PapermapError(f"Overpass gave unusable bounds for {name} ({detail}); give --bbox W,S,E,N instead") \
            from None
    admin = tags.get("admin_level", "") if tags.get("boundary") == "administrative" else ""
    return Place(name=str(tags.get("name", "?")), osm_type=str(element.get("type", "?")),
                 osm_id=element.get("id", 0), admin_level=str(admin), bbox=bbox)
