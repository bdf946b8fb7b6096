"""Lines and areas, laid out by papermap.layout.overlays, drawn through a ``Document``.

Like the basemap (render/mapops.py), every kind on a page is one path, written as operator text
and added to the page as it stands: lines are a casing and a stroke with their dash pattern and
marks; areas are never filled (streets and their names must show through): a hatch or dots
clipped to the rings, and the boundary. Colours are written by ``colour_op``; text (labels, the
listing) goes through the document's runs.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from papermap.layout.frame import Rect, SheetLayout
from papermap.layout.overlays import SWATCH, KindDrawing, ListingChunk, Mark, PageOverlays, mark_geometry, say
from papermap.layout.printsize import NORMAL, PrintSizes
from papermap.layout.sheets import OverlayListSheets, SheetText
from papermap.model.overlays import OverlayKind, load_overlay_kinds
from papermap.render import sheet as draw
from papermap.render.mapops import width_pt
from papermap.render.pdf import BLACK, WHITE, Colour, Document, Run, colour_op, text_width
from papermap.settings import MM

MARK_MM = 2.6          # a mark's size across
MARK_LINE_MM = 0.35
TAG_BORDER_PT = 0.6
GRID_PT = 0.3
HEADER_GREY = Colour(0.85, 0.85, 0.85)


def _stroke_op(hex_colour: str) -> str:
    return colour_op(Colour.hex(hex_colour), stroke=True)


def _path(parts: Iterable[np.ndarray], close: bool) -> str:
    out = []
    for coords in parts:
        pts = np.round(coords, 2).tolist()
        out.append(f"{pts[0][0]:g} {pts[0][1]:g} m " + " ".join(f"{x:g} {y:g} l" for x, y in pts[1:])
                   + (" h" if close else ""))
    return "\n".join(out)


def _stroke(path: str, colour: str, w_mm: float, dash_mm: Sequence[float] | None, cap: int) -> str:
    if not path:
        return ""
    dash = f"[{' '.join(f'{d * MM:.2f}' for d in dash_mm)}] 0 d" if dash_mm else "[] 0 d"
    return f"{_stroke_op(colour)} {width_pt(w_mm):.2f} w {cap} J 1 j {dash}\n{path}\nS"


def _cap(spec: dict) -> int:
    return 1 if spec.get("cap", "round") == "round" else 0


def _hatch(box: tuple[float, float, float, float], step: float, angle: float) -> str:
    """Parallel lines ``step`` apart at ``angle`` degrees over ``box``, on a grid fixed to the
    sheet, so that neighbouring areas of a kind hatch alike."""
    a = math.radians(angle)
    ux, uy, nx, ny = math.cos(a), math.sin(a), -math.sin(a), math.cos(a)
    x0, y0, x1, y1 = box
    corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
    across = [x * nx + y * ny for x, y in corners]
    along = [x * ux + y * uy for x, y in corners]
    lo, hi = min(along), max(along)
    out = []
    t = math.floor(min(across) / step) * step
    while t <= max(across):
        out.append(f"{t * nx + lo * ux:.1f} {t * ny + lo * uy:.1f} m {t * nx + hi * ux:.1f} {t * ny + hi * uy:.1f} l")
        t += step
    return "\n".join(out)


def _dots(box: tuple[float, float, float, float], step: float) -> str:
    x0, y0, x1, y1 = box
    xs = np.arange(math.floor(x0 / step) * step, x1 + step, step)
    ys = np.arange(math.floor(y0 / step) * step, y1 + step, step)
    out = []
    for y in ys.tolist():
        shifted = xs + (step / 2 if round(y / step) % 2 else 0.0)   # staggered rows: dots, not a grid of lines
        out += [f"{x:.1f} {y:.1f} m {x:.1f} {y:.1f} l" for x in shifted.tolist()]
    return "\n".join(out)


def area_ops(parts: Sequence[np.ndarray], spec: dict) -> str:
    """Hatch or dots inside the rings, then their boundary."""
    path = _path(parts, close=True)
    if not path:
        return ""
    xy = np.vstack(parts)
    box = (float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max()))
    out = []
    if "hatch" in spec:
        lines = "\n".join(_hatch(box, spec["hatch_mm"] * MM, a) for a in spec.get("hatch_angles", [45]))
        out.append(f"q\n{path}\nW n\n{_stroke_op(spec['hatch'])} {width_pt(spec['hatch_line_mm']):.2f} w 0 J [] 0 d\n"
                   f"{lines}\nS\nQ")
    if "dots" in spec:
        out.append(f"q\n{path}\nW n\n{_stroke_op(spec['dots'])} {width_pt(spec['dot_mm']):.2f} w 1 J [] 0 d\n"
                   f"{_dots(box, spec['dots_mm'] * MM)}\nS\nQ")
    out.append(_stroke(path, spec["stroke"], spec["stroke_mm"], spec.get("dash_mm"), _cap(spec)))
    return "\n".join(out)


def line_ops(parts: Sequence[np.ndarray], marks: Sequence, kind: OverlayKind, spec: dict) -> str:
    """Casing, line, then the marks with a white halo so they read on any ground."""
    path = _path(parts, close=False)
    if not path:
        return ""
    out = []
    if "casing" in spec:
        out.append(_stroke(path, spec["casing"], spec["width_mm"] + 2 * spec["casing_mm"], None, _cap(spec)))
    out.append(_stroke(path, spec["stroke"], spec["width_mm"], spec.get("dash_mm"), _cap(spec)))
    if marks:
        strokes = [s for m in marks for s in mark_geometry(m, kind.marks, MARK_MM * MM)]
        mpath = "\n".join(f"{p[0][0]} {p[0][1]} m " + " ".join(f"{x} {y} l" for x, y in p[1:]) for p in strokes)
        out.append(_stroke(mpath, "#ffffff", MARK_LINE_MM + 0.5, None, 1))
        out.append(_stroke(mpath, spec["stroke"], MARK_LINE_MM, None, 1))
    return "\n".join(out)


def overlay_ops(page: PageOverlays, frame: Rect, mono: bool) -> str:
    """Every drawing of the page, clipped to the map ``frame`` (mm)."""
    if not page.drawings:
        return ""
    out = [f"q\n{frame.x * MM:.2f} {frame.y * MM:.2f} {frame.w * MM:.2f} {frame.h * MM:.2f} re W n"]
    out += [_drawing(d, mono) for d in page.drawings]
    out.append("Q")
    return "\n".join(p for p in out if p)


def _drawing(d: KindDrawing, mono: bool) -> str:
    spec = d.kind.look(mono)
    return area_ops(d.parts, spec) if d.kind.geometry == "area" else line_ops(d.parts, d.marks, d.kind, spec)


def draw_overlays(doc: Document, page: PageOverlays, frame: Rect, mono: bool) -> None:
    """The page's lines and areas: above the basemap, under its names and the point symbols."""
    doc.literal(overlay_ops(page, frame, mono))


def draw_overlay_tags(doc: Document, page: PageOverlays) -> None:
    """Each label as black letters in a white box with a black border."""
    if not page.tags:
        return
    boxes = " ".join(f"{t.x - t.w / 2:.2f} {t.y - t.h / 2:.2f} {t.w:.2f} {t.h:.2f} re" for t in page.tags)
    doc.literal(f"q {colour_op(WHITE)} {colour_op(BLACK, stroke=True)} {TAG_BORDER_PT} w [] 0 d {boxes} B Q")
    size = page.tags[0].h - 3.2
    doc.texts([Run(t.x - text_width(t.text, size) / 2, t.y - size * 0.36, t.text, size) for t in page.tags])


def sample_ops(kind: OverlayKind, box: tuple[float, float, float, float], mono: bool) -> str:
    """A kind's sample in ``box`` (sheet points): a line across it, or a patch of the area."""
    x0, y0, x1, y1 = box
    spec = kind.look(mono)
    if kind.geometry == "area":
        ring = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], dtype=float)
        return area_ops([ring], spec)
    cy, length = (y0 + y1) / 2, x1 - x0
    marks = [] if kind.marks == "none" else [Mark(x0 + length / 2, cy, 0.0)]
    return line_ops([np.array([(x0, cy), (x1, cy)], dtype=float)], marks, kind, spec)


def draw_sample(doc: Document, shape: str, cx: float, cy: float, size: float, mono: bool) -> None:
    """The sample of the kind a legend entry's ``shape`` ("overlay:KIND") names, ``size`` points
    wide centred at (cx, cy), where the legend draws a point's symbol."""
    kind = load_overlay_kinds().by_id[shape[len(SWATCH):]]
    doc.literal("q\n" + sample_ops(kind, (cx - size / 2, cy - size * 0.38, cx + size / 2, cy + size * 0.38), mono)
                + "\nQ")


def draw_listing_sheets(doc: Document, sheet: SheetLayout, info: SheetText, listing: OverlayListSheets,
                        mono: bool, sizes: PrintSizes = NORMAL) -> None:
    """The listing of one map page's lines and areas, over as many sheets as it needs."""
    body = sheet.printable
    number = listing.page.number
    x, top = body.x * MM, (sheet.header.y - 2) * MM - 14
    for i, chunk in enumerate(listing.chunks):
        draw.draw_header(doc, sheet, info, str(number), "list", sizes=sizes)
        heading = say("heading", info.langs, n=number) + (" " + say("continued", info.langs) if i else "")
        draw.draw_heading(doc, x, (sheet.header.y - 2) * MM - 4, heading, sizes=sizes)
        _listing(doc, chunk, x, top, mono)
        draw.draw_credits(doc, body.x, body.y + 8, body.w, info, sizes=sizes)
        doc.end_sheet()


def _listing(doc: Document, chunk: ListingChunk, x: float, top: float, mono: bool) -> None:
    header = chunk.rows[0]
    ops = [f"q {colour_op(HEADER_GREY)} {x:.2f} {top - header.height:.2f} {chunk.width:.2f} {header.height:.2f} re f Q"]
    sx, sw = chunk.sample
    for row in chunk.rows[1:]:
        cy = top - row.top - min(row.height, 2 * chunk.size) / 2
        ops.append("q\n" + sample_ops(row.kind, (x + sx + 3, cy - 4, x + sx + sw - 3, cy + 4), mono)
                   + "\nQ")
    bottom = top - chunk.height
    grid = [f"{x:.2f} {top - r.top:.2f} m {x + chunk.width:.2f} {top - r.top:.2f} l" for r in chunk.rows[1:]]
    grid += [f"{x + e:.2f} {top:.2f} m {x + e:.2f} {bottom:.2f} l" for e in chunk.edges[1:]]
    ops.append(f"q {colour_op(BLACK, stroke=True)} {GRID_PT} w [] 0 d {' '.join(grid)} S "
               f"0.6 w {x:.2f} {bottom:.2f} {chunk.width:.2f} {top - bottom:.2f} re S Q")
    doc.literal("\n".join(ops))
    doc.texts([Run(x + line.x, top - row.top - line.baseline, line.text, chunk.size)
               for row in chunk.rows for line in row.lines])
