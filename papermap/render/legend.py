"""Draw the legend: the same symbols as on the map, each with its bilingual name."""
from __future__ import annotations

from papermap.layout.legend import GAP, LegendItem
from papermap.render.pdf import BLACK, Document
from papermap.render.symbols import draw_symbol


def draw_legend(doc: Document, items: list[LegendItem], x_pt: float, y_pt: float, mono: bool) -> None:
    """The legend laid out by layout/legend.py, in its box with bottom-left corner (x_pt, y_pt)."""
    for item in items:
        e = item.entry
        cx, cy = x_pt + item.x, y_pt + item.y
        draw_symbol(doc, e.shape, cx, cy, item.symbol_pt, e.colour, e.mono, None, mono, e.code, e.mark)
        doc.fill(BLACK)
        for line, baseline in zip(item.lines, item.baselines):
            doc.text(cx + item.symbol_pt / 2 + GAP, y_pt + baseline, line, item.size)
