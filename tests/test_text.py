"""Texts written straight from subset codes look exactly like ReportLab's own text objects."""
from __future__ import annotations

import random

import numpy as np
from reportlab.lib.colors import Color, black, white
from reportlab.pdfgen.canvas import Canvas

from papermap.render.fonts import register
from papermap.render.text import Run, draw_texts
from pdfcheck import page_texts, render

# Japanese, Latin, PDF string specials ( ) \, control-free punctuation, digits, full-width forms
SAMPLES = ["給水所 1", "Drinking water (free)", r"back\slash", "（名称なし）", "9:00-17:00", "開設中 / open",
           "入浴 ♨ 12", "ｱｲｳ ＡＢＣ １２３", "é à ü — “quotes”", "1", "長い名前の避難所と公民館の第二集会室"]


def _runs(seed: int, n: int) -> list[Run]:
    rnd = random.Random(seed)
    fills = [black, white, Color(0.2, 0.4, 0.8), Color(0.5, 0.5, 0.5)]
    return [Run(rnd.uniform(10, 400), rnd.uniform(10, 800), rnd.choice(SAMPLES) + str(i), rnd.choice((7.0, 8.0, 9.5)),
                rnd.choice((100.0, 100.0, 85.0)), rnd.choice(fills)) for i in range(n)]


def _reportlab(c: Canvas, runs: list[Run]) -> None:
    """The same runs through ReportLab's TextObject, one at a time."""
    for r in runs:
        c.saveState()
        t = c.beginText()
        t.setFont(register(), r.size)
        t.setHorizScale(r.scale)
        t.setFillColor(r.fill)
        t.setTextOrigin(r.x, r.y)
        t.textOut(r.text)
        c.drawText(t)
        c.restoreState()


def _pdf(tmp_path, name: str, draw) -> str:
    path = tmp_path / name
    c = Canvas(str(path), pagesize=(420, 820))
    c.setFillColor(Color(0.9, 0.8, 0.6))
    c.rect(0, 0, 420, 820, stroke=0, fill=1)   # a ground, so white text shows
    draw(c)
    c.showPage()
    draw(c)                                    # a second page reuses the document's codes
    c.save()
    return path


def test_texts_look_and_read_exactly_like_reportlab_text(tmp_path):
    runs = _runs(1, 300)
    ours = _pdf(tmp_path, "ours.pdf", lambda c: draw_texts(c, runs))
    theirs = _pdf(tmp_path, "theirs.pdf", lambda c: _reportlab(c, runs))
    for page in (0, 1):
        assert np.array_equal(render(ours, page, dpi=100), render(theirs, page, dpi=100))
    assert page_texts(ours) == page_texts(theirs)
    for s in SAMPLES:
        assert s in page_texts(ours)[1]


def test_fills_and_scales_do_not_leak_into_later_drawing(tmp_path):
    def draw(c: Canvas) -> None:
        c.setFillColor(black)
        draw_texts(c, [Run(10, 10, "白", 9.0, 85.0, white)])
        t = c.beginText()
        t.setFont(register(), 40)
        t.setTextOrigin(50, 400)
        t.textOut("黒 ABC")
        c.drawText(t)

    def plain(c: Canvas) -> None:
        c.setFillColor(black)
        draw_texts(c, [])
        t = c.beginText()
        t.setFont(register(), 40)
        t.setTextOrigin(50, 400)
        t.textOut("黒 ABC")
        c.drawText(t)

    after = render(_pdf(tmp_path, "a.pdf", draw), 0)[300:500]
    clean = render(_pdf(tmp_path, "b.pdf", plain), 0)[300:500]
    assert np.array_equal(after, clean)
