"""Draw one chunk of a point table laid out by papermap.layout.table."""
from __future__ import annotations

from typing import Callable

from reportlab.lib.colors import Color, black, white
from reportlab.pdfgen.canvas import Canvas

from papermap.layout.table import BADGE_PAD, PAD, LaidRow, TableChunk, TableRow
from papermap.render.fonts import register, text_width

GRID_PT = 0.3
BORDER_PT = 0.6
HEADER_GREY = Color(0.85, 0.85, 0.85)
CLOSED_GREY = Color(0.88, 0.88, 0.88)   # light enough that black text survives a photocopy

# (canvas, row, centre x, centre y, size): draws the row's category symbol, as on the map
SymbolDrawer = Callable[[Canvas, TableRow, float, float, float], None]


def _row(c: Canvas, chunk: TableChunk, laid: LaidRow, x: float, top: float,
         symbol_drawer: SymbolDrawer) -> None:
    if laid.shaded:
        c.setFillColor(HEADER_GREY if laid.row is None else CLOSED_GREY)
        c.rect(x, top - laid.height, chunk.width, laid.height, stroke=0, fill=1)
    c.setFillColor(black)
    font = register()
    for col, lines in zip(chunk.columns, laid.cells):
        for line in lines:
            left = x + col.x + PAD
            if line.badge:
                w = text_width(line.text, line.size) + 2 * BADGE_PAD
                c.roundRect(left, top - line.baseline - line.size * 0.22, w, line.size * 1.1, 1.0, stroke=0, fill=1)
                c.setFillColor(white)
                left += BADGE_PAD
            c.setFont(font, line.size)
            c.drawString(left, top - line.baseline, line.text)
            c.setFillColor(black)
        if col.key == "symbol" and laid.row is not None:
            half = chunk.symbol_pt / 2
            symbol_drawer(c, laid.row, x + col.x + col.width / 2, top - PAD - half, chunk.symbol_pt)
            c.setFillColor(black)


def draw_table(c: Canvas, chunk: TableChunk, x_pt: float, y_top_pt: float, symbol_drawer: SymbolDrawer) -> None:
    """The chunk with its top-left corner at (x_pt, y_top_pt): continuation line, header, rows, grid."""
    if not chunk.rows:
        return
    c.saveState()
    c.setFillColor(black)
    for line in chunk.heading:
        c.setFont(register(), line.size)
        c.drawString(x_pt + PAD, y_top_pt - line.baseline, line.text)
    top = y_top_pt - chunk.heading_height
    tops = []
    for laid in (chunk.header, *chunk.rows):
        tops.append(top)
        _row(c, chunk, laid, x_pt, top, symbol_drawer)
        top -= laid.height
    bottom = top
    c.setStrokeColor(black)
    c.setLineWidth(GRID_PT)
    for t in tops[1:]:
        c.line(x_pt, t, x_pt + chunk.width, t)
    for col in chunk.columns[1:]:
        c.line(x_pt + col.x, tops[0], x_pt + col.x, bottom)
    c.setLineWidth(BORDER_PT)
    c.rect(x_pt, bottom, chunk.width, tops[0] - bottom, stroke=1, fill=0)
    c.line(x_pt, tops[1], x_pt + chunk.width, tops[1])
    c.restoreState()
