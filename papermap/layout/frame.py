"""Where things go on a sheet: header, map frame, neighbour tabs, footer. All in millimetres,
origin at the sheet's bottom-left (PDF convention)."""
from __future__ import annotations

from dataclasses import dataclass

from papermap import settings
from papermap.errors import InputError

HEADER_MM = 14.0   # title, dates, page number
TAB_MM = 5.0       # band around the map frame naming the neighbouring pages
FOOTER_MM = 34.0   # scale bar, north arrow, legend, attribution, QR code (>= 27 mm to survive copying)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h

    def inset(self, d: float) -> "Rect":
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)


@dataclass(frozen=True)
class FooterLayout:
    """The footer's blocks: scale bar and north arrow, legend, credits along the bottom, QR at the right."""

    scale: Rect
    legend: Rect
    credits: Rect
    qr: Rect


QR_MM = 30.0
CREDITS_MM = 11.0
SCALE_BLOCK_MM = 50.0


def footer_layout(footer: Rect) -> FooterLayout:
    qr = Rect(footer.x1 - QR_MM, footer.y + (footer.h - QR_MM) / 2, QR_MM, QR_MM)
    left_w = footer.w - QR_MM - 2
    credits = Rect(footer.x, footer.y, left_w, CREDITS_MM)
    top = Rect(footer.x, credits.y1 + 1, left_w, footer.h - CREDITS_MM - 1)
    scale = Rect(top.x, top.y, SCALE_BLOCK_MM, top.h)
    legend = Rect(scale.x1 + 2, top.y, top.w - SCALE_BLOCK_MM - 2, top.h)
    return FooterLayout(scale, legend, credits, qr)


@dataclass(frozen=True)
class SheetLayout:
    paper: str
    orientation: str
    sheet: Rect       # the whole sheet
    printable: Rect   # inside the printer-safe margin
    header: Rect
    map: Rect         # the map frame
    footer: Rect


def sheet_size(paper: str, orientation: str) -> tuple[float, float]:
    """Sheet width and height in mm."""
    if paper not in settings.PAPER_MM:
        raise InputError(f"unknown paper size '{paper}' (use {' or '.join(settings.PAPER_MM)})")
    if orientation not in ("portrait", "landscape"):
        raise InputError(f"unknown orientation '{orientation}' (use portrait or landscape)")
    w, h = settings.PAPER_MM[paper]
    return (w, h) if orientation == "portrait" else (h, w)


def sheet_layout(paper: str, orientation: str, margin: float = settings.MARGIN_MM) -> SheetLayout:
    w, h = sheet_size(paper, orientation)
    sheet = Rect(0, 0, w, h)
    printable = sheet.inset(margin)
    header = Rect(printable.x, printable.y1 - HEADER_MM, printable.w, HEADER_MM)
    footer = Rect(printable.x, printable.y, printable.w, FOOTER_MM)
    map_rect = Rect(printable.x + TAB_MM, footer.y1 + TAB_MM,
                    printable.w - 2 * TAB_MM, header.y - footer.y1 - 2 * TAB_MM)
    return SheetLayout(paper, orientation, sheet, printable, header, map_rect, footer)
