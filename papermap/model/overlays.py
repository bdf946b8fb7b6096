"""Lines and areas that relief maps carry besides points (passable and closed roads, outage and
flooded areas, hazard zones), and their kinds, loaded from styles/overlays.toml so that a kind
can be added or redrawn without code, as point categories are."""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from papermap.errors import InputError
from papermap.model.categories import fold
from papermap.model.points import Problem, ReadResult
from papermap.settings import STYLES_DIR

GEOMETRIES = ("line", "area")
OTHER = {"line": "other_line", "area": "other_area"}   # the kind of a feature no rule names
MARKS = ("none", "cross", "bar", "chevron")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_LINE_KEYS = ("stroke", "width_mm")
_AREA_KEYS = ("stroke", "stroke_mm")


@dataclass(frozen=True)
class OverlayKind:
    """One kind of line or area: its names, how it is recognised and how it is drawn."""

    id: str
    ja: str
    en: str
    geometry: str                  # "line" or "area"
    keywords: tuple[str, ...]
    colour: dict
    mono: dict
    marks: str = "none"            # repeated along a line: cross, bar, chevron
    mark_mm: float = 6.0

    def label(self, lang: str = "ja") -> str:
        return self.en if lang == "en" else self.ja

    def look(self, mono: bool) -> dict:
        """The drawing spec of this kind in the mono or colour style."""
        return self.mono if mono else self.colour


class OverlayKinds:
    """The ordered kinds, and the rules that give a feature its kind."""

    def __init__(self, kinds: Iterable[OverlayKind]):
        self.ordered = list(kinds)
        self.by_id = {k.id: k for k in self.ordered}
        self._labels = {fold(t): k.id for k in self.ordered for t in (k.id, k.ja, k.en)}
        self._keywords = [(fold(w), k.id, k.geometry, i) for i, k in enumerate(self.ordered) for w in k.keywords]

    def __iter__(self) -> Iterator[OverlayKind]:
        return iter(self.ordered)

    @property
    def ids(self) -> list[str]:
        return [k.id for k in self.ordered]

    def check(self, kind: str, file: str = "", field_name: str = "kind") -> str:
        """``kind`` if it is a known id, else an InputError listing the ids."""
        if kind not in self.by_id:
            raise InputError(f"unknown overlay kind {kind!r} (known: {', '.join(self.ids)})", file=file,
                             field=field_name)
        return kind

    def match(self, text: str, geometry: str) -> str | None:
        """The kind of ``geometry`` named by ``text``: its id or label exactly, else the longest
        keyword found in it (then the earliest, then the kinds' order)."""
        folded = fold(text)
        if not folded:
            return None
        exact = self._labels.get(folded)
        if exact and self.by_id[exact].geometry == geometry:
            return exact
        best, found = None, None
        for keyword, kid, geom, order in self._keywords:
            if geom != geometry:
                continue
            pos = folded.find(keyword)
            if pos >= 0 and (best is None or (-len(keyword), pos, order) < best):
                best, found = (-len(keyword), pos, order), kid
        return found

    def classify(self, geometry: str, explicit: str | None, column: str, folders: Iterable[str], name: str,
                 text: str) -> str:
        """The kind of a feature: the source's own setting (when it is of this geometry), then a
        kind column, the folders (innermost first), the name, the description; else "other"."""
        if explicit and self.by_id[explicit].geometry == geometry:
            return explicit
        for candidate in (column, *folders, name, text):
            kid = self.match(candidate, geometry)
            if kid:
                return kid
        return OTHER[geometry]


@dataclass
class Overlay:
    """A line or area from a relief source, in WGS84 degrees, with its kind and what it says."""

    id: str                 # "file-stem:feature id"
    kind: str
    geom: BaseGeometry      # LineString / MultiLineString, or Polygon / MultiPolygon
    name: str = ""
    notes: str = ""
    as_of: str = ""         # the data's own time ("1/3 10:30"), from its folder, layer or a column
    source: str = ""
    where: str = ""         # where in the file, for messages ("placemark 3", "layer 'roads' feature 2")

    @property
    def labelled(self) -> bool:
        """Whether the overlay says something beyond its kind, so it gets a label and a listed row."""
        return bool(self.name or self.notes)


@dataclass
class OverlayRead:
    """What one or more files gave: lines and areas, problems, and the points of files that are
    overlay files first (GPX waypoints, a GeoPackage's point layer)."""

    overlays: list[Overlay] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    points: ReadResult = field(default_factory=ReadResult)

    def extend(self, other: OverlayRead) -> None:
        self.overlays.extend(other.overlays)
        self.problems.extend(other.problems)
        self.points.extend(other.points)


@lru_cache(maxsize=4)
def load_overlay_kinds(path: str | Path | None = None) -> OverlayKinds:
    """Read and check the overlay kinds; every mistake is reported with the file and kind."""
    path = Path(path) if path else STYLES_DIR / "overlays.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read overlay kinds: {exc.strerror or exc}", file=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from exc
    kinds = [_kind(raw, f"kind {n} {raw.get('id', '')!r}", str(path)) for n, raw in enumerate(data.get("kind", []), 1)]
    ids = [k.id for k in kinds]
    for other in OTHER.values():
        if other not in ids:
            raise InputError(f"needs an {other!r} kind for features that match nothing", file=str(path))
    if len(set(ids)) != len(ids):
        raise InputError(f"kind ids repeat: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}", file=str(path))
    return OverlayKinds(kinds)


def _kind(raw: dict, where: str, file: str) -> OverlayKind:
    missing = [k for k in ("id", "ja", "en", "geometry", "colour", "mono") if not raw.get(k)]
    if missing:
        raise InputError(f"missing {', '.join(missing)}", file=file, where=where)
    geometry = raw["geometry"]
    if geometry not in GEOMETRIES:
        raise InputError("geometry must be line or area", file=file, where=where, field="geometry")
    marks = raw.get("marks", "none")
    if marks not in MARKS:
        raise InputError(f"marks must be one of {', '.join(MARKS)}", file=file, where=where, field="marks")
    for mode in ("colour", "mono"):
        spec = raw[mode]
        needed = _LINE_KEYS if geometry == "line" else _AREA_KEYS
        lacking = [k for k in needed if k not in spec]
        if lacking:
            raise InputError(f"missing {', '.join(lacking)}", file=file, where=where, field=mode)
        for key in ("stroke", "casing", "hatch", "dots"):
            if key in spec and not _HEX.match(str(spec[key])):
                raise InputError(f"{key} must be #rrggbb", file=file, where=where, field=f"{mode}.{key}")
    return OverlayKind(raw["id"], raw["ja"], raw["en"], geometry, tuple(raw.get("keywords", [])), dict(raw["colour"]),
                       dict(raw["mono"]), marks, float(raw.get("mark_mm", 6.0)))
