"""Points with an address and no coordinates, placed from the OSM extract being drawn: no network.

Three ways, best first, each recorded on the point (``placed_by``, ``precision``):

1. by name: a school, community centre or hospital of the same name (model/address.py's ``fold``)
   near where the address points, or the only one of that name;
2. by ``addr:*`` tags: the street or 町・丁目 the address names and its house number (番-号);
   the street or 丁目 alone gives the middle of its numbered buildings (a block);
3. by place: the neighbourhood, 丁目, 大字 or quarter named in the address (``place=*``).

What none of these places stays unplaced: it is listed on the address-only sheet, never dropped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from papermap.model.address import fold, numbers_beside
from papermap.model.points import Point

NEAR_M = 2000.0         # a namesake farther than this from where the address points is another place
SAME_PLACE_M = 300.0    # namesakes this close together are one place mapped twice (node and building)
MIN_KEY = 3             # shorter Latin street / place keys ("1", "ab") match too much text by chance;
MIN_KEY_CJK = 2         # a two-kanji place (山田) is specific enough

LonLat = tuple[float, float]


@dataclass
class Gazetteer:
    """What the extract says about where names and addresses are, as plain lookups (cached beside
    the drawn basemap). Keys are ``fold``ed."""

    named: dict[str, list[tuple[str, float, float]]] = field(default_factory=dict)   # name -> (name, lon, lat)
    streets: dict[str, dict[str, LonLat]] = field(default_factory=dict)   # street / 町丁目 -> number -> place
    # ("" is the middle of the street's numbered buildings)
    places: dict[str, tuple[str, float, float, str]] = field(default_factory=dict)  # name, lon, lat, precision

    def __bool__(self) -> bool:
        return bool(self.named or self.streets or self.places)


def metres(a: LonLat, b: LonLat) -> float:
    """Distance on the ground, good enough within a town (equirectangular)."""
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * 111_320.0


def _specific(key: str) -> bool:
    return len(key) >= (MIN_KEY if key.isascii() else MIN_KEY_CJK)


class Geocoder:
    """Looks addresses up in one Gazetteer; the street and place keys are sorted once, longest
    first, so "本町3丁目" wins over "本町" in the same address."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self._streets = sorted(filter(_specific, gazetteer.streets), key=len, reverse=True)
        self._places = sorted(filter(_specific, gazetteer.places), key=len, reverse=True)

    def address(self, text: str) -> tuple[LonLat, str, str] | None:
        """(lon, lat), how and how precisely, for an address: by addr tags, else by place name."""
        key = fold(text)
        if not key:
            return None
        for street in self._streets:
            start = key.find(street)
            if start < 0:
                continue
            numbers = self.gaz.streets[street]
            for n in numbers_beside(key, start, start + len(street)):
                if n in numbers:
                    return numbers[n], "addr tags", "building"
            if "" in numbers:
                return numbers[""], "addr tags (street)", "block"
        for name in self._places:
            if name in key:
                shown, lon, lat, precision = self.gaz.places[name]
                return (lon, lat), f"place: {shown}", precision
        return None

    def place(self, p: Point) -> Point:
        """The point placed (position "geocoded"), or unchanged when nothing in the extract fits."""
        near = self.address(p.address)
        for name in dict.fromkeys(filter(None, (fold(p.name), fold(p.name_en)))):
            found = self._by_name(name, near[0] if near else None)
            if found:
                shown, lon, lat = found
                return replace(p, lon=lon, lat=lat, position="geocoded", placed_by=f"name match: {shown}",
                               precision="building")
        if near:
            (lon, lat), how, precision = near
            return replace(p, lon=lon, lat=lat, position="geocoded", placed_by=how, precision=precision)
        return p

    def _by_name(self, name: str, near: LonLat | None) -> tuple[str, float, float] | None:
        """The namesake nearest to ``near`` (within NEAR_M); without ``near``, the only one (a
        node and an outline of one place count once)."""
        found = self.gaz.named.get(name)
        if not found:
            return None
        if near is not None:
            best = min(found, key=lambda f: metres(near, f[1:]))
            return best if metres(near, best[1:]) <= NEAR_M else None
        first = found[0]
        return first if all(metres(first[1:], f[1:]) <= SAME_PLACE_M for f in found) else None


def place_points(unplaced: list[Point], gazetteer: Gazetteer) -> tuple[list[Point], list[Point]]:
    """(placed, still unplaced): every point comes back in one of the two lists, in order."""
    placed, left = [], []
    if not gazetteer:
        return placed, list(unplaced)
    geocoder = Geocoder(gazetteer)
    for p in unplaced:
        q = geocoder.place(p)
        (placed if q.position == "geocoded" else left).append(q)
    return placed, left
