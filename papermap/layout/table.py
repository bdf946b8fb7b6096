"""The point table printed with each map page: one row per numbered symbol, cut into chunks
that fill the space under the map and then whole continuation pages. Pure: text is measured
through the ``measure(text, size)`` passed in; positions are in points from the table's top-left,
y growing downwards."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from papermap.layout.furniture import say
from papermap.layout.text import Measure, wrap
from papermap.model.points import Point
from papermap.settings import MIN_FONT_PT

PAD = 2.5            # cell padding, points
LEADING = 1.25       # line height / font size
ASCENT = 0.88        # baseline below the top of a line, / font size
SYMBOL_PT = 12.0     # symbol drawn in the table's symbol column
CLOSED_MARK = "×"    # U+00D7: in IPAexGothic (✕ U+2715 is not)
UNKNOWN_MARK = "？"
OPEN_MARK = "○"
LIMITED_MARK = "◐"   # as the badge on a limited point's map symbol
ELLIPSIS = "…"
BADGE_PAD = 1.5      # a closed point's status is white on a black badge this much wider each side

APPROX_MARK = "≈"    # a point placed from its address: here, and as a dashed ring on the map

# (column key, share of the width left after the No. and symbol columns), in print order: what people
# act on (where, when, whether it is open, whom to call, how fresh that is)
COLUMNS = (("name", 0.28), ("hours", 0.14), ("status", 0.24), ("phone", 0.15), ("verified", 0.19))
# the address-only sheet: the address is the whole point of the row
ADDRESS_COLUMNS = (("name", 0.27), ("address", 0.28), ("status", 0.28), ("phone", 0.17))


def continued_from(page_label: str, langs: tuple[str, ...]) -> str:
    words = {"ja": f"地図ページ {page_label} の続き" if page_label else "前のページの続き",
             "en": f"continued from map page {page_label}" if page_label else "continued"}
    return " / ".join(dict.fromkeys(words[lang] for lang in langs))


@dataclass(frozen=True)
class TableRow:
    """One relief point as the table shows it. ``verified`` is already formatted ("" = never);
    ``approx`` says the point was placed from its address, not its own coordinates."""

    number: int
    category: str
    name: str
    hours: str = ""
    status: str = "unknown"    # one of model.points.STATUSES
    status_text: str = ""
    notes: str = ""
    verified: str = ""
    name_en: str = ""
    address: str = ""
    capacity: str = ""
    phone: str = ""
    approx: bool = False
    source: str = ""

    @classmethod
    def from_point(cls, number: int, p: Point, date_format: str = "%Y-%m-%d") -> "TableRow":
        verified = ""
        if isinstance(p.verified, datetime):   # the hour matters: "checked at 9:00" is not "checked at 21:00"
            timed = (p.verified.hour, p.verified.minute) != (0, 0)
            verified = p.verified.strftime(date_format + (" %H:%M" if timed else ""))
        return cls(number, p.category, p.name, p.hours, p.status, p.status_text, p.notes, verified, p.name_en,
                   p.address, p.capacity, p.contact, p.approximate, p.source)


class Line(NamedTuple):
    """One printed line of a cell; a named tuple, as a table makes one for each line of every row."""

    text: str
    size: float
    baseline: float      # below the top of the row
    badge: bool = False  # white on a black box, BADGE_PAD wider each side: "closed" must not be missed


Para = tuple[str, float, bool]   # (text, size, badge) before wrapping
Cell = tuple[tuple[Line, ...], float]   # a cell's lines and the height they need, padding included


@dataclass(frozen=True)
class Column:
    key: str          # "number", "symbol", or a key of COLUMNS / ADDRESS_COLUMNS
    x: float          # from the table's left edge
    width: float


class LaidRow(NamedTuple):
    """One row as printed; a named tuple, as a table has thousands of them."""

    row: TableRow | None          # None for the header
    height: float
    cells: tuple[tuple[Line, ...], ...]   # one per column, in column order
    shaded: bool                  # grey background: header and closed points


@dataclass(frozen=True)
class TableChunk:
    """Rows that go on one page, with the header repeated; ``heading`` says where it continues from."""

    columns: tuple[Column, ...]
    header: LaidRow
    rows: tuple[LaidRow, ...]
    continued: bool
    heading: tuple[Line, ...]     # empty unless continued; baselines from the chunk's top
    heading_height: float
    symbol_pt: float
    footer: tuple[Line, ...] = ()  # the sources of the rows (name, licence, as of); baselines below the rows
    footer_height: float = 0.0

    @property
    def width(self) -> float:
        return self.columns[-1].x + self.columns[-1].width

    @property
    def height(self) -> float:
        """Total height; 0 for a chunk without rows (nothing to draw)."""
        if not self.rows:
            return 0.0
        return self.heading_height + self.header.height + sum(r.height for r in self.rows) + self.footer_height


def _room(width: float, badge: bool) -> float:
    return width - 2 * BADGE_PAD if badge else width


def _cell(paragraphs: tuple[Para, ...], width: float, max_h: float, measure: Measure) -> Cell:
    """Paragraphs wrapped to ``width`` and stacked: the lines with their baselines, and the height."""
    lines, y = [], PAD
    for text, size, badge in paragraphs:
        if text:
            for line in wrap(text, _room(width, badge), size, measure):
                lines.append(Line(line, size, y + size * ASCENT, badge))
                y += size * LEADING
    if y + PAD > max_h:
        return _cut(lines, width, max_h, measure)
    return tuple(lines), y + PAD


def _cut(lines: list[Line], width: float, max_h: float, measure: Measure) -> Cell:
    """A cell taller than ``max_h``: it keeps as many lines as fit (at least one), and the last
    one kept ends with … so the cut shows."""
    y, keep = PAD, 0
    for line in lines:
        if keep and y + line.size * LEADING + PAD > max_h:
            break
        y += line.size * LEADING
        keep += 1
    last = lines[keep - 1]
    text = last.text
    while text and measure(text + ELLIPSIS, last.size) > _room(width, last.badge):
        text = text[:-1]
    return (*lines[:keep - 1], last._replace(text=text + ELLIPSIS)), y + PAD


def _columns(rows: list[TableRow], width: float, measure: Measure, name_pt: float,
             symbol_pt: float, shares: tuple[tuple[str, float], ...] = COLUMNS) -> tuple[Column, ...]:
    no_w = max(measure("No.", name_pt), max(measure(str(r.number), name_pt) for r in rows)) + 2 * PAD
    sym_w = symbol_pt + 2 * PAD
    rest = width - no_w - sym_w
    cols, x = [Column("number", 0.0, no_w), Column("symbol", no_w, sym_w)], no_w + sym_w
    for key, share in shares:
        cols.append(Column(key, x, rest * share))
        x += rest * share
    narrow = [c.key for c in cols[2:] if c.width - 2 * PAD < 4 * name_pt]
    if narrow:
        raise ValueError(f"table {width:.0f} pt wide is too narrow for columns {', '.join(narrow)}")
    return tuple(cols)


def _row_cells(columns: tuple[Column, ...], langs: tuple[str, ...], name_pt: float, body_pt: float,
               max_h: float, measure: Measure) -> Callable[[TableRow], tuple[Cell, ...]]:
    """Lays out a row's cells, in column order, as ``_cell`` would. The status and "unverified"
    wording is the same on every row of a table, and most rows share their hours, status and
    verified cells, so the wording is put together once and each distinct one of those cells is
    laid out once; every row has its own number, so that cell skips the general path."""
    inner = {col.key: col.width - 2 * PAD for col in columns}
    marks = {"open": OPEN_MARK, "closed": CLOSED_MARK, "limited": LIMITED_MARK, "unknown": UNKNOWN_MARK}
    statuses = {key: (f"{mark} {say(key, langs, sep=' ')}", body_pt, key == "closed") for key, mark in marks.items()}
    unverified = f"{UNKNOWN_MARK} {say('unverified', langs, sep=' ')}"
    approx = (f"{APPROX_MARK} {say('approx', langs)}", body_pt, False)
    keys = {col.key for col in columns}

    def lay(key: str, *paragraphs: Para) -> Cell:
        return _cell(paragraphs, inner[key], max_h, measure)

    def name(row: TableRow) -> Cell:
        # the address goes under the name unless it has its own column
        address = "" if "address" in keys else row.address
        return _name(row.name, row.name_en, address, row.approx)

    @cache
    def _name(ja: str, en: str, address: str, placed_from_address: bool) -> Cell:
        names: list[str] = []       # one per language, each in its own script if the point has it
        for lang in langs:
            pick = (ja or en) if lang == "ja" else (en or ja) if lang == "en" else ja
            if pick and pick not in names:
                names.append(pick)
        first, *more = names or [""]
        return lay("name", (first, name_pt, False), *((n, body_pt, False) for n in more), (address, body_pt, False),
                   *((approx,) if placed_from_address else ()))

    @cache
    def hours(text: str, capacity: str) -> Cell:
        return lay("hours", (text, body_pt, False), (capacity and say("capacity", langs, n=capacity), body_pt, False))

    @cache
    def plain(key: str, text: str, placed_from_address: bool = False) -> Cell:
        return lay(key, (text, body_pt, False), *((approx,) if placed_from_address else ()))

    @cache
    def status(key: str, text: str, notes: str) -> Cell:
        wording = statuses.get(key, statuses["unknown"])
        return lay("status", wording, (_says_more(text, wording[0]), body_pt, False), (notes, body_pt, False))

    @cache
    def verified(date: str) -> Cell:
        return lay("verified", (date or unverified, body_pt, False))

    symbol, number_w = lay("symbol"), inner["number"]
    number_baseline, number_h = PAD + name_pt * ASCENT, PAD + name_pt * LEADING + PAD   # one line, as _cell stacks it

    def number(n: int) -> Cell:
        """A number has no spaces, so when it fits it is one line: ``wrap`` has nothing to check."""
        text = str(n)
        if measure(text, name_pt) <= number_w and number_h <= max_h:
            return (Line(text, name_pt, number_baseline),), number_h
        return _cell(((text, name_pt, False),), number_w, max_h, measure)

    makers: dict[str, Callable[[TableRow], Cell]] = {
        "number": lambda row: number(row.number), "symbol": lambda row: symbol, "name": name,
        "hours": lambda row: hours(row.hours, row.capacity),
        "status": lambda row: status(row.status, row.status_text, row.notes),
        "phone": lambda row: plain("phone", row.phone),
        "address": lambda row: plain("address", row.address),
        "verified": lambda row: verified(row.verified)}
    order = [makers[col.key] for col in columns]

    def cells(row: TableRow) -> tuple[Cell, ...]:
        """In the order of ``columns``."""
        return tuple(make(row) for make in order)
    return cells


def _says_more(text: str, wording: str) -> str:
    """The source's own status words, unless the printed wording already says them ("open" under
    "○ 開設中 open"): a repeated word costs every row a line, and the table a sheet in two."""
    return "" if text.casefold() in wording.casefold() else text


def _lay_row(cells: tuple[Cell, ...], min_h: float, row: TableRow | None, shaded: bool) -> LaidRow:
    """The row as tall as its tallest cell, and at least ``min_h``."""
    lines, heights = zip(*cells)
    return LaidRow(row, max(min_h, *heights), lines, shaded)


def layout_table(rows: list[TableRow], width_pt: float, first_height_pt: float, next_height_pt: float,
                 measure: Measure, name_pt: float = 9.0, body_pt: float = 7.5,
                 langs: tuple[str, ...] = ("ja", "en"), page_label: str = "",
                 symbol_pt: float = SYMBOL_PT, columns: tuple[tuple[str, float], ...] = COLUMNS,
                 sources: tuple[str, ...] = ()) -> list[TableChunk]:
    """Rows (sorted by number) wrapped into their columns and cut into chunks.

    Chunk 0 fills ``first_height_pt`` (under the map); it has no rows when not even one fits
    there. Every later chunk fills ``next_height_pt``, opens with a "continued from map page
    ``page_label``" line and repeats the header. A row too tall for a whole page is cut, ending
    in "…". Each chunk ends with ``sources``, a line per source of its rows (name, licence, as of).
    No text is smaller than 7 pt. Raises ValueError for sizes under 7 pt or a table too
    narrow for its columns.
    """
    if min(name_pt, body_pt) < MIN_FONT_PT:
        raise ValueError(f"table text must be at least {MIN_FONT_PT:g} pt")
    if not rows:
        return []
    rows = sorted(rows, key=lambda r: r.number)
    shares, columns = columns, _columns(rows, width_pt, measure, name_pt, symbol_pt, columns)
    heading_lines, heading_h = _cell(((continued_from(page_label, langs), body_pt, False),), width_pt - 2 * PAD,
                                     math.inf, measure)
    header_texts = {"number": (("No.", body_pt, False),), "symbol": ()}
    header_texts |= {key: ((say(key, langs), body_pt, False),) for key, _ in shares}
    header = _lay_row(tuple(_cell(header_texts[col.key], col.width - 2 * PAD, next_height_pt, measure)
                            for col in columns), 0.0, None, True)
    footer, footer_h = _cell(tuple((line, body_pt, False) for line in sources), width_pt - 2 * PAD, math.inf, measure) \
        if sources else ((), 0.0)
    room = next_height_pt - heading_h - header.height - footer_h
    if room < symbol_pt + 2 * PAD:
        raise ValueError(f"continuation pages {next_height_pt:.0f} pt high leave no room for a row")
    cells = _row_cells(columns, langs, name_pt, body_pt, room, measure)
    laid = [_lay_row(cells(r), symbol_pt + 2 * PAD, r, r.status == "closed") for r in rows]

    chunks: list[TableChunk] = []
    current: list[LaidRow] = []
    space = first_height_pt - header.height - footer_h
    for row in laid:
        if row.height > space and (current or not chunks):
            chunks.append(_chunk(columns, header, current, bool(chunks), heading_lines, heading_h, symbol_pt,
                                 footer, footer_h))
            current, space = [], room
        current.append(row)
        space -= row.height
    chunks.append(_chunk(columns, header, current, bool(chunks), heading_lines, heading_h, symbol_pt, footer, footer_h))
    return chunks


def _chunk(columns: tuple[Column, ...], header: LaidRow, rows: list[LaidRow], continued: bool,
           heading: tuple[Line, ...], heading_h: float, symbol_pt: float, footer: tuple[Line, ...] = (),
           footer_h: float = 0.0) -> TableChunk:
    return TableChunk(columns, header, tuple(rows), continued, heading if continued else (),
                      heading_h if continued else 0.0, symbol_pt, footer if rows else (), footer_h if rows else 0.0)
