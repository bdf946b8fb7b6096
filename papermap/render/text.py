"""Many short texts in one PDF text object, written from the font's subset codes.

A table of 10,000 points is 90,000 short texts. ReportLab's TextObject re-splits every string
into font subsets and re-states its font for each one, which made it most of the drawing time.
Here each character is split once per document, through the font's own ``splitString`` (the way
ReportLab's ttfonts module tells dynamic-font users to write text), so the subset codes are the
very ones ReportLab would assign, and a text then costs a dictionary lookup per character.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from weakref import WeakKeyDictionary

from reportlab.lib.colors import Color, black
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from papermap.render.fonts import register


class Run(NamedTuple):
    """One text: its baseline start, size in points, horizontal scale in % and fill."""

    x: float
    y: float
    text: str
    size: float
    scale: float = 100.0
    fill: Color = black


# per PDF document being written: (character -> (subset, its escaped code), text -> its pieces);
# texts are remembered too, as hours, status and kinds recur on every row
_ENCODED: WeakKeyDictionary = WeakKeyDictionary()


class Numbers(dict):
    """Coordinates as PDF numbers, each formatted once: a table's columns and each row's baseline
    recur on every run and placement of a sheet."""

    def __missing__(self, value: float) -> str:
        text = self[value] = fp_str(value)
        return text


def reserve(c: Canvas, texts: Iterable[str]) -> None:
    """Give every character of ``texts`` its subset code now, in one fixed order.

    Codes are otherwise numbered in order of first use, so sheets drawn apart (render/workers.py)
    would each number them their own way; reserved here, they all use the codes the PDF embeds.
    """
    font = getFont(register())
    font.splitString("".join(sorted(set("".join(texts)))), c._doc)
    font.getSubsetInternalName(0, c._doc)   # the font's name in the PDF, settled here too


def freeze(c: Canvas) -> None:
    """Refuse new characters in ``c``'s document from now on: ReportLab then raises PDFError."""
    font = getFont(register())
    font.splitString("", c._doc)             # makes sure the document has its font state
    font.state[c._doc].frozen = True


def _pieces(font, doc, codes: dict[str, tuple[int, str]], text: str) -> list[tuple[int, str]]:
    """``text`` as (subset, escaped codes) pieces, a piece per run of one subset."""
    out: list[tuple[int, str]] = []
    subset, chars = -1, []
    for ch in text:
        code = codes.get(ch)
        if code is None:
            [(s, raw)] = font.splitString(ch, doc)
            code = codes[ch] = (s, escapePDF(raw))
        if code[0] != subset:
            if chars:
                out.append((subset, "".join(chars)))
            subset, chars = code[0], []
        chars.append(code[1])
    if chars:
        out.append((subset, "".join(chars)))
    return out


def _fill_op(colour: Color) -> str:
    r, g, b = colour.red, colour.green, colour.blue
    return f"{fp_str(r)} g" if r == g == b else f"{fp_str(r, g, b)} rg"


def draw_texts(c: Canvas, runs: Iterable[Run]) -> None:
    """Every run in the document font, in one text object wrapped in q/Q (its fills stay inside)."""
    font = getFont(register())
    doc = c._doc
    codes, texts = _ENCODED.setdefault(doc, ({}, {}))
    names: dict[int, str] = {}
    ops = ["q BT"]
    state: tuple = (None, None)     # (subset, size) last set with Tf
    scale = fill = None             # stated for the first run: they live on after other text objects
    num = Numbers()
    for x, y, text, size, run_scale, run_fill in runs:
        if fill is None or (run_fill is not fill and run_fill != fill):
            ops.append(_fill_op(run_fill))
            fill = run_fill
        if run_scale != scale:
            ops.append(f"{fp_str(run_scale)} Tz")
            scale = run_scale
        ops.append(f"1 0 0 1 {num[x]} {num[y]} Tm")
        pieces = texts.get(text)
        if pieces is None:
            pieces = texts[text] = _pieces(font, doc, codes, text)
        for subset, chars in pieces:
            if state != (subset, size):
                if subset not in names:
                    names[subset] = font.getSubsetInternalName(subset, doc)
                ops.append(f"{names[subset]} {fp_str(size)} Tf")
                state = (subset, size)
            ops.append(f"({chars}) Tj")
    ops.append("ET Q")
    c.addLiteral("\n".join(ops))
