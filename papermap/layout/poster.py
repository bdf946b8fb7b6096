"""``--layout poster``: one map over N×M sheets (``--sheets 3x3``) to cut, glue and hang on a wall,
or one big page (``--sheets 1x1 --paper A1``) for a print shop.

Every sheet has the same map frame at the same ground scale; neighbouring sheets show the same
ground for ``overlap_mm`` of paper (the glue strip). A sheet with a neighbour on its right or below
carries that strip hatched along its frame: the neighbour is cut along its left or top frame line
(crop marks in the margin show where) and laid over the strip, so the map runs on unbroken.
The margin names the sheet ("B2": row B, column 2) and, on each side, the sheet that joins there.
The key (title, scale, legend, the diagram of how the sheets join, QR code, data date, sources and
attribution) is on the first sheet, over the map's top-left corner, where no strip lies; every sheet
also states the attribution, data date and sources in its margin. The relief points are numbered
once over the whole poster, and listed after it on sheets of their own (the atlas's table).

The scale is the first round scale at which the area fits the sheets; a scale the user gave wins,
and the sheets are then centred on the area. The basemap is drawn and cached one sheet per grid
cell, as for every format.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from papermap.config import parse_sheets
from papermap.layout.atlas import _inside, _unnamed, legend_entries, sheet_texts, table_height
from papermap.layout.around import scale_for_radius
from papermap.layout.frame import Rect, sheet_layout, sheet_size
from papermap.layout.furniture import ARROWS, say
from papermap.layout.grid import Box, Cell, MapPage, grid, number_pages
from papermap.layout.labels import Label
from papermap.layout.legend import LegendDoesNotFitError, LegendItem, legend_layout
from papermap.layout.qr import qr_payload
from papermap.layout.sheetformat import AtlasContent, Job, LaidOut, SheetFormat
from papermap.layout.sheets import Caption, MapSheet, PosterPanel, PosterSheet, Sheet, TableSheets
from papermap.layout.symbols import SYMBOL_MM, SymbolPlacement, place_symbols
from papermap.layout.table import TableRow, layout_table
from papermap.layout.text import Measure, wrap
from papermap.settings import MARGIN_MM, MIN_FONT_PT, MM

if TYPE_CHECKING:
    from papermap.config import Config

BAND_MM = 8.0           # between the printer-safe margin and the frame: edge labels, crop marks
BOTTOM_MM = 12.0        # the bottom band also holds the credits
CROP_MM = 6.0           # length of a crop mark, from 1 mm off the frame's corner
NAME_ROOM_MM = 30.0     # kept free of edge labels at each end of the top and bottom bands: the sheet's name
EDGE_PT, NAME_PT, CREDIT_PT = 8.0, 14.0, 7.0
PANEL_MM = 92.0         # the key's width (less on a narrow frame)
PAD_MM = 3.0

WORDS = {
    "cut": {"ja": "枠線で切り、{n} に重ねる", "en": "cut on the frame line, lay over {n}"},
    "glue": {"ja": "のりしろ：{n} をここに貼る", "en": "glue strip: {n} goes on top"},
    "poster": {"ja": "ポスター {across}×{down} 枚：行 A… 列 1…", "en": "poster of {across}×{down} sheets: rows A…, columns 1…"},
    "list": {"ja": "ポスターの地点", "en": "Points on the poster"},
}


def words(key: str, langs: tuple[str, ...], **values) -> str:
    """The poster's own phrases, in each language, as ``furniture.say`` joins its own."""
    return " / ".join(dict.fromkeys(WORDS[key][lang].format(**values) for lang in langs))


def sheet_name(row: int, col: int) -> str:
    """Row letter and column number, as volunteers call the sheets: "A1" is the top-left."""
    return f"{chr(ord('A') + row)}{col + 1}"


def poster_frame(paper: str, orientation: str) -> Rect:
    """The map frame on every poster sheet (mm): inside the printer-safe margin and the band for
    edge labels and crop marks, with a deeper band at the bottom for the credits."""
    w, h = sheet_size(paper, orientation)
    side, bottom = MARGIN_MM + BAND_MM, MARGIN_MM + BOTTOM_MM
    return Rect(side, bottom, w - 2 * side, h - side - bottom)


def fit_scale(area: Box, across: int, down: int, frame_mm: tuple[float, float], strip_mm: float) -> int:
    """The first round scale at which ``across`` × ``down`` frames overlapping by ``strip_mm``
    cover ``area`` (projected metres)."""
    paper_w = across * (frame_mm[0] - strip_mm) + strip_mm
    paper_h = down * (frame_mm[1] - strip_mm) + strip_mm
    exact = max((area[2] - area[0]) * 1000 / paper_w, (area[3] - area[1]) * 1000 / paper_h)
    return scale_for_radius(exact / 2, 1000.0)   # the first round scale covering ``exact`` metres a metre of paper


def tiles(area: Box, across: int, down: int, frame_mm: tuple[float, float], strip_mm: float, scale: int) -> list[Cell]:
    """The sheets' ground windows, ``across`` × ``down``, overlapping by the strip, centred on ``area``."""
    w, h = frame_mm[0] / 1000 * scale, frame_mm[1] / 1000 * scale
    strip = strip_mm / 1000 * scale
    cx, cy = (area[0] + area[2]) / 2, (area[1] + area[3]) / 2
    # exactly the sheets' extent: grid() then needs exactly across × down cells
    hw, hh = (across * (w - strip) + strip) / 2, (down * (h - strip) + strip) / 2
    return grid((cx - hw, cy - hh, cx + hw, cy + hh), (w, h), strip)


class PosterFormat(SheetFormat):
    """One map over ``cfg.sheets`` sheets of ``cfg.paper``, with cut and glue marks."""

    name = "poster"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.across, self.down = parse_sheets(cfg.sheets)
        self.sheet = sheet_layout(cfg.paper, cfg.orientation)   # the list sheets are the atlas's
        self.frame = poster_frame(cfg.paper, cfg.orientation)
        self.strip_mm = cfg.overlap_mm if self.across * self.down > 1 else 0.0
        self.scale = cfg.scale
        self._sheets: list[PosterSheet] = []
        self._lists: list[Sheet] = []

    @property
    def sheet_pt(self) -> tuple[float, float]:
        return (self.sheet.sheet.w * MM, self.sheet.sheet.h * MM)

    @property
    def frame_pt(self) -> Box:
        f = self.frame
        return (f.x * MM, f.y * MM, f.x1 * MM, f.y1 * MM)

    @property
    def strip_pt(self) -> float:
        return self.strip_mm * MM

    def grid(self, area: Box) -> list[Cell]:
        if not self.cfg.scale_given:
            self.scale = fit_scale(area, self.across, self.down, (self.frame.w, self.frame.h), self.strip_mm)
        return tiles(area, self.across, self.down, (self.frame.w, self.frame.h), self.strip_mm, self.scale)

    def page_count(self, area: Box) -> int:
        return self.across * self.down

    def overview_window(self, cells: list[Cell]) -> Box:
        return _union([c.window for c in cells])

    # -- deciding the sheets --------------------------------------------------------------------
    def lay_out(self, content: AtlasContent) -> LaidOut:
        """Every sheet of the poster (a build from the cache reads the scale back off the cells),
        the symbols numbered once over the whole map, and the list of them."""
        self._content = content
        cells = sorted(content.cells, key=lambda a: (a.cell.row, a.cell.col))
        x0, _, x1, _ = cells[0].cell.window
        self.scale = round((x1 - x0) * 1000 / self.frame.w)
        pages = number_pages([a.cell for a in cells], keep=lambda c: True)
        whole = _union([p.window for p in pages])
        k = (self.frame_pt[2] - self.frame_pt[0]) / (x1 - x0)       # points per metre, on every sheet
        panel = self._panel_box() if pages else None
        # the symbols, placed once on the poster's whole paper (points from its bottom-left)
        paper = (0.0, 0.0, (whole[2] - whole[0]) * k, (whole[3] - whole[1]) * k)
        keep = _inside(content.xy, whole)
        xy = (content.xy[keep] - [whole[0], whole[1]]) * k if len(keep) else np.empty((0, 2))
        first = pages[0].window
        obstacle = (panel[0] - self.frame_pt[0] + (first[0] - whole[0]) * k,
                    panel[1] - self.frame_pt[1] + (first[1] - whole[1]) * k,
                    panel[2] - self.frame_pt[0] + (first[0] - whole[0]) * k,
                    panel[3] - self.frame_pt[1] + (first[1] - whole[1]) * k)
        symbols = place_symbols([(str(i), float(x), float(y)) for i, (x, y) in zip(keep.tolist(), xy.tolist())],
                                SYMBOL_MM * MM, paper, [obstacle]) if len(keep) else []
        cats = {str(i): content.points[i].category for i in keep.tolist()}
        entries = legend_entries(set(cats.values()), content.categories, langs=self.cfg.lang)
        date = content.info.data_date[:10] if content.info.data_date != "unknown" else "unknown"
        payload = qr_payload("poster", content.to_lonlat(whole), date, self.cfg.qr_url)
        qr = content.qr_codes([payload])[payload]
        by_cell = {(a.cell.row, a.cell.col): a for a in cells}
        self._sheets = []
        for page in pages:
            art = by_cell[(page.row, page.col)]
            dx, dy = (page.window[0] - whole[0]) * k - self.frame_pt[0], (page.window[1] - whole[1]) * k - self.frame_pt[1]
            mine = [_moved(s, dx, dy) for s in symbols if self._on_frame(s.x - dx, s.y - dy)]
            visible = self._visible(page)
            labels = [lb for lb in art.labels if _label_inside(lb, visible, content.measure)]
            key, legend = self._key(panel, entries, content) if page.number == 1 else (None, [])
            ms = MapSheet(page, art.ops, labels, mine, cats, legend, qr)
            self._sheets.append(PosterSheet(
                ms, sheet_name(page.row, page.col), self.frame_pt, self._glue(page), self._cut(page),
                self._crop(), self._captions(page, content), self.scale, key))
        rows = [_unnamed(TableRow.from_point(s.number, content.points[int(s.key)]), content.categories, self.cfg.lang)
                for s in symbols]
        height = table_height(self.sheet)
        chunks = layout_table(rows, self.sheet.printable.w * MM, height, height, content.measure,
                              langs=self.cfg.lang, page_label="") if rows else []
        self._lists = [TableSheets(MapPage(1, 0, 0, whole), chunks, words("list", self.cfg.lang))] if chunks else []
        return LaidOut(pages, set(keep.tolist()))

    def _on_frame(self, x: float, y: float) -> bool:
        """Whether a symbol centred at (x, y) on a sheet shows on its frame, in part at least."""
        h = SYMBOL_MM * MM / 2
        f = self.frame_pt
        return f[0] - h < x < f[2] + h and f[1] - h < y < f[3] + h

    def _visible(self, page: MapPage) -> Box:
        """The part of a sheet's frame left in sight once the poster is glued: not the strips the
        next sheets cover (right and below)."""
        x0, y0, x1, y1 = self.frame_pt
        if "E" in page.neighbours:
            x1 -= self.strip_pt
        if "S" in page.neighbours:
            y0 += self.strip_pt
        return (x0, y0, x1, y1)

    def _glue(self, page: MapPage) -> list[Box]:
        x0, y0, x1, y1 = self.frame_pt
        s = self.strip_pt
        return (([(x1 - s, y0, x1, y1)] if "E" in page.neighbours else [])
                + ([(x0, y0, x1, y0 + s)] if "S" in page.neighbours else []))

    def _cut(self, page: MapPage) -> list[tuple[float, float, float, float]]:
        x0, y0, x1, y1 = self.frame_pt
        return (([(x0, y0, x0, y1)] if "W" in page.neighbours else [])
                + ([(x0, y1, x1, y1)] if "N" in page.neighbours else []))

    def _crop(self) -> list[tuple[float, float, float, float]]:
        """At each corner of the frame, two marks on the lines of its edges, in the margin."""
        if self.across * self.down == 1:
            return []
        x0, y0, x1, y1 = self.frame_pt
        near, far = 1 * MM, (1 + CROP_MM) * MM
        marks = []
        for x, sx in ((x0, -1), (x1, 1)):
            for y, sy in ((y0, -1), (y1, 1)):
                marks.append((x + sx * near, y, x + sx * far, y))
                marks.append((x, y + sy * near, x, y + sy * far))
        return marks

    def _captions(self, page: MapPage, content: AtlasContent) -> list[Caption]:
        """The margin's words: which sheet joins on each side and what to do there, the sheet's
        name, and the credits every sheet carries."""
        langs, measure = self.cfg.lang, content.measure
        f, mm = self.frame, MM
        captions: list[Caption] = []
        joins = {"W": ("cut", 90.0, (f.x - BAND_MM / 2, f.y + f.h / 2), f.h),
                 "E": ("glue", -90.0, (f.x1 + BAND_MM / 2, f.y + f.h / 2), f.h),
                 "N": ("cut", 0.0, (f.x + f.w / 2, f.y1 + BAND_MM / 2), f.w - 2 * NAME_ROOM_MM),
                 "S": ("glue", 0.0, (f.x + f.w / 2, f.y - 4.5), f.w - 2 * NAME_ROOM_MM)}
        for side, (what, angle, (x, y), room) in joins.items():
            if side not in page.neighbours:
                continue
            r, c = page.row + {"N": -1, "S": 1}.get(side, 0), page.col + {"W": -1, "E": 1}.get(side, 0)
            other = sheet_name(r, c)
            arrow = ARROWS["N" if side in ("W", "E") else side]     # turned with the text, it points out
            text = f"{arrow} {other} · {words(what, langs, n=other)}"
            size = _fit(text, EDGE_PT, room * mm, measure)
            captions.append((x * mm, y * mm - (size * 0.35 if angle == 0 else 0), angle, size, "centre", text))
        name, credits_w = sheet_name(page.row, page.col), f.w - 2
        if self.across * self.down > 1:   # the name top left (cut off with the margin) and bottom right
            of = f"({self.across}×{self.down})"
            captions += [((f.x + 2) * mm, (f.y1 + 2.2) * mm, 0.0, NAME_PT, "left", name),
                         ((f.x + 2) * mm + measure(name, NAME_PT) + 3, (f.y1 + 2.2) * mm, 0.0, EDGE_PT, "left", of),
                         ((f.x1 - 2) * mm, (f.y - 6.5) * mm, 0.0, NAME_PT, "right", name)]
            credits_w -= NAME_ROOM_MM / 2
        info = content.info
        lines = [f"{say('attribution', langs)} · {say('data_as_of', langs)} {info.data_date} · "
                 f"{say('source', langs)}: {info.source}",
                 f"{say('scale', langs)} 1:{self.scale:,} · {say('printed', langs)} {info.printed}"]
        for i, line in enumerate(lines):
            captions.append(((f.x + 2) * mm, (f.y - 8.0 - 3.2 * i) * mm, 0.0,
                             _fit(line, CREDIT_PT, credits_w * mm, measure), "left", line))
        return captions

    # -- the key, on the first sheet ------------------------------------------------------------
    def _panel_box(self) -> Box:
        f = self.frame
        w = min(PANEL_MM, f.w * 0.6)
        x0 = f.x + 2
        return (x0 * MM, 0.0, (x0 + w) * MM, (f.y1 - 2) * MM)   # its bottom is settled by _key

    def _key(self, panel: Box, entries, content: AtlasContent) -> tuple[PosterPanel, list[LegendItem]]:
        """Title, scale, legend, the sheets' diagram, QR and credits, stacked down from the top."""
        langs, info = self.cfg.lang, content.info
        x0, _, x1, top = (v / MM for v in panel)
        inner = x1 - x0 - 2 * PAD_MM
        left = x0 + PAD_MM
        captions: list[Caption] = []
        y = top - PAD_MM - 4.5
        captions.append((left * MM, y * MM, 0.0, _fit(info.title, 12.0, inner * MM, content.measure), "left", info.title))
        y -= 4.5
        about = words("poster", langs, across=self.across, down=self.down)
        captions.append((left * MM, y * MM, 0.0, _fit(about, 8.0, inner * MM, content.measure), "left", about))
        scale_at = (left + 1, y - 9.0)               # the bar; its numbers above, the ratio 4 mm under
        north_at = (left + inner - 6, y - 13.0)
        y -= 17.0
        legend_h, legend_at = 0.0, (left * MM, y * MM)
        if entries:
            for legend_h in range(10, 200, 5):
                try:
                    items = legend_layout(entries, inner * MM, legend_h * MM, content.measure, langs)
                    break
                except LegendDoesNotFitError:
                    continue
            legend_at = (left * MM, (y - legend_h) * MM)
            y -= legend_h + 2
        else:
            items = []
        qr_side = 32.0                    # a QR code of the whole area: 0.6 mm modules and more
        diagram_w = inner - qr_side - 3
        assembly = self._assembly(left, y - qr_side, diagram_w, qr_side, captions)
        qr_at = ((left + inner - qr_side) * MM, (y - qr_side) * MM, qr_side * MM)
        y -= qr_side + 4
        credits = [say("attribution", langs), f"{say('data_as_of', langs)} {info.data_date}",
                   f"{say('source', langs)}: {info.source}", f"{say('printed', langs)} {info.printed}"]
        for line in (part for text in credits for part in wrap(text, inner * MM, CREDIT_PT, content.measure)):
            captions.append((left * MM, y * MM, 0.0, CREDIT_PT, "left", line))
            y -= 3.4
        bottom = y + 3.4 - PAD_MM - 1.5
        return PosterPanel((x0 * MM, bottom * MM, x1 * MM, top * MM), captions, scale_at, north_at, legend_at,
                           assembly, qr_at), items

    def _assembly(self, x: float, y: float, w: float, h: float, captions: list[Caption]) -> list[tuple[Box, str]]:
        """The N×M sheets as a small diagram in the box (mm), each named, in their places."""
        cell = min(w / self.across, (h - 1) / self.down, 16.0)
        ox, oy = x, y + h - cell * self.down
        boxes = []
        for r in range(self.down):
            for c in range(self.across):
                bx, by = ox + c * cell, oy + (self.down - 1 - r) * cell
                name = sheet_name(r, c)
                boxes.append(((bx * MM, by * MM, (bx + cell) * MM, (by + cell) * MM), name))
                captions.append(((bx + cell / 2) * MM, (by + cell / 2) * MM - 7.0 * 0.35, 0.0, 7.0, "centre", name))
        return boxes

    # -- what is printed ------------------------------------------------------------------------
    def texts(self) -> Iterator[str]:
        content = self._content
        yield from sheet_texts(content.info, content.points, content.categories,
                               (lb for a in content.cells for lb in a.labels))
        yield f"1:{self.scale:,}" + "".join(ARROWS.values())
        for sheet in self._sheets:
            yield from (c[5] for c in sheet.captions)
            if sheet.panel:
                yield from (c[5] for c in sheet.panel.captions)
        for key in WORDS:
            yield words(key, self.cfg.lang, n="", name="", across="", down="")

    def jobs(self) -> list[Job]:
        """Each poster sheet, then the list: the sheets are laid out already (a poster has a few)."""
        return [lambda s=s: [s] for s in self._sheets] + ([lambda: list(self._lists)] if self._lists else [])


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _moved(s: SymbolPlacement, dx: float, dy: float) -> SymbolPlacement:
    return replace(s, x=s.x - dx, y=s.y - dy, true_x=s.true_x - dx, true_y=s.true_y - dy)


def _label_inside(label: Label, box: Box, measure: Measure) -> bool:
    """Whether a label (a turned text box) lies wholly inside ``box``: a name half under the next
    sheet's strip would be cut in two on the wall."""
    hw, hh = measure(label.text, label.size) / 2 + 1, label.size * 0.65
    cos, sin = abs(math.cos(math.radians(label.angle))), abs(math.sin(math.radians(label.angle)))
    rx, ry = cos * hw + sin * hh, sin * hw + cos * hh
    return box[0] <= label.x - rx and label.x + rx <= box[2] and box[1] <= label.y - ry and label.y + ry <= box[3]


def _fit(text: str, size: float, width_pt: float, measure: Measure) -> float:
    """``size``, or less down to the 7 pt floor, so ``text`` fits ``width_pt``."""
    w = measure(text, size)
    return max(MIN_FONT_PT, size * min(1.0, width_pt / w)) if w else size
