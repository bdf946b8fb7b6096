"""The ``sheet`` format: each map page carries its numbered list on the same sheet, 紙マップ's core
format (one sheet taped to a shelter wall). A4 portrait puts the list under the map, landscape
beside it.

When a page's list does not fit the room the map leaves, the map is drawn smaller (its ground
stays, so the printed scale adapts: 1:10,000 becomes 1:12,500, then 1:15,000), then the list is
set in smaller print, never under the 7 pt floor; only when even that does not hold every row do
the rest follow on a continuation sheet. The pages, their numbers, QR codes and the overview (only
printed when there is more than one page) are the atlas's (``AtlasFormat``); this class decides
where the map and its list go on one sheet.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from papermap.layout.atlas import AtlasFormat, frame_pt, lay_out_map_page, table_height
from papermap.layout.frame import TAB_MM, Rect, SheetLayout, sheet_layout
from papermap.layout.grid import Box, MapPage
from papermap.layout.printsize import NORMAL
from papermap.layout.sheetformat import CellDrawing, Job
from papermap.layout.sheets import ListedMapSheet, MapPiece, Sheet, TableSheets
from papermap.layout.table import TableChunk, TableRow, layout_table
from papermap.layout.viewport import Viewport
from papermap.settings import MM

if TYPE_CHECKING:
    from papermap.config import Config

MAP_SHARE = 0.6                    # of the room between header and footer, for the map at full size
GAP_MM = 2.0                       # between the map's tab band and the list
# (map drawn at this share of its full size, table name and body text in points), in the order tried:
# a smaller map first (the scale adapts), then smaller print, down to the 7 pt floor
FITS = ((1.0, 9.0, 7.5), (0.8, 9.0, 7.5), (2 / 3, 9.0, 7.5), (2 / 3, 8.0, 7.0), (2 / 3, 7.0, 7.0))


def listed_layout(paper: str, orientation: str) -> SheetLayout:
    """The atlas's sheet with the map frame cut to ``MAP_SHARE`` of the room: the top part on a
    portrait sheet (the list goes under it), the left part on a landscape one (the list beside)."""
    base = sheet_layout(paper, orientation)
    body = _body(base)
    if orientation == "portrait":
        h = body.h * MAP_SHARE - 2 * TAB_MM
        return replace(base, map=Rect(body.x + TAB_MM, body.y1 - TAB_MM - h, body.w - 2 * TAB_MM, h))
    w = body.w * MAP_SHARE - 2 * TAB_MM
    return replace(base, map=Rect(body.x + TAB_MM, body.y + TAB_MM, w, body.h - 2 * TAB_MM))


def _body(sheet: SheetLayout) -> Rect:
    """Between the header and the footer, the full printable width."""
    p = sheet.printable
    return Rect(p.x, sheet.footer.y1, p.w, sheet.header.y - sheet.footer.y1)


def shrunk(sheet: SheetLayout, s: float) -> Rect:
    """The map frame at ``s`` of its full size, kept at the top (portrait: centred across) or the
    top-left (landscape), so the room it gives up goes to the list."""
    m = sheet.map
    w, h = m.w * s, m.h * s
    if sheet.orientation == "portrait":
        return Rect(m.x + (m.w - w) / 2, m.y1 - h, w, h)
    return Rect(m.x, m.y1 - h, w, h)


def list_box(sheet: SheetLayout, frame: Rect) -> Rect:
    """The room the map at ``frame`` leaves for the list: under it (portrait) or beside it."""
    body = _body(sheet)
    if sheet.orientation == "portrait":
        return Rect(body.x, body.y + GAP_MM, body.w, frame.y - TAB_MM - GAP_MM - (body.y + GAP_MM))
    x = frame.x1 + TAB_MM + GAP_MM
    return Rect(x, body.y + GAP_MM, body.x1 - x, body.h - 2 * GAP_MM)


def pieces(cells: Sequence[CellDrawing], window: Box, frame: Box, drawn_frame: Box, own: bool) -> tuple[list[MapPiece], list]:
    """The basemap of the ground ``window`` drawn into ``frame`` (points) from the grid cells'
    drawings (each made for ``drawn_frame`` at the same scale), and their labels moved with them.
    With ``own`` each cell gives only the ground it answers for (``Cell.own``: the cells' own parts
    tile the area), so a window across cells is drawn once everywhere."""
    vp = Viewport(window, frame)
    k_drawn = (drawn_frame[2] - drawn_frame[0]) / (window[2] - window[0])
    s = vp.k / k_drawn
    out, labels = [], []
    for art in cells:
        ground = art.cell.own if own else art.cell.window
        x0, y0 = np.maximum(vp.to_pt(np.array([ground[:2]]))[0], frame[:2]).tolist()
        x1, y1 = np.minimum(vp.to_pt(np.array([ground[2:]]))[0], frame[2:]).tolist()
        if not art.ops or x0 >= x1 or y0 >= y1:
            continue
        # a point drawn at p on the cell's sheet goes to s * p + (tx, ty) on this one
        tx = frame[0] - s * drawn_frame[0] + vp.k * (art.cell.window[0] - window[0])
        ty = frame[1] - s * drawn_frame[1] + vp.k * (art.cell.window[1] - window[1])
        out.append(MapPiece(art.ops, s, tx, ty, (x0, y0, x1, y1)))
        for lab in art.labels:
            x, y = s * lab.x + tx, s * lab.y + ty
            if x0 <= x < x1 and y0 <= y < y1:
                labels.append(replace(lab, x=x, y=y))
    return out, labels


class OneSheetFormat(AtlasFormat):
    """Map pages on the atlas's grid, each with its list on the same sheet."""

    name = "sheet"

    def __init__(self, cfg: Config) -> None:
        super().__init__(cfg)
        self.sheet = listed_layout(cfg.paper, cfg.orientation)
        self.sizes = NORMAL            # its map and list share a sheet: large print is the atlas's so far

    def jobs(self) -> list[Job]:
        """The overview only when there is more than one page: one sheet is its own overview."""
        maps: list[Job] = [lambda page=page: self._map_page(page) for page in self._pages]
        return ([self._overview] if len(self._pages) > 1 else []) + maps

    def _map_page(self, page: MapPage) -> list[Sheet]:
        return self.listed_sheet(page, [self._by_cell[(page.row, page.col)]], False)

    def listed_sheet(self, page: MapPage, cells: Sequence[CellDrawing], own: bool, title: str = "",
                     centre: np.ndarray | None = None) -> list[Sheet]:
        """The map page ``page`` drawn from ``cells``, with its list on the sheet: the first of
        ``FITS`` that holds every row, else the last, with the rest on continuation sheets. ``title``
        replaces the atlas's in the header when given; ``centre`` (projected metres) is ringed."""
        content, cfg, sheet = self._content, self.cfg, self.sheet
        idx = self._members[(page.row, page.col)]
        pts = [content.points[i] for i in idx]
        qr = self._codes[self._payloads[page.number]]
        height = table_height(sheet)
        for s, name_pt, body_pt in FITS:
            rect = shrunk(sheet, s)
            frame = frame_pt(rect)
            xy_pt = Viewport(page.window, frame).to_pt(content.xy[idx]) if len(idx) else np.empty((0, 2))
            ms, rows = lay_out_map_page(page, cells[0], pts, xy_pt, content.categories, cfg, qr, frame,
                                        self._footer_legend)
            box = list_box(sheet, rect)
            chunks = self._table(rows, box, height, name_pt, body_pt, str(page.number))
            if len(chunks) <= 1:
                break
        drawn, labels = pieces(cells, page.window, frame, self.frame_pt, own)
        ms = replace(ms, ops="", labels=labels)
        ring = None if centre is None else tuple(Viewport(page.window, frame).to_pt(centre[None, :])[0].tolist())
        first: TableChunk | None = chunks[0] if chunks and chunks[0].rows else None
        listed = ListedMapSheet(ms, drawn, replace(sheet, map=rect), first, (box.x * MM, box.y1 * MM),
                                round(cfg.scale / s), title, ring)
        rest = chunks[1:] if first is not None else chunks
        return [listed] + ([TableSheets(page, rest)] if rest else [])

    def _table(self, rows: list[TableRow], box: Rect, height: float, name_pt: float, body_pt: float,
               label: str) -> list[TableChunk]:
        if not rows:
            return []
        return layout_table(rows, box.w * MM, box.h * MM, height, self._content.measure, name_pt=name_pt,
                            body_pt=body_pt, langs=self.cfg.lang, page_label=label)
