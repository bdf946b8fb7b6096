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
    """Placed symbol centres hashed into cells ``reach`` wide: the 3 x 3 cells around a point
    hold every symbol that can collide with any of its candidate spots."""

    def __init__(self, reach: float):
        self.reach = reach
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self.reach), math.floor(y / self.reach)

    def add(self, x: float, y: float) -> None:
        self.cells.setdefault(self._cell(x, y), []).append((x, y))

    def near(self, x: float, y: float) -> np.ndarray:
        i, j = self._cell(x, y)
        found = [c for di in (-1, 0, 1) for dj in (-1, 0, 1) for c in self.cells.get((i + di, j + dj), ())]
        return np.array(found, dtype=float).reshape(-1, 2)


def _first_free(cands: np.ndarray, size: float, near: np.ndarray, obstacles: np.ndarray) -> int | None:
    """Index of the first candidate centre whose box hits no placed box and no obstacle."""
    h = size / 2
    hit = np.zeros(len(cands), dtype=bool)
    if len(near):
        hit |= ((np.abs(cands[:, None, 0] - near[None, :, 0]) < size - _EPS)
                & (np.abs(cands[:, None, 1] - near[None, :, 1]) < size - _EPS)).any(axis=1)
    if len(obstacles):
        hit |= ((cands[:, None, 0] - h < obstacles[None, :, 2] - _EPS)
                & (cands[:, None, 0] + h > obstacles[None, :, 0] + _EPS)
                & (cands[:, None, 1] - h < obstacles[None, :, 3] - _EPS)
                & (cands[:, None, 1] + h > obstacles[None, :, 1] + _EPS)).any(axis=1)
    free = np.flatnonzero(~hit)
    return int(free[0]) if len(free) else None


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
    lo, hi = np.array([x0 + h, y0 + h]), np.array([x1 - h, y1 - h])
    obs = np.array(list(obstacles), dtype=float).reshape(-1, 4)
    taken = _Taken(max(reach, size_pt) + size_pt)

    placed: list[SymbolPlacement] = []
    waiting: list[tuple[str, float, float]] = []
    for i in reading_order(items, size_pt, y1):
        key, tx, ty = items[i]
        cands = np.clip(np.array([tx, ty]) + offsets, lo, hi)
        window = (tx - reach - size_pt, ty - reach - size_pt, tx + reach + size_pt, ty + reach + size_pt)
        near_obs = obs[(obs[:, 0] < window[2]) & (obs[:, 2] > window[0])
                       & (obs[:, 1] < window[3]) & (obs[:, 3] > window[1])]
        k = _first_free(cands, size_pt, taken.near(tx, ty), near_obs)
        if k is None:
            waiting.append((key, tx, ty))
            continue
        x, y = (float(v) for v in cands[k])
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
