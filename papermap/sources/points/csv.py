"""CSV relief points as Excel and Google Sheets write them (UTF-8, UTF-8 with BOM or Shift_JIS/CP932)."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from papermap import settings
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.points import ReadResult
from papermap.sources.points.fields import columns_for, field_for
from papermap.sources.points.opendata import recognise
from papermap.sources.points.record import PointBuilder, RawRecord

_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff]")  # replacement or private-use characters


def decode(data: bytes) -> tuple[str, str, list[int]]:
    """Text, encoding name and the line numbers that had undecodable bytes.

    Tries UTF-8 (with or without BOM), then CP932 (Excel's Shift_JIS). Python's CP932 turns some
    invalid bytes into private-use characters instead of failing, so those count as errors too. If
    neither is clean, the one with fewer bad lines wins, so one bad byte costs one row's spelling
    rather than turning the whole file into mojibake.
    """
    candidates = []
    for encoding in ("utf-8-sig", "cp932"):
        text = data.decode(encoding, errors="replace")
        if not _UNREADABLE.search(text):
            return text, encoding, []  # the usual clean file: no need to look line by line
        bad = [n for n, line in enumerate(text.split("\n"), 1) if _UNREADABLE.search(line)]
        candidates.append((text, encoding, bad))
    return min(candidates, key=lambda c: len(c[2]))


class _Lines:
    """Feeds csv.reader physical lines, dropping '#' comment lines that start a row, and remembers
    the physical line each row started on (a quoted cell may span lines)."""

    def __init__(self, text: str):
        self._text = text
        self.row_start = 0
        self.at_row_start = True

    def __iter__(self) -> Iterator[str]:
        # only \r, \n, \r\n end a line, as for csv
        for number, line in enumerate(io.StringIO(self._text, newline=""), 1):
            if self.at_row_start:
                if line.lstrip().startswith("#"):
                    continue
                self.row_start = number
                self.at_row_start = False
            yield line


def read_csv(path: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
             data: bytes | None = None, category: str | None = None) -> ReadResult:
    """Points from a CSV; problems are located by physical line (header = its own line, comments count)."""
    builder = PointBuilder(path, categories, category_map, category)
    if data is None:
        data = Path(path).read_bytes()
    text, encoding, bad_lines = decode(data)
    for n in bad_lines:
        builder.problem(str(n), "", f"bytes that are neither UTF-8 nor Shift_JIS (read as {encoding}, "
                                    "unreadable characters shown as \ufffd)", fatal=False)
    first_row = _first_row(text)
    delimiter = "\t" if first_row.count("\t") > first_row.count(",") else ","
    rows = _rows(text, delimiter)
    first = next(rows, None)
    if first is None:
        return builder.finish()
    header_line, header = first
    if isinstance(header, csv.Error):
        raise InputError(_unreadable(header), file=str(path), where=str(header_line))
    header = [h.strip() for h in header]
    known = {field_for(h) for h in header}
    for needed, label in (("lat", "緯度/lat/latitude"), ("lon", "経度/lon/lng/longitude")):
        if needed not in known:
            builder.problem(str(header_line), needed, f"no {label} column in the header; found: {', '.join(header)}")
    if not {"lat", "lon"} <= known:
        return builder.finish()
    columns = columns_for(tuple(header))
    schema = recognise(header)   # an official list: its kind for every row, its hazard flags in the notes
    if schema and builder.category is None and schema.category in categories.ids:
        builder.category = schema.category
    for line, row in rows:
        where = str(line)
        if isinstance(row, csv.Error):
            builder.problem(where, "", f"{_unreadable(row)}: row left out")
            continue
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue  # Excel writes trailing ",,,," rows
        if any(cells[len(header):]):
            builder.problem(where, "", f"{len(row)} cells but the header has {len(header)}: extra cells ignored",
                            fatal=False)
        fields, extra = columns.split(cells)
        if schema:
            schema.enrich(fields, extra, cells)
        builder.add(RawRecord(where=where, fallback_id=where, fields=fields, extra=extra))
    return builder.finish()


def _first_row(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each CSV row with the physical line it starts on; a row csv cannot read gives its csv.Error
    instead, and reading goes on at the next line (csv.reader starts afresh after an error)."""
    csv.field_size_limit(settings.MAX_CSV_FIELD_BYTES)  # csv's own guard; its default is 128 KB
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            row: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = exc
        yield lines.row_start, row
        lines.at_row_start = True  # csv.reader reads no further than the row it returns


def _unreadable(exc: csv.Error) -> str:
    """csv's complaint in a user's words."""
    if "field limit" in str(exc):
        return f"a cell longer than the limit of {settings.MAX_CSV_FIELD_BYTES:,} characters (an unclosed quote?)"
    return f"not readable as CSV ({exc})"
