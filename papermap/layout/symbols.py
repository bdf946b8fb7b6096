"""Where the numbered relief-point symbols go on a map page. Pure: sheet points in, positions out.

Rules, in order:

* Points are numbered in reading order of their true position (rows one symbol high from the
  top of the frame, then left to right), so a reader scanning the page finds 1, 2, 3 … where
  they expect them, and the table below the map lists them in the same order.
* A symbol sits on its point if that square is free; otherwise it moves to the nearest free
  spot (spots on a lattice of half a symbol, nearest first) no further than ``max_shift``,
  and the renderer draws a leader line back to the true position. Symbols never overlap one
  another or an obstacle (page furniture), and always stay inside the frame.
* Where the page is so crowded that no spot is free within ``max_shift``, the point *shares*
  the number of the placed symbol nearest to it (``shared=True``, positioned on that symbol,
  leader to its own true position). It keeps its own row in the table under that number, so
  no point is ever dropped from the paper.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

Box = tuple[float, float, float, float]

SYMBOL_MM = 7.0   # recommended size on the map: two-digit numbers fit inside every shape at >= 7 pt
MAX_SHIFT = 3.0   # default farthest move from the true position, in symbol sizes
STEP = 0.5        # spacing of the candidate spots, in symbol sizes
_EPS = 1e-6       # boxes that only touch do not overlap
_ONE_BY_ONE = 6   # free spots the raster leaves that are tested one at a time before all the rest at once
_ROW = 1 << 20    # cell (i, j) of ``_Taken.around`` is the number i * _ROW + j: far fewer cells than that a row
_NINE = tuple(di * _ROW + dj for di in (-1, 0, 1) for dj in (-1, 0, 1))   # a cell and its eight around it


@dataclass(frozen=True)
class SymbolPlacement:
    """One point's symbol: its number, where it is drawn (centre) and where the point really is."""

    key: str
    number: int
    x: float
    y: float
    true_x: float
    true_y: float
    shared: bool = False   # drawn by another point's symbol (same number); draw no symbol for it

    @property
    def displaced(self) -> bool:
        """True when the symbol is not centred on its point, so a leader line is needed."""
        return self.x != self.true_x or self.y != self.true_y


def _offsets(size: float, max_shift: float) -> np.ndarray:
    """Candidate moves, nearest first; ties broken clockwise from straight up, so it is deterministic."""
    n = int(max_shift / (STEP * size))
    spots = [(i * STEP * size, j * STEP * size) for i in range(-n, n + 1) for j in range(-n, n + 1)]
    spots = [(dx, dy) for dx, dy in spots if math.hypot(dx, dy) <= max_shift + _EPS]
    spots.sort(key=lambda d: (round(math.hypot(*d), 6), math.atan2(d[0], d[1]) % (2 * math.pi)))
    return np.array(spots, dtype=float)


def reading_order(items: list[tuple[str, float, float]], size_pt: float, top: float) -> list[int]:
    """Indices of ``items`` in reading order: rows ``size_pt`` high from ``top``, then x."""
    return sorted(range(len(items)),
                  key=lambda i: (math.floor((top - items[i][2]) / size_pt), items[i][1], -items[i][2], items[i][0]))


class _Taken:
    """The placed symbols, kept two ways for the one question asked of them, "is this spot free?".

    A raster of the frame, cells a sixteenth of a symbol wide, marks the cells where no symbol
    centre can go any more: on a crowded page most candidates fall in one and are settled by it.
    The few left are tested exactly against the placed centres nearby, hashed into cells one
    symbol wide (a centre that collides with a spot lies in the cells within a symbol of it). A
    centre is also listed under each of the nine cells around its own (``around``), so that the
    test of a spot, asked about twice as often as a symbol is placed, reads one list, not nine.
    """

    def __init__(self, size: float, frame: Box):
        self.size = size
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
        self.around: dict[int, list[tuple[float, float]]] = {}
        self.res = size / 16
        self.x0, self.y0 = frame[0], frame[1]
        self.cols = int((frame[2] - frame[0]) / self.res) + 1
        self.full = np.zeros((int((frame[3] - frame[1]) / self.res) + 1) * self.cols, dtype=bool)
        self.grid = self.full.reshape(-1, self.cols)   # the same cells by row and column, to mark squares

    def raster_index(self, xy: np.ndarray) -> np.ndarray:
        """Flat raster cell of each centre in ``xy`` (..., 2), all inside the frame."""
        i = ((xy[..., 1] - self.y0) / self.res).astype(np.intp)
        return i * self.cols + ((xy[..., 0] - self.x0) / self.res).astype(np.intp)

    def add(self, x: float, y: float) -> None:
        size, res, around = self.size, self.res, self.around
        i, j = math.floor(x / size), math.floor(y / size)
        self.cells.setdefault((i, j), []).append((x, y))
        cell = i * _ROW + j
        for d in _NINE:
            around.setdefault(cell + d, []).append((x, y))
        # raster cells lying wholly inside the open square around (x, y) that no other centre may
        # enter; trimmed by a cell each side so rounding can never mark a free spot as taken
        c0, c1 = math.floor((x - size - self.x0) / res) + 2, math.floor((x + size - self.x0) / res) - 1
        r0, r1 = math.floor((y - size - self.y0) / res) + 2, math.floor((y + size - self.y0) / res) - 1
        self.grid[max(r0, 0):max(r1, 0), max(c0, 0):max(c1, 0)] = True

    def near(self, x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
        """Placed centres that may collide with a spot inside (x0, y0, x1, y1)."""
        s = self.size
        cells = self.cells
        return [c for i in range(math.floor(x0 / s) - 1, math.floor(x1 / s) + 2)
                for j in range(math.floor(y0 / s) - 1, math.floor(y1 / s) + 2) for c in cells.get((i, j), ())]

    def hits(self, x: float, y: float) -> bool:
        """Whether a symbol centred on (x, y) would overlap a placed one: only the centres in the
        nine cells around it can, all listed under its own cell in ``around``."""
        s = self.size
        lim = s - _EPS
        for nx, ny in self.around.get(math.floor(x / s) * _ROW + math.floor(y / s), ()):
            if abs(x - nx) < lim and abs(y - ny) < lim:
                return True
        return False

    def first_free(self, cands: np.ndarray, cells: np.ndarray, usable: np.ndarray) -> int | None:
        """Index of the first candidate centre (their raster ``cells``) whose box hits no placed
        box and is ``usable`` (no obstacle in the way)."""
        todo = (usable > self.full[cells]).nonzero()[0]   # usable and not in a taken raster cell
        if not len(todo):
            return None
        # the raster settles most spots; of those it leaves, one of the first few is usually free:
        # those are tested one by one (cheap), the rest, if it comes to that, all at once
        head = todo[:_ONE_BY_ONE]
        for k, (cx, cy) in zip(head.tolist(), cands.take(head, axis=0).tolist()):
            if not self.hits(cx, cy):
                return k
        todo = todo[_ONE_BY_ONE:]
        if not len(todo):
            return None
        left = cands[todo]
        (x0, y0), (x1, y1) = left.min(axis=0).tolist(), left.max(axis=0).tolist()
        near = self.near(x0, y0, x1, y1)
        if not near:
            return int(todo[0])
        lim = self.size - _EPS
        nb = np.array(near, dtype=float)
        hit = ((np.abs(left[:, None, 0] - nb[None, :, 0]) < lim)
               & (np.abs(left[:, None, 1] - nb[None, :, 1]) < lim)).any(axis=1)
        free = np.flatnonzero(~hit)
        return int(todo[free[0]]) if len(free) else None


def _obstacle_hits(cands: np.ndarray, size: float, obstacles: np.ndarray) -> np.ndarray:
    """For candidate centres (..., 2): True where the symbol box would overlap an obstacle box."""
    h = size / 2
    hit = np.zeros(cands.shape[:-1], dtype=bool)
    for ox0, oy0, ox1, oy1 in obstacles.tolist():   # page furniture: a handful of boxes
        hit |= ((cands[..., 0] - h < ox1 - _EPS) & (cands[..., 0] + h > ox0 + _EPS)
                & (cands[..., 1] - h < oy1 - _EPS) & (cands[..., 1] + h > oy0 + _EPS))
    return hit


def place_symbols(items: list[tuple[str, float, float]], size_pt: float, frame_pt: Box,
                  obstacles: Sequence[Box] = (), max_shift: float | None = None) -> list[SymbolPlacement]:
    """Number and place one ``size_pt`` square symbol per (key, x, y) point inside ``frame_pt``.

    Returns one placement per item, ordered by number (a shared point after its host).
    ``max_shift`` defaults to ``MAX_SHIFT`` symbol sizes. Raises ValueError when the frame is
    smaller than one symbol or obstacles leave no room for any symbol at all.
    """
    x0, y0, x1, y1 = frame_pt
    h = size_pt / 2
    if size_pt <= 0 or x1 - x0 < size_pt or y1 - y0 < size_pt:
        raise ValueError(f"frame {frame_pt} cannot hold a {size_pt} pt symbol")
    if not items:
        return []
    reach = MAX_SHIFT * size_pt if max_shift is None else max_shift
    offsets = _offsets(size_pt, reach)
    order = reading_order(items, size_pt, y1)
    true_xy = np.array([items[i][1:] for i in order], dtype=float).reshape(-1, 2)
    # every point's candidate spots and which of them obstacles block, worked out for all at once
    cands = np.clip(true_xy[:, None, :] + offsets[None, :, :], [x0 + h, y0 + h], [x1 - h, y1 - h])
    usable = ~_obstacle_hits(cands, size_pt, np.array(list(obstacles), dtype=float).reshape(-1, 4))
    taken = _Taken(size_pt, frame_pt)
    cells = taken.raster_index(cands)

    placed: list[SymbolPlacement] = []
    waiting: list[tuple[str, float, float]] = []
    for n, i in enumerate(order):
        key, tx, ty = items[i]
        k = taken.first_free(cands[n], cells[n], usable[n])
        if k is None:
            waiting.append((key, tx, ty))
            continue
        x, y = cands[n, k].tolist()
        taken.add(x, y)
        placed.append(SymbolPlacement(key, len(placed) + 1, x, y, tx, ty))
    if waiting and not placed:
        raise ValueError("obstacles leave no room for any symbol in the frame")
    return _share(placed, waiting)


def _share(placed: list[SymbolPlacement], waiting: list[tuple[str, float, float]]) -> list[SymbolPlacement]:
    """Give every point left without room the number of the placed symbol nearest its true position."""
    if not waiting:
        return placed
    tree = shapely.STRtree(shapely.points([(p.x, p.y) for p in placed]))
    src, dst = tree.query_nearest(shapely.points([(tx, ty) for _, tx, ty in waiting]), all_matches=True)
    host: dict[int, int] = {}
    for s, d in zip(src.tolist(), dst.tolist()):
        host[s] = min(d, host.get(s, d))
    by_host: dict[int, list[SymbolPlacement]] = {}
    for s, (key, tx, ty) in enumerate(waiting):
        p = placed[host[s]]
        by_host.setdefault(host[s], []).append(SymbolPlacement(key, p.number, p.x, p.y, tx, ty, shared=True))
    out = []
    for i, p in enumerate(placed):
        out.append(p)
        out.extend(by_host.get(i, ()))
    return out
