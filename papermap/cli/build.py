"""``papermap build``: config and/or flags in, atlas PDF out."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from papermap import settings


def register(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "build", help="build a printable atlas PDF",
        description="Build a printable atlas: an overview page, then map pages that tile the area at a "
                    "fixed scale. Every config key can also be given as a flag; flags win.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("config", nargs="?", type=Path, help="TOML config file (optional)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF to write")
    p.add_argument("--osm", help="OSM extract: .osm.pbf, .osm, .osm.bz2 or Overpass .json")
    p.add_argument("--bbox", help="area as WEST,SOUTH,EAST,NORTH in degrees (default: the extract's extent)")
    p.add_argument("--paper", help=f"paper size: {' or '.join(settings.PAPER_MM)} (default {settings.DEFAULT_PAPER})")
    p.add_argument("--orientation", help="portrait or landscape (default portrait)")
    p.add_argument("--scale", type=int, help="map scale denominator, e.g. 10000 for 1:10,000")
    p.add_argument("--overlap", dest="overlap_mm", type=float, help="overlap between pages in paper mm")
    p.add_argument("--style", help="style name in styles/ (colour, mono) or a .toml path")
    p.add_argument("--mono", action="store_const", const=True, help="black-and-white style for any printer")
    p.add_argument("--title", help="title printed on every page")
    p.add_argument("--lang", help="label languages: ja, en or ja,en")
    p.add_argument("--points", action="append", metavar="FILE",
                   help="relief points: CSV, GeoJSON, KML/KMZ or uMap file (repeatable)")
    p.add_argument("--overlays", action="append", metavar="FILE[#KIND]",
                   help="lines and areas (roads, outage/flooded areas, hazard zones): KML/KMZ, GeoJSON, uMap, "
                        "GeoPackage, Shapefile (.shp/.zip), FlatGeobuf, GPX, CSV/xlsx with WKT; #KIND (e.g. "
                        "#closed_road) gives all its lines or areas that kind (repeatable)")
    p.add_argument("--osm-points", dest="osm_points", action=argparse.BooleanOptionalAction, default=None,
                   help="also take relief points (water taps, toilets, shelters…) from the OSM data")
    p.add_argument("--qr-url", dest="qr_url",
                   help="http(s) URL template for the QR codes, e.g. https://example.org/map#{south},{west},{north},{east}")
    p.add_argument("--jobs", type=int, help="pages drawn in parallel processes (default: all cores)")
    p.add_argument("--cache-dir", dest="cache_dir", help="cache for downloads and drawn basemaps")
    p.add_argument("--offline", action="store_const", const=True, help="use only cached copies of URL sources")
    p.add_argument("--no-cache", action="store_true", help="draw the basemap afresh and do not cache it")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from papermap.config import load_config
    from papermap.pipeline import build_atlas, stderr_progress

    overrides = {k: getattr(args, k) for k in
                 ("osm", "bbox", "paper", "orientation", "scale", "overlap_mm", "style", "mono", "title", "lang",
                  "points", "overlays", "osm_points", "qr_url", "jobs", "cache_dir", "offline")}
    cfg = load_config(args.config, overrides)
    report = build_atlas(cfg, args.output, progress=None if args.quiet else stderr_progress,
                         use_cache=not args.no_cache)
    for warning in report.warnings:
        print(f"papermap: warning: {warning}", file=sys.stderr)
    print(f"wrote {args.output}: overview + {len(report.pages)} map pages, {report.points} relief points")
    return 0
