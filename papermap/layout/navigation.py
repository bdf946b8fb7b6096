"""Finding one's way through an atlas of 1 to thousands of pages: grid references on a map
page's edges (columns A, B, C… and rows 1, 2, 3…), page labels on the overview sized to their
cells (and sections of pages when there are too many to label one by one), and the index of
place and street names and of relief points, each pointing to a page and a grid cell.

Pure functions over sheet points and projected metres; any format's map sheet can use them.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from papermap.layout.grid import Box, MapPage
from papermap.layout.text import Measure
from papermap.settings import MM

GRID_CELL_MM = 30.0      # about the side of a grid-reference cell on a map page
REF_PT = 8.0             # grid-reference letters and figures in the band around the frame
LABEL_MAX_PT = 28.0      # an overview page number is never larger than this
LABEL_READABLE_PT = 9.0  # below this an overview labels sections of pages instead of pages
LABEL_SHARE = 0.45       # a label's box takes at most this share of its cell's width and height
SECTION_CELL_PT = 56.0   # a page's box on a section sheet is at least this wide (about 20 mm)


def column_name(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet columns, never running out."""
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


@dataclass(frozen=True)
class GridRefs:
    """A map page's grid: cell edges across the frame and the letters and figures around it."""

    xs: tuple[float, ...]                      # column edges, left to right, sheet points
    ys: tuple[float, ...]                      # row edges, top to bottom
    labels: tuple[tuple[float, float, str], ...]   # centre x, y and text, in the band around the frame
    size: float

    def cell(self, x: float, y: float) -> str | None:
        """The grid cell ("B3") holding the sheet point (x, y), or None outside the frame. (An
        index asks for every point on every page: the edges are searched by bisection.)"""
        xs, ys = self.xs, self.ys
        if not (xs[0] <= x <= xs[-1] and ys[-1] <= y <= ys[0]):
            return None
        col = min(bisect_right(xs, x, 1, len(xs) - 1) - 1, len(xs) - 2)
        row = min(bisect_right(self._down, -y, 1, len(ys) - 1) - 1, len(ys) - 2)
        return f"{_column(col)}{row + 1}"

    @cached_property
    def _down(self) -> tuple[float, ...]:
        """The row edges negated: rising, for bisection (an edge at or above y is one at or below -y)."""
        return tuple(-e for e in self.ys)


@lru_cache(maxsize=256)
def _column(i: int) -> str:
    return column_name(i)


def _edges(lo: float, hi: float, n: int) -> tuple[float, ...]:
    return tuple(lo + (hi - lo) * k / n for k in range(n + 1))


def _hits(box: Box, avoid: Sequence[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in avoid)


def grid_refs(frame: Box, band_pt: float, avoid: Sequence[Box], measure: Measure, size: float = REF_PT,
              cell_mm: float = GRID_CELL_MM) -> GridRefs:
    """The grid of ``frame`` (x0, y0, x1, y1 in points) in cells of about ``cell_mm``, its letters
    along the top and bottom and figures down both sides, centred in the ``band_pt`` band outside
    the frame. A reference that would touch a box in ``avoid`` (the neighbour-page tabs) slides
    along its cell's edge to the nearest free spot: it stays inside its own column or row."""
    x0, y0, x1, y1 = frame
    cols = max(1, round((x1 - x0) / (cell_mm * MM)))
    rows = max(1, round((y1 - y0) / (cell_mm * MM)))
    xs, ys = _edges(x0, x1, cols), _edges(y1, y0, rows)
    labels = []
    h = size * 0.8
    for k in range(cols):
        text = column_name(k)
        w = measure(text, size)
        for y in (y1 + band_pt / 2, y0 - band_pt / 2):
            labels.append((_slide(xs[k], xs[k + 1], w, lambda c: (c - w / 2 - 1, y - h / 2, c + w / 2 + 1, y + h / 2),
                                  avoid), y, text))
    for k in range(rows):
        text = str(k + 1)
        w = measure(text, size)
        for x in (x0 - band_pt / 2, x1 + band_pt / 2):
            labels.append((x, _slide(ys[k + 1], ys[k], h, lambda c: (x - w / 2 - 1, c - h / 2 - 1, x + w / 2 + 1,
                                                                     c + h / 2 + 1), avoid), text))
    return GridRefs(xs, ys, tuple(labels), size)


def _slide(lo: float, hi: float, extent: float, box_at, avoid: Sequence[Box]) -> float:
    """The spot nearest the middle of lo..hi where ``box_at(spot)`` is clear of ``avoid``."""
    mid, room = (lo + hi) / 2, (hi - lo - extent) / 2 - 2
    steps = max(1, int(room // 2))
    for k in sorted(range(-steps, steps + 1), key=abs):
        spot = mid + k * room / steps
        if not _hits(box_at(spot), avoid):
            return spot
    return mid


# -- the overview -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoxLabel:
    """A label centred in a box of the overview or a section sheet: a page number or a section."""

    box: Box                 # x0, y0, x1, y1 sheet points
    text: str
    size: float


def fit_label(box: Box, text: str, measure: Measure, largest: float = LABEL_MAX_PT) -> float:
    """The size at which ``text`` fills at most ``LABEL_SHARE`` of the box each way (not above
    ``largest``): it never covers more than a fifth of the map it names, and labels in boxes that
    do not overlap never overlap."""
    w, h = box[2] - box[0], box[3] - box[1]
    width_at_1 = measure(text, 1.0) or 1.0
    return min(largest, LABEL_SHARE * w / width_at_1, LABEL_SHARE * h / 1.0)


def page_labels(rects: Iterable[tuple[Box, str]], measure: Measure) -> list[BoxLabel]:
    """Page numbers in their pages' own parts (``rects``: the box of each page less half the
    overlap, so the boxes tile without overlapping), all at one size: the largest that fits the
    longest number."""
    rects = list(rects)
    if not rects:
        return []
    size = min(fit_label(box, text, measure) for box, text in rects)
    return [BoxLabel(box, text, size) for box, text in rects]


def readable(labels: Sequence[BoxLabel], floor: float = LABEL_READABLE_PT) -> bool:
    return all(lb.size >= floor for lb in labels)


def own_box(page_box: Box, overlap: float) -> Box:
    """A page's box less half the overlap band on each side (the parts tile the area)."""
    d = overlap / 2
    return (page_box[0] + d, page_box[1] + d, page_box[2] - d, page_box[3] - d)


@dataclass(frozen=True)
class Section:
    """A block of pages shown together on one index sheet (atlases too big to label page by page)."""

    number: int
    pages: tuple[MapPage, ...]
    window: Box                  # the ground its pages cover, projected metres


def section_size(step: tuple[float, float], frame_pt: Box, least_pt: float = SECTION_CELL_PT) -> int:
    """How many pages a section spans each way: the most whose pages, drawn on a section sheet
    filling the frame, are each at least ``least_pt`` wide and high (at least 2)."""
    fw, fh = frame_pt[2] - frame_pt[0], frame_pt[3] - frame_pt[1]
    n = 2
    while min(fw / ((n + 1) * step[0]), fh / ((n + 1) * step[1])) * min(step) >= least_pt:
        n += 1
    return n


def sections(pages: Sequence[MapPage], n: int) -> list[Section]:
    """The pages in blocks of ``n`` by ``n`` grid cells, numbered row by row like the pages."""
    blocks: dict[tuple[int, int], list[MapPage]] = {}
    for p in pages:
        blocks.setdefault((p.row // n, p.col // n), []).append(p)
    out = []
    for i, key in enumerate(sorted(blocks)):
        members = blocks[key]
        window = (min(p.window[0] for p in members), min(p.window[1] for p in members),
                  max(p.window[2] for p in members), max(p.window[3] for p in members))
        out.append(Section(i + 1, tuple(members), window))
    return out


def aspect_window(window: Box, frame_pt: Box) -> Box:
    """``window`` grown about its centre to the frame's aspect: shown whole, undistorted."""
    fw, fh = frame_pt[2] - frame_pt[0], frame_pt[3] - frame_pt[1]
    w, h = window[2] - window[0], window[3] - window[1]
    k = min(fw / w, fh / h)
    cx, cy, hw, hh = (window[0] + window[2]) / 2, (window[1] + window[3]) / 2, fw / k / 2, fh / k / 2
    return (cx - hw, cy - hh, cx + hw, cy + hh)


# -- the name and point index -------------------------------------------------------------------
Ref = tuple[int, str]    # page number, grid cell


def refs_text(refs: Iterable[Ref]) -> str:
    """Where a name is: "3 B2, 4 A2", each page once per cell, in page order."""
    return ", ".join(f"{page} {cell}" for page, cell in sorted(set(refs), key=lambda r: (r[0], r[1])))


def name_index(found: Iterable[tuple[str, int, str]]) -> list[tuple[str, str]]:
    """(name, page, cell) as each name is printed on a map page -> sorted (name, where) rows."""
    by_name: dict[str, list[Ref]] = {}
    for name, page, cell in found:
        by_name.setdefault(name, []).append((page, cell))
    return [(name, refs_text(refs)) for name, refs in sorted(by_name.items(), key=lambda kv: kv[0].casefold())]


@dataclass(frozen=True)
class IndexEntry:
    """One line-set of an index sheet: a heading (a kind of point, with its symbol) or a name."""

    text: str
    lines: tuple[tuple[float, float, str], ...]   # x, baseline, text
    size: float
    heading_of: str | None = None                  # category id, when this is a kind's heading


def index_columns(groups: Sequence[tuple[str | None, str, Sequence[tuple[str, str]]]], body: Box, measure: Measure,
                  size: float, columns: int) -> list[list[IndexEntry]]:
    """Index rows in ``columns`` columns over as many sheets as they need.

    ``groups`` are (category id or None, heading, rows of (name, where)); each heading starts a
    group in bold size, each row is "name … where", wrapped to its column. ``body`` is the room
    on a sheet (x0, y0, x1, y1 points). Returns the entries of each sheet."""
    from papermap.layout.text import wrap

    gap = 10.0
    col_w = (body[2] - body[0] - gap * (columns - 1)) / columns
    step = size * 1.3
    sheets: list[list[IndexEntry]] = [[]]
    col, y = 0, body[3]

    def room(lines_needed: int, extra: float = 0.0) -> None:
        nonlocal col, y
        if y - lines_needed * step - extra < body[1]:
            col += 1
            y = body[3]
            if col == columns:
                sheets.append([])
                col = 0

    for cat, heading, rows in groups:
        if heading:
            room(2, step)
            x = body[0] + col * (col_w + gap)
            indent = size * 1.6 if cat else 0.0
            y -= size * 1.4
            sheets[-1].append(IndexEntry(heading, ((x + indent, y, heading),), size * 1.1, cat))
            y -= step * 0.5
        for name, where in rows:
            text = f"{name}  {where}"
            lines = wrap(text, col_w - size, size, measure)
            room(len(lines))
            x = body[0] + col * (col_w + gap)
            placed = []
            for k, line in enumerate(lines):
                y -= step
                placed.append((x + (size if k else 0.0), y, line))
            sheets[-1].append(IndexEntry(text, tuple(placed), size))
    return [s for s in sheets if s]

