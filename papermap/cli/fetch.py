"""`papermap fetch`: download OpenStreetMap data for an area once, while there is a network.

The file it writes is plain Overpass JSON that `papermap build` reads like any OSM extract, and
the cached copy lets the same command work later with --offline.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from papermap.errors import PapermapError
from papermap._files import atomic_write
from papermap.sources.cache import ENV_VAR, Cache
from papermap.sources.http import DEFAULT_MAX_BYTES, RetryPolicy, format_bytes
from papermap.sources.overpass import DEFAULT_ENDPOINTS, DEFAULT_TIMEOUT, BBox, Overpass

DEFAULT_MAX_TIME = 900.0

_EPILOG = """\
examples:
  papermap fetch --bbox 136.88,37.38,136.92,37.40 -o wajima.osm.json
  papermap fetch --place 輪島市 -o wajima.osm.json
  papermap fetch --bbox 136.88,37.38,136.92,37.40 -o wajima.osm.json --offline

Data © OpenStreetMap contributors, available under the ODbL (openstreetmap.org/copyright).
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "fetch",
        help="download OpenStreetMap data for an area from Overpass (cached for offline use)",
        description="Download the roads, buildings, water, land use, places and relief-relevant points\n"
                    "(water taps, shelters, toilets, shops, clinics…) of one area from the Overpass API\n"
                    "and write them as Overpass JSON for `papermap build`. Every download is cached: if\n"
                    "the network fails later, the cached copy is used and its age is shown.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--bbox", metavar="W,S,E,N",
                       help="the area as west,south,east,north in degrees (longitude first), "
                            "e.g. 136.88,37.38,136.92,37.40")
    where.add_argument("--place", metavar="NAME",
                       help="the area of a named place (city, ward, town), found by Overpass's own area "
                            "search on name or name:en, e.g. 輪島市 or Wajima; prints the --bbox it used")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json",
                   help="where to write the Overpass JSON (name must end in .json); written only when "
                        "complete, never half-written")
    p.add_argument("--overpass-url", action="append", metavar="URL", dest="overpass_urls",
                   help="Overpass API interpreter URL; repeat to give fallbacks, tried in order "
                        f"(default: {' then '.join(DEFAULT_ENDPOINTS)})")
    p.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="time limit for the query on the Overpass server; the client waits for an answer "
                        f"up to that plus min(SECONDS, 30) (default: {DEFAULT_TIMEOUT})")
    p.add_argument("--max-time", type=_positive_float, default=DEFAULT_MAX_TIME, metavar="SECONDS",
                   help="give up after this long in total, retries and waits for busy servers included "
                        f"(default: {DEFAULT_MAX_TIME:g})")
    p.add_argument("--cache-dir", metavar="DIR",
                   help=f"download cache folder (default: ${ENV_VAR} if set, else the user cache folder)")
    p.add_argument("--offline", action="store_true",
                   help="do not use the network: write the copy cached by an earlier fetch of the same "
                        "area, or fail if there is none")
    p.add_argument("--max-bytes", type=parse_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                   help="refuse downloads larger than this; a number of bytes or with K, M, G "
                        f"(default: {DEFAULT_MAX_BYTES // 2**20}M)")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace, *, sleep: Callable[[float], None] = time.sleep) -> int:
    """Fetch (or take from the cache) and write the output file; `sleep` is injectable for tests."""
    output = Path(args.output)
    if output.suffix.lower() != ".json":
        raise PapermapError(f"{output}: the output name must end in .json (e.g. area.osm.json) so that "
                            "`papermap build` reads it as Overpass JSON")
    if not output.parent.is_dir():
        raise PapermapError(f"{output}: folder {output.parent} does not exist")
    client = Overpass(cache=Cache(args.cache_dir), offline=args.offline,
                      endpoints=tuple(args.overpass_urls or DEFAULT_ENDPOINTS), timeout=args.timeout,
                      max_bytes=args.max_bytes, policy=RetryPolicy(total_time=args.max_time, sleep=sleep))
    if args.place:
        place = client.resolve_place(args.place)
        print(f"place {args.place!r}: {place}")
        bbox = place.bbox
    else:
        bbox = BBox.parse(args.bbox)
    entry, doc = client.fetch_area(bbox)
    atomic_write(output, entry.path.read_bytes())
    counts = {kind: 0 for kind in ("node", "way", "relation")}
    for element in doc["elements"]:
        if element.get("type") in counts:
            counts[element["type"]] += 1
    if not doc["elements"]:
        print(f"papermap: warning: no map features in --bbox {bbox}; check that it is west,south,east,north "
              "(longitude first)", file=sys.stderr)
    print(f"wrote {output} ({format_bytes(output.stat().st_size)}): {counts['node']:,} nodes, "
          f"{counts['way']:,} ways, {counts['relation']:,} relations; {_data_date(doc)}; "
          "© OpenStreetMap contributors (ODbL)")
    return 0


def _data_date(doc: dict) -> str:
    stamp = str((doc.get("osm3s") or {}).get("timestamp_osm_base", ""))
    try:
        return f"OpenStreetMap data as of {datetime.fromisoformat(stamp):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return "data date unknown"


def parse_size(text: str) -> int:
    """'200M' → 209715200: sizes as people type them."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", text, re.IGNORECASE)
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 500000, 300K, 200M or 1G")
    return int(match[1]) * 1024 ** " kmg".index((match[2] or " ").lower())


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):  # inf would pass a bare > 0, and NaN nothing
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value
