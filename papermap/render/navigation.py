"""Draw the navigation a layout decided (layout/navigation.py): grid references around a map
page, page or section numbers in their boxes, section sheets, index sheets, and the hatch over
ground beyond the extract's data. Any format's sheets can call these."""
from __future__ import annotations

from functools import lru_cache

from papermap.layout.furniture import say
from papermap.layout.navigation import BoxLabel, GridRefs
from papermap.layout.sheets import NameIndexSheet, SectionSheet, SheetText
from papermap.render.mapops import hatch_lines
from papermap.render.pdf import BLACK, WHITE, Colour, Document, Run, text_width
from papermap.settings import MM

GRID_LINE = Colour(0.45, 0.45, 0.45)
NODATA_FILL = Colour(0.88, 0.88, 0.88)
HALO = (WHITE, 2.5)


def draw_grid_refs(doc: Document, refs: GridRefs) -> None:
    """Thin dashed lines across the map at the cell edges, and the cell letters and figures in
    the band around the frame (drawn after the map, before the frame)."""
    x0, x1, y_top, y_bottom = refs.xs[0], refs.xs[-1], refs.ys[0], refs.ys[-1]
    lines = [f"{x:.2f} {y_bottom:.2f} m {x:.2f} {y_top:.2f} l" for x in refs.xs[1:-1]]
    lines += [f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l" for y in refs.ys[1:-1]]
    doc.save_state()
    doc.stroke(GRID_LINE)
    doc.line_width(0.3)
    doc.literal("[3 3] 0 d " + " ".join(lines) + " S")
    doc.restore_state()
    doc.texts([_centred(x, y, text, refs.size, BLACK) for x, y, text in refs.labels])


def _centred(x: float, y: float, text: str, size: float, colour: Colour) -> Run:
    return Run(x - text_width(text, size) / 2, y - size * 0.35, text, size, 100.0, colour)


def draw_box_labels(doc: Document, grid: list, labels: tuple[BoxLabel, ...], line_pt: float = 1.2) -> None:
    """Page (or section) boxes, and each number centred in its box with a white halo: the number
    is sized to its box, so it hides little of the map under it."""
    doc.stroke(BLACK)
    if grid:
        smallest = min(min(b[0] - a[0], b[1] - a[1]) for (a, b), _ in grid)
        doc.line_width(max(0.25, min(line_pt, smallest / 40)))
    for ((x0, y0), (x1, y1)), _ in grid:
        doc.rect(x0, y0, x1 - x0, y1 - y0)
    runs = [_centred((lb.box[0] + lb.box[2]) / 2, (lb.box[1] + lb.box[3]) / 2, lb.text, lb.size, BLACK)
            for lb in labels]
    doc.texts(runs, halo=HALO)
    doc.texts(runs)


def draw_section_map(doc: Document, frame: tuple[float, float, float, float], sec: SectionSheet) -> None:
    """The overview's drawing zoomed onto the section, clipped to the frame, with its pages."""
    doc.save_state()
    p = doc.path()
    p.rect(frame[0], frame[1], frame[2] - frame[0], frame[3] - frame[1])
    doc.clip(p)
    doc.save_state()
    doc.literal(f"{sec.zoom:.6f} 0 0 {sec.zoom:.6f} {sec.shift[0]:.3f} {sec.shift[1]:.3f} cm")
    doc.literal_kept(sec.ops)
    doc.restore_state()
    draw_box_labels(doc, sec.grid, sec.labels)
    doc.restore_state()


def draw_index_entries(doc: Document, sheet: NameIndexSheet, draw_kind) -> None:
    """An index sheet's entries: kind headings with their symbol (``draw_kind(cat_id, x, y, size)``),
    then the names with their pages and grid cells."""
    runs = []
    for entry in sheet.entries:
        for x, y, text in entry.lines:
            runs.append(Run(x, y, text, entry.size, 100.0, BLACK))
        if entry.heading_of:
            x, y, _ = entry.lines[0]
            draw_kind(entry.heading_of, x - entry.size * 0.9, y + entry.size * 0.35, entry.size * 1.4)
    doc.texts(runs)


def draw_no_data(doc: Document, rings, langs: tuple[str, ...], size: float = 9.0) -> None:
    """Ground beyond the extract's data: light grey, hatched, and said so in words, so it never
    reads as empty land. ``rings`` are closed outlines in sheet points."""
    if not rings:
        return
    doc.save_state()
    p = doc.path()
    for ring in rings:
        p.moveTo(*ring[0])
        for xy in ring[1:]:
            p.lineTo(*xy)
        p.close()
    doc.clip(p)
    doc.fill(NODATA_FILL)
    doc.draw_path(p, fill=True, stroke=False)
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    lines = hatch_lines((min(xs), min(ys), max(xs), max(ys)), 3 * MM)
    doc.stroke(Colour(0.55, 0.55, 0.55))
    doc.line_width(0.5)
    doc.literal(" ".join(lines) + " S")
    doc.restore_state()
    text = say("no_data", tuple(reversed(langs)) if langs == ("ja", "en") else langs)
    runs = []
    for ring in rings:
        spot = _words_spot(ring, text_width(text, size), size)
        if spot is not None:
            runs.append(_centred(*spot, text, size, BLACK))
    doc.texts(runs, halo=HALO)
    doc.texts(runs)


@lru_cache(maxsize=256)
def _words_spot(ring: tuple, width: float, size: float) -> tuple[float, float] | None:
    """Where the words go in a no-data ring: the point deepest inside it, if they fit there.
    Remembered: the same page has the same ring in every build."""
    import shapely
    from shapely.ops import polylabel

    spot = polylabel(shapely.Polygon(ring), tolerance=2.0)
    if shapely.Polygon(ring).contains(shapely.box(spot.x - width / 2 - 4, spot.y - size,
                                                   spot.x + width / 2 + 4, spot.y + size)):
        return spot.x, spot.y
    return None


def info_scale(info: SheetText, scale: int) -> SheetText:
    """The sheet's words with its own scale: an overview or section sheet is drawn at its own."""
    from dataclasses import replace

    return replace(info, scale=scale)


def graticule_ops(frame: tuple[float, float, float, float], lines) -> str:
    """PDF operators for a plain sheet with a coordinate grid: white ground, thin grey lines."""
    x0, y0, x1, y1 = frame
    paths = " ".join(" ".join(f"{x:.2f} {y:.2f} {'m' if k == 0 else 'l'}" for k, (x, y) in enumerate(line))
                     for line in lines)
    return (f"q {x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re W n 1 g {x0:.2f} {y0:.2f} {x1 - x0:.2f} "
            f"{y1 - y0:.2f} re f .55 G .4 w {paths} S Q")
