"""Merge the same place reported by several sources, so the map shows one symbol with the freshest details."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from papermap.model.points import Point

MAX_DISTANCE_M = 50.0
MIN_NAME_RATIO = 0.8
# Limits that keep a merge linear in the number of points, whatever the input: each point is
# compared with at most this many others of its category in each neighbouring cell (real relief
# data has a handful; 180,000 rows at one spot made 16 billion pairs), and names by this many
# characters at most (difflib is quadratic in the length; a name is never that long).
MAX_CANDIDATES = 64
MAX_NAME_COMPARED = 100
_CHUNK = 50_000  # points whose candidate pairs are made at once, which bounds the memory used
_FILLABLE = ("name_en", "hours", "contact", "notes")  # blanks filled from older reports


_SEPARATORS = str.maketrans("", "", "・･·-‐－_")  # dropped from names, as spaces are
# numbers that tell neighbours apart: 第三公園 / 第一公園, 3号 / 4号, 1丁目; not the 三 of 三原市
_NUMBERED = re.compile(r"第[一二三四五六七八九十百千\d]+|[一二三四五六七八九十百千\d]+(?:号|丁目|番|条|区)|\d+")

_NameKey = tuple[str, tuple[str, ...]]


def _name_key(name: str) -> _NameKey:
    """What names are compared by: width, case, spaces and separators ignored ("尾道 みなと館" ==
    "尾道みなと館", "ＵＲＡ" == "ura"), and the numbers in the name. Remembered, up to a name's
    usual length: most names meet several neighbours, and a refresh of the points (papermap
    serve) has the same names."""
    return _remembered_key(name) if len(name) <= _REMEMBERED_NAME else _key_of(name)


_REMEMBERED_NAME = 200   # longer names are keyed each time: the cache holds short strings only


def _key_of(name: str) -> _NameKey:
    norm = "".join(unicodedata.normalize("NFKC", name).casefold().split()).translate(_SEPARATORS)
    norm = norm[:MAX_NAME_COMPARED]
    return norm, tuple(_NUMBERED.findall(norm))


_remembered_key = lru_cache(maxsize=1 << 14)(_key_of)


def names_alike(a: str, b: str) -> bool:
    """Same name give or take spelling: one contains the other, or difflib similarity >= 0.8;
    never when both carry numbers that differ (新倉第一公園 and 新倉第三公園 are two parks)."""
    return _keys_alike(_name_key(a), _name_key(b))


def _keys_alike(a: _NameKey, b: _NameKey) -> bool:
    """``names_alike`` for names already turned into keys (each name of a merge is keyed once)."""
    (na, numbers_a), (nb, numbers_b) = a, b
    if not na or not nb:
        return na == nb
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


# a grid cell and the half of its neighbours it looks at; the other half look at it
_FORWARD = ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1))


def _close_pairs(points: list[Point]) -> Iterator[tuple[int, int]]:
    """Pairs (i, j), j < i, of points of one category at most MAX_DISTANCE_M apart: all of them while
    no cell is crowded, else up to MAX_CANDIDATES per point and neighbouring cell.

    Each point goes into a grid cell MAX_DISTANCE_M wide, so a close pair is in the same or
    neighbouring cells. numpy finds all those candidates at once by looking cells up in the sorted
    cell numbers (in Python that lookup was most of the merge's time); math.dist then decides.
    Within its own cell a point looks at the MAX_CANDIDATES points listed just before it.
    """
    if not points:
        return
    xy = [_xy(p) for p in points]
    kinds: dict[str, int] = {}
    kind = np.array([kinds.setdefault(p.category, len(kinds)) for p in points], dtype=np.int64)
    where = np.array(xy)
    cell = np.floor_divide(where, MAX_DISTANCE_M).astype(np.int64)  # floor_divide is Python's //
    cell -= cell.min(axis=0) - 1  # every cell and its neighbours numbered from 0
    columns, rows = cell.max(axis=0) + 2
    number = (kind * columns + cell[:, 0]) * rows + cell[:, 1]  # one number per (category, cell)
    order = np.argsort(number, kind="stable")
    ordered = number[order]
    position = np.empty_like(order)
    position[order] = np.arange(len(order))  # where each point is in ``order``
    for first in range(0, len(points), _CHUNK):
        ids = np.arange(first, min(first + _CHUNK, len(points)))
        for dx, dy in _FORWARD:
            wanted = number[ids] + dx * rows + dy
            if dx == dy == 0:  # in one cell: the points before this one, so each pair once
                end = position[ids]
                start = np.maximum(np.searchsorted(ordered, wanted, "left"), end - MAX_CANDIDATES)
            else:
                start = np.searchsorted(ordered, wanted, "left")
                end = np.minimum(np.searchsorted(ordered, wanted, "right"), start + MAX_CANDIDATES)
            count = end - start
            i = np.repeat(ids, count)
            # point i's k-th candidate is order[start[i] + k]
            j = order[np.repeat(start - (np.cumsum(count) - count), count) + np.arange(count.sum())]
            # np.hypot may differ from math.dist in the last bit, so it only makes a generous first cut
            near = np.hypot(*(where[i] - where[j]).T) <= MAX_DISTANCE_M * (1 + 1e-9)
            for a, b in zip(i[near].tolist(), j[near].tolist()):
                if math.dist(xy[a], xy[b]) <= MAX_DISTANCE_M:
                    yield (a, b) if b < a else (b, a)


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

    key = _name_key
    # the same report repeated (one row pasted many times): one group at once, in linear time,
    # and only its first copy goes on to be compared with the neighbours
    first_copy: dict[tuple, int] = {}
    unique: list[int] = []
    for i, p in enumerate(points):
        seen = first_copy.setdefault((p.category, p.lon, p.lat, key(p.name)), i)
        if seen == i:
            unique.append(i)
        else:
            parent[i] = seen
    for a, b in _close_pairs([points[i] for i in unique]):
        i, j = unique[a], unique[b]
        # the later point's name first: difflib's ratio can differ when the two are swapped
        if root(i) != root(j) and _keys_alike(key(points[i].name), key(points[j].name)):
            parent[root(i)] = root(j)

    # a group is met first at its first point, so the groups come out in the order of their first points
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(points)):
        groups[root(i)].append(i)
    return [_merge([points[i] for i in members]) for members in groups.values()]


def _merge(group: list[Point]) -> Point:
    if len(group) == 1:
        return group[0]
    ranked = sorted(group, key=_freshness, reverse=True)  # stable: earlier listed wins a tie
    best = ranked[0]
    filled = {f: next((getattr(p, f) for p in ranked if getattr(p, f)), "") for f in _FILLABLE}
    extra = {k: v for p in reversed(ranked) for k, v in p.extra.items()}
    extra["merged"] = "; ".join(f"{p.source}#{p.source_id}" for p in ranked[1:])
    return replace(best, **filled, extra=extra)
