"""CSV relief points as Excel and Google Sheets write them (UTF-8, UTF-8 with BOM or Shift_JIS/CP932)."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from papermap.model.categories import Categories
from papermap.model.points import ReadResult
from papermap.sources.points.fields import field_for, split_record
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
        bad = [n for n, line in enumerate(text.split("\n"), 1) if _UNREADABLE.search(line)]
        if not bad:
            return text, encoding, []
        candidates.append((text, encoding, bad))
    return min(candidates, key=lambda c: len(c[2]))


class _Lines:
    """Feeds csv.reader physical lines, dropping '#' comment lines that start a row, and remembers
    the physical line each row started on (a quoted cell may span lines)."""

    def __init__(self, text: str):
        self._lines = iter(io.StringIO(text, newline=""))  # only \r, \n, \r\n end a line, as for csv
        self.number = 0
        self.row_start = 0
        self.at_row_start = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while True:
            line = next(self._lines)
            self.number += 1
            if self.at_row_start and line.lstrip().startswith("#"):
                continue
            if self.at_row_start:
                self.row_start = self.number
                self.at_row_start = False
            return line


def read_csv(path: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
             data: bytes | None = None) -> ReadResult:
    """Points from a CSV; problems are located by physical line (header = its own line, comments count)."""
    builder = PointBuilder(path, categories, category_map)
    if data is None:
        data = Path(path).read_bytes()
    text, encoding, bad_lines = decode(data)
    for n in bad_lines:
        builder.problem(str(n), "", f"bytes that are neither UTF-8 nor Shift_JIS (read as {encoding}, "
                                    "unreadable characters shown as \ufffd)", fatal=False)
    lines = _Lines(text)
    delimiter = "\t" if _first_row(text).count("\t") > _first_row(text).count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = _next_row(reader, lines)
    if header is None:
        return builder.finish()
    header_line = lines.row_start
    header = [h.strip() for h in header]
    known = {field_for(h) for h in header}
    for needed, label in (("lat", "緯度/lat/latitude"), ("lon", "経度/lon/lng/longitude")):
        if needed not in known:
            builder.problem(str(header_line), needed, f"no {label} column in the header; found: {', '.join(header)}")
    if not {"lat", "lon"} <= known:
        return builder.finish()
    while (row := _next_row(reader, lines)) is not None:
        if not any(cell.strip() for cell in row):
            continue  # Excel writes trailing ",,,," rows
        where = str(lines.row_start)
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            builder.problem(where, "", f"{len(row)} cells but the header has {len(header)}: extra cells ignored",
                            fatal=False)
        fields, extra = split_record(dict(zip(header, row)))
        builder.add(RawRecord(where=where, fallback_id=where, fields=fields, extra=extra))
    return builder.finish()


def _first_row(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")


def _next_row(reader: Iterator[list[str]], lines: _Lines) -> list[str] | None:
    lines.at_row_start = True
    return next(reader, None)
