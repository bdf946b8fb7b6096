"""Compose whole sheets from finished layouts: map pages, their point tables, the overview."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from papermap.layout.frame import SheetLayout, footer_layout
from papermap.layout.furniture import neighbour_tabs, say, scale_bar
from papermap.layout.grid import MapPage
from papermap.layout.legend import LegendEntry
from papermap.layout.overlays import PageOverlays
from papermap.layout.qr import QrMatrix
from papermap.layout.symbols import SymbolPlacement
from papermap.layout.table import TableChunk, TableRow
from papermap.model.categories import Categories
from papermap.model.style import Style
from papermap.render import forms
from papermap.render import sheet as draw
from papermap.render.artcache import CellArt
from papermap.render.legend import draw_legend
from papermap.render.overlays import draw_overlay_tags, draw_overlays
from papermap.render.qr import draw_qr, qr_min_size_pt
from papermap.render.symbols import Mark, draw_leaders, draw_symbol, draw_symbols
from papermap.render.table import draw_table
from papermap.settings import MM


@dataclass(frozen=True)
class MapSheet:
    """Everything one map page shows, laid out."""

    page: MapPage
    art: CellArt
    symbols: list[SymbolPlacement]
    categories_of: dict[str, str]      # placement key -> category id
    legend: list[LegendEntry]
    qr: QrMatrix
    overlays: PageOverlays = PageOverlays()   # lines and areas (layout/overlays.py)


def _mark(categories: Categories, cat_id: str, x: float, y: float, size: float, number: int | None = None) -> Mark:
    """The symbol of a point of kind ``cat_id`` at (x, y)."""
    cat = categories.by_id[cat_id]
    return Mark(cat.shape, cat.colour, cat.mono, x, y, size, number)


def _footer(c: Canvas, sheet: SheetLayout, info: draw.SheetText, scale: int, legend: list[LegendEntry],
            qr: QrMatrix, mono: bool) -> None:
    f = footer_layout(sheet.footer)
    draw.draw_scale_bar(c, f.scale.x + 1, f.scale.y1 - 6, scale_bar(scale), info)
    draw.draw_north_arrow(c, f.scale.x1 - 6, f.scale.y + 1, 8.0)
    if legend:
        draw_legend(c, legend, f.legend.x * MM, f.legend.y * MM, f.legend.w * MM, f.legend.h * MM, info.langs, mono)
    draw.draw_credits(c, f.credits.x, f.credits.y1 - 3, f.credits.w, info)
    size = max(f.qr.w * MM, qr_min_size_pt(qr))
    draw_qr(c, qr, f.qr.x1 * MM - size, f.qr.y * MM + (f.qr.h * MM - size) / 2, size)


def draw_map_sheet(c: Canvas, sheet: SheetLayout, style: Style, ms: MapSheet, categories: Categories,
                   info: draw.SheetText) -> None:
    mono = style.name == "mono"
    draw.draw_ops(c, ms.art.ops)
    draw_overlays(c, ms.overlays, sheet.map, mono)
    draw.draw_labels(c, ms.art.labels, style["labels"])
    draw_overlay_tags(c, ms.overlays)
    draw_leaders(c, ms.symbols)
    size = _symbol_pt()
    draw_symbols(c, [_mark(categories, ms.categories_of[p.key], p.x, p.y, size, p.number)
                     for p in ms.symbols if not p.shared], mono)
    draw.draw_frame(c, sheet, style["frame"])
    draw.draw_tabs(c, neighbour_tabs(sheet.map, ms.page.neighbours))
    draw.draw_header(c, sheet, info, str(ms.page.number), "page")
    _footer(c, sheet, info, info.scale, ms.legend, ms.qr, mono)
    c.showPage()


def _symbol_pt() -> float:
    from papermap.layout.symbols import SYMBOL_MM

    return SYMBOL_MM * MM


def draw_table_sheets(c: Canvas, sheet: SheetLayout, style: Style, page: MapPage, chunks: list[TableChunk],
                      categories: Categories, info: draw.SheetText) -> None:
    """The point table of one map page, continued over as many sheets as it needs."""
    mono = style.name == "mono"

    def symbols(cv: Canvas, placed: list[tuple[TableRow, float, float]], size: float) -> None:
        # the shape alone, as in the legend: the number is in the column beside it, and inside a
        # small symbol a number of three or more digits would only fit on a tag that hides the shape
        draw_symbols(cv, [_mark(categories, row.category, x, y, size) for row, x, y in placed], mono)

    body = sheet.printable
    top = (sheet.header.y - 2) * MM
    # every sheet of the table has the same header, heading and credits: one form, placed on each
    furniture = forms.define(c, f"list-{page.number}", _list_furniture, sheet, info, page.number)
    for chunk in chunks:
        if not chunk.rows:
            continue
        c.doForm(furniture)
        draw_table(c, chunk, body.x * MM, top - 10, symbols)
        c.showPage()


def _list_furniture(c: Canvas, name: str, sheet: SheetLayout, info: draw.SheetText, number: int) -> None:
    body = sheet.printable
    c.beginForm(name)
    draw.draw_header(c, sheet, info, str(number), "list")
    draw.draw_heading(c, body.x * MM, (sheet.header.y - 2) * MM - 4, say("points_on_page", info.langs, n=number))
    draw.draw_credits(c, body.x, body.y + 8, body.w, info)
    c.endForm()


def draw_overview_sheet(c: Canvas, sheet: SheetLayout, style: Style, ops: str, grid_rects: list[tuple],
                        dots: list[tuple[str, float, float]], index: list[LegendEntry], qr: QrMatrix,
                        scale: int, categories: Categories, info: draw.SheetText) -> None:
    """The whole area: basemap, every relief point as a small symbol, the page grid, and an
    index of which pages hold which kind of point."""
    mono = style.name == "mono"
    draw.draw_ops(c, ops)
    c.saveState()
    m = sheet.map
    p = c.beginPath()
    p.rect(m.x * MM, m.y * MM, m.w * MM, m.h * MM)
    c.clipPath(p, stroke=0, fill=0)
    draw_symbols(c, [_mark(categories, cat_id, x, y, 3.5 * MM) for cat_id, x, y in dots], mono)
    c.restoreState()
    draw.draw_page_grid(c, grid_rects)
    draw.draw_frame(c, sheet, style["frame"])
    draw.draw_header(c, sheet, info, "0", "overview")
    _footer(c, sheet, info, scale, index, qr, mono)
    c.showPage()


def draw_index_sheet(c: Canvas, sheet: SheetLayout, style: Style, entries: list[LegendEntry],
                     info: draw.SheetText) -> None:
    """Which map pages hold which kind of point, when the list is too long for the overview's footer."""
    from papermap.layout.text import wrap
    from papermap.render.fonts import text_width

    mono = style.name == "mono"
    body = sheet.printable
    y = (sheet.header.y - 2) * MM - 4
    draw.draw_header(c, sheet, info, "0", "overview")
    draw.draw_heading(c, body.x * MM, y, say("index", info.langs))
    y -= 22
    size, step = 9.0, 12.0
    x_text = body.x * MM + 16
    for shape, colour, mono_fill, ja, en in entries:
        text = " ".join(dict.fromkeys({"ja": ja, "en": en}[lang] for lang in info.langs))
        lines = wrap(text, body.w * MM - 16, size, text_width)
        draw_symbol(c, shape, body.x * MM + 6, y + 3, 11.0, colour, mono_fill, None, mono)
        for line in lines:
            draw._text(c, x_text, y, line, size)
            y -= step
        y -= 4
    draw.draw_credits(c, body.x, body.y + 8, body.w, info)
    c.showPage()
