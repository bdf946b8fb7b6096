"""Texts written straight from subset codes look exactly like ReportLab's own text objects."""
from __future__ import annotations

import random

import numpy as np
from reportlab.lib.colors import Color as RLColor
from reportlab.pdfgen.canvas import Canvas

from papermap.render.pdf import BLACK, FONT, WHITE, Colour, Document, Run
from pdfcheck import page_texts, render

# Japanese, Latin, PDF string specials ( ) \, control-free punctuation, digits, full-width forms
SAMPLES = ["給水所 1", "Drinking water (free)", r"back\slash", "（名称なし）", "9:00-17:00", "開設中 / open",
           "入浴 ♨ 12", "ｱｲｳ ＡＢＣ １２３", "é à ü — “quotes”", "1", "長い名前の避難所と公民館の第二集会室"]


def _runs(seed: int, n: int) -> list[Run]:
    rnd = random.Random(seed)
    fills = [BLACK, WHITE, Colour(0.2, 0.4, 0.8), Colour(0.5, 0.5, 0.5)]
    return [Run(rnd.uniform(10, 400), rnd.uniform(10, 800), rnd.choice(SAMPLES) + str(i), rnd.choice((7.0, 8.0, 9.5)),
                rnd.choice((100.0, 100.0, 85.0)), rnd.choice(fills)) for i in range(n)]


def _reportlab(c: Canvas, runs: list[Run]) -> None:
    """The same runs through ReportLab's TextObject, one at a time."""
    for r in runs:
        c.saveState()
        t = c.beginText()
        t.setFont(FONT, r.size)
        t.setHorizScale(r.scale)
        t.setFillColor(RLColor(*r.fill))
        t.setTextOrigin(r.x, r.y)
        t.textOut(r.text)
        c.drawText(t)
        c.restoreState()


def _theirs(tmp_path, name: str, draw) -> str:
    """ReportLab drawing on a canvas of its own, as the reference."""
    path = tmp_path / name
    c = Canvas(str(path), pagesize=(420, 820))
    c.setFillColor(RLColor(0.9, 0.8, 0.6))
    c.rect(0, 0, 420, 820, stroke=0, fill=1)   # a ground, so white text shows
    draw(c)
    c.showPage()
    draw(c)                                    # a second page reuses the document's codes
    c.save()
    return path


def _ours(tmp_path, name: str, draw) -> str:
    path = tmp_path / name
    doc = Document(path, (420, 820))
    doc.fill(Colour(0.9, 0.8, 0.6))
    doc.rect(0, 0, 420, 820, stroke=False, fill=True)
    draw(doc)
    doc.end_sheet()
    draw(doc)
    doc.finish()
    return path


def test_texts_look_and_read_exactly_like_reportlab_text(tmp_path):
    runs = _runs(1, 300)
    ours = _ours(tmp_path, "ours.pdf", lambda doc: doc.texts(runs))
    theirs = _theirs(tmp_path, "theirs.pdf", lambda c: _reportlab(c, runs))
    for page in (0, 1):
        assert np.array_equal(render(ours, page, dpi=100), render(theirs, page, dpi=100))
    assert page_texts(ours) == page_texts(theirs)
    for s in SAMPLES:
        assert s in page_texts(ours)[1]


def test_fills_and_scales_do_not_leak_into_later_drawing(tmp_path):
    def draw(doc: Document) -> None:
        doc.fill(BLACK)
        doc.texts([Run(10, 10, "白", 9.0, 85.0, WHITE)])
        doc.text(50, 400, "黒 ABC", 40)

    def plain(doc: Document) -> None:
        doc.fill(BLACK)
        doc.texts([])
        doc.text(50, 400, "黒 ABC", 40)

    after = render(_ours(tmp_path, "a.pdf", draw), 0)[300:500]
    clean = render(_ours(tmp_path, "b.pdf", plain), 0)[300:500]
    assert np.array_equal(after, clean)


def test_turned_and_outlined_runs_look_like_reportlab_turned_and_outlined_text(tmp_path):
    """Street names run along their street and carry a halo: the same runs, turned, and stroked."""
    runs = [Run(200, 400, "烏丸通 Karasuma-dori", 12.0, 100.0, Colour(0.2, 0.2, 0.6), angle)
            for angle in (0.0, 30.0, -75.0)]

    def theirs(c: Canvas) -> None:
        for r in runs:
            for halo in (True, False):
                c.saveState()
                c.translate(r.x, r.y)
                c.rotate(r.angle)
                t = c.beginText()
                t.setFont(FONT, r.size)
                if halo:
                    t.setTextRenderMode(1)
                    c.setStrokeColor(RLColor(1, 1, 1))
                    c.setLineWidth(2.0)
                    c.setLineJoin(1)
                else:
                    c.setFillColor(RLColor(*r.fill))
                t.setTextOrigin(0, 0)
                t.textOut(r.text)
                c.drawText(t)
                c.restoreState()

    def ours(doc: Document) -> None:
        for r in runs:
            doc.texts([r], halo=(WHITE, 2.0))
            doc.texts([r])

    a = render(_ours(tmp_path, "ours.pdf", ours), 0, dpi=100).astype(int)
    b = render(_theirs(tmp_path, "theirs.pdf", theirs), 0, dpi=100).astype(int)
    inked = (np.abs(b - render(_theirs(tmp_path, "blank.pdf", lambda c: None), 0, dpi=100)).max(axis=2) > 60).sum()
    assert inked > 500                                             # the texts and halos are there
    assert (np.abs(a - b).max(axis=2) > 60).sum() < inked * 0.01  # and ours are the same
