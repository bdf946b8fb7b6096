"""What every overlay reader shares: geometry built with a message for each way it can be broken,
the "as of" time found in folder and layer names, and the builder that turns a feature into a
checked, classified Overlay or a located Problem."""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from papermap.model.overlays import Overlay, OverlayKinds, OverlayRead
from papermap.model.points import Problem
from papermap.sources.points.fields import split_record
from papermap.sources.points.text import html_to_text, tidy

Coords = Sequence[Sequence[float]]

# "(1/3 10:30)", "9-15 03:00現在", "1月3日(水) 10時30分時点", "2024-01-03 10:30", "10:30現在"
_DATE = r"(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*[(][月火水木金土日][)])?"
_CLOCK = r"\d{1,2}\s*[:時]\s*\d{2}\s*分?|\d{1,2}\s*時"
_STAMP = re.compile(rf"(?P<date>{_DATE})(?:\s*(?P<time>{_CLOCK}))?|(?P<clock>{_CLOCK})")
_AFTER = re.compile(r"\s*(現在|時点|更新|頃)", re.I)
_BEFORE = re.compile(r"(as of|updated|更新)\s*$", re.I)
# columns that hold the data's time, besides those the point reader already calls "verified"
AS_OF_COLUMNS = ("as_of", "asof", "as of", "時点", "現在", "日時", "date", "time")
NOTE_COLUMNS = ("cmt",)   # GPX's comment


def as_of_in(text: str) -> str:
    """The data's time written in ``text``, as written (digits made half-width); "" if none.

    A date or time counts when it is in brackets ("通行可能道路(1/3 10:30)"), is followed by
    現在 / 時点 / 更新 ("9-15 03:00現在"), follows "as of", or is a date with a time: a bare
    "1-2" in a name is more likely a block number than a date.
    """
    norm = unicodedata.normalize("NFKC", text or "")
    for m in _STAMP.finditer(norm):
        stamp = m.group(0).strip()
        before, after = norm[:m.start()].rstrip(), norm[m.end():]
        bracketed = before.endswith(("(", "[")) and after.lstrip().startswith((")", "]"))
        if (m.group("date") and m.group("time")) or bracketed or _AFTER.match(after) or _BEFORE.search(before):
            return stamp
    return ""


def line_of(coords: Coords) -> LineString | str:
    """A line, or why it cannot be one."""
    pts = _distinct(coords)
    if len(pts) < 2:
        return f"a line needs at least 2 different points, this one has {len(pts)}"
    return LineString(pts)


def polygon_of(rings: Sequence[Coords]) -> tuple[Polygon | None, list[str]]:
    """An area from its rings (outer first), and what was wrong: an outer ring that is empty or has
    fewer than 3 points leaves no area (None); such a hole is only left out."""
    notes: list[str] = []
    shells = []
    for i, ring in enumerate(rings):
        pts = _distinct(ring)
        what = "outer ring" if i == 0 else f"hole {i}"
        if not pts:
            notes.append(f"{what} is empty")
        elif len(pts) < 3:
            notes.append(f"{what} has only {len(pts)} point{'s' if len(pts) > 1 else ''}: an area needs at least 3")
        else:
            shells.append(pts)
            continue
        if i == 0:
            return None, notes
    return (Polygon(shells[0], shells[1:]) if shells else None), notes


def _distinct(coords: Coords) -> list[tuple[float, float]]:
    """The 2-D points of ``coords`` with repeats in a row (and a ring's closing point) removed."""
    out: list[tuple[float, float]] = []
    for c in coords:
        pt = (float(c[0]), float(c[1]))
        if not out or pt != out[-1]:
            out.append(pt)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def lonlat_ok(geom: BaseGeometry) -> bool:
    """Whether every coordinate is a finite longitude/latitude."""
    w, s, e, n = geom.bounds
    return all(math.isfinite(v) for v in (w, s, e, n)) and -180 <= w <= e <= 180 and -90 <= s <= n <= 90


class OverlayBuilder:
    """Collects one file's overlays and problems; ``taken`` is where each feature the point reader
    refuses ("LineString is not a point") was dealt with here instead: drawn, or its own problem
    reported."""

    def __init__(self, file: str | Path, kinds: OverlayKinds, kind: str | None = None):
        self.file = str(file)
        self.kinds = kinds
        self.kind = kind
        self.result = OverlayRead()
        self.taken: set[str] = set()
        self._stem = Path(self.file).stem
        self._ids: set[str] = set()

    def problem(self, where: str, field_name: str, message: str, fatal: bool = True) -> None:
        self.result.problems.append(Problem(self.file, where, field_name, message, fatal))

    def add(self, where: str, fallback_id: str, geom: BaseGeometry | None, record: Mapping[str, object],
            folders: Iterable[str] = ()) -> None:
        """One feature's lines and areas (a collection of both gives one overlay each)."""
        if geom is None or geom.is_empty:
            self.problem(where, "geometry", "no line or area coordinates: left out")
            return
        if not lonlat_ok(geom):
            w, s, e, n = geom.bounds
            self.problem(where, "geometry", f"coordinates {w:g},{s:g} to {e:g},{n:g} are not longitude/latitude: "
                                            "left out")
            return
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            self.problem(where, "geometry", f"{reason}: drawn as repaired, check the source", fatal=False)
            geom = shapely.make_valid(geom)
        fields, extra = split_record(record)
        folders = [f for f in folders if f]
        name = tidy(html_to_text(fields.get("name", "")))
        notes = "\n".join(filter(None, (html_to_text(fields.get("notes", "")),
                                        html_to_text(fields.get("description", "")),
                                        *(tidy(str(extra.get(k, ""))) for k in NOTE_COLUMNS))))
        column_time = fields.get("verified", "") or next((str(extra[k]) for k in AS_OF_COLUMNS if extra.get(k)), "")
        as_of = tidy(column_time) or next(filter(None, (as_of_in(t) for t in (*folders, name, notes))), "")
        source_id = fields.get("id", "").strip() or fallback_id
        made = False
        for geometry, part in split_geometry(geom).items():
            kind = self.kinds.classify(geometry, self.kind, fields.get("category", ""), folders, name, notes)
            oid = f"{self._stem}:{source_id}" + ("" if not made else f"#{geometry}")
            if oid in self._ids:
                oid = f"{oid}@{fallback_id}"
            self._ids.add(oid)
            self.result.overlays.append(Overlay(oid, kind, part, name, notes, as_of, self.file, where))
            made = True
        if not made:
            self.problem(where, "geometry", f"{geom.geom_type} has no line or area left: left out")


def split_geometry(geom: BaseGeometry) -> dict[str, BaseGeometry]:
    """The line parts and the area parts of ``geom``, each as one (multi) geometry; points dropped."""
    lines, areas = [], []
    for part in shapely.get_parts(geom):
        if isinstance(part, (Polygon, MultiPolygon)):
            areas.extend(shapely.get_parts(part))
        elif isinstance(part, (LineString, MultiLineString)) or part.geom_type == "LinearRing":
            lines.extend(LineString(p.coords) for p in shapely.get_parts(part))
        elif part.geom_type == "GeometryCollection":
            for key, sub in split_geometry(part).items():
                (lines if key == "line" else areas).extend(shapely.get_parts(sub))
    out: dict[str, BaseGeometry] = {}
    lines = [g for g in lines if not g.is_empty and g.length > 0]
    areas = [g for g in areas if not g.is_empty and g.area > 0]
    if lines:
        out["line"] = lines[0] if len(lines) == 1 else MultiLineString(lines)
    if areas:
        out["area"] = areas[0] if len(areas) == 1 else MultiPolygon(areas)
    return out
