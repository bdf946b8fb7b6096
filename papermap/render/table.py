"""Draw one chunk of a point table laid out by papermap.layout.table.

A table sheet holds a few hundred short texts, so the chunk is drawn in a handful of strokes: one
path per fill colour, one text object for every cell, one path for the grid.
"""
from __future__ import annotations

from typing import Callable

from papermap.layout.table import BADGE_PAD, PAD, TableChunk, TableRow
from papermap.render.pdf import BLACK, WHITE, Colour, Document, Run, num, text_width
from papermap.render.symbols import rounded_box

GRID_PT = 0.3
BORDER_PT = 0.6
HEADER_GREY = Colour(0.85, 0.85, 0.85)
CLOSED_GREY = Colour(0.88, 0.88, 0.88)   # light enough that black text survives a photocopy

# (document, [(row, centre x, centre y)], size): draws each row's category symbol, as on the map
SymbolDrawer = Callable[[Document, list[tuple[TableRow, float, float]], float], None]


def draw_table(doc: Document, chunk: TableChunk, x_pt: float, y_top_pt: float, symbol_drawer: SymbolDrawer) -> None:
    """The chunk with its top-left corner at (x_pt, y_top_pt): continuation line, header, rows, grid."""
    if not chunk.rows:
        return
    top = y_top_pt - chunk.heading_height
    tops = []
    for laid in (chunk.header, *chunk.rows):
        tops.append(top)
        top -= laid.height
    bottom = top
    rows = list(zip((chunk.header, *chunk.rows), tops))
    doc.save_state()

    grounds = {HEADER_GREY: doc.path(), CLOSED_GREY: doc.path()}
    badges: list[tuple[str, float, float]] = []   # (form, x, y): drawn over the grounds
    texts = [Run(x_pt + PAD, y_top_pt - line.baseline, line.text, line.size) for line in chunk.heading]
    footer_top = y_top_pt - chunk.height + chunk.footer_height   # the sources' lines, under the grid
    texts += [Run(x_pt + PAD, footer_top - line.baseline, line.text, line.size) for line in chunk.footer]
    for laid, row_top in rows:
        if laid.shaded:
            grounds[HEADER_GREY if laid.row is None else CLOSED_GREY].rect(
                x_pt, row_top - laid.height, chunk.width, laid.height)
        for col, lines in zip(chunk.columns, laid.cells):
            for line in lines:
                left = x_pt + col.x + PAD
                if line.badge:
                    w = text_width(line.text, line.size) + 2 * BADGE_PAD
                    badges.append((rounded_box(doc, w, line.size * 1.1, 1.0, BLACK),
                                   left, row_top - line.baseline - line.size * 0.22))
                    left += BADGE_PAD
                texts.append(Run(left, row_top - line.baseline, line.text, line.size, 100.0,
                                 WHITE if line.badge else BLACK))   # white on a badge
    for colour, path in grounds.items():
        doc.fill(colour)
        doc.draw_path(path, stroke=False, fill=True)
    doc.place_all(badges)
    doc.fill(BLACK)
    doc.texts(texts)

    symbol_col = next(col for col in chunk.columns if col.key == "symbol")
    half = chunk.symbol_pt / 2
    symbol_drawer(doc, [(laid.row, x_pt + symbol_col.x + symbol_col.width / 2, row_top - PAD - half)
                      for laid, row_top in rows[1:]], chunk.symbol_pt)

    # the grid as path operators: a row line is one number to write, not four
    left, right, top_s, bottom_s = num(x_pt), num(x_pt + chunk.width), num(tops[0]), num(bottom)
    grid = [f"{left} {y} m {right} {y} l" for y in map(num, tops[1:])]
    grid += [f"{x} {top_s} m {x} {bottom_s} l" for x in (num(x_pt + col.x) for col in chunk.columns[1:])]
    doc.stroke(BLACK)
    doc.line_width(GRID_PT)
    doc.literal(" ".join(grid) + " S")
    frame = doc.path()
    frame.rect(x_pt, bottom, chunk.width, tops[0] - bottom)
    frame.moveTo(x_pt, tops[1])
    frame.lineTo(x_pt + chunk.width, tops[1])
    doc.line_width(BORDER_PT)
    doc.draw_path(frame)
    doc.restore_state()

