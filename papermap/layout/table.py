"""The point table printed with each map page: one row per numbered symbol, cut into chunks
that fill the space under the map and then whole continuation pages. Pure: text is measured
through the ``measure(text, size)`` passed in; positions are in points from the table's top-left,
y growing downwards."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
ELLIPSIS = "…"
BADGE_PAD = 1.5      # a closed point's status is white on a black badge this much wider each side

# (column key, share of the width left after the No. and symbol columns)
COLUMNS = (("name", 0.33), ("hours", 0.2), ("status", 0.33), ("verified", 0.14))


def continued_from(page_label: str, langs: tuple[str, ...]) -> str:
    words = {"ja": f"地図ページ {page_label} の続き" if page_label else "前のページの続き",
             "en": f"continued from map page {page_label}" if page_label else "continued"}
    return " / ".join(dict.fromkeys(words[lang] for lang in langs))


@dataclass(frozen=True)
class TableRow:
    """One relief point as the table shows it. ``verified`` is already formatted ("" = never)."""

    number: int
    category: str
    name: str
    hours: str = ""
    status: str = "unknown"    # open, closed or unknown
    status_text: str = ""
    notes: str = ""
    verified: str = ""
    name_en: str = ""

    @classmethod
    def from_point(cls, number: int, p: Point, date_format: str = "%Y-%m-%d") -> "TableRow":
        verified = p.verified.strftime(date_format) if isinstance(p.verified, datetime) else ""
        return cls(number, p.category, p.name, p.hours, p.status, p.status_text, p.notes, verified, p.name_en)


@dataclass(frozen=True)
class Line:
    text: str
    size: float
    baseline: float      # below the top of the row
    badge: bool = False  # white on a black box, BADGE_PAD wider each side: "closed" must not be missed


Para = tuple[str, float, bool]   # (text, size, badge) before wrapping


@dataclass(frozen=True)
class Column:
    key: str          # "number", "symbol", "name", "hours", "status", "verified"
    x: float          # from the table's left edge
    width: float


@dataclass(frozen=True)
class LaidRow:
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

    @property
    def width(self) -> float:
        return self.columns[-1].x + self.columns[-1].width

    @property
    def height(self) -> float:
        """Total height; 0 for a chunk without rows (nothing to draw)."""
        if not self.rows:
            return 0.0
        return self.heading_height + self.header.height + sum(r.height for r in self.rows)


def _room(width: float, badge: bool) -> float:
    return width - 2 * BADGE_PAD if badge else width


def _stack(paragraphs: list[Para], width: float, measure: Measure) -> list[Para]:
    return [(line, size, badge) for text, size, badge in paragraphs if text
            for line in wrap(text, _room(width, badge), size, measure)]


def _lines(stack: list[Para]) -> tuple[tuple[Line, ...], float]:
    """Baselines for stacked lines, and the cell height they need (padding included)."""
    out, y = [], PAD
    for text, size, badge in stack:
        out.append(Line(text, size, y + size * ASCENT, badge))
        y += size * LEADING
    return tuple(out), y + PAD


def _cap(stack: list[Para], max_h: float, width: float, measure: Measure) -> list[Para]:
    """Drop trailing lines so the cell fits ``max_h``, and end the last one with … so the cut shows."""
    if _lines(stack)[1] <= max_h:
        return stack
    while len(stack) > 1 and _lines(stack)[1] > max_h:
        stack = stack[:-1]
    text, size, badge = stack[-1]
    while text and measure(text + ELLIPSIS, size) > _room(width, badge):
        text = text[:-1]
    return stack[:-1] + [(text + ELLIPSIS, size, badge)]


def _columns(rows: list[TableRow], width: float, measure: Measure, name_pt: float,
             symbol_pt: float) -> tuple[Column, ...]:
    no_w = max(measure("No.", name_pt), max(measure(str(r.number), name_pt) for r in rows)) + 2 * PAD
    sym_w = symbol_pt + 2 * PAD
    rest = width - no_w - sym_w
    cols, x = [Column("number", 0.0, no_w), Column("symbol", no_w, sym_w)], no_w + sym_w
    for key, share in COLUMNS:
        cols.append(Column(key, x, rest * share))
        x += rest * share
    narrow = [c.key for c in cols[2:] if c.width - 2 * PAD < 4 * name_pt]
    if narrow:
        raise ValueError(f"table {width:.0f} pt wide is too narrow for columns {', '.join(narrow)}")
    return tuple(cols)


def _cell_texts(row: TableRow, langs: tuple[str, ...], name_pt: float, body_pt: float) -> dict[str, list[Para]]:
    """What each cell says, as (paragraph, size) pairs, before wrapping."""
    pick = {"ja": row.name or row.name_en, "en": row.name_en or row.name}
    names = list(dict.fromkeys(n for n in (pick.get(lang, row.name) for lang in langs) if n))
    name = [(names[0] if names else "", name_pt, False)] + [(n, body_pt, False) for n in names[1:]]
    mark = {"closed": CLOSED_MARK, "open": OPEN_MARK}.get(row.status, UNKNOWN_MARK)
    status_key = row.status if row.status in ("open", "closed") else "unknown"
    status = [(f"{mark} {say(status_key, langs, sep=' ')}", body_pt, row.status == "closed"),
              (row.status_text, body_pt, False), (row.notes, body_pt, False)]
    verified = row.verified or f"{UNKNOWN_MARK} {say('unverified', langs, sep=' ')}"
    return {"number": [(str(row.number), name_pt, False)], "symbol": [], "name": name,
            "hours": [(row.hours, body_pt, False)], "status": status, "verified": [(verified, body_pt, False)]}


def _lay_row(texts: dict[str, list[Para]], columns: tuple[Column, ...], measure: Measure,
             min_h: float, max_h: float, row: TableRow | None, shaded: bool) -> LaidRow:
    cells, height = [], min_h
    for col in columns:
        inner = col.width - 2 * PAD
        stack = _cap(_stack(texts[col.key], inner, measure), max_h, inner, measure)
        lines, h = _lines(stack)
        cells.append(lines)
        height = max(height, h)
    return LaidRow(row, height, tuple(cells), shaded)


def layout_table(rows: list[TableRow], width_pt: float, first_height_pt: float, next_height_pt: float,
                 measure: Measure, name_pt: float = 9.0, body_pt: float = 7.5,
                 langs: tuple[str, ...] = ("ja", "en"), page_label: str = "",
                 symbol_pt: float = SYMBOL_PT) -> list[TableChunk]:
    """Rows (sorted by number) wrapped into their columns and cut into chunks.

    Chunk 0 fills ``first_height_pt`` (under the map); it has no rows when not even one fits
    there. Every later chunk fills ``next_height_pt``, opens with a "continued from map page
    ``page_label``" line and repeats the header. A row too tall for a whole page is cut, ending
    in "…". No text is smaller than 7 pt. Raises ValueError for sizes under 7 pt or a table too
    narrow for its columns.
    """
    if min(name_pt, body_pt) < MIN_FONT_PT:
        raise ValueError(f"table text must be at least {MIN_FONT_PT:g} pt")
    if not rows:
        return []
    rows = sorted(rows, key=lambda r: r.number)
    columns = _columns(rows, width_pt, measure, name_pt, symbol_pt)
    heading = _stack([(continued_from(page_label, langs), body_pt, False)], width_pt - 2 * PAD, measure)
    heading_lines, heading_h = _lines(heading)
    header_texts: dict[str, list[Para]] = {"number": [("No.", body_pt, False)], "symbol": []}
    header_texts |= {key: [(say(key, langs), body_pt, False)] for key, _ in COLUMNS}
    header = _lay_row(header_texts, columns, measure, 0.0, next_height_pt, None, True)
    room = next_height_pt - heading_h - header.height
    if room < symbol_pt + 2 * PAD:
        raise ValueError(f"continuation pages {next_height_pt:.0f} pt high leave no room for a row")
    laid = [_lay_row(_cell_texts(r, langs, name_pt, body_pt), columns, measure, symbol_pt + 2 * PAD,
                     room, r, r.status == "closed") for r in rows]

    chunks: list[TableChunk] = []
    current: list[LaidRow] = []
    space = first_height_pt - header.height
    for row in laid:
        if row.height > space and (current or not chunks):
            chunks.append(_chunk(columns, header, current, bool(chunks), heading_lines, heading_h, symbol_pt))
            current, space = [], room
        current.append(row)
        space -= row.height
    chunks.append(_chunk(columns, header, current, bool(chunks), heading_lines, heading_h, symbol_pt))
    return chunks


def _chunk(columns: tuple[Column, ...], header: LaidRow, rows: list[LaidRow], continued: bool,
           heading: tuple[Line, ...], heading_h: float, symbol_pt: float) -> TableChunk:
    return TableChunk(columns, header, tuple(rows), continued,
                      heading if continued else (), heading_h if continued else 0.0, symbol_pt)
