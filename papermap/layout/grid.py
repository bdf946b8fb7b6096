"""The page grid: the area cut into map pages at a fixed scale, overlapping so nothing falls
between pages. Pure functions over projected metres."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

Box = tuple[float, float, float, float]

NEIGHBOURS = {"N": (-1, 0), "S": (1, 0), "W": (0, -1), "E": (0, 1),
              "NW": (-1, -1), "NE": (-1, 1), "SW": (1, -1), "SE": (1, 1)}


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    window: Box  # ground window in projected metres
    core: Box | None = None   # the window less half the overlap on every side: the cores tile the
                              # area, so whatever is on the map is in exactly one cell's core

    @property
    def own(self) -> Box:
        """The part of the ground this cell alone answers for (its core, else its window)."""
        return self.core or self.window


@dataclass(frozen=True)
class MapPage:
    number: int           # 1-based, row by row over the pages that are kept
    row: int
    col: int
    window: Box
    neighbours: dict[str, int] = field(default_factory=dict, compare=False)


def ground_size(frame_w_mm: float, frame_h_mm: float, scale: int) -> tuple[float, float]:
    """Ground metres covered by a map frame of the given paper size at 1:scale."""
    return frame_w_mm / 1000.0 * scale, frame_h_mm / 1000.0 * scale


def count(extent: float, size: float, overlap: float) -> int:
    """Pages needed along one axis so that ``extent`` is covered with ``overlap`` between pages."""
    if extent <= size:
        return 1
    return math.ceil((extent - overlap) / (size - overlap) - 1e-9)


def grid(area: Box, size: tuple[float, float], overlap: float) -> list[Cell]:
    """Cells covering ``area``, centred on it, numbered row-major from the top-left."""
    w, h = size
    if overlap < 0 or overlap >= min(w, h) / 2:
        raise ValueError("overlap must be at least 0 and less than half a page")
    cols = count(area[2] - area[0], w, overlap)
    rows = count(area[3] - area[1], h, overlap)
    step_x, step_y = w - overlap, h - overlap
    total_w, total_h = cols * step_x + overlap, rows * step_y + overlap
    x0 = (area[0] + area[2]) / 2 - total_w / 2
    y_top = (area[1] + area[3]) / 2 + total_h / 2
    cells = []
    for r in range(rows):
        for c in range(cols):
            left, top = x0 + c * step_x, y_top - r * step_y
            half = overlap / 2
            cells.append(Cell(r, c, (left, top - h, left + w, top),
                              (left + half, top - h + half, left + w - half, top - half)))
    return cells


def number_pages(cells: list[Cell], keep: Callable[[Cell], bool]) -> list[MapPage]:
    """Drop cells with nothing on them, number the rest row by row and link neighbours."""
    kept = [c for c in cells if keep(c)]
    number = {(c.row, c.col): i + 1 for i, c in enumerate(kept)}
    pages = []
    for c in kept:
        near = {d: number[(c.row + dr, c.col + dc)] for d, (dr, dc) in NEIGHBOURS.items()
                if (c.row + dr, c.col + dc) in number}
        pages.append(MapPage(number[(c.row, c.col)], c.row, c.col, c.window, near))
    return pages
