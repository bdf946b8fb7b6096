"""Draw one finished sheet (map page or overview) onto a reportlab canvas. Positions come
from the layout; this module only draws."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.colors import HexColor, black, white
from reportlab.pdfgen.canvas import Canvas

from papermap.layout.frame import SheetLayout
from papermap.layout.furniture import ScaleBar, Tab, say
from papermap.layout.labels import Label
from papermap.render.fonts import register, text_width
from papermap.settings import MM, MIN_FONT_PT


@dataclass(frozen=True)
class SheetText:
    """The words every sheet carries: what it is, how fresh its data are, where they come from."""

    title: str
    data_date: str
    printed: str
    source: str
    scale: int
    langs: tuple[str, ...]


def new_canvas(path: str, size_mm: tuple[float, float], title: str, subject: str) -> Canvas:
    """A compressed canvas whose default font is the embedded one (no stray Helvetica)."""
    rl_config.useA85 = 0  # binary streams: smaller files, and no slow pure-Python ASCII85 encoding
    c = Canvas(path, pagesize=(size_mm[0] * MM, size_mm[1] * MM), pageCompression=1, invariant=1,
               initialFontName=register(), initialFontSize=8)
    c.setTitle(title)
    c.setAuthor("papermap")
    c.setSubject(subject)
    return c


def _text(c: Canvas, x: float, y: float, text: str, size: float, anchor: str = "left") -> None:
    size = max(size, MIN_FONT_PT)
    c.setFont(register(), size)
    if anchor == "centre":
        c.drawCentredString(x, y, text)
    elif anchor == "right":
        c.drawRightString(x, y, text)
    else:
        c.drawString(x, y, text)


def _fit(text: str, size: float, max_w: float) -> float:
    """The largest size not above ``size`` (and not under the minimum) that fits ``max_w``."""
    w = text_width(text, size)
    return max(MIN_FONT_PT, size * min(1.0, max_w / w)) if w else size


def draw_header(c: Canvas, sheet: SheetLayout, info: SheetText, page_label: str, page_kind: str) -> None:
    h = sheet.header
    box_w = 24 * MM
    c.setFillColor(black)
    title_w = (h.w * MM) - box_w - 4 * MM
    _text(c, h.x * MM, (h.y + 7.5) * MM, info.title, _fit(info.title, 14, title_w))
    dates = (f"{say('data_as_of', info.langs)} {info.data_date}   "
             f"{say('printed', info.langs)} {info.printed}")
    _text(c, h.x * MM, (h.y + 2) * MM, dates, _fit(dates, 8, title_w))
    # the page number, big, in a box at the top right: the first thing a reader looks for
    x0, y0 = h.x1 * MM - box_w, (h.y + 0.5) * MM
    c.setLineWidth(0.8)
    c.rect(x0, y0, box_w, (h.h - 1) * MM, stroke=1, fill=0)
    _text(c, x0 + box_w / 2, y0 + (h.h - 4.2) * MM, say(page_kind, info.langs), 7, "centre")
    _text(c, x0 + box_w / 2, y0 + 1.6 * MM, page_label, 20 if len(page_label) < 4 else 12, "centre")


def draw_tabs(c: Canvas, tabs: list[Tab]) -> None:
    c.setFillColor(black)
    for tab in tabs:
        c.saveState()
        c.translate(tab.x * MM, tab.y * MM)
        c.rotate(tab.angle)
        w = text_width(tab.text, 9) + 4
        c.setFillColor(white)
        c.setStrokeColor(black)
        c.setLineWidth(0.5)
        c.roundRect(-w / 2, -5.5, w, 11, 2, stroke=1, fill=1)
        c.setFillColor(black)
        _text(c, 0, -3.2, tab.text, 9, "centre")
        c.restoreState()


def draw_frame(c: Canvas, sheet: SheetLayout, style_frame: dict) -> None:
    m = sheet.map
    c.setStrokeColor(HexColor(style_frame["stroke"]))
    c.setLineWidth(max(0.25, style_frame["width_mm"] * MM))
    c.rect(m.x * MM, m.y * MM, m.w * MM, m.h * MM, stroke=1, fill=0)


def draw_labels(c: Canvas, labels: list[Label], label_style: dict) -> None:
    """Names with a white halo so they stay readable over roads and buildings."""
    font = register()
    halo = HexColor(label_style["halo"])
    colours = {"road": label_style["colour"], "place": label_style["place_colour"],
               "water": label_style["water_colour"]}
    for halo_pass in (True, False):
        for lab in labels:
            c.saveState()
            c.translate(lab.x, lab.y)
            c.rotate(lab.angle)
            t = c.beginText()
            t.setFont(font, lab.size)
            if halo_pass:
                t.setTextRenderMode(1)
                c.setStrokeColor(halo)
                c.setLineWidth(label_style["halo_pt"])
                c.setLineJoin(1)
            else:
                c.setFillColor(HexColor(colours[lab.kind]))
            t.setTextOrigin(-text_width(lab.text, lab.size) / 2, -lab.size * 0.35)
            t.textOut(lab.text)
            c.drawText(t)
            c.restoreState()


def draw_scale_bar(c: Canvas, x_mm: float, y_mm: float, bar: ScaleBar, info: SheetText) -> None:
    """A chequered bar with round distances in metres, and the scale as a ratio."""
    seg = bar.length_mm / bar.segments
    c.setLineWidth(0.5)
    c.setStrokeColor(black)
    for i in range(bar.segments):
        c.setFillColor(black if i % 2 == 0 else white)
        c.rect((x_mm + i * seg) * MM, y_mm * MM, seg * MM, 1.6 * MM, stroke=1, fill=1)
    c.setFillColor(black)
    _text(c, x_mm * MM, (y_mm + 2.5) * MM, "0", 7, "centre")
    _text(c, (x_mm + bar.length_mm) * MM, (y_mm + 2.5) * MM, bar.label(bar.metres), 7, "centre")
    half = bar.segments // 2
    if half:
        _text(c, (x_mm + half * seg) * MM, (y_mm + 2.5) * MM, bar.label(bar.metres * half / bar.segments), 7, "centre")
    _text(c, x_mm * MM, (y_mm - 4) * MM, f"{say('scale', info.langs)} 1:{info.scale:,}", 8)


def draw_north_arrow(c: Canvas, x_mm: float, y_mm: float, size_mm: float = 9.0) -> None:
    """An arrow pointing to grid north (up), half filled so it reads in black and white."""
    x, y, s = x_mm * MM, y_mm * MM, size_mm * MM
    c.setLineWidth(0.5)
    c.setStrokeColor(black)
    p = c.beginPath()
    p.moveTo(x, y + s)
    p.lineTo(x - s * 0.3, y)
    p.lineTo(x, y + s * 0.25)
    p.close()
    c.setFillColor(black)
    c.drawPath(p, stroke=1, fill=1)
    p = c.beginPath()
    p.moveTo(x, y + s)
    p.lineTo(x + s * 0.3, y)
    p.lineTo(x, y + s * 0.25)
    p.close()
    c.setFillColor(white)
    c.drawPath(p, stroke=1, fill=1)
    c.setFillColor(black)
    _text(c, x, y + s + 1.2 * MM, "N", 9, "centre")


def draw_credits(c: Canvas, x_mm: float, y_mm: float, width_mm: float, info: SheetText) -> None:
    """Attribution (ODbL requires it on every map), data date and source: honest paper."""
    lines = [say("attribution", info.langs),
             f"{say('data_as_of', info.langs)} {info.data_date} · {say('source', info.langs)}: {info.source}",
             f"{say('printed', info.langs)} {info.printed}"]
    c.setFillColor(black)
    for i, line in enumerate(lines):
        _text(c, x_mm * MM, (y_mm - i * 3.6) * MM, line, _fit(line, 7.5, width_mm * MM))


def draw_ops(c: Canvas, ops: str) -> None:
    """Insert prepared PDF path operators (the basemap) into the page content stream."""
    if ops:
        c.addLiteral(ops)


def draw_page_grid(c: Canvas, pages: list[tuple]) -> None:
    """Page rectangles with big page numbers, for the overview sheet."""
    c.setStrokeColor(black)
    c.setLineWidth(1.2)
    size = 28
    for ((x0, y0), (x1, y1)), label in pages:
        c.setFillColor(white)
        c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
        w = text_width(label, size) + 8
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        c.rect(cx - w / 2, cy - size * 0.45, w, size * 1.05, stroke=1, fill=1)
        c.setFillColor(black)
        _text(c, cx, cy - size * 0.3, label, size, "centre")


def draw_heading(c: Canvas, x: float, y: float, text: str) -> None:
    c.setFillColor(black)
    _text(c, x, y, text, 11)
