"""Where lines and areas go on a page, and what the page says about them. Pure: overlays in
projected metres in, sheet points and rows of text out; text measured through ``measure``.

For each page: every overlay crossing the window, clipped to it (with the basemap's pad) and
simplified to what paper can show (settings.PRINT_RESOLUTION_MM); the marks repeated along a
line (× of a closed road, | of a restriction, > of an evacuation route); a short label (A, B, …)
for each overlay that has a name or notes, where a line enters the page (else further along
it) or inside an area, clear of the point symbols and of each other; the legend rows of the
kinds present; and the rows of the page's overlay listing: label, kind, name, notes, as of.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import shapely
import shapely.ops
from shapely.geometry.base import BaseGeometry

from papermap.layout import furniture
from papermap.layout.frame import SheetLayout
from papermap.layout.legend import LegendDoesNotFitError, LegendEntry, LegendItem
from papermap.layout.text import Measure, wrap
from papermap.layout.viewport import Viewport
from papermap.model.overlays import Overlay, OverlayKind, OverlayKinds
from papermap.settings import MIN_FONT_PT, MM, PRINT_RESOLUTION_MM

Box = tuple[float, float, float, float]

TAG_PT = 8.0          # label letters on the map
TAG_PAD = 1.6         # around the letters, inside the label's box
SWATCH = "overlay:"   # a legend entry whose shape is "overlay:KIND" shows that kind's sample
LIST_PT = 8.0         # overlay listing text
LIST_PAD = 2.5
LIST_LEADING = 1.25
LIST_ASCENT = 0.88
SAMPLE_PT = 30.0      # the listing's column of kind samples
# (key, share of the width left after the sample column)
LIST_COLUMNS = (("label", 0.07), ("kind", 0.2), ("name", 0.27), ("notes", 0.31), ("as_of", 0.15))
WORDS = {
    "label": {"ja": "記号", "en": "Label"},
    "kind": {"ja": "種類", "en": "Kind"},
    "name": {"ja": "名称", "en": "Name"},
    "notes": {"ja": "備考", "en": "Notes"},
    "as_of": {"ja": "時点", "en": "As of"},
    "heading": {"ja": "地図ページ {n} の線・区域", "en": "Lines and areas on map page {n}"},
    "continued": {"ja": "（続き）", "en": "(continued)"},
}


def say(key: str, langs: Sequence[str], sep: str = " / ", **values) -> str:
    """The phrase in each chosen language, once each, from this layer's own words."""
    return furniture.say(key, langs, sep, words=WORDS, **values)


class OverlayLayer:
    """The build's overlays in the map's projected metres, their kinds, and a tree to find a page's."""

    def __init__(self, overlays: list[Overlay], geoms: np.ndarray, kinds: OverlayKinds):
        self.overlays = overlays
        self.geoms = geoms
        self.kinds = kinds
        self.tree = shapely.STRtree(geoms)

    def query(self, window: Box) -> np.ndarray:
        """Indices of the overlays crossing ``window``, in the order they were read."""
        if not self.overlays:
            return np.empty(0, dtype=int)
        return np.sort(self.tree.query(shapely.box(*window), predicate="intersects"))

    def crosses(self, window: Box) -> bool:
        """Whether a line or area crosses ``window``: a page with only that on it is a page."""
        return len(self.query(window)) > 0

    def kinds_in(self, window: Box) -> set[str]:
        """The kinds of the overlays crossing ``window``."""
        return {self.overlays[i].kind for i in self.query(window).tolist()}


def project_overlays(overlays: list[Overlay], kinds: OverlayKinds,
                     to_metres: Callable[[np.ndarray], np.ndarray]) -> OverlayLayer:
    """``overlays`` with their WGS84 geometry taken through ``to_metres`` (an (n, 2) array of
    lon/lat to one of x/y)."""
    geoms = np.array([o.geom for o in overlays], dtype=object)
    return OverlayLayer(overlays, shapely.transform(geoms, to_metres) if len(geoms) else geoms, kinds)


class Mark(NamedTuple):
    """A mark repeated along a line: its centre and the line's direction there, in degrees."""

    x: float
    y: float
    angle: float


@dataclass(frozen=True)
class KindDrawing:
    """Everything of one kind on a page, in sheet points: line parts (open) or area rings (outer
    rings counter-clockwise, holes clockwise, so a non-zero fill or clip keeps the holes)."""

    kind: OverlayKind
    parts: tuple[np.ndarray, ...]
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Tag:
    """A label on the map: its text centred at (x, y) in a box w x h points."""

    text: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Row:
    """One labelled overlay as the page's listing shows it."""

    label: str
    kind: str
    name: str
    notes: str
    as_of: str


@dataclass(frozen=True)
class PageOverlays:
    """A page's overlays laid out: drawings (areas first, then lines, each in the kinds' order),
    labels, listing rows and the kinds present."""

    drawings: tuple[KindDrawing, ...] = ()
    tags: tuple[Tag, ...] = ()
    rows: tuple[Row, ...] = ()
    kinds: tuple[str, ...] = ()


def letters(i: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": labels that cannot be taken for the points' numbers."""
    text = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        text = chr(ord("A") + r) + text
    return text


def lay_out_overlays(layer: OverlayLayer | None, vp: Viewport, measure: Measure | None = None,
                     obstacles: Iterable[Box] = (), labels: bool = True, tag_pt: float = TAG_PT) -> PageOverlays:
    """The page of ``vp``: its overlays clipped, simplified and marked, and (with ``labels`` and
    ``measure``) labelled clear of ``obstacles`` (the point symbols' boxes, in sheet points) with
    letters of ``tag_pt``."""
    if layer is None:
        return PageOverlays()
    idx = layer.query(vp.window)
    if not len(idx):
        return PageOverlays()
    clipped = shapely.clip_by_rect(layer.geoms[idx], *vp.clip_window())
    on_sheet = shapely.simplify(shapely.transform(clipped, vp.to_pt), PRINT_RESOLUTION_MM * MM)
    shown = [(layer.overlays[i], g) for i, g in zip(idx.tolist(), on_sheet) if not g.is_empty]
    if not shown:
        return PageOverlays()
    kinds = layer.kinds
    drawings = []
    for geometry in ("area", "line"):
        for kind in kinds:
            geoms = [g for o, g in shown if o.kind == kind.id]
            if kind.geometry != geometry or not geoms:
                continue
            parts = _rings(geoms) if geometry == "area" else _lines(geoms)
            marks = _marks(parts, kind.mark_mm * MM, vp.frame_pt) if kind.marks != "none" else ()
            drawings.append(KindDrawing(kind, tuple(parts), tuple(marks)))
    present = tuple(k.id for k in kinds if any(o.kind == k.id for o, _ in shown))
    if not (labels and measure):
        return PageOverlays(tuple(drawings), (), (), present)
    tags, rows = _labels([(o, g) for o, g in shown if o.labelled], vp.frame_pt, measure, list(obstacles), tag_pt)
    return PageOverlays(tuple(drawings), tuple(tags), tuple(rows), present)


def _rings(geoms: list[BaseGeometry]) -> list[np.ndarray]:
    polys = shapely.get_parts(np.array(geoms, dtype=object))
    polys = polys[shapely.get_type_id(polys) == 3]    # clipping may leave a sliver as a line: not an area
    rings = shapely.get_rings(shapely.orient_polygons(polys)) if len(polys) else []
    return [shapely.get_coordinates(r) for r in rings if len(shapely.get_coordinates(r)) >= 4]


def _lines(geoms: list[BaseGeometry]) -> list[np.ndarray]:
    parts = shapely.get_parts(np.array(geoms, dtype=object))
    return [shapely.get_coordinates(p) for p in parts if shapely.get_type_id(p) in (1, 2)
            and len(shapely.get_coordinates(p)) >= 2]


def _marks(parts: list[np.ndarray], step: float, frame: Box) -> list[Mark]:
    """Marks every ``step`` points along each line, the first half a step from its start, only
    inside the frame."""
    out = []
    for coords in parts:
        line = shapely.LineString(coords)
        at = np.arange(step / 2, line.length, step)
        if not len(at):
            at = np.array([line.length / 2])
        here = shapely.get_coordinates(shapely.line_interpolate_point(line, at))
        ahead = shapely.get_coordinates(shapely.line_interpolate_point(line, np.minimum(at + 0.5, line.length)))
        behind = shapely.get_coordinates(shapely.line_interpolate_point(line, np.maximum(at - 0.5, 0.0)))
        angles = np.degrees(np.arctan2(ahead[:, 1] - behind[:, 1], ahead[:, 0] - behind[:, 0]))
        for (x, y), a in zip(here.tolist(), angles.tolist()):
            if frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]:
                out.append(Mark(x, y, a))
    return out


def _labels(named: list[tuple[Overlay, BaseGeometry]], frame: Box, measure: Measure,
            obstacles: list[Box], tag_pt: float = TAG_PT) -> tuple[list[Tag], list[Row]]:
    """A label for each named overlay at its first free spot (its first spot when none is free:
    a label is never dropped), lettered in reading order of where they went."""
    if not named:
        return [], []
    widest = letters(len(named) - 1)
    w, h = measure(widest, tag_pt) + 2 * TAG_PAD, tag_pt + 2 * TAG_PAD
    inner = (frame[0] + w / 2 + 1, frame[1] + h / 2 + 1, frame[2] - w / 2 - 1, frame[3] - h / 2 - 1)
    taken = list(obstacles)
    spots = []
    for overlay, geom in named:
        candidates = list(_candidates(geom, inner, w))
        free = next((c for c in candidates if not any(_overlaps(_box(c, w, h), b) for b in taken)), None)
        spot = free or (candidates[0] if candidates else None)
        if spot is None:    # only its clipping pad is on this page: the next page lists it
            continue
        taken.append(_box(spot, w, h))
        spots.append((overlay, spot))
    order = sorted(range(len(spots)), key=lambda i: (round((frame[3] - spots[i][1][1]) / (h * 2)), spots[i][1][0]))
    tags, rows = [], []
    for n, i in enumerate(order):
        overlay, (x, y) = spots[i]
        text = letters(n)
        tags.append(Tag(text, x, y, w, h))
        rows.append(Row(text, overlay.kind, overlay.name, overlay.notes, overlay.as_of))
    return tags, rows


def _candidates(geom: BaseGeometry, inner: Box, step: float) -> Iterator[tuple[float, float]]:
    """Spots for a label, best first: along a line from where it enters the page, then further
    on; inside an area, its most inland point first, then a grid of points inside it."""
    within = shapely.clip_by_rect(geom, *inner)
    if within.is_empty:
        return
    if within.geom_type in ("Polygon", "MultiPolygon"):
        parts = sorted(shapely.get_parts(within), key=lambda p: -p.area)
        for part in parts:
            if part.area > 0:
                spot = shapely.ops.polylabel(part, tolerance=1.0) if part.geom_type == "Polygon" else part.centroid
                yield spot.x, spot.y
        x0, y0, x1, y1 = within.bounds
        grid = shapely.points(np.stack(np.meshgrid(np.linspace(x0, x1, 7), np.linspace(y1, y0, 7)), -1).reshape(-1, 2))
        for p in grid[shapely.contains(within, grid)]:
            yield p.x, p.y
        return
    for part in shapely.get_parts(within):
        if part.geom_type != "LineString" or part.length == 0:
            continue
        length = part.length
        near = list(np.arange(step, min(length, 8 * step), step)) or [length / 2]   # just past the entry first
        ahead = near + [length * f for f in (0.25, 0.5, 0.75)] + list(np.arange(8 * step, length, step))
        for d in ahead:
            p = part.interpolate(d)
            yield p.x, p.y


def around(spots: Iterable[tuple[float, float]], size: float) -> list[Box]:
    """Boxes ``size`` wide centred on ``spots``: the point symbols a label must not hide under."""
    return [_box(spot, size, size) for spot in spots]


def outside_warnings(layer: OverlayLayer | None, windows: Iterable[Box]) -> list[str]:
    """One warning for each overlay no page shows: told, never silently left off the paper."""
    if layer is None:
        return []
    seen: set[int] = set()
    for window in windows:
        seen.update(layer.query(window).tolist())
    return [f"{o.source}:{o.where}: {o.name or o.kind} lies outside every map page: not on the paper"
            for i, o in enumerate(layer.overlays) if i not in seen]


def _box(spot: tuple[float, float], w: float, h: float) -> Box:
    return (spot[0] - w / 2, spot[1] - h / 2, spot[0] + w / 2, spot[1] + h / 2)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def page_legend(entries: list[LegendEntry], page: PageOverlays, layer: OverlayLayer | None,
                fit: Callable[[list[LegendEntry]], list[LegendItem]]) -> tuple[list[LegendItem], PageOverlays]:
    """The map page's legend, laid out by ``fit`` (the footer's legend box): the points'
    ``entries`` and the overlay kinds present, when they fit. When they do not, the footer keeps
    the points' entries and the kinds head the page's overlay listing instead, as rows with their
    sample and no label: every kind on the page is still explained on paper."""
    if layer is None or not page.kinds:
        return fit(entries), page
    try:
        return fit(entries + legend_rows(page.kinds, layer.kinds)), page
    except LegendDoesNotFitError:
        return fit(entries), replace(page, rows=tuple(Row("", k, "", "", "") for k in page.kinds) + page.rows)


def overview_legend(entries: list[LegendEntry], kind_entries: list[LegendEntry],
                    fit: Callable[[list[LegendEntry]], list[LegendItem]]) -> list[LegendItem]:
    """The overview's plain legend (when its index has a sheet of its own): the points'
    ``entries`` and the overlay kinds' when they fit, else the points' alone (the index sheet
    shows the kinds with their pages)."""
    try:
        return fit(entries + kind_entries)
    except LegendDoesNotFitError:
        return fit(entries)


def kind_entries(layer: OverlayLayer | None, index: dict[str, list[int]], langs: Sequence[str],
                 pages: Callable[[list[int]], str] | None = None) -> list[LegendEntry]:
    """Legend entries for the overlay kinds of ``index`` (kind -> page numbers); with ``pages``,
    each says its pages as the overview's index does for the kinds of point."""
    if layer is None:
        return []
    suffix = {k: pages(numbers) for k, numbers in index.items()} if pages else None
    return legend_rows(index, layer.kinds, suffix, langs)


def kinds_by_page(layer: OverlayLayer | None, pages: Iterable[tuple[int, Box]]) -> dict[str, list[int]]:
    """For each overlay kind, the numbers of the pages (``(number, window)``) it crosses, in order."""
    index: dict[str, list[int]] = {}
    if layer is None:
        return index
    for number, window in pages:
        for kind in layer.kinds_in(window):
            index.setdefault(kind, []).append(number)
    return index


def legend_rows(kind_ids: Iterable[str], kinds: OverlayKinds, suffix: dict[str, str] | None = None,
                langs: Sequence[str] = ("ja", "en")) -> list[LegendEntry]:
    """Legend entries for the kinds present, in the kinds' order: each shows the kind's sample;
    ``suffix`` adds to the last language's label (the overview's page lists)."""
    present = set(kind_ids)
    out = []
    for k in kinds:
        if k.id in present:
            extra = (suffix or {}).get(k.id, "")
            out.append(LegendEntry(SWATCH + k.id, "#000000", "", k.ja + (extra if langs[-1] == "ja" else ""),
                                   k.en + (extra if langs[-1] == "en" else "")))
    return out


# ---------------------------------------------------------------- the listing ----

class ListingLine(NamedTuple):
    text: str
    x: float           # from the table's left edge
    baseline: float    # below the row's top


@dataclass(frozen=True)
class ListingRow:
    """A row as printed: the overlay's kind (None for the header), its top below the chunk's top,
    its height, and its lines."""

    kind: OverlayKind | None
    top: float
    height: float
    lines: tuple[ListingLine, ...]


@dataclass(frozen=True)
class ListingChunk:
    """The rows that go on one sheet, header first; column edges for the grid."""

    rows: tuple[ListingRow, ...]
    width: float
    edges: tuple[float, ...]
    sample: tuple[float, float]    # x of the sample column's left edge and its width
    size: float

    @property
    def height(self) -> float:
        return self.rows[-1].top + self.rows[-1].height if self.rows else 0.0


def lay_out_listing(rows: Sequence[Row], kinds: OverlayKinds, width: float, first_height: float,
                    next_height: float, measure: Measure, langs: Sequence[str],
                    size: float = LIST_PT) -> list[ListingChunk]:
    """``rows`` as a table (label, kind sample, kind, name, notes, as of) cut into chunks: the
    first fills ``first_height``, the others ``next_height``, each under a repeated header. A row
    taller than a sheet keeps the lines that fit. Never below 7 pt."""
    if size < MIN_FONT_PT:
        raise ValueError(f"listing text must be at least {MIN_FONT_PT:g} pt")
    if not rows:
        return []
    rest = width - SAMPLE_PT
    edges, x = [0.0], 0.0
    cols: dict[str, tuple[float, float]] = {}
    for key, share in LIST_COLUMNS:
        w = rest * share
        cols[key] = (x, w)
        x += w
        if key == "label":
            sample = (x, SAMPLE_PT)
            x += SAMPLE_PT
            edges.append(sample[0])
        edges.append(x)

    def laid(texts: dict[str, str], kind: OverlayKind | None, max_h: float) -> ListingRow:
        lines, height = [], 0.0
        for key, (cx, cw) in cols.items():
            y = LIST_PAD
            for line in wrap(texts.get(key, ""), cw - 2 * LIST_PAD, size, measure):
                if y + size * LIST_LEADING + LIST_PAD > max_h:
                    break
                lines.append(ListingLine(line, cx + LIST_PAD, y + size * LIST_ASCENT))
                y += size * LIST_LEADING
            height = max(height, y + LIST_PAD)
        return ListingRow(kind, 0.0, max(height, size * 2), tuple(lines))

    header = laid({key: say(key, langs) for key, _ in LIST_COLUMNS}, None, next_height)
    room = next_height - header.height
    chunks, current, space = [], [header], first_height - header.height
    for row in rows:
        kind = kinds.by_id[row.kind]
        texts = {"label": row.label, "kind": " ".join(dict.fromkeys(kind.label(lang) for lang in langs)),
                 "name": row.name, "notes": row.notes, "as_of": row.as_of}
        lr = laid(texts, kind, room)
        if lr.height > space and len(current) > 1:
            chunks.append(current)
            current, space = [header], room
        current.append(lr)
        space -= lr.height
    chunks.append(current)
    out = []
    for chunk in chunks:
        top, placed = 0.0, []
        for r in chunk:
            placed.append(ListingRow(r.kind, top, r.height, r.lines))
            top += r.height
        out.append(ListingChunk(tuple(placed), width, tuple(edges), sample, size))
    return out


def listing_chunks(rows: Sequence[Row], kinds: OverlayKinds, sheet: SheetLayout, measure: Measure,
                   langs: Sequence[str], size: float = LIST_PT) -> list[ListingChunk]:
    """The listing of a page's overlays on sheets of ``sheet``'s layout: the printable width,
    from under the heading to above the credits, its text at ``size``."""
    height = (sheet.header.y - 2 - sheet.printable.y - 14) * MM - 14
    return lay_out_listing(rows, kinds, sheet.printable.w * MM, height, height, measure, langs, size)


def overlay_texts(overlays: Iterable[Overlay], kinds: OverlayKinds, langs: Sequence[str]) -> Iterator[str]:
    """Every text the overlays may put on paper (to reserve its glyphs before pages are drawn
    apart): names, notes, times, kinds, the listing's words and the labels' letters; none
    without overlays, so a build without them embeds no glyph more."""
    overlays = list(overlays)
    if not overlays:
        return
    for o in overlays:
        yield from (o.name, o.notes, o.as_of)
    for k in kinds:
        yield from (k.label(lang) for lang in langs)
    for key in WORDS:
        yield say(key, langs, n=0)
    yield "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def mark_geometry(mark: Mark, kind: str, size: float) -> list[tuple[tuple[float, float], ...]]:
    """The strokes of one mark ("cross", "bar", "chevron") as polylines in sheet points."""
    a = math.radians(mark.angle)
    ux, uy, nx, ny, r = math.cos(a), math.sin(a), -math.sin(a), math.cos(a), size / 2

    def at(u: float, n: float) -> tuple[float, float]:
        return (round(mark.x + u * ux + n * nx, 2), round(mark.y + u * uy + n * ny, 2))

    if kind == "cross":
        k = r * math.sqrt(0.5)
        return [(at(-k, -k), at(k, k)), (at(-k, k), at(k, -k))]
    if kind == "bar":
        return [(at(0, -r), at(0, r))]
    if kind == "chevron":
        return [(at(-r * 0.5, -r), at(r * 0.5, 0), at(-r * 0.5, r))]
    return []
