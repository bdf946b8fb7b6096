"""Draw relief-point symbols and their leader lines. Every shape differs in outline alone, so a
grey photocopy still tells water from a shelter; fills only add to that, never replace it."""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import shapely

from papermap.layout.overlays import SWATCH
from papermap.layout.symbols import SYMBOL_MM, SymbolPlacement
from papermap.render.overlays import draw_sample
from papermap.render.marks import code_form, status_form
from papermap.render.pdf import BLACK, WHITE, Colour, Document, Run, num, text_width
from papermap.settings import MIN_FONT_PT, MM

OUTLINE_PT = 0.5
HALO_PT = 1.0        # white ring that lifts the symbol off roads and buildings
LEADER_PT = 0.3
LEADER_HALO_PT = 1.1
DOT_PT = 1.0         # radius of the dot marking the true position of a displaced symbol
LIGHT_GREY = Colour(0.68, 0.68, 0.68)   # still clearly grey, not white, after a photocopy
PATTERNS = ("hatch", "dots", "cross_hatch")
MONO_GROUND = {"black": BLACK, "white": WHITE, "grey": LIGHT_GREY, "hatch": WHITE, "dots": WHITE,
               "cross_hatch": WHITE}


def _regular(n: int, radii: tuple[float, ...], dy: float) -> list[tuple[float, float]]:
    """A regular polygon or star, first vertex straight up, radii taken in turn, moved down by ``dy``."""
    step = 360.0 / n
    return [(radii[k % len(radii)] * math.cos(math.radians(90 + step * k)),
             radii[k % len(radii)] * math.sin(math.radians(90 + step * k)) - dy) for k in range(n)]


# Outlines on a unit box (-1..1), and for each the spot and width (in units) the number gets.
_POLYGONS: dict[str, list[tuple[float, float]]] = {
    "square": [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
    "triangle": [(-1.0, -0.85), (1.0, -0.85), (0.0, 1.0)],
    "inverted_triangle": [(-1.0, 0.85), (0.0, -1.0), (1.0, 0.85)],
    "diamond": [(0.0, 1.0), (1.0, 0.0), (0.0, -1.0), (-1.0, 0.0)],
    "cross": [(-0.42, 1.0), (0.42, 1.0), (0.42, 0.42), (1.0, 0.42), (1.0, -0.42), (0.42, -0.42), (0.42, -1.0),
              (-0.42, -1.0), (-0.42, -0.42), (-1.0, -0.42), (-1.0, 0.42), (-0.42, 0.42)],
    "star": _regular(10, (1.05, 0.6), 0.08),
    "hexagon": _regular(6, (1.0,), 0.0),
    "pentagon": _regular(5, (1.02,), 0.08),
    "house": [(-0.62, -0.95), (0.62, -0.95), (0.62, 0.2), (1.0, 0.2), (0.0, 1.0), (-1.0, 0.2), (-0.62, 0.2)],
}
_DROP = (0.0, -0.3, 0.68)   # drop: round part (centre x, y, radius); the tip is at (0, 1)
# where the number would best sit, as a height in units; it moves up or down from there to fit
_NUMBER_Y = {"circle": 0.0, "square": 0.0, "triangle": -0.4, "inverted_triangle": 0.4, "diamond": 0.0,
             "drop": -0.3, "cross": 0.0, "star": -0.04, "hexagon": 0.0, "pentagon": -0.05, "house": -0.45}
# (font size, horizontal scale %) for numbers, best first; when none fits, the number goes on a tag
_NUMBER_STYLES = ((8.0, 100.0), (MIN_FONT_PT, 100.0))
DIGIT_HEIGHT = 0.74   # of the font size: IPAexGothic figures
SHAPES = tuple(_NUMBER_Y)


def shape_radius(size_pt: float) -> float:
    """Half the width of the outline itself inside a ``size_pt`` box (the rest is halo)."""
    return size_pt / 2 - HALO_PT - OUTLINE_PT / 2


def _path(doc: Document, shape: str, r: float):
    """The outline centred on the origin, ``r`` its half-width."""
    p = doc.path()
    if shape == "circle":
        p.circle(0, 0, r)
    elif shape == "drop":
        cx, cy, rr = _DROP
        turn = math.degrees(math.acos(rr / (1.0 - cy)))
        p.moveTo(0, r)
        p.arcTo((cx - rr) * r, (cy - rr) * r, (cx + rr) * r, (cy + rr) * r,
                startAng=90 + turn, extent=360 - 2 * turn)
        p.close()
    elif shape in _POLYGONS:
        pts = _POLYGONS[shape]
        p.moveTo(pts[0][0] * r, pts[0][1] * r)
        for px, py in pts[1:]:
            p.lineTo(px * r, py * r)
        p.close()
    else:
        raise ValueError(f"unknown symbol shape {shape!r} (known: {', '.join(SHAPES)})")
    return p


def number_colour(fill: Colour) -> Colour:
    """White or black, whichever contrasts more with the fill (WCAG contrast ratio)."""
    lum = fill.luminance()
    return WHITE if 1.05 / (lum + 0.05) > (lum + 0.05) / 0.05 else BLACK


def _pattern(doc: Document, kind: str, r: float) -> None:
    """Hatching, cross-hatching or dots over the box around the origin; the caller clips to the outline."""
    doc.stroke(BLACK)
    doc.fill(BLACK)
    if kind == "dots":
        step = 2.4
        n = int(r / step) + 1
        for i in range(-n, n + 1):
            for j in range(-n, n + 1):
                doc.circle((i + 0.5 * (j % 2)) * step, j * step, 0.62, stroke=False, fill=True)
        return
    doc.line_width(0.55 if kind == "hatch" else 0.45)
    step = 2.2 if kind == "hatch" else 2.6
    slopes = (1,) if kind == "hatch" else (1, -1)
    n = int(2 * r / step) + 2
    for s in slopes:
        for k in range(-n, n + 1):
            d = k * step * math.sqrt(2)
            doc.line(-r + d, -s * r, r + d, s * r)


class Mark(NamedTuple):
    """One symbol to draw: its look, its centre and box size in points, its number (or None), the
    letter code of a kind that shares its shape, and the status mark over it (render/marks.py)."""

    shape: str
    colour_hex: str
    mono_fill: str
    x: float
    y: float
    size_pt: float
    number: int | None = None
    code: str = ""
    status: str = ""     # "", or one of marks.STATUS_MARKS


def draw_symbols(doc: Document, marks: Sequence[Mark], mono: bool) -> None:
    """Symbols centred on their points, each filling its box: halo, fill, outline, number.

    A number too wide for its shape, or over a pattern, goes on a small white tag so it stays
    readable whatever is behind it. Each kind of symbol is drawn once per PDF as a form and then
    placed by reference; so are the tags, and the numbers go in one text object, after the
    symbols (placed symbols never overlap, so this order shows the same as symbol by symbol).
    """
    kinds: dict[tuple, str] = {}   # a page has a few kinds of symbol and hundreds of symbols
    placed = []
    for m in marks:
        kind = (m.shape, m.size_pt, m.colour_hex, m.mono_fill)
        form = kinds.get(kind)
        if form is None:
            form = kinds[kind] = _symbol_form(doc, m.shape, m.size_pt, m.colour_hex, m.mono_fill, mono)
        placed.append((form, m.x, m.y))
    doc.place_all(placed)
    # the status mark over the symbol, the letter code over both (never hidden by a cross)
    doc.place_all([(status_form(doc, m.status, m.size_pt), m.x, m.y) for m in marks if m.status])
    doc.place_all([(code_form(doc, m.code, m.size_pt), m.x, m.y) for m in marks if m.code])
    numbers = [m for m in marks if m.number is not None]
    if numbers:
        _draw_numbers(doc, numbers, mono)


def draw_symbol(doc: Document, shape: str, x: float, y: float, size_pt: float, colour_hex: str,
                mono_fill: str, number: int | None, mono: bool, code: str = "", status: str = "") -> None:
    """One symbol: ``draw_symbols`` for a single mark. A legend entry of shape "overlay:KIND" draws
    that line or area kind's sample (render/overlays.py); an empty ``shape`` draws the status mark
    alone (the legend's entry for a status)."""
    if shape.startswith(SWATCH):
        draw_sample(doc, shape, x, y, size_pt, mono)
    elif shape:
        draw_symbols(doc, [Mark(shape, colour_hex, mono_fill, x, y, size_pt, number, code, status)], mono)
    elif status:
        doc.place_all([(status_form(doc, status, size_pt), x, y)])


def _symbol_form(doc: Document, shape: str, size_pt: float, colour_hex: str, mono_fill: str, mono: bool) -> str:
    """The name of this symbol's form in the document, defining it on first use."""
    return doc.form(_symbol_key(shape, size_pt, colour_hex, mono_fill, mono), _symbol, shape, size_pt, colour_hex,
                    mono_fill, mono)


@lru_cache(maxsize=1024)
def _symbol_key(shape: str, size_pt: float, colour_hex: str, mono_fill: str, mono: bool) -> str:
    """The form's name (checked once per kind: a table asks for the same few on every row)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown symbol shape {shape!r} (known: {', '.join(SHAPES)})")
    if mono and mono_fill not in MONO_GROUND:
        raise ValueError(f"unknown mono fill {mono_fill!r} (known: {', '.join(MONO_GROUND)})")
    return f"sym-{shape}-{size_pt:.2f}-" + (f"mono-{mono_fill}" if mono else colour_hex.lstrip("#"))


def _symbol(doc: Document, key: str, shape: str, size_pt: float, colour_hex: str, mono_fill: str, mono: bool) -> None:
    half = size_pt / 2 + 1
    doc.begin_form(key, (-half, -half, half, half))
    _shape(doc, shape, shape_radius(size_pt), colour_hex, mono_fill, mono)
    doc.end_form()


def _shape(doc: Document, shape: str, r: float, colour_hex: str, mono_fill: str, mono: bool) -> None:
    """The symbol without its number, centred on the origin: white halo, fill or pattern, outline."""
    path = _path(doc, shape, r)
    doc.line_join(1)
    doc.stroke(WHITE)
    doc.line_width(OUTLINE_PT + 2 * HALO_PT)
    doc.draw_path(path)
    doc.fill(MONO_GROUND[mono_fill] if mono else Colour.hex(colour_hex))
    doc.draw_path(path, stroke=False, fill=True)
    if mono and mono_fill in PATTERNS:
        doc.save_state()
        doc.clip(path)
        _pattern(doc, mono_fill, r)
        doc.restore_state()
    doc.stroke(BLACK)
    doc.line_width(OUTLINE_PT)
    doc.draw_path(path)


@lru_cache(maxsize=None)
def _outline(shape: str) -> shapely.Geometry:
    """The shape on the unit box as a shapely geometry, to find room for the number."""
    if shape == "circle":
        return shapely.Point(0, 0).buffer(1.0, quad_segs=16)
    if shape == "drop":
        cx, cy, rr = _DROP
        return shapely.convex_hull(shapely.MultiPoint(
            [(0.0, 1.0)] + list(shapely.Point(cx, cy).buffer(rr, quad_segs=16).exterior.coords)))
    return shapely.Polygon(_POLYGONS[shape])


@lru_cache(maxsize=4096)
def _number_y(shape: str, r: float, width: float, height: float) -> float | None:
    """Height (units) nearest the shape's best spot where a centred width x height box lies
    inside the outline, clear of the outline stroke; None when it fits nowhere."""
    inside = _outline(shape).buffer(-(OUTLINE_PT + 0.3) / r)
    w, h = width / 2 / r, height / 2 / r
    best = _NUMBER_Y[shape]
    for dy in sorted((k / 25 for k in range(-20, 21)), key=lambda d: (abs(d - best), d)):
        if inside.contains(shapely.box(-w, dy - h, w, dy + h)):
            return dy
    return None


@lru_cache(maxsize=8192)
def _number_fit(shape: str, r: float, text: str) -> tuple[float, float, float, float, bool]:
    """(font size, horizontal scale %, height in units, width, overflow) for ``text`` in the shape.
    A symbol larger than the map's usual one (large print) has its number sizes grown with it, so
    the smallest number stays as readable next to the symbol as it was."""
    usual, rim = SYMBOL_MM * MM, 2 * HALO_PT + OUTLINE_PT    # symbol sizes: r is half the size less the rim
    size_pt = 2 * r + rim
    grow = size_pt / usual if size_pt > usual * 1.01 else 1.0   # r comes rounded: the usual symbol stays as it was
    for size, scale in _NUMBER_STYLES:
        size *= grow
        w = text_width(text, size) * scale / 100
        dy = _number_y(shape, round(r, 3), round(w, 3), size * DIGIT_HEIGHT)
        if dy is not None:
            return size, scale, dy, w, False
    return MIN_FONT_PT * grow, 100.0, _NUMBER_Y[shape], text_width(text, MIN_FONT_PT * grow), True


@lru_cache(maxsize=256)
def _fill_number_colour(colour_hex: str, mono_fill: str, mono: bool) -> Colour:
    return number_colour(MONO_GROUND[mono_fill] if mono else Colour.hex(colour_hex))


def _draw_numbers(doc: Document, marks: list[Mark], mono: bool) -> None:
    """Every mark's number: white tags first (a form per tag width), then the figures (one text object)."""
    placed, tags = [], []
    for m in marks:
        r = shape_radius(m.size_pt)
        text = str(m.number)
        size, scale, dy, w, overflow = _number_fit(m.shape, round(r, 3), text)
        cx, cy = m.x, m.y + dy * r
        if overflow or (mono and m.mono_fill in PATTERNS) or m.status == "closed":
            # a tag wider than the shape gets its own thin border; inside a pattern (or over the
            # closed cross) it needs none
            tags.append((rounded_box(doc, w + 2.4, size, 1.2, WHITE, 0.3 if overflow else 0.0),
                         cx - w / 2 - 1.2, cy - size * 0.5))
            colour = BLACK
        else:
            colour = _fill_number_colour(m.colour_hex, m.mono_fill, mono)
        placed.append(Run(cx - w / 2, cy - size * DIGIT_HEIGHT / 2, text, size, scale, colour))
    doc.place_all(tags)
    doc.texts(placed)


def draw_leaders(doc: Document, placements: Iterable[SymbolPlacement]) -> None:
    """Thin lines from displaced symbols to their true positions, ending in a dot. Draw these
    before the symbols, so each line starts under its symbol's edge. The paths are written once
    and stroked twice, white halo then black line (a crowded page has thousands of leaders)."""
    moved = [p for p in placements if p.displaced]
    if not moved:
        return
    lines = " ".join(f"{num(p.x, p.y)} m {num(p.true_x, p.true_y)} l" for p in moved)
    # a zero-length stroke with round caps is a round dot
    dots = " ".join(f"{xy} m {xy} l" for xy in (num(p.true_x, p.true_y) for p in moved))
    doc.save_state()
    doc.line_cap(1)
    for colour, width, dot in ((WHITE, LEADER_HALO_PT, DOT_PT + 0.5), (BLACK, LEADER_PT, DOT_PT)):
        doc.stroke(colour)
        doc.line_width(width)
        doc.literal(f"{lines} S")
        doc.line_width(2 * dot)
        doc.literal(f"{dots} S")
    doc.restore_state()


def rounded_box(doc: Document, w: float, h: float, radius: float, fill: Colour, border_pt: float = 0.0) -> str:
    """The form of a ``w`` x ``h`` rounded box with its lower-left corner at the origin, filled
    and, when ``border_pt`` is set, outlined in black; defined in the document on first use."""
    w, h = round(w, 2), round(h, 2)
    hexval = "%02x%02x%02x" % tuple(int(255 * v) & 255 for v in fill)   # as ReportLab names a colour
    return doc.form(f"box-{w}-{h}-{radius}-{hexval}-{border_pt}", _box, w, h, radius, fill, border_pt)


def _box(doc: Document, name: str, w: float, h: float, radius: float, fill: Colour, border_pt: float) -> None:
    pad = border_pt / 2 + 0.5
    doc.begin_form(name, (-pad, -pad, w + pad, h + pad))
    doc.fill(fill)
    doc.stroke(BLACK)
    doc.line_width(border_pt or 1)
    doc.round_rect(0, 0, w, h, radius, stroke=bool(border_pt), fill=True)
    doc.end_form()
