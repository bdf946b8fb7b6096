"""Where the legend entries go in the box given to it: bilingual labels beside their symbols,
in as few columns as the box height allows. Pure: text measured through ``measure``."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from papermap.errors import PapermapError
from papermap.layout.text import Measure



class LegendEntry(NamedTuple):
    """One legend row: the symbol exactly as the map draws it, and its labels. A status row has no
    ``shape`` and shows its ``mark`` alone (render/marks.py)."""

    shape: str
    colour: str          # "#rrggbb"
    mono: str            # mono fill
    ja: str
    en: str
    code: str = ""       # the letter code on the symbol, for kinds that share a shape
    mark: str = ""       # a status mark: closed, limited or unknown

SYMBOL_PT = 11.0
GAP = 3.0            # between a symbol and its label
COLUMN_GAP = 8.0
ROW_GAP = 2.0
LEADING = 1.2
ASCENT = 0.88
SIZES = (8.0, 7.5, 7.0)


STATUS_MARKS = ("closed", "limited", "unknown")   # in the order the legend lists them
_STATUS_WORDS = {"closed": ("閉鎖・休止", "closed"), "limited": ("一部・条件付き", "limited, partly open"),
                 "unknown": ("状況未確認", "status not confirmed")}


def status_entries(marks: set[str] | tuple[str, ...]) -> list[LegendEntry]:
    """Legend rows for the status marks on a page: each mark alone, as it is drawn over a symbol."""
    return [LegendEntry("", "", "", *_STATUS_WORDS[m], mark=m) for m in STATUS_MARKS if m in marks]


class LegendDoesNotFitError(PapermapError, ValueError):
    """The entries cannot all fit the box at 7 pt: the caller finds them another place (the
    overview's index moves to a sheet of its own), since an entry is never left out."""


@dataclass(frozen=True)
class LegendItem:
    """One entry placed: symbol centre (x, y) from the box's bottom-left, its label lines
    (baselines given from the same origin) and their size."""

    entry: LegendEntry
    x: float
    y: float
    lines: tuple[str, ...]
    baselines: tuple[float, ...]
    size: float
    symbol_pt: float


def label(entry: LegendEntry, langs: tuple[str, ...]) -> list[str]:
    """The label in each chosen language, once each: ["給水", "Drinking water"]."""
    by_lang = {"ja": entry.ja, "en": entry.en}
    return list(dict.fromkeys(t for t in (by_lang.get(lang, entry.ja) for lang in langs) if t))


def legend_layout(entries: list[LegendEntry], width: float, height: float, measure: Measure,
                  langs: tuple[str, ...], symbol_pt: float = SYMBOL_PT,
                  sizes: tuple[float, ...] = SIZES) -> list[LegendItem]:
    """Entries in order, down the columns. Tries one-line labels ("給水 Drinking water") at the
    largest of ``sizes`` first, then labels stacked one language per line, then the smaller sizes
    (down to 7 pt, or 9 pt in large print). Raises LegendDoesNotFitError when even that does not
    fit: never leaves an entry out."""
    if not entries:
        return []
    for size in sizes:
        for stacked in (False, True):
            texts = [label(e, langs) if stacked else [" ".join(label(e, langs))] for e in entries]
            row_h = max(symbol_pt, max(len(t) for t in texts) * size * LEADING) + ROW_GAP
            per_col = min(len(entries), int((height + ROW_GAP) // row_h))
            if per_col < 1:
                continue
            n_cols = math.ceil(len(entries) / per_col)
            widths = [symbol_pt + GAP + max(measure(line, size) for t in texts[k * per_col:(k + 1) * per_col]
                                            for line in t) for k in range(n_cols)]
            if sum(widths) + COLUMN_GAP * (n_cols - 1) <= width:
                return _place(entries, texts, widths, per_col, row_h, height, size, symbol_pt)
    raise LegendDoesNotFitError(f"the legend for {len(entries)} categories does not fit {width:.0f} x {height:.0f} pt")


def _place(entries: list[LegendEntry], texts: list[list[str]], widths: list[float], per_col: int,
           row_h: float, height: float, size: float, symbol_pt: float) -> list[LegendItem]:
    items = []
    for i, (entry, lines) in enumerate(zip(entries, texts)):
        col, row = divmod(i, per_col)
        x = sum(widths[:col]) + COLUMN_GAP * col + symbol_pt / 2
        y = height - row * row_h - (row_h - ROW_GAP) / 2
        step = size * LEADING
        # lines centred on the symbol: block top, less the half leading, less the ascent
        first = y + len(lines) * step / 2 - (step - size) / 2 - size * ASCENT
        items.append(LegendItem(entry, x, y, tuple(lines),
                                tuple(first - k * step for k in range(len(lines))), size, symbol_pt))
    return items
