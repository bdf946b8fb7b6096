"""The atlas: an overview sheet, then each map page followed by the table of its points (and an
index sheet of pages by kind of point when the overview's footer cannot hold it). The first
``SheetFormat``; every decision about where things go is made here, and render only draws."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from papermap.layout.addressonly import address_only_sheets, source_lines
from papermap.layout import atlasnav
from papermap.layout.frame import SheetLayout, footer_layout, sheet_layout
from papermap.layout.furniture import ARROWS, WORDS, page_ranges
from papermap.layout.grid import Box, Cell, MapPage, count, grid, ground_size, number_pages
from papermap.layout.coverage import no_data_rings
from papermap.layout.navigation import column_name
from papermap.layout.legend import (STATUS_MARKS, LegendDoesNotFitError, LegendEntry, LegendItem,
                                    legend_layout, status_entries)
from papermap.layout.printsize import NORMAL, PrintSizes, print_sizes
from papermap.layout.overlays import (OverlayLayer, around, kind_entries, kinds_by_page, lay_out_overlays,
                                      listing_chunks, overlay_texts, overview_legend, page_legend)
from papermap.layout.qr import QrMatrix, qr_payload
from papermap.layout.sheetformat import AtlasContent, CellDrawing, Job, LaidOut, SheetFormat, grouped
from papermap.layout.sheets import (IndexLine, IndexSheet, MapSheet, OverlayListSheets, OverviewSheet, Sheet,
                                    TableSheets)
from papermap.layout.symbols import place_symbols
from papermap.layout.table import (APPROX_MARK, CLOSED_MARK, ELLIPSIS, LIMITED_MARK, OPEN_MARK, UNKNOWN_MARK, TableRow,
                                   continued_from, layout_table)
from papermap.layout.text import Measure, wrap
from papermap.layout.viewport import Viewport
from papermap.model.status import status_mark
from papermap.settings import MM

if TYPE_CHECKING:
    from papermap.config import Config
    from papermap.model.categories import Categories
    from papermap.model.points import Point

INDEX_SIZE, INDEX_STEP = 9.0, 12.0     # index sheet: text size and line step, points
SMALL_SYMBOL_PT = 9.0                  # legend symbols on a page with more kinds than the footer holds


def frame_pt(rect) -> Box:
    return (rect.x * MM, rect.y * MM, rect.x1 * MM, rect.y1 * MM)


class AtlasFormat(SheetFormat):
    """Map pages on a grid at the configured scale, paper and orientation."""

    name = "atlas"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.sheet: SheetLayout = sheet_layout(cfg.paper, cfg.orientation)
        self.sizes: PrintSizes = print_sizes(getattr(cfg, "large_print", False))
        self._content: AtlasContent | None = None
        self._pages: list[MapPage] = []

    @property
    def sheet_pt(self) -> tuple[float, float]:
        return (self.sheet.sheet.w * MM, self.sheet.sheet.h * MM)

    @property
    def frame_pt(self) -> Box:
        return frame_pt(self.sheet.map)

    def grid(self, area: Box) -> list[Cell]:
        cfg = self.cfg
        return grid(area, ground_size(self.sheet.map.w, self.sheet.map.h, cfg.scale),
                    cfg.overlap_mm / 1000.0 * cfg.scale)

    def page_count(self, area: Box) -> int:
        cfg = self.cfg
        w, h = ground_size(self.sheet.map.w, self.sheet.map.h, cfg.scale)
        overlap = cfg.overlap_mm / 1000.0 * cfg.scale
        return count(area[2] - area[0], w, overlap) * count(area[3] - area[1], h, overlap)

    def overview_window(self, cells: list[Cell]) -> Box:
        """The ground window showing every cell, with the map frame's aspect."""
        map_rect = self.sheet.map
        x0, y0 = min(c.window[0] for c in cells), min(c.window[1] for c in cells)
        x1, y1 = max(c.window[2] for c in cells), max(c.window[3] for c in cells)
        k = min(map_rect.w / (x1 - x0), map_rect.h / (y1 - y0))  # mm per metre
        cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, map_rect.w / k / 2, map_rect.h / k / 2
        return (cx - hw, cy - hh, cx + hw, cy + hh)

    # -- deciding the pages ---------------------------------------------------------------------
    def lay_out(self, content: AtlasContent) -> LaidOut:
        """Keep the cells with something a reader can see in their own part (basemap or points;
        the overlap band belongs to the neighbour too, so a sliver there makes no page), number
        them, and give each page and the overview its QR code."""
        self._content = content
        self._by_cell = {(a.cell.row, a.cell.col): a for a in content.cells}
        self._laid: dict[int, tuple[MapSheet, list[TableRow], str]] = {}   # see _laid_page
        pages, self._members = self.choose_pages(content)
        layer = content.overlays
        self._pages = pages
        placed: set[int] = set()
        for page in pages:
            placed.update(self._members[(page.row, page.col)].tolist())
        date = content.info.data_date[:10] if content.info.data_date != "unknown" else "unknown"
        url = self.cfg.qr_url
        self._payloads = {p.number: qr_payload(str(p.number), content.to_lonlat(p.window), date, url) for p in pages}
        self._payloads[0] = qr_payload("overview", content.to_lonlat(content.overview_window), date, url)
        self._codes = content.qr_codes(list(self._payloads.values())) if pages else {}
        self._refs = atlasnav.map_grid_refs(self.sheet, {}, content.measure, self.sizes.ref)
        self._index: dict[str, list[int]] = {}
        for page in pages:
            for cat in {content.points[i].category for i in self._members[(page.row, page.col)].tolist()}:
                self._index.setdefault(cat, []).append(page.number)
        self._overlay_index = kinds_by_page(layer, ((p.number, p.window) for p in pages))
        return LaidOut(pages, placed)

    def choose_pages(self, content: AtlasContent) -> tuple[list[MapPage], dict[tuple[int, int], np.ndarray]]:
        """The map pages, and the points inside each page's window by (row, col): here the grid's
        cells with something on them; a format with other pages (around points) says its own."""
        xy = content.xy
        members = {pos: _inside(xy, a.cell.window) for pos, a in self._by_cell.items()}
        layer = content.overlays    # a line or area alone makes a page too: nothing the data says is lost
        pages = number_pages([a.cell for a in content.cells],
                             keep=lambda c: self._by_cell[(c.row, c.col)].content or len(_inside(xy, c.own)) > 0
                             or (layer is not None and layer.crosses(c.own)))
        return pages, members

    def texts(self) -> Iterator[str]:
        """Every text the sheets may print, to reserve its characters' glyph codes before the pages
        are drawn apart (render/pdf/filing.py). A character reserved but never printed costs its
        glyph in the font subset; one left out costs a page drawn twice (tests/test_workers.py
        checks both the sample and the real 2018 data leave none out)."""
        content = self._content
        assert content is not None, "lay_out first"
        yield from sheet_texts(content.info, content.points + content.unplaced, content.categories,
                               (lb for a in content.cells for lb in a.labels))
        yield from content.source_lines.values()
        if content.overlays is not None:
            yield from overlay_texts(content.overlays.overlays, content.overlays.kinds, self.cfg.lang)
        yield "0123456789,– " + "".join(column_name(i) for i in range(len(self._refs.xs)))

    def jobs(self) -> list[Job]:
        address_only = [self._address_only] if self._content.unplaced else []
        pages = [grouped(job, page.number) for page in self._pages   # both lay the page out (``_laid_page``)
                 for job in (lambda page=page: self._map_sheet(page), lambda page=page: self._table_sheets(page))]
        return [self._overview] + pages + address_only + [self._name_index, self._point_index]

    def _name_index(self) -> list[Sheet]:
        """The index sheets at the end: places and streets first…"""
        return atlasnav.name_index_sheets(self._pages, self._by_cell, self._refs, self.sheet, self._content.measure,
                                          self.cfg.lang, self.sizes.index)

    def _point_index(self) -> list[Sheet]:
        """…then relief points by kind."""
        content = self._content
        return atlasnav.point_index_sheets(self._pages, self._members, content.points, content.xy, content.categories,
                                           self.frame_pt, self._refs, self.sheet, content.measure, self.cfg.lang,
                                           self.sizes.index)

    # -- the sheets -----------------------------------------------------------------------------
    def _overview(self) -> list[Sheet]:
        content, sheet, cfg = self._content, self.sheet, self.cfg
        vp = Viewport(content.overview_window, self.frame_pt)
        overlap = cfg.overlap_mm / 1000.0 * cfg.scale
        w, h = ground_size(sheet.map.w, sheet.map.h, cfg.scale)
        rects, labels, blocks = atlasnav.overview_grid(self._pages, vp, overlap, content.measure,
                                                       (w - overlap, h - overlap), cfg.lang)
        pt = vp.to_pt(content.xy) if len(content.xy) else np.empty((0, 2))
        dots = [(p.category, float(x), float(y)) for p, (x, y) in zip(content.points, pt.tolist())]
        pages_of = {cat: " → " + page_ranges(nums) for cat, nums in self._index.items()}
        indexed = legend_entries(set(self._index), content.categories, pages_of, cfg.lang) + kind_entries(
            content.overlays, self._overlay_index, cfg.lang, lambda nums: " → " + page_ranges(nums))
        try:   # the index of pages by kind fits in the footer's legend box, or gets a sheet of its own
            legend, index_sheets = self._footer_legend(indexed), []
        except LegendDoesNotFitError:
            legend = overview_legend(legend_entries(set(self._index), content.categories, langs=cfg.lang),
                                     kind_entries(content.overlays, self._overlay_index, cfg.lang),
                                     partial(self._footer_legend, squeeze=True))
            index_sheets = index_layout(indexed, sheet, content.measure, cfg.lang, self.sizes.text(INDEX_SIZE))
        overview = OverviewSheet(content.overview_ops, rects, dots, legend, self._codes[self._payloads[0]],
                                 round(1000.0 / (vp.k / MM)),
                                 overlays=lay_out_overlays(content.overlays, vp, labels=False),
                                 labels=tuple(labels), sections=bool(blocks))
        return [overview, *index_sheets,
                *atlasnav.section_sheets(blocks, vp, content.overview_ops, overlap, content.measure)]

    def _footer_legend(self, entries: list[LegendEntry], squeeze: bool = False) -> list[LegendItem]:
        """The legend in the footer's box, in every chosen language. With ``squeeze`` (a map page,
        whose legend has nowhere else to go, with many kinds and statuses) it may fall back to the
        first language, then to smaller symbols. Raises LegendDoesNotFitError when nothing fits,
        never leaving an entry out."""
        box = footer_layout(self.sheet.footer).legend
        langs, sizes = self.cfg.lang, self.sizes
        for chosen in ((langs, langs[:1]) if squeeze else (langs,)):
            try:
                return legend_layout(entries, box.w * MM, box.h * MM, self._content.measure, chosen,
                                     sizes.legend_symbol, sizes.legend_sizes)
            except LegendDoesNotFitError:
                continue
        if not squeeze:
            raise LegendDoesNotFitError(f"the legend for {len(entries)} entries does not fit the footer")
        return legend_layout(entries, box.w * MM, box.h * MM, self._content.measure, langs[:1],
                             sizes.text(SMALL_SYMBOL_PT), sizes.legend_sizes)

    def _map_sheet(self, page: MapPage) -> list[Sheet]:
        """One map page: laid out in a worker when forked."""
        return [self._laid_page(page, "map")[0]]

    def _table_sheets(self, page: MapPage) -> list[Sheet]:
        """The sheets of a map page's table (and of its lines and areas): a job of its own after the
        map page's, so that the parent and the workers share the atlas in finer pieces."""
        content, sheet = self._content, self.sheet
        ms, rows = self._laid_page(page, "table")
        height = table_height(sheet)
        chunks = layout_table(rows, sheet.printable.w * MM, height, height, content.measure,
                              name_pt=self.sizes.table_name, body_pt=self.sizes.table_body,
                              symbol_pt=self.sizes.table_symbol, langs=self.cfg.lang, page_label=str(page.number),
                              sources=source_lines(rows, content.source_lines, self.cfg.lang)) if rows else []
        sheets: list[Sheet] = [TableSheets(page, chunks)]
        if ms.overlays.rows:
            sheets.append(OverlayListSheets(page, listing_chunks(ms.overlays.rows, content.overlays.kinds, sheet,
                                                                 content.measure, self.cfg.lang, self.sizes.overlay)))
        return sheets

    def _laid_page(self, page: MapPage, job: str) -> tuple[MapSheet, list[TableRow]]:
        """The map page laid out, and its table's rows, for the page's ``job`` ("map" or "table");
        kept between the two when one process does both, in either order (a worker takes jobs
        from the far end), and let go after the second; a process that does only one lays the
        page out itself."""
        kept = self._laid.get(page.number)
        if kept is not None:
            if kept[2] != job:
                del self._laid[page.number]
            return kept[0], kept[1]
        content, sheet = self._content, self.sheet
        idx = self._members[(page.row, page.col)]
        vp = Viewport(page.window, self.frame_pt)
        pts = [content.points[i] for i in idx]
        xy_pt = vp.to_pt(content.xy[idx]) if len(idx) else np.empty((0, 2))
        ms, rows = lay_out_map_page(page, self._by_cell[(page.row, page.col)], pts, xy_pt, content.categories,
                                    self.cfg, self._codes[self._payloads[page.number]], self.frame_pt,
                                    partial(self._footer_legend, squeeze=True), content.overlays, content.measure,
                                    self.sizes)
        ms = replace(ms, grid=atlasnav.map_grid_refs(sheet, page.neighbours, content.measure, self.sizes.ref,
                                                     self.sizes.text(atlasnav.TAB_PT)),
                     nodata=no_data_rings(vp, content.covered))
        self._laid[page.number] = ms, rows, job
        return ms, rows

    def _address_only(self) -> list[Sheet]:
        """The points the map data could not place, after the map pages: listed, never dropped."""
        content = self._content
        sheets = address_only_sheets(content.unplaced, content.categories, self.sheet, table_height(self.sheet),
                                     content.measure, self.cfg.lang, content.source_lines, self.sizes)
        return [sheets] if sheets else []


def _inside(xy: np.ndarray, window: Box) -> np.ndarray:
    """Indices of the points inside ``window`` (edges included)."""
    if not len(xy):
        return np.empty(0, int)
    return np.flatnonzero((xy[:, 0] >= window[0]) & (xy[:, 0] <= window[2]) &
                          (xy[:, 1] >= window[1]) & (xy[:, 1] <= window[3]))


def table_height(sheet: SheetLayout) -> float:
    """Room for the table on a table sheet: below the header and heading, above the credits."""
    return (sheet.header.y - 2 - sheet.printable.y - 14) * MM - 10


def legend_entries(cat_ids, categories: Categories, suffix: dict[str, str] | None = None,
                   langs: tuple[str, ...] = ("ja", "en")) -> list[LegendEntry]:
    """Legend rows for the categories present, in the style's order; ``suffix`` adds page lists."""
    entries = []
    for cat in categories:
        if cat.id in cat_ids:
            extra = (suffix or {}).get(cat.id, "")
            ja = cat.ja + (extra if langs[-1] == "ja" else "")
            en = cat.en + (extra if langs[-1] == "en" else "")
            entries.append(LegendEntry(cat.shape, cat.colour, cat.mono, ja, en, cat.code))
    return entries


def lay_out_map_page(page: MapPage, drawn: CellDrawing, pts: list[Point], xy_pt: np.ndarray,
                     categories: Categories, cfg: Config, qr: QrMatrix, frame: Box,
                     fit_legend: Callable[[list[LegendEntry]], list[LegendItem]],
                     overlays: OverlayLayer | None = None,
                     measure: Measure | None = None, sizes: PrintSizes = NORMAL) -> tuple[MapSheet, list[TableRow]]:
    """Symbols numbered in reading order, the lines and areas (lettered clear of the symbols,
    text measured by ``measure``), the legend of what is on the page (``fit_legend`` lays it out
    in the footer), the QR code, the table rows; symbols and letters as big as ``sizes`` says."""
    keys = [str(i) for i in range(len(pts))]
    symbols = place_symbols([(k, float(x), float(y)) for k, (x, y) in zip(keys, xy_pt.tolist())],
                            sizes.symbol_mm * MM, frame) if pts else []
    by_key = dict(zip(keys, pts))
    rows = [_unnamed(TableRow.from_point(sp.number, by_key[sp.key]), categories, cfg.lang) for sp in symbols]
    marks = {k: m for k, p in by_key.items() if (m := status_mark(p.status, p.status_text))}
    lines_areas = lay_out_overlays(overlays, Viewport(page.window, frame), measure,
                                   around(((s.x, s.y) for s in symbols), sizes.symbol_mm * MM), tag_pt=sizes.overlay)
    legend, lines_areas = page_legend(legend_entries({p.category for p in pts}, categories, langs=cfg.lang)
                                      + status_entries(set(marks.values())), lines_areas, overlays, fit_legend)
    ms = MapSheet(page, drawn.ops, drawn.labels, symbols, {k: p.category for k, p in by_key.items()}, legend, qr,
                  approx=frozenset(k for k, p in by_key.items() if p.approximate), overlays=lines_areas,
                  marks_of=marks)
    return ms, rows


def _unnamed(row: TableRow, categories: Categories, langs: tuple[str, ...]) -> TableRow:
    """A point without a name (common in OSM) is listed by its kind, never as an empty row."""
    if row.name or row.name_en:
        return row
    cat = categories.by_id[row.category]
    return replace(row, name="（" + " / ".join(cat.label(lang) for lang in langs) + "）")


def index_layout(entries: list[LegendEntry], sheet: SheetLayout, measure: Measure,
                 langs: tuple[str, ...], size: float = INDEX_SIZE) -> list[IndexSheet]:
    """The index of map pages by kind of point, one kind under another with its symbol, wrapped to
    the sheet's width at ``size``, continued on another sheet when one is full (above the credits)."""
    step = INDEX_STEP * size / INDEX_SIZE
    body = sheet.printable
    top = (sheet.header.y - 2) * MM - 4 - 22
    bottom = (body.y + 8) * MM + 12
    x_text = body.x * MM + 16
    sheets: list[list[IndexLine]] = [[]]
    y = top
    for entry in entries:
        text = " ".join(dict.fromkeys({"ja": entry.ja, "en": entry.en}[lang] for lang in langs))
        lines = wrap(text, body.w * MM - 16, size, measure)
        if sheets[-1] and y - (len(lines) - 1) * step < bottom:
            sheets.append([])
            y = top
        placed = []
        symbol = (body.x * MM + 6, y + 3)
        for line in lines:
            placed.append((x_text, y, line))
            y -= step
        sheets[-1].append(IndexLine(entry, symbol, placed))
        y -= 4
    return [IndexSheet(lines, size) for lines in sheets if lines]


def sheet_texts(info, points: list[Point], categories: Categories, labels: Iterable = ()) -> Iterator[str]:
    """Every text the atlas's sheets may print: the words of the furniture, the table's marks,
    the kinds and fields of the points, the basemap's labels."""
    yield from (info.title, info.data_date, info.printed, info.source)
    for words in WORDS.values():
        yield from (words[lang] for lang in info.langs)
    yield from ARROWS.values()
    yield CLOSED_MARK + UNKNOWN_MARK + OPEN_MARK + LIMITED_MARK + APPROX_MARK + ELLIPSIS + "（）/→–·:0123456789- "
    yield continued_from("1", info.langs) + continued_from("", info.langs)
    for cat_id in {p.category for p in points}:
        yield from (categories.by_id[cat_id].label(lang) for lang in info.langs)
        yield categories.by_id[cat_id].code
    yield from (e.ja + e.en for e in status_entries(STATUS_MARKS))
    for p in points:
        yield from (p.name, p.name_en, p.hours, p.status_text, p.notes, p.address, p.capacity, p.contact)
    yield from (label.text for label in labels)
