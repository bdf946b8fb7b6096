"""The sheets a format lays out, as plain values: everything decided, nothing drawn.

Each kind of sheet has its drawer in render/pages.py. Positions are in points from the sheet's
bottom-left unless a field says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from papermap.layout.frame import SheetLayout
from papermap.layout.grid import Box, MapPage
from papermap.layout.labels import Label
from papermap.layout.legend import LegendEntry, LegendItem
from papermap.layout.navigation import BoxLabel, GridRefs, IndexEntry
from papermap.layout.overlays import ListingChunk, PageOverlays
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
    approx: frozenset[str] = frozenset()   # placement keys of points placed from their address: a dashed ring
    overlays: PageOverlays = PageOverlays()   # lines and areas, their letters and listing rows
    grid: GridRefs | None = None       # grid references on the frame's edges (layout/navigation.py)
    nodata: tuple[tuple[tuple[float, float], ...], ...] = ()   # rings (sheet points) beyond the extract's data
    marks_of: dict[str, str] = field(default_factory=dict)   # placement key -> status mark, where it has one


@dataclass(frozen=True)
class TableSheets:
    """The point table of one map page, a chunk per sheet, each under the same header."""

    page: MapPage
    chunks: list[TableChunk]
    heading: str = ""     # above the table, when it is not "points on map page N" (a poster's list)


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
    overlays: PageOverlays = PageOverlays()                                  # every line and area
    labels: tuple[BoxLabel, ...] = ()        # page (or section) numbers sized to their boxes
    sections: bool = False                   # the grid shows sections of pages, each with an index sheet


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
    size: float = 9.0          # the text's size (layout/atlas.py INDEX_SIZE, larger in large print)


@dataclass(frozen=True)
class MapPiece:
    """A grid window's basemap drawing on a sheet: scaled by ``s``, moved by (tx, ty), clipped to ``clip``
    (points). A map drawn smaller than its grid window, or centred across windows, is made of these."""

    ops: str
    s: float
    tx: float
    ty: float
    clip: Box


@dataclass(frozen=True)
class ListedMapSheet:
    """A map page with its numbered list on the same sheet (the ``sheet`` format, pages around points).
    ``map`` holds the symbols, labels (in this sheet's points), legend and QR; its ``ops`` are unused:
    the basemap is ``pieces``. The rows that do not fit follow on ``TableSheets`` of their own."""

    map: MapSheet
    pieces: list[MapPiece]
    layout: SheetLayout                  # header and footer as every sheet's, ``map`` the frame as drawn
    table: TableChunk | None
    table_at: tuple[float, float]        # the table's top-left corner, points
    scale: int                           # as printed: the map may be drawn smaller than the grid's scale
    title: str
    centre: tuple[float, float] | None   # the point a page is around, ringed


@dataclass(frozen=True)
class AddressOnlySheets:
    """The points that have only an address the map data could not place (layout/addressonly.py):
    listed, never dropped, a chunk of their table per sheet."""

    chunks: list[TableChunk]


@dataclass(frozen=True)
class OverlayListSheets:
    """The lines and areas of one map page by letter (layout/overlays.py), a chunk per sheet."""

    page: MapPage
    chunks: list[ListingChunk]


@dataclass(frozen=True)
class SectionSheet:
    """One section of a big atlas: its pages' boxes and numbers over the overview's drawing,
    zoomed (``zoom`` and ``shift`` map the overview's sheet points onto this sheet)."""

    number: int
    ops: str
    zoom: float
    shift: tuple[float, float]
    grid: list[tuple[tuple[tuple[float, float], tuple[float, float]], str]]
    labels: tuple[BoxLabel, ...]
    scale: int


@dataclass(frozen=True)
class NameIndexSheet:
    """A sheet of the index at the end: names (places, streets, relief points by kind) with the
    page and grid cell where each is printed."""

    heading: str
    entries: tuple[IndexEntry, ...]


Caption = tuple[float, float, float, float, str, str]     # x, baseline y (points), angle, size, anchor, text


@dataclass(frozen=True)
class PosterPanel:
    """The poster's key over its first sheet's map: title, scale, legend, how the sheets join,
    QR code and credits. Positions in points from the sheet's bottom-left."""

    box: Box
    captions: list[Caption]                            # title, what the poster is, the diagram's names, credits
    scale_at: tuple[float, float]                      # scale bar, left end of the bar (mm)
    north_at: tuple[float, float]                      # north arrow's foot (mm)
    legend_at: tuple[float, float]                     # the legend box's bottom-left
    assembly: list[tuple[Box, str]]                    # each sheet's box in the diagram, its name
    qr_at: tuple[float, float, float]                  # x, y, side


@dataclass(frozen=True)
class PosterSheet:
    """One sheet of a poster: its part of the one map (``map``: the cell's basemap, labels and the
    poster's symbols moved onto this sheet), the marks to cut and glue it by, and what it says in
    its margin. ``panel`` is the key, on the first sheet only."""

    map: MapSheet
    name: str                                          # "B2": row letter, column number
    frame: Box                                         # the map on this sheet, points
    glue: list[Box]                                    # strips the next sheet is glued over (right, bottom)
    cut: list[tuple[float, float, float, float]]       # frame edges cut before gluing (left, top)
    crop: list[tuple[float, float, float, float]]      # crop marks in the margin on the frame's lines
    captions: list[Caption]                            # edge labels, the sheet's name, credits
    scale: int
    panel: PosterPanel | None


Sheet = (MapSheet | TableSheets | OverviewSheet | IndexSheet | ListedMapSheet | AddressOnlySheets
         | OverlayListSheets | SectionSheet | NameIndexSheet | PosterSheet)
