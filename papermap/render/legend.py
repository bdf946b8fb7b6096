"""Draw the legend: the same symbols as on the map, each with its bilingual name."""
from __future__ import annotations

from papermap.layout.legend import GAP, LegendEntry, legend_layout
from papermap.render.pdf import BLACK, Document, text_width
from papermap.render.symbols import draw_symbol


def draw_legend(doc: Document, entries: list[LegendEntry], x_pt: float, y_pt: float, width_pt: float,
                height_pt: float, langs: tuple[str, ...], mono: bool) -> None:
    """Only the categories given (those present on the page), in the box with bottom-left
    corner (x_pt, y_pt). Raises ValueError when they cannot fit at 7 pt."""
    for item in legend_layout(entries, width_pt, height_pt, text_width, langs):
        shape, colour, mono_fill, _, _ = item.entry
        cx, cy = x_pt + item.x, y_pt + item.y
        draw_symbol(doc, shape, cx, cy, item.symbol_pt, colour, mono_fill, None, mono)
        doc.fill(BLACK)
        for line, baseline in zip(item.lines, item.baselines):
            doc.text(cx + item.symbol_pt / 2 + GAP, y_pt + baseline, line, item.size)
