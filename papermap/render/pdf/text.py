"""Many short texts in one PDF text object, written from the font's subset codes.

A table of 10,000 points is 90,000 short texts. ReportLab's TextObject re-splits every string
into font subsets and re-states its font for each one, which made it most of the drawing time.
Here each character is split once per document, through the font's own ``splitString`` (the way
ReportLab's ttfonts module tells dynamic-font users to write text), so the subset codes are the
very ones ReportLab would assign, and a text then costs a dictionary lookup per character.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont

from papermap.render.pdf.colour import BLACK, Colour, colour_op
from papermap.render.pdf.fonts import register


class Run(NamedTuple):
    """One text: its baseline start, size in points, horizontal scale in %, fill, and the angle
    (degrees, anticlockwise about its start) it is turned by."""

    x: float
    y: float
    text: str
    size: float
    scale: float = 100.0
    fill: Colour = BLACK
    angle: float = 0.0


class Numbers(dict):
    """Coordinates as PDF numbers, each formatted once: a table's columns and each row's baseline
    recur on every run and placement of every sheet. One per document, forgotten every
    ``LIMIT`` numbers so that a thousand-page atlas does not keep them all."""

    LIMIT = 1 << 16

    def __missing__(self, value: float) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        text = self[value] = fp_str(value)
        return text


class TextCodes:
    """One document's text encoding: character -> (subset, its escaped code), and text -> its
    pieces (hours, status and kinds recur on every row). It belongs to the document: a worker's
    fork carries a copy, the codes reserved before the fork."""

    def __init__(self, pdf_doc) -> None:
        self._doc = pdf_doc
        self._font = getFont(register())
        self._codes: dict[str, tuple[int, str]] = {}
        self._texts: dict[str, list[tuple[int, str]]] = {}
        self.numbers = Numbers()

    def reserve(self, texts: Iterable[str]) -> None:
        """Give every character of ``texts`` its subset code now, in one fixed order.

        Codes are otherwise numbered in order of first use, so sheets drawn apart (filing.py)
        would each number them their own way; reserved here, they all use the codes the PDF embeds.
        """
        self._font.splitString("".join(sorted(set("".join(texts)))), self._doc)
        self._font.getSubsetInternalName(0, self._doc)   # the font's name in the PDF, settled here too

    def freeze(self) -> None:
        """Refuse new characters from now on: ReportLab then raises PDFError."""
        self._font.splitString("", self._doc)             # makes sure the document has its font state
        self._font.state[self._doc].frozen = True

    def _pieces(self, text: str) -> list[tuple[int, str]]:
        """``text`` as (subset, escaped codes) pieces, a piece per run of one subset."""
        codes, font, doc = self._codes, self._font, self._doc
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

    def ops(self, runs: Iterable[Run], outline: str = "") -> str:
        """Every run in the document font, as one text object wrapped in q/Q (its fills stay inside);
        with ``outline`` (a stroke colour and width's operators) the runs are stroked, not filled."""
        font, doc, texts = self._font, self._doc, self._texts
        names: dict[int, str] = {}
        ops = [f"q {outline} BT 1 Tr" if outline else "q BT"]
        subset_now = size_now = None    # the subset and size last set with Tf
        scale = fill = None             # stated for the first run: they live on after other text objects
        num = self.numbers
        for x, y, text, size, run_scale, run_fill, angle in runs:
            if fill is None or (run_fill is not fill and run_fill != fill):
                ops.append(colour_op(run_fill))
                fill = run_fill
            if run_scale != scale:
                ops.append(f"{fp_str(run_scale)} Tz")
                scale = run_scale
            if angle:
                cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
                ops.append(f"{fp_str(cos, sin, -sin, cos)} {num[x]} {num[y]} Tm")
            else:
                ops.append(f"1 0 0 1 {num[x]} {num[y]} Tm")
            pieces = texts.get(text)
            if pieces is None:
                pieces = texts[text] = [(subset, f"({chars}) Tj") for subset, chars in self._pieces(text)]
            for subset, shown in pieces:
                if subset != subset_now or size != size_now:
                    if subset not in names:
                        names[subset] = font.getSubsetInternalName(subset, doc)
                    ops.append(f"{names[subset]} {num[size]} Tf")
                    subset_now, size_now = subset, size
                ops.append(shown)
        ops.append("ET Q")
        return "\n".join(ops)
