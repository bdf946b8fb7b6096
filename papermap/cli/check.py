"""``papermap check``: validate relief-point files before a build, one line per problem."""
from __future__ import annotations

import argparse
from collections import Counter

from papermap.errors import InputError
from papermap.model.categories import load_categories
from papermap.model.points import Problem
from papermap.model.overlays import load_overlay_kinds
from papermap.sources.overlays import read_for_check


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "check",
        help="validate relief-point and overlay files (CSV, GeoJSON, KML/KMZ, uMap, GeoPackage, Shapefile, GPX…)",
        description="Read relief-point files the way 'build' does and print every problem as "
                    "FILE:LINE_OR_FEATURE:FIELD: message. Exit status 1 if any row is unusable.",
    )
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="points or overlay file(s) to check; FILE#KIND as for build --overlays")
    p.add_argument("--summary", action="store_true", help="also print how many points each category got")
    p.add_argument("--categories", metavar="TOML", help="category table (default: styles/categories.toml)")
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


def format_problem(problem: Problem) -> str:
    """Fatal problems as Problem prints them; warnings marked so they read as advice, not errors."""
    if problem.fatal:
        return str(problem)
    return f"{problem.file}:{problem.where}:{problem.field}: warning: {problem.message}"


def run(args: argparse.Namespace) -> int:
    categories = load_categories(args.categories)
    category_map = _parse_map(args.category_map)
    categories.check_map(category_map)
    counts: Counter[str] = Counter()
    lines_areas: Counter[str] = Counter()   # overlays by kind
    fatal = warnings = 0
    for path in args.files:
        try:
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
