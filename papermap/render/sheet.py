"""Draw the furniture of a finished sheet (header, frame, tabs, scale bar, credits, labels) onto
the document. Positions come from the layout; this module only draws."""
from __future__ import annotations

import math

from papermap.layout.frame import SheetLayout
from papermap.layout.furniture import ScaleBar, Tab, say
from papermap.layout.labels import Label
from papermap.layout.printsize import NORMAL, PrintSizes
from papermap.layout.text import wrap
from papermap.layout.sheets import SheetText
from papermap.render.pdf import BLACK, WHITE, Colour, Document, Run, text_width
from papermap.settings import MM


def _fit(text: str, size: float, max_w: float, floor: float = NORMAL.floor) -> float:
    """The largest size not above ``size`` (and not under ``floor``) that fits ``max_w``."""
    w = text_width(text, size)
    return max(floor, size * min(1.0, max_w / w)) if w else size


def draw_header(doc: Document, sheet: SheetLayout, info: SheetText, page_label: str, page_kind: str,
                sizes: PrintSizes = NORMAL) -> None:
    """Title, dates and the page number in its box, at ``sizes``."""
    h = sheet.header
    t = sizes.text
    box_w = 24 * MM
    doc.fill(BLACK)
    title_w = (h.w * MM) - box_w - 4 * MM
    doc.text(h.x * MM, (h.y + 7.5) * MM, info.title, _fit(info.title, t(14), title_w, sizes.floor))
    dates = (f"{say('data_as_of', info.langs)} {info.data_date}   "
             f"{say('printed', info.langs)} {info.printed}")
    doc.text(h.x * MM, (h.y + 2) * MM, dates, _fit(dates, t(8), title_w, sizes.floor))
    # the page number, big, in a box at the top right: the first thing a reader looks for
    x0, y0 = h.x1 * MM - box_w, (h.y + 0.5) * MM
    doc.line_width(0.8)
    doc.rect(x0, y0, box_w, (h.h - 1) * MM)
    kind = say(page_kind, info.langs)
    if sizes.large and text_width(kind, t(7)) > box_w - 2:   # never shrunk under the floor: one language
        kind = say(page_kind, info.langs[:1])
    doc.text(x0 + box_w / 2, y0 + (h.h - 4.2) * MM, kind, t(7), "centre")
    doc.text(x0 + box_w / 2, y0 + 1.6 * MM, page_label, 20 if len(page_label) < 4 else 12, "centre")


def draw_tabs(doc: Document, tabs: list[Tab], sizes: PrintSizes = NORMAL) -> None:
    size = sizes.text(9)
    doc.fill(BLACK)
    for tab in tabs:
        doc.save_state()
        doc.translate(tab.x * MM, tab.y * MM)
        doc.rotate(tab.angle)
        w = text_width(tab.text, size) + 4
        h = 11 * size / 9
        doc.fill(WHITE)
        doc.stroke(BLACK)
        doc.line_width(0.5)
        doc.round_rect(-w / 2, -h / 2, w, h, 2, stroke=True, fill=True)
        doc.fill(BLACK)
        doc.text(0, -3.2 * size / 9, tab.text, size, "centre")
        doc.restore_state()


def draw_frame(doc: Document, sheet: SheetLayout, style_frame: dict) -> None:
    m = sheet.map
    doc.stroke(Colour.hex(style_frame["stroke"]))
    doc.line_width(max(0.25, style_frame["width_mm"] * MM))
    doc.rect(m.x * MM, m.y * MM, m.w * MM, m.h * MM)


def draw_labels(doc: Document, labels: list[Label], label_style: dict) -> None:
    """Names with a white halo so they stay readable over roads and buildings: every halo first."""
    halo = Colour.hex(label_style["halo"])
    colours = {"road": label_style["colour"], "place": label_style["place_colour"],
               "water": label_style["water_colour"]}
    runs = []
    for lab in labels:
        # centred on (x, y), turned about it: the run starts half its width back along the turn
        cos, sin = math.cos(math.radians(lab.angle)), math.sin(math.radians(lab.angle))
        dx, dy = -text_width(lab.text, lab.size) / 2, -lab.size * 0.35
        runs.append(Run(lab.x + dx * cos - dy * sin, lab.y + dx * sin + dy * cos, lab.text, lab.size, 100.0,
                        Colour.hex(colours.get(lab.kind, label_style["colour"])), lab.angle))
    doc.texts(runs, halo=(halo, label_style["halo_pt"]))
    doc.texts(runs)


def draw_scale_bar(doc: Document, x_mm: float, y_mm: float, bar: ScaleBar, info: SheetText,
                   sizes: PrintSizes = NORMAL) -> None:
    """A chequered bar with round distances in metres, and the scale as a ratio."""
    small, ratio = sizes.text(7), sizes.text(8)
    seg = bar.length_mm / bar.segments
    doc.line_width(0.5)
    doc.stroke(BLACK)
    for i in range(bar.segments):
        doc.fill(BLACK if i % 2 == 0 else WHITE)
        doc.rect((x_mm + i * seg) * MM, y_mm * MM, seg * MM, 1.6 * MM, fill=True)
    doc.fill(BLACK)
    doc.text(x_mm * MM, (y_mm + 2.5) * MM, "0", small, "centre")
    doc.text((x_mm + bar.length_mm) * MM, (y_mm + 2.5) * MM, bar.label(bar.metres), small, "centre")
    half = bar.segments // 2
    if half:
        doc.text((x_mm + half * seg) * MM, (y_mm + 2.5) * MM, bar.label(bar.metres * half / bar.segments), small,
                 "centre")
    doc.text(x_mm * MM, (y_mm - 4) * MM, f"{say('scale', info.langs)} 1:{info.scale:,}", ratio)


def draw_north_arrow(doc: Document, x_mm: float, y_mm: float, size_mm: float = 9.0,
                     sizes: PrintSizes = NORMAL) -> None:
    """An arrow pointing to grid north (up), half filled so it reads in black and white."""
    x, y, s = x_mm * MM, y_mm * MM, size_mm * MM
    doc.line_width(0.5)
    doc.stroke(BLACK)
    p = doc.path()
    p.moveTo(x, y + s)
    p.lineTo(x - s * 0.3, y)
    p.lineTo(x, y + s * 0.25)
    p.close()
    doc.fill(BLACK)
    doc.draw_path(p, fill=True)
    p = doc.path()
    p.moveTo(x, y + s)
    p.lineTo(x + s * 0.3, y)
    p.lineTo(x, y + s * 0.25)
    p.close()
    doc.fill(WHITE)
    doc.draw_path(p, fill=True)
    doc.fill(BLACK)
    doc.text(x, y + s + 1.2 * MM, "N", sizes.text(9), "centre")


def draw_credits(doc: Document, x_mm: float, y_mm: float, width_mm: float, info: SheetText,
                 sizes: PrintSizes = NORMAL) -> None:
    """Attribution (ODbL requires it on every map), data date and source: honest paper. In large
    print the date joins the attribution's line and a source too long for its line wraps, since
    the text may not shrink under the floor."""
    if sizes.large:
        _large_credits(doc, x_mm, y_mm, width_mm, info, sizes)
        return
    lines = [say("attribution", info.langs),
             f"{say('data_as_of', info.langs)} {info.data_date} · {say('source', info.langs)}: {info.source}",
             f"{say('printed', info.langs)} {info.printed}"]
    doc.fill(BLACK)
    for i, line in enumerate(lines):
        doc.text(x_mm * MM, (y_mm - i * 3.6) * MM, line, _fit(line, 7.5, width_mm * MM))


def _large_credits(doc: Document, x_mm: float, y_mm: float, width_mm: float, info: SheetText,
                   sizes: PrintSizes) -> None:
    width, size = width_mm * MM, sizes.text(7.5)
    lines = []
    for line in (f"{say('attribution', info.langs)} · {say('data_as_of', info.langs)} {info.data_date}",
                 f"{say('source', info.langs)}: {info.source}", f"{say('printed', info.langs)} {info.printed}"):
        fitted = _fit(line, size, width, sizes.floor)
        lines += [(part, fitted) for part in wrap(line, width, fitted, text_width)]
    doc.fill(BLACK)
    y = y_mm * MM
    for line, at in lines:
        doc.text(x_mm * MM, y, line, at)
        y -= size * 1.2


def draw_heading(doc: Document, x: float, y: float, text: str, sizes: PrintSizes = NORMAL) -> None:
    """The sheet's heading with its baseline at ``y`` for 11 pt; larger print sits lower by its
    extra ascent, so its top stays clear of the header above."""
    size = sizes.text(11)
    doc.fill(BLACK)
    doc.text(x, y - (size - 11) * 0.88, text, size)
