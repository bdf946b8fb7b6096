"""``papermap build``: config and/or flags in, atlas PDF (or PNG previews) out, through :func:`papermap.build`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from papermap import settings
from papermap.cli import EXIT_STATUS
from papermap.errors import PapermapError
from papermap.output.png import DEFAULT_DPI, DPI_RANGE

if TYPE_CHECKING:
    from papermap.api import Report

# the flags that are config keys, handed to papermap.build as its settings
SETTINGS = ("osm", "bbox", "paper", "orientation", "scale", "overlap_mm", "style", "mono", "title", "lang",
            "points", "overlays", "osm_points", "qr_url", "jobs", "cache_dir", "offline", "layout", "around",
            "radius", "sheets", "hide", "categories", "large_print")

OUTPUTS = """\
outputs:
  -o FILE.pdf          the atlas PDF: overview, map pages, point tables
  -o FILE.png          PNG previews, one per sheet: FILE-01.png (the overview), FILE-02.png…,
                       at --dpi
  -o -                 the PDF on standard output (progress and summary go to stderr)
  --grid-out F.geojson the page grid for QGIS and web maps: one polygon per page with its
                       number, bbox (W,S,E,N degrees) and neighbours
"""


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "build", help="build a printable atlas PDF (or PNG previews)",
        description="Build a printable atlas: an overview page, then map pages that tile the area at a\n"
                    "fixed scale. Every config key can also be given as a flag; flags win.",
        epilog=OUTPUTS + "\n" + EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", nargs="?", type=Path, help="TOML config file (optional)")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="FILE.pdf, FILE.png (one PNG per sheet: FILE-01.png…) or - for standard output")
    p.add_argument("--osm", metavar="FILE", help="OSM extract: .osm.pbf, .osm, .osm.bz2 or Overpass .json "
                                                "(optional with --points: a plain atlas on a coordinate grid)")
    p.add_argument("--bbox", metavar="W,S,E,N",
                   help="area as west,south,east,north in degrees (default: the extract's extent)")
    p.add_argument("--paper", help=f"paper size: {', '.join(settings.PAPER_MM)} (default: {settings.DEFAULT_PAPER})")
    p.add_argument("--orientation", help=f"portrait or landscape (default: {settings.DEFAULT_ORIENTATION})")
    p.add_argument("--scale", type=int, metavar="N",
                   help=f"map scale denominator, e.g. 5000 for 1:5,000 (default: {settings.DEFAULT_SCALE})")
    p.add_argument("--overlap", dest="overlap_mm", type=float, metavar="MM",
                   help=f"overlap between pages in paper mm (default: {settings.DEFAULT_OVERLAP_MM:g})")
    p.add_argument("--style", metavar="NAME|FILE",
                   help=f"built-in style (colour or mono) or a style .toml file (default: {settings.DEFAULT_STYLE})")
    p.add_argument("--mono", action="store_const", const=True, help="black-and-white style for any printer")
    p.add_argument("--title", help="title printed on every page (default: the extract's file name)")
    p.add_argument("--lang", help=f"label languages: ja, en or ja,en (default: {','.join(settings.DEFAULT_LANG)})")
    p.add_argument("--points", action="append", metavar="FILE",
                   help="relief points: CSV, GeoJSON, KML/KMZ or uMap file (repeatable); FILE#CATEGORY "
                        "makes every point in it that category")
    p.add_argument("--category", action=_SourceCategory, metavar="CATEGORY",
                   help="the category of every point in the --points FILE just before it, e.g. shelter")
    p.add_argument("--categories", metavar="TOML", help="own categories, merged with the built-in ones")
    p.add_argument("--hide", metavar="STATUS,…",
                   help="leave points of these statuses off the paper: closed, limited, unknown, open "
                        "(e.g. --hide closed,unknown); the build says how many")
    p.add_argument("--overlays", action="append", metavar="FILE[#KIND]",
                   help="lines and areas (roads, outage/flooded areas, hazard zones): KML/KMZ, GeoJSON, uMap, "
                        "GeoPackage, Shapefile (.shp/.zip), FlatGeobuf, GPX, CSV/xlsx with WKT; #KIND (e.g. "
                        "#closed_road) gives all its lines or areas that kind (repeatable)")
    p.add_argument("--osm-points", dest="osm_points", action=argparse.BooleanOptionalAction, default=None,
                   help="also take relief points (water taps, toilets, shelters…) from the OSM data (default: yes)")
    p.add_argument("--qr-url", dest="qr_url", metavar="URL",
                   help="http(s) URL template for the QR codes, e.g. https://example.org/map#{south},{west},{north},{east}")
    p.add_argument("--layout", choices=("atlas", "sheet", "poster", "auto"),
                   help="atlas: overview, map pages, their lists on sheets of their own; sheet: each map page with "
                        "its list on the same sheet; poster: one map over --sheets, with cut and glue marks; "
                        "auto: sheet when the area fits one sheet, else atlas (default: atlas)")
    p.add_argument("--sheets", metavar="AxD",
                   help="with --layout poster: sheets across x down, e.g. 3x3 (default: 2x2); 1x1 with "
                        "--paper A1 is one big page. The scale fits the area unless --scale is given")
    p.add_argument("--around", metavar="FILE|KIND",
                   help="one page centred on each point of a points file, or of a kind already loaded "
                        "(e.g. shelter), with its list, titled with the point's name")
    p.add_argument("--radius", type=float, metavar="M",
                   help="with --around: ground metres from a page's centre to its nearer edge "
                        "(default: what the scale gives)")
    p.add_argument("--large-print", dest="large_print", action="store_const", const=True,
                   help="for elderly readers: table text at least 12 pt (names 14 pt), symbols 1.5 times larger, "
                        "no text under 9 pt (atlas layout)")
    p.add_argument("--jobs", type=int, metavar="N", help="pages drawn in parallel processes (default: all cores)")
    p.add_argument("--cache-dir", dest="cache_dir", metavar="DIR",
                   help="cache for downloads and drawn basemaps (default: the user cache folder)")
    p.add_argument("--offline", action="store_const", const=True, help="use only cached copies of URL sources")
    p.add_argument("--no-cache", action="store_true", help="draw the basemap afresh and do not cache it")
    p.add_argument("--dpi", type=int, default=DEFAULT_DPI,
                   help=f"resolution of PNG previews, {DPI_RANGE[0]} to {DPI_RANGE[1]} (default: {DEFAULT_DPI})")
    p.add_argument("--grid-out", dest="grid_out", metavar="FILE.geojson",
                   help="also write the page grid as GeoJSON (page number, bbox, neighbours)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress (warnings and the summary are still printed)")
    p.set_defaults(run=run)
    return p


class _SourceCategory(argparse.Action):
    """``--points FILE --category shelter``: the category goes with the file before it (as FILE#shelter)."""

    def __call__(self, parser, namespace, values, option_string=None):
        points = getattr(namespace, "points", None)
        if not points:
            parser.error(f"{option_string} {values} must follow the --points FILE it applies to")
        points[-1] = f"{points[-1]}#{values}"


def plural(n: int, noun: str) -> str:
    """'1 map page', '2 map pages'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def summary(report: Report, output: str, grid_out: str | None = None) -> str:
    """One line: what was written, how many pages, and where the relief points went."""
    if output == "-":
        written = "the PDF to standard output"
    elif output.lower().endswith(".png"):
        pngs = [f for f in report.files if f.suffix.lower() == ".png"]
        written = f"{pngs[0]} … {pngs[-1].name} ({plural(len(pngs), 'sheet')})"
    else:
        written = output
    points = f"{plural(report.placed, 'relief point')} on the map"
    if report.outside:
        points += f", {report.outside:,} outside every page (see the warning)"
    grid = f"; page grid in {grid_out}" if grid_out else ""
    layout = f" ({report.layout})" if report.layout.startswith("auto") else ""
    if report.layout == "poster":
        return f"wrote {written}: a poster of {plural(len(report.pages), 'sheet')}, {points}{grid}"
    first = "" if report.layout.startswith(("sheet", "auto: sheet", "around")) and len(report.pages) == 1 else "overview + "
    return f"wrote {written}{layout}: {first}{plural(len(report.pages), 'map page')}, {points}{grid}"


def run(args: argparse.Namespace) -> int:
    from papermap.api import build
    from papermap.cli.progress import reporter

    to_stdout = args.output == "-"
    if to_stdout and sys.stdout.isatty():
        raise PapermapError("not writing PDF bytes to a terminal: redirect standard output (-o - > atlas.pdf) "
                            "or give -o FILE")
    with reporter(args.quiet) as progress:
        report = build(sys.stdout.buffer if to_stdout else args.output, args.config, dpi=args.dpi,
                       grid_out=args.grid_out, progress=progress, use_cache=not args.no_cache,
                       **{k: getattr(args, k) for k in SETTINGS})
    for warning in report.warnings:
        print(f"papermap: warning: {warning}", file=sys.stderr)
    print(summary(report, args.output, args.grid_out), file=sys.stderr if to_stdout else sys.stdout)
    return 0
