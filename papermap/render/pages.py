"""Draw the sheets a format laid out (layout/sheets.py): map pages, their point tables, the
overview and the index sheet. Each kind of sheet has one drawer in ``DRAWERS``; a format with a
new kind of sheet adds its drawer there."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from papermap.layout.frame import Rect, SheetLayout, footer_layout
from papermap.layout.furniture import neighbour_tabs, say, scale_bar
from papermap.layout.legend import LegendItem
from papermap.layout.qr import QrMatrix
from papermap.layout.sheets import (AddressOnlySheets, Caption, IndexSheet, ListedMapSheet, MapSheet, NameIndexSheet,
                                   OverlayListSheets, OverviewSheet, PosterSheet, SectionSheet, Sheet, SheetText,
                                   TableSheets)
from papermap.layout.addressonly import HEADING_PT
from papermap.layout.printsize import NORMAL, PrintSizes
from papermap.layout.symbols import SYMBOL_MM
from papermap.layout.table import TableRow
from papermap.model.categories import Categories
from papermap.model.status import status_mark
from papermap.model.style import Style
from papermap.render import navigation as nav
from papermap.render import sheet as draw
from papermap.render.legend import draw_legend
from papermap.render.overlays import draw_listing_sheets, draw_overlay_tags, draw_overlays
from papermap.render.pdf import BLACK, WHITE, Document, num
from papermap.render.qr import draw_qr, qr_min_size_pt
from papermap.render.symbols import Mark, draw_leaders, draw_symbol, draw_symbols
from papermap.render.table import draw_table
from papermap.settings import MM


@dataclass(frozen=True)
class Stationery:
    """What every sheet of a document is drawn with: paper layout, style, kinds of point, words."""

    sheet: SheetLayout
    style: Style
    categories: Categories
    info: SheetText
    sizes: PrintSizes = NORMAL     # how big text and symbols print: the format's (large print, or not)


def draw_sheets(doc: Document, sheets: list[Sheet], paper: Stationery) -> None:
    """Each laid-out sheet (or group of sheets), in order."""
    for sheet in sheets:
        DRAWERS[type(sheet)](doc, paper, sheet)


def _mark(categories: Categories, cat_id: str, x: float, y: float, size: float, number: int | None = None,
          status: str = "") -> Mark:
    """The symbol of a point of kind ``cat_id`` at (x, y), with its status mark ("" for none)."""
    cat = categories.by_id[cat_id]
    return Mark(cat.shape, cat.colour, cat.mono, x, y, size, number, cat.code, status)


def _footer(doc: Document, paper: Stationery, scale: int, legend: list[LegendItem], qr: QrMatrix) -> None:
    sheet, info = paper.sheet, nav.info_scale(paper.info, scale)   # the ratio printed is the sheet's own
    f = footer_layout(sheet.footer)
    draw.draw_scale_bar(doc, f.scale.x + 1, f.scale.y1 - 6, scale_bar(scale), info, sizes=paper.sizes)
    draw.draw_north_arrow(doc, f.scale.x1 - 6, f.scale.y + 1, 8.0, sizes=paper.sizes)
    draw_legend(doc, legend, f.legend.x * MM, f.legend.y * MM, paper.style.mono)
    draw.draw_credits(doc, f.credits.x, f.credits.y1 - 3, f.credits.w, info, sizes=paper.sizes)
    size = max(f.qr.w * MM, qr_min_size_pt(qr))
    draw_qr(doc, qr, f.qr.x1 * MM - size, f.qr.y * MM + (f.qr.h * MM - size) / 2, size)


def draw_map_sheet(doc: Document, paper: Stationery, ms: MapSheet) -> None:
    sheet, style, info = paper.sheet, paper.style, paper.info
    doc.literal_kept(ms.ops)
    nav.draw_no_data(doc, ms.nodata, info.langs)
    if ms.grid:
        nav.draw_grid_refs(doc, ms.grid)
    _map_marks(doc, paper, ms)
    draw.draw_frame(doc, sheet, style["frame"])
    draw.draw_tabs(doc, neighbour_tabs(sheet.map, ms.page.neighbours), sizes=paper.sizes)
    draw.draw_header(doc, sheet, info, str(ms.page.number), "page", sizes=paper.sizes)
    _footer(doc, paper, info.scale, ms.legend, ms.qr)
    doc.end_sheet()


def _map_marks(doc: Document, paper: Stationery, ms: MapSheet) -> None:
    """What goes over a map page's basemap, bottom to top: lines and areas, street and place names,
    the letters of lines and areas, leader lines, numbered symbols."""
    style = paper.style
    draw_overlays(doc, ms.overlays, paper.sheet.map, style.mono)
    draw.draw_labels(doc, ms.labels, style["labels"])
    draw_overlay_tags(doc, ms.overlays)
    draw_leaders(doc, ms.symbols)
    size = paper.sizes.symbol_mm * MM
    draw_symbols(doc, [_mark(paper.categories, ms.categories_of[p.key], p.x, p.y, size, p.number,
                             ms.marks_of.get(p.key, "")) for p in ms.symbols if not p.shared], style.mono)
    _approx_rings(doc, [(p.x, p.y) for p in ms.symbols if p.key in ms.approx and not p.shared], size)


def draw_listed_map_sheet(doc: Document, paper: Stationery, ls: ListedMapSheet) -> None:
    """A map page and its list on one sheet: the basemap from its pieces, the marks, the list."""
    style = paper.style
    for piece in ls.pieces:
        doc.save_state()
        x0, y0, x1, y1 = piece.clip
        clip = doc.path()
        clip.rect(x0, y0, x1 - x0, y1 - y0)
        doc.clip(clip)
        doc.literal(f"{num(piece.s)} 0 0 {num(piece.s)} {num(piece.tx)} {num(piece.ty)} cm")
        doc.literal_kept(piece.ops)
        doc.restore_state()
    _map_marks(doc, paper, ls.map)
    if ls.centre is not None:   # the place the page is around: a ring a reader finds at once
        doc.stroke(BLACK)
        doc.line_width(1.5)
        doc.circle(*ls.centre, SYMBOL_MM * MM * 0.95)
    draw.draw_frame(doc, ls.layout, style["frame"])
    draw.draw_tabs(doc, neighbour_tabs(ls.layout.map, ls.map.page.neighbours), sizes=paper.sizes)
    info = replace(paper.info, title=ls.title or paper.info.title, scale=ls.scale)
    draw.draw_header(doc, ls.layout, info, str(ls.map.page.number), "page", sizes=paper.sizes)
    _footer(doc, replace(paper, info=info), ls.scale, ls.map.legend, ls.map.qr)
    if ls.table is not None:
        draw_table(doc, ls.table, *ls.table_at, _table_symbols(paper))
    doc.end_sheet()


def _table_symbols(paper: Stationery) -> Callable[[Document, list[tuple[TableRow, float, float]], float], None]:
    """Draws a table's symbol column: the shape alone, as in the legend: the number is in the column
    beside it, and inside a small symbol a number of three or more digits would only fit on a tag
    that hides the shape."""
    def symbols(d: Document, placed: list[tuple[TableRow, float, float]], size: float) -> None:
        draw_symbols(d, [_mark(paper.categories, row.category, x, y, size,
                               status=status_mark(row.status, row.status_text)) for row, x, y in placed],
                     paper.style.mono)
    return symbols


def _approx_rings(doc: Document, centres: list[tuple[float, float]], size: float) -> None:
    """A dashed black ring around the symbol of a point placed from its address ("≈ approx." in the
    table): dashes survive mono and photocopies, where a colour would not."""
    if not centres:
        return
    doc.save_state()
    doc.stroke(BLACK)
    doc.line_width(0.9)
    doc.literal("[2.2 1.6] 0 d")
    ring = doc.path()
    for x, y in centres:
        ring.circle(x, y, size * 0.78)
    doc.draw_path(ring)
    doc.restore_state()


def draw_table_sheets(doc: Document, paper: Stationery, tables: TableSheets) -> None:
    """The point table of one map page, continued over as many sheets as it needs."""
    sheet = paper.sheet
    symbols = _table_symbols(paper)
    body = sheet.printable
    top = (sheet.header.y - 2) * MM
    number = tables.page.number
    # every sheet of the table has the same header, heading and credits: one form, placed on each
    furniture = doc.form(f"list-{number}", _list_furniture, sheet, paper.info, number, tables.heading, paper.sizes)
    for chunk in tables.chunks:
        if not chunk.rows:
            continue
        doc.place(furniture)
        draw_table(doc, chunk, body.x * MM, top - 10, symbols)
        doc.end_sheet()


def _list_furniture(doc: Document, name: str, sheet: SheetLayout, info: SheetText, number: int,
                    heading: str = "", sizes: PrintSizes = NORMAL) -> None:
    body = sheet.printable
    doc.begin_form(name)
    draw.draw_header(doc, sheet, info, str(number), "list", sizes=sizes)
    draw.draw_heading(doc, body.x * MM, (sheet.header.y - 2) * MM - 4,
                      heading or say("points_on_page", info.langs, n=number), sizes=sizes)
    draw.draw_credits(doc, body.x, body.y + 8, body.w, info, sizes=sizes)
    doc.end_form()


def draw_address_only(doc: Document, paper: Stationery, sheets: AddressOnlySheets) -> None:
    """The points that have only an address the map data could not place, a chunk per sheet."""
    sheet, categories, mono, info = paper.sheet, paper.categories, paper.style.mono, paper.info
    body = sheet.printable
    top = (sheet.header.y - 2) * MM

    def symbols(d: Document, placed: list[tuple[TableRow, float, float]], size: float) -> None:
        draw_symbols(d, [_mark(categories, row.category, x, y, size, status=status_mark(row.status, row.status_text))
                         for row, x, y in placed], mono)

    for chunk in sheets.chunks:
        draw.draw_header(doc, sheet, info, "", "list", sizes=paper.sizes)
        draw.draw_heading(doc, body.x * MM, top - 4, say("address_only", info.langs), sizes=paper.sizes)
        doc.text(body.x * MM, top - 4 - HEADING_PT * 1.6, say("address_only_note", info.langs), paper.sizes.text(8.0))
        draw_table(doc, chunk, body.x * MM, top - 10 - 2 * HEADING_PT, symbols)
        draw.draw_credits(doc, body.x, body.y + 8, body.w, info, sizes=paper.sizes)
        doc.end_sheet()
def draw_overlay_list_sheets(doc: Document, paper: Stationery, listing: OverlayListSheets) -> None:
    """The lines and areas of one map page by letter (render/overlays.py)."""
    draw_listing_sheets(doc, paper.sheet, paper.info, listing, paper.style.mono, paper.sizes)


def draw_overview_sheet(doc: Document, paper: Stationery, ov: OverviewSheet) -> None:
    """The whole area: basemap, every relief point as a small symbol, the page grid, and an
    index of which pages hold which kind of point."""
    sheet, style = paper.sheet, paper.style
    doc.literal_kept(ov.ops)
    draw_overlays(doc, ov.overlays, sheet.map, style.mono)
    doc.save_state()
    m = sheet.map
    p = doc.path()
    p.rect(m.x * MM, m.y * MM, m.w * MM, m.h * MM)
    doc.clip(p)
    draw_symbols(doc, [_mark(paper.categories, cat_id, x, y, 3.5 * MM) for cat_id, x, y in ov.dots], style.mono)
    doc.restore_state()
    nav.draw_box_labels(doc, ov.grid, ov.labels, 1.6 if ov.sections else 1.2)
    draw.draw_frame(doc, sheet, style["frame"])
    draw.draw_header(doc, sheet, paper.info, "0", "overview", sizes=paper.sizes)
    _footer(doc, paper, ov.scale, ov.legend, ov.qr)
    doc.end_sheet()


def draw_index_sheet(doc: Document, paper: Stationery, index: IndexSheet) -> None:
    """Which map pages hold which kind of point, when the list is too long for the overview's footer."""
    sheet, info, mono = paper.sheet, paper.info, paper.style.mono
    body = sheet.printable
    draw.draw_header(doc, sheet, info, "0", "overview", sizes=paper.sizes)
    draw.draw_heading(doc, body.x * MM, (sheet.header.y - 2) * MM - 4, say("index", info.langs), sizes=paper.sizes)
    for line in index.lines:
        e = line.entry
        draw_symbol(doc, e.shape, *line.symbol, paper.sizes.legend_symbol, e.colour, e.mono, None, mono, e.code, e.mark)
        for x, y, text in line.lines:
            doc.text(x, y, text, index.size)
    draw.draw_credits(doc, body.x, body.y + 8, body.w, info, sizes=paper.sizes)
    doc.end_sheet()


def draw_section_sheet(doc: Document, paper: Stationery, sec: SectionSheet) -> None:
    """One section of a big atlas: its map pages' boxes and numbers over the overview's drawing."""
    sheet, info = paper.sheet, paper.info
    m = sheet.map
    nav.draw_section_map(doc, (m.x * MM, m.y * MM, m.x1 * MM, m.y1 * MM), sec)
    draw.draw_frame(doc, sheet, paper.style["frame"])
    heading = say("section", info.langs, sep=" ") + f" {sec.number}"
    draw.draw_header(doc, sheet, info, heading.split()[-1], "section", sizes=paper.sizes)
    draw.draw_heading(doc, m.x * MM, m.y1 * MM + 6, say("section_pages", info.langs, n=sec.number), sizes=paper.sizes)
    f = footer_layout(sheet.footer)
    draw.draw_scale_bar(doc, f.scale.x + 1, f.scale.y1 - 6, scale_bar(sec.scale), nav.info_scale(info, sec.scale),
                        sizes=paper.sizes)
    draw.draw_north_arrow(doc, f.scale.x1 - 6, f.scale.y + 1, 8.0, sizes=paper.sizes)
    draw.draw_credits(doc, f.credits.x, f.credits.y1 - 3, f.credits.w, info, sizes=paper.sizes)
    doc.end_sheet()


def draw_name_index_sheet(doc: Document, paper: Stationery, index: NameIndexSheet) -> None:
    """A sheet of the index at the end: names, and relief points by kind, with page and grid cell."""
    sheet, info, mono = paper.sheet, paper.info, paper.style.mono
    body = sheet.printable
    draw.draw_header(doc, sheet, info, "", "index_page", sizes=paper.sizes)
    draw.draw_heading(doc, body.x * MM, (sheet.header.y - 2) * MM - 4, index.heading, sizes=paper.sizes)

    def kind(cat_id: str, x: float, y: float, size: float) -> None:
        draw_symbols(doc, [_mark(paper.categories, cat_id, x, y, size)], mono)

    nav.draw_index_entries(doc, index, kind)
    draw.draw_credits(doc, body.x, body.y + 8, body.w, info, sizes=paper.sizes)
    doc.end_sheet()
def draw_poster_sheet(doc: Document, paper: Stationery, ps: PosterSheet) -> None:
    """One poster sheet: its part of the map, the strips to glue and the edges to cut, the margin's
    words, and on the first sheet the key."""
    style = paper.style
    x0, y0, x1, y1 = ps.frame
    doc.literal_kept(ps.map.ops)
    doc.save_state()
    clip = doc.path()
    clip.rect(x0, y0, x1 - x0, y1 - y0)
    doc.clip(clip)
    _map_marks(doc, paper, ps.map)
    doc.restore_state()
    doc.stroke(BLACK)   # the glue strips, hatched: the next sheet covers them
    doc.line_width(0.4)
    for gx0, gy0, gx1, gy1 in ps.glue:
        doc.save_state()
        strip = doc.path()
        strip.rect(gx0, gy0, gx1 - gx0, gy1 - gy0)
        doc.clip(strip)
        reach = (gx1 - gx0) + (gy1 - gy0)
        for k in range(int(reach / (3 * MM)) + 2):
            doc.line(gx0 + k * 3 * MM, gy0, gx0 + k * 3 * MM - reach, gy0 + reach)
        doc.restore_state()
    draw.draw_frame(doc, replace(paper.sheet, map=_rect_mm(ps.frame)), style["frame"])
    doc.stroke(BLACK)
    doc.line_width(1.0)
    doc.literal("[4 3] 0 d")
    for gx0, gy0, gx1, gy1 in ps.glue:   # the strip's inner edge: the next sheet's frame line goes here
        if gy1 - gy0 > gx1 - gx0:
            doc.line(gx0, gy0, gx0, gy1)
        else:
            doc.line(gx0, gy1, gx1, gy1)
    doc.literal("[] 0 d")
    doc.line_width(1.2)
    for cx0, cy0, cx1, cy1 in ps.cut:    # the frame lines to cut along
        doc.line(cx0, cy0, cx1, cy1)
    doc.line_width(0.5)
    for mx0, my0, mx1, my1 in ps.crop:
        doc.line(mx0, my0, mx1, my1)
    _captions(doc, ps.captions)
    info = replace(paper.info, scale=ps.scale)
    if ps.panel is not None:
        key = ps.panel
        kx0, ky0, kx1, ky1 = key.box
        doc.fill(WHITE)
        doc.stroke(BLACK)
        doc.line_width(0.8)
        doc.rect(kx0, ky0, kx1 - kx0, ky1 - ky0, fill=True)
        draw.draw_scale_bar(doc, *key.scale_at, scale_bar(ps.scale), info, sizes=paper.sizes)
        draw.draw_north_arrow(doc, *key.north_at, 8.0, sizes=paper.sizes)
        draw_legend(doc, ps.map.legend, *key.legend_at, style.mono)
        doc.stroke(BLACK)
        doc.line_width(0.6)
        for (bx0, by0, bx1, by1), _ in key.assembly:
            doc.rect(bx0, by0, bx1 - bx0, by1 - by0)
        _captions(doc, key.captions)
        qx, qy, side = key.qr_at
        draw_qr(doc, ps.map.qr, qx, qy, max(side, qr_min_size_pt(ps.map.qr)))
    doc.end_sheet()


def _rect_mm(box: tuple[float, float, float, float]) -> Rect:
    return Rect(box[0] / MM, box[1] / MM, (box[2] - box[0]) / MM, (box[3] - box[1]) / MM)


def _captions(doc: Document, captions: list[Caption]) -> None:
    doc.fill(BLACK)
    for x, y, angle, size, anchor, text in captions:
        if angle:
            doc.save_state()
            doc.translate(x, y)
            doc.rotate(angle)
            doc.text(0, -size * 0.35, text, size, anchor)
            doc.restore_state()
        else:
            doc.text(x, y, text, size, anchor)


DRAWERS: dict[type, Callable[[Document, Stationery, Sheet], None]] = {
    MapSheet: draw_map_sheet, TableSheets: draw_table_sheets,
    OverviewSheet: draw_overview_sheet, IndexSheet: draw_index_sheet, ListedMapSheet: draw_listed_map_sheet,
    AddressOnlySheets: draw_address_only, OverlayListSheets: draw_overlay_list_sheets,
    SectionSheet: draw_section_sheet, NameIndexSheet: draw_name_index_sheet,
    PosterSheet: draw_poster_sheet,
}
