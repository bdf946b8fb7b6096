"""The sheets a format lays out, as plain values: everything decided, nothing drawn.

Each kind of sheet has its drawer in render/pages.py. Positions are in points from the sheet's
bottom-left unless a field says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from papermap.layout.grid import MapPage
from papermap.layout.labels import Label
from papermap.layout.legend import LegendEntry, LegendItem
from papermap.layout.qr import QrMatrix
from papermap.layout.symbols import SymbolPlacement
from papermap.layout.table import TableChunk


@dataclass(frozen=True)
class SheetText:
    """The words every sheet carries: what it is, how fresh its data are, where they come from."""

    title: str
    data_date: str
    printed: str
    source: str
    scale: int
    langs: tuple[str, ...]


@dataclass(frozen=True)
class MapSheet:
    """One map page: its basemap drawing, labels, numbered symbols, legend of what is on it, QR."""

    page: MapPage
    ops: str
    labels: list[Label]
    symbols: list[SymbolPlacement]
    categories_of: dict[str, str]      # placement key -> category id
    legend: list[LegendItem]           # laid out in the footer's legend box
    qr: QrMatrix
    marks_of: dict[str, str] = field(default_factory=dict)   # placement key -> status mark, where it has one


@dataclass(frozen=True)
class TableSheets:
    """The point table of one map page, a chunk per sheet, each under the same header."""

    page: MapPage
    chunks: list[TableChunk]


@dataclass(frozen=True)
class OverviewSheet:
    """The whole area: basemap, every point as a dot, the page grid, and the index of pages by
    kind of point in the footer (or a plain legend when the index has a sheet of its own)."""

    ops: str
    grid: list[tuple[tuple[tuple[float, float], tuple[float, float]], str]]   # ((x0, y0), (x1, y1)), number
    dots: list[tuple[str, float, float]]                                     # category id, x, y
    legend: list[LegendItem]
    qr: QrMatrix
    scale: int                                                               # the overview's own


@dataclass(frozen=True)
class IndexLine:
    """One kind of point on the index sheet: its symbol's centre and its wrapped text lines."""

    entry: LegendEntry
    symbol: tuple[float, float]
    lines: list[tuple[float, float, str]]     # x, baseline, text


@dataclass(frozen=True)
class IndexSheet:
    """Which map pages hold which kind of point, when that is too long for the overview's footer."""

    lines: list[IndexLine]


Sheet = MapSheet | TableSheets | OverviewSheet | IndexSheet
