"""Line breaking for table cells and legends: Japanese per character with basic kinsoku
(禁則処理), Latin at spaces. Pure: widths come from the ``measure(text, size)`` passed in."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Callable

Measure = Callable[[str, float], float]

# may not begin a line: closing brackets, punctuation, small kana, the long-vowel mark
NO_START = frozenset("、。，．,.・：；:;？！?!‼⁇⁈⁉)）]］}｝〕〉》」』】〙〗〟’”｠»"
                     "ゝゞヽヾ々〻ー‐゠–〜～ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ%％")
# may not end a line: opening brackets
NO_END = frozenset("(（[［{｛〔〈《「『【〘〖〝‘“｟«")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _units(text: str) -> list[tuple[str, bool]]:
    """Pieces no line may split: each wide character, each Latin word, with kinsoku characters
    glued to their neighbour. The flag says whether a space came before the piece."""
    atoms: list[tuple[str, bool]] = []
    word, space = "", False
    for ch in text:
        if ch.isspace() or _wide(ch):
            if word:
                atoms.append((word, space))
                word, space = "", False
            if ch.isspace():
                space = bool(atoms)
            else:
                atoms.append((ch, space))
                space = False
        else:
            word += ch
    if word:
        atoms.append((word, space))
    units: list[tuple[str, bool]] = []
    for piece, space in atoms:
        if units and (piece[0] in NO_START or units[-1][0][-1] in NO_END):
            prev, prev_space = units[-1]
            units[-1] = (prev + (" " if space else "") + piece, prev_space)
        else:
            units.append((piece, space))
    return units


def _hard_break(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Character by character, for a piece wider than the whole line (a URL, a long run of
    kinsoku characters); keeps kinsoku where a character can be moved to the next line."""
    lines: list[str] = []
    cur = ""
    for ch in text:
        if cur and measure(cur + ch, size) > width:
            if (ch in NO_START or cur[-1] in NO_END) and len(cur) > 1:
                lines.append(cur[:-1])
                cur = cur[-1]
            else:
                lines.append(cur)
                cur = ""
        cur += ch
    return lines + [cur]


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at ``size``; newlines are kept."""
    if "\n" not in text:   # most cells and index lines: one line, each run of spaces as one space
        single = " ".join(text.split())
        if measure(single, size) <= width:
            return [single] if single else []
    return list(_broken(text, width, size, measure))


@lru_cache(maxsize=4096)
def _broken(text: str, width: float, size: float, measure: Measure) -> tuple[str, ...]:
    """Long texts recur row after row in a table ("？ 未確認 not checked"): break each once."""
    return tuple(break_lines(text, width, size, measure))


def break_lines(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """``wrap`` without its one-line shortcut: piece by piece."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for piece, space in _units(para.strip()):
            joined = cur + (" " if space and cur else "") + piece
            if measure(joined, size) <= width:
                cur = joined
                continue
            if cur:
                lines.append(cur)
            cur = piece
            if measure(cur, size) > width:
                *full, cur = _hard_break(cur, width, size, measure)
                lines.extend(full)
        if cur:
            lines.append(cur)
    return lines
