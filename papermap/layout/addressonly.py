"""The address-only sheet: points that came with an address and no coordinates, and that the map
data could not place (model/geocode.py). They are never dropped: each is listed with its kind,
name, address, status, notes and phone, so a reader can still find it by its address."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from papermap.layout.frame import SheetLayout
from papermap.layout.furniture import say
from papermap.layout.printsize import NORMAL, PrintSizes
from papermap.layout.sheets import AddressOnlySheets
from papermap.layout.table import ADDRESS_COLUMNS, TableRow, layout_table
from papermap.layout.text import Measure
from papermap.model.points import Point
from papermap.settings import MM

if TYPE_CHECKING:
    from papermap.model.categories import Categories

HEADING_PT = 11.0   # the sheet's heading and its note sit above the table, this much below the header


def source_lines(rows: list[TableRow], lines: Mapping[str, str], langs: tuple[str, ...]) -> tuple[str, ...]:
    """The "source: name · licence · as of" line of each source the rows come from, in their order."""
    word = say("source", langs, sep=" ")
    return tuple(f"{word}: {lines.get(source, source)}" for source in dict.fromkeys(r.source for r in rows if r.source))


def address_only_rows(points: list[Point], categories: Categories, langs: tuple[str, ...]) -> list[TableRow]:
    """Numbered rows in the categories' order, then by name; a point without a name is listed by its kind."""
    order = {cat.id: i for i, cat in enumerate(categories)}
    ranked = sorted(points, key=lambda p: (order.get(p.category, len(order)), p.name or p.name_en, p.address))
    rows = []
    for number, p in enumerate(ranked, 1):
        row = TableRow.from_point(number, p)
        if not (row.name or row.name_en):
            row = replace(row, name="（" + " / ".join(categories.by_id[p.category].label(lang) for lang in langs) + "）")
        rows.append(row)
    return rows


def address_only_sheets(points: list[Point], categories: Categories, sheet: SheetLayout, table_height: float,
                        measure: Measure, langs: tuple[str, ...],
                        lines: Mapping[str, str] = {}, sizes: PrintSizes = NORMAL) -> AddressOnlySheets | None:
    """The table of the unplaced points over as many sheets as it needs, its text as big as
    ``sizes`` says; None when every point was placed."""
    if not points:
        return None
    rows = address_only_rows(points, categories, langs)
    room = table_height - 2 * HEADING_PT   # the note under the heading
    chunks = layout_table(rows, sheet.printable.w * MM, room, room, measure, sizes.table_name, sizes.table_body, langs,
                          symbol_pt=sizes.table_symbol,
                          columns=ADDRESS_COLUMNS, sources=source_lines(rows, lines, langs))
    return AddressOnlySheets([c for c in chunks if c.rows])
