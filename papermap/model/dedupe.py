"""Merge the same place reported by several sources, so the map shows one symbol with the freshest details."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from difflib import SequenceMatcher

from papermap.model.points import Point

MAX_DISTANCE_M = 50.0
MIN_NAME_RATIO = 0.8
_FILLABLE = ("name_en", "hours", "contact", "notes")  # blanks filled from older reports


def _norm_name(name: str) -> str:
    """Width, case, spaces and separators ignored: "尾道 みなと館" == "尾道みなと館", "ＵＲＡ" == "ura"."""
    return re.sub(r"[\s・･·\-‐－_]+", "", unicodedata.normalize("NFKC", name).casefold())


# numbers that tell neighbours apart: 第三公園 / 第一公園, 3号 / 4号, 1丁目; not the 三 of 三原市
_NUMBERED = re.compile(r"第[一二三四五六七八九十百千\d]+|[一二三四五六七八九十百千\d]+(?:号|丁目|番|条|区)|\d+")


def names_alike(a: str, b: str) -> bool:
    """Same name give or take spelling: one contains the other, or difflib similarity >= 0.8;
    never when both carry numbers that differ (新倉第一公園 and 新倉第三公園 are two parks)."""
    na, nb = _norm_name(a), _norm_name(b)
    if not na or not nb:
        return na == nb
    numbers_a, numbers_b = _NUMBERED.findall(na), _NUMBERED.findall(nb)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False
    if min(len(na), len(nb)) >= 2 and (na in nb or nb in na):
        return True
    return SequenceMatcher(None, na, nb).ratio() >= MIN_NAME_RATIO


def _xy(p: Point) -> tuple[float, float]:
    """Metres on a local equirectangular plane: exact enough at 50 m."""
    return p.lon * 111_320.0 * math.cos(math.radians(p.lat)), p.lat * 110_574.0


def _freshness(p: Point) -> datetime:
    if p.verified is None:
        return datetime.min.replace(tzinfo=timezone.utc)
    return p.verified if p.verified.tzinfo else p.verified.replace(tzinfo=timezone.utc)


def merge_duplicates(points: list[Point]) -> list[Point]:
    """One point per place: same category, names alike, within 50 m. The most recently verified report
    wins (the earliest listed on a tie); blanks in it are filled from the others, whose ids are kept in
    ``extra["merged"]``. Order follows each place's first appearance."""
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cells: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    xy = [_xy(p) for p in points]
    for i, p in enumerate(points):
        cx, cy = int(xy[i][0] // MAX_DISTANCE_M), int(xy[i][1] // MAX_DISTANCE_M)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in cells.get((p.category, cx + dx, cy + dy), ()):
                    if (math.dist(xy[i], xy[j]) <= MAX_DISTANCE_M and root(i) != root(j)
                            and names_alike(p.name, points[j].name)):
                        parent[root(i)] = root(j)
        cells[(p.category, cx, cy)].append(i)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(points)):
        groups[root(i)].append(i)
    merged = [_merge([points[i] for i in members]) for members in groups.values()]
    first = [min(members) for members in groups.values()]
    return [p for _, p in sorted(zip(first, merged), key=lambda item: item[0])]


def _merge(group: list[Point]) -> Point:
    if len(group) == 1:
        return group[0]
    ranked = sorted(group, key=_freshness, reverse=True)  # stable: earlier listed wins a tie
    best = ranked[0]
    filled = {f: next((getattr(p, f) for p in ranked if getattr(p, f)), "") for f in _FILLABLE}
    extra = {k: v for p in reversed(ranked) for k, v in p.extra.items()}
    extra["merged"] = "; ".join(f"{p.source}#{p.source_id}" for p in ranked[1:])
    return replace(best, **filled, extra=extra)
