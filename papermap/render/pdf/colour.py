"""Colours as plain values, and the one way they are written into a PDF.

A ``Colour`` is red, green and blue from 0 to 1; ``colour_op`` writes it as a fill or stroke
operator. The document's fills and strokes, its text runs and the basemap's paths
(render/mapops.py) all write their colours through it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from reportlab.lib.rl_accel import fp_str


class Colour(NamedTuple):
    red: float
    green: float
    blue: float

    @staticmethod
    @lru_cache(maxsize=1024)
    def hex(text: str) -> Colour:
        """``#rrggbb`` (as the styles and categories write colours) as a Colour."""
        h = text.lstrip("#")
        return Colour(int(h[0:2], 16) / 255.0, int(h[2:4], 16) / 255.0, int(h[4:6], 16) / 255.0)

    def luminance(self) -> float:
        """Relative luminance (WCAG), for choosing a readable colour over this one."""
        def lin(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * lin(self.red) + 0.7152 * lin(self.green) + 0.0722 * lin(self.blue)


@lru_cache(maxsize=4096)
def colour_op(colour: Colour, stroke: bool = False) -> str:
    """The PDF operator setting ``colour`` for fills (or strokes): a grey as one number."""
    r, g, b = colour
    if r == g == b:
        return f"{fp_str(r)} {'G' if stroke else 'g'}"
    return f"{fp_str(r, g, b)} {'RG' if stroke else 'rg'}"


BLACK = Colour(0.0, 0.0, 0.0)
WHITE = Colour(1.0, 1.0, 1.0)
