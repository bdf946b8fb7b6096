"""``papermap check``: validate relief-point files before a build, one line per problem."""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter

from papermap.cli import EXIT_STATUS
from papermap.errors import InputError
from papermap.model.categories import Categories, load_categories
from papermap.model.overlays import load_overlay_kinds
from papermap.model.points import Point, Problem, ReadResult
from papermap.sources.overlays import read_for_check
from papermap.sources.points import detect_format
from papermap.sources.points.csv import read_csv
from papermap.sources.points.geojson import read_geojson
from papermap.sources.points.kml import read_kml
from papermap.sources.points.umap import read_umap

STDIN = "<stdin>"   # how problems in piped input are located: <stdin>:LINE:FIELD: message


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "check",
        help="validate relief-point and overlay files (CSV, GeoJSON, KML/KMZ, uMap, GeoPackage, Shapefile, GPX…)",
        description="Read relief-point and overlay files the way 'build' does and print every problem as\n"
                    "FILE:LINE_OR_FEATURE:FIELD: message. Exit status 1 if any row is unusable.",
        epilog="example:\n  curl -s https://example.org/water.csv | papermap check - --format csv\n\n" + EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="points or overlay file(s) to check; FILE#KIND as for build --overlays; "
                        "- reads points from standard input")
    p.add_argument("--format", choices=("csv", "geojson", "kml"),
                   help="what standard input holds (default: recognised from its content; files are "
                        "recognised by content and extension). A uMap export is geojson.")
    p.add_argument("--summary", action="store_true", help="also print how many points each category and how many lines and areas each kind got")
    p.add_argument("--json", action="store_true",
                   help="print one JSON document instead: every point (name, category, status, lat, lon, position, "
                        "placed_by, source) and every problem (file, line, field, message)")
    p.add_argument("--osm", metavar="EXTRACT",
                   help="place points that have only an address from this OSM extract, as build does "
                        "(without it they are listed as unplaced)")
    p.add_argument("--categories", metavar="TOML", help="category table (default: the built-in categories.toml)")
    p.add_argument("--map", dest="category_map", action="append", default=[], metavar="NAME=CATEGORY",
                   help="treat a source's folder/category NAME as our CATEGORY id (repeatable)")
    p.set_defaults(run=run)
    return p


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        name, sep, category = pair.rpartition("=")
        if not sep or not name.strip() or not category.strip():
            raise InputError(f"--map {pair!r}: expected NAME=CATEGORY")
        mapping[name.strip()] = category.strip()
    return mapping


def read_stdin(fmt: str | None, categories: Categories, category_map: dict[str, str]) -> ReadResult:
    """The points piped in, read as ``fmt`` (csv, geojson, kml), or as their content says."""
    data = sys.stdin.buffer.read()
    found = detect_format(STDIN, data)
    kind = found if fmt is None or (fmt, found) == ("geojson", "umap") else fmt
    reader = {"csv": read_csv, "geojson": read_geojson, "kml": read_kml, "umap": read_umap}[kind]
    return reader(STDIN, categories, category_map, data=data)


def format_problem(problem: Problem) -> str:
    """Fatal problems as Problem prints them; warnings marked so they read as advice, not errors."""
    if problem.fatal:
        return str(problem)
    return f"{problem.file}:{problem.where}:{problem.field}: warning: {problem.message}"


def _point_json(p: Point) -> dict[str, object]:
    """One point as ``check --json`` lists it; an unplaced point has null coordinates."""
    def degrees(value: float) -> float | None:
        return None if math.isnan(value) else value

    return {"name": p.display_name(), "category": p.category, "status": p.status, "lat": degrees(p.lat),
            "lon": degrees(p.lon), "position": p.position, "placed_by": p.placed_by,
            "source": f"{p.source}:{p.where or p.source_id}"}


def _problem_json(problem: Problem) -> dict[str, object]:
    return {"file": problem.file, "line": problem.where, "field": problem.field, "message": problem.message,
            "fatal": problem.fatal}


def run_json(args: argparse.Namespace, categories: Categories, category_map: dict[str, str]) -> int:
    """``check --json``: one JSON document on standard output, so scripts and the web form read what
    ``build`` would print, placed or not; exit status 1 if any row is unusable, as without --json."""
    everything = ReadResult()
    for path in args.files:
        try:
            if path == "-":
                result = read_stdin(args.format, categories, category_map)
            else:
                result, _ = read_for_check(path, categories, category_map)
        except InputError as exc:
            everything.problems.append(Problem(exc.file or path, exc.where, exc.field, exc.message))
            continue
        everything.extend(result)
    if args.osm and everything.unplaced:
        from papermap.model.geocode import place_points
        from papermap.sources.gazetteer import read_gazetteer

        placed, everything.unplaced = place_points(everything.unplaced, read_gazetteer(args.osm))
        everything.points.extend(placed)
    doc = {"points": [_point_json(p) for p in everything.points + everything.unplaced],
           "problems": [_problem_json(p) for p in everything.problems]}
    print(json.dumps(doc, ensure_ascii=False, indent=1))
    return 1 if any(p.fatal for p in everything.problems) else 0


def run(args: argparse.Namespace) -> int:
    categories = load_categories(args.categories)
    category_map = _parse_map(args.category_map)
    categories.check_map(category_map)
    if args.json:
        return run_json(args, categories, category_map)
    counts: Counter[str] = Counter()
    lines_areas: Counter[str] = Counter()   # overlays by kind
    fatal = warnings = 0
    for path in args.files:
        try:
            if path == "-":
                result, overlays = read_stdin(args.format, categories, category_map), []
            else:
                result, overlays = read_for_check(path, categories, category_map)
        except InputError as exc:
            print(f"{exc.file or path}:{exc.where}:{exc.field}: {exc.message}")
            fatal += 1
            continue
        for problem in result.problems:
            print(format_problem(problem))
            fatal += problem.fatal
            warnings += not problem.fatal
        counts.update(p.category for p in result.points)
        lines_areas.update(o.kind for o in overlays)
    if args.summary:
        for c in categories:
            print(f"{c.id:<10} {c.ja} / {c.en}: {counts[c.id]}")
        for k in load_overlay_kinds() if lines_areas else ():
            print(f"{k.id:<16} {k.ja} / {k.en} ({k.geometry}): {lines_areas[k.id]}")
    if lines_areas:
        by_geometry = Counter(load_overlay_kinds().by_id[k].geometry for k in lines_areas.elements())
        print(f"lines and areas: {by_geometry['line']} line(s), {by_geometry['area']} area(s)")
    total = sum(counts.values())
    print(f"{len(args.files)} file(s): {total} point(s), {fatal} unusable, {warnings} warning(s)")
    return 1 if fatal else 0
