"""The legend: only the categories on the page, each with its symbol and a bilingual name."""
from __future__ import annotations

import pytest

from papermap.layout.legend import LegendDoesNotFitError, LegendEntry, legend_layout
from papermap.model.categories import load_categories
from papermap.render.legend import draw_legend
from papermap.render.pdf import Document, text_width
from pdfcheck import font_sizes, page_texts

CATS = load_categories()
NINE = ("water", "bath", "laundry", "toilet", "supplies", "shelter", "medical", "charging", "other")   # boxes sized for these


def _entries(*ids: str):
    return [LegendEntry(c.shape, c.colour, c.mono, c.ja, c.en, c.code) for c in (CATS.by_id[i] for i in ids)]


def test_only_the_given_entries_in_order_with_bilingual_labels():
    entries = _entries("water", "bath", "shelter")
    items = legend_layout(entries, 300.0, 60.0, text_width, ("ja", "en"))
    assert [i.entry for i in items] == entries
    assert [" ".join(i.lines) for i in items] == ["給水 Drinking water", "お風呂 Bath / shower", "避難所 Shelter"]
    assert [i.lines for i in legend_layout(entries, 300.0, 60.0, text_width, ("ja",))] == [("給水",), ("お風呂",), ("避難所",)]


def test_items_stay_in_the_box_without_overlapping_and_at_least_7pt():
    entries = _entries(*NINE)
    for width, height, stacked in ((400.0, 60.0, False), (200.0, 80.0, True), (140.0, 200.0, False),
                                   (90.0, 260.0, True)):
        items = legend_layout(entries, width, height, text_width, ("ja", "en"))
        assert all(len(it.lines) == (2 if stacked else 1) for it in items)   # 給水 over Drinking water
        boxes = []
        for it in items:
            assert it.size >= 7.0
            x0 = it.x - it.symbol_pt / 2
            x1 = it.x + it.symbol_pt / 2 + 3 + max(text_width(line, it.size) for line in it.lines)
            y0 = min(min(it.baselines) - it.size * 0.2, it.y - it.symbol_pt / 2)
            y1 = max(max(it.baselines) + it.size * 0.88, it.y + it.symbol_pt / 2)
            assert x0 >= -1e-6 and x1 <= width + 1e-6 and y0 >= -1e-6 and y1 <= height + 1e-6
            boxes.append((x0, y0, x1, y1))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_a_box_too_small_is_an_error_not_a_missing_entry():
    with pytest.raises(LegendDoesNotFitError, match="does not fit"):
        legend_layout(_entries(*NINE), 80.0, 20.0, text_width, ("ja", "en"))
    assert legend_layout([], 80.0, 20.0, text_width, ("ja", "en")) == []


@pytest.mark.parametrize("mono", [False, True])
def test_drawn_legend_shows_the_page_categories_only(tmp_path, mono):
    path = tmp_path / "legend.pdf"
    doc = Document(path, (300, 100))
    items = legend_layout(_entries("toilet", "medical"), 280, 80, text_width, ("ja", "en"))
    draw_legend(doc, items, 10, 10, mono)
    doc.end_sheet()
    doc.finish()
    text = " ".join(page_texts(path)[0].split())
    assert "トイレ Toilets" in text and "救護・医療 Medical aid" in text
    assert "給水" not in text and "Shelter" not in text
    assert all(size >= 7.0 - 1e-6 for _, ch, size in font_sizes(path) if not ch.isspace())
