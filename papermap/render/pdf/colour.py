"""Colours as plain values: the one way the rest of render names a colour.

A ``Colour`` is red, green and blue from 0 to 1. The document turns it into PDF operators
(document.py); nothing outside this package builds a colour any other way.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple


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


BLACK = Colour(0.0, 0.0, 0.0)
WHITE = Colour(1.0, 1.0, 1.0)
