"""How big things are printed: one value for every text and symbol size that a reader's eyes
decide on, so large print (``--large-print``, for elderly readers) is one choice passed through
the sheet format to layout and render, not a hundred constants changed one by one.

``NORMAL`` is what every format prints by default; ``LARGE`` sets the table's names at 14 pt and
its text at 12 pt, symbols 1.5 times larger, and everything else scaled to match, never under
9 pt. Only the atlas prints large so far (layout/atlas.py); the other formats say so.
"""
from __future__ import annotations

from dataclasses import dataclass

from papermap.settings import MIN_FONT_PT


@dataclass(frozen=True)
class PrintSizes:
    """Text sizes in points and the map symbol in millimetres.

    ``scale`` multiplies the sizes of the furniture (header, footer, tabs, scale bar, credits,
    grid references, street and place names); ``floor`` is the smallest text anywhere."""

    large: bool
    scale: float
    floor: float
    table_name: float        # a point's name (and number) in its table
    table_body: float        # the rest of the table
    table_symbol: float      # the symbol in the table's symbol column, points
    symbol_mm: float         # a numbered symbol on the map
    legend_symbol: float     # a legend symbol, points
    legend_sizes: tuple[float, ...]   # legend label sizes, largest first
    ref: float               # grid-reference letters and figures
    index: float             # names in the index sheets
    overlay: float           # letters of lines and areas on the map, and their listing

    def text(self, size: float) -> float:
        """A furniture text's size in this print: scaled, and never under the floor."""
        return max(self.floor, size * self.scale)

    def labels(self, label_style: dict) -> dict:
        """The style's street and place name sizes in this print (the style itself is unchanged)."""
        if not self.large:
            return label_style
        return label_style | {"font_pt": self.text(label_style["font_pt"]),
                              "place_pt": [self.text(s) for s in label_style["place_pt"]]}


NORMAL = PrintSizes(large=False, scale=1.0, floor=MIN_FONT_PT, table_name=9.0, table_body=7.5, table_symbol=12.0,
                    symbol_mm=7.0, legend_symbol=11.0, legend_sizes=(8.0, 7.5, 7.0), ref=8.0, index=8.0,
                    overlay=8.0)
LARGE_FLOOR = 9.0
LARGE = PrintSizes(large=True, scale=1.3, floor=LARGE_FLOOR, table_name=14.0, table_body=12.0, table_symbol=18.0,
                   symbol_mm=NORMAL.symbol_mm * 1.5, legend_symbol=NORMAL.legend_symbol * 1.5,
                   legend_sizes=(10.5, 10.0, 9.5, 9.0), ref=10.5, index=10.5, overlay=10.5)


def print_sizes(large: bool) -> PrintSizes:
    return LARGE if large else NORMAL
