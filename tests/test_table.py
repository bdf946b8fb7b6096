"""The point table: cells wrapped to their columns with Japanese line-breaking rules, closed and
unknown points marked, long tables continued with the header repeated and no row lost."""
from __future__ import annotations

import random
from datetime import datetime

import pytest

from papermap.layout.furniture import say
from papermap.layout.table import (ADDRESS_COLUMNS, APPROX_MARK, ASCENT, BADGE_PAD, CLOSED_MARK, LEADING, OPEN_MARK,
                                   PAD, UNKNOWN_MARK, Line, TableRow, _columns, _row_cells, _says_more, layout_table)
from papermap.layout.text import NO_END, NO_START, break_lines, wrap
from papermap.model.points import Point
from papermap.render.pdf import Document, has_glyph, text_width
from papermap.render.table import draw_table
from papermap.settings import MIN_FONT_PT
from pdfcheck import font_sizes, page_texts

TEXTS = [
    "天然温泉 尾道みなと館（お風呂）は、7月13日から当面の間、閉鎖します。再開は未定です！",
    "「給水所」：市民センター前（駐車場）。ペットボトル持参でお願いします。ご協力ください。",
    "9:00〜17:00（土日は10:00〜15:00）、ただし断水時は中止。",
    "Kyoto International Community House, Sakyo-ku — showers for families with small children.",
    "ローソン東山三条店ー　ｰｰ　っっっ。。。」」」ーーーーーーーーーーーーーーーーーーーー",
    "https://example.org/a/very/long/path/without/any/spaces/at/all/for/relief/points.csv",
    "ボランティアセンター(社会福祉協議会)「受付」『案内』【重要】〔注意〕・トイレ・シャワー・洗濯",
]


@pytest.mark.parametrize("width", [40.0, 61.5, 90.0, 133.0, 200.0])
@pytest.mark.parametrize("text", TEXTS)
def test_wrapped_lines_fit_and_keep_kinsoku(text, width):
    lines = wrap(text, width, 7.5, text_width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("　", "")
    for i, line in enumerate(lines):
        assert text_width(line, 7.5) <= width + 1e-6, line
        if not line.strip("ー。」っ"):
            continue                      # a run of nothing but kinsoku characters has to break somewhere
        if i > 0:
            assert line[0] not in NO_START, (lines[i - 1], line)
        if i < len(lines) - 1:
            assert line[-1] not in NO_END, (line, lines[i + 1])


def test_latin_wraps_at_spaces():
    lines = wrap("Bring your own towel and a bottle for water", 60, 7.5, text_width)
    assert len(lines) > 1 and all(not line.startswith(" ") and not line.endswith(" ") for line in lines)
    words = "Bring your own towel and a bottle for water".split()
    assert " ".join(lines).split() == words


def test_marks_exist_in_the_font():
    for mark in (CLOSED_MARK, OPEN_MARK, UNKNOWN_MARK, "…", "〜"):
        assert has_glyph(mark), mark
    assert not has_glyph("\U0001F600")      # the check can fail: the font has no emoji


def _rows(n: int, seed: int = 5) -> list[TableRow]:
    rnd = random.Random(seed)
    return [TableRow(i + 1, rnd.choice(["water", "bath", "toilet"]), rnd.choice(TEXTS[:5])[:rnd.randint(4, 30)],
                     rnd.choice(["", "24時間", TEXTS[2]]), ("open", "closed", "unknown")[i % 3],
                     "7/13から閉鎖" if i % 3 == 1 else "", rnd.choice(TEXTS) * rnd.randint(0, 2),
                     "" if i % 4 == 0 else "2024-01-05", "Onomichi Minato-kan" if i % 5 == 0 else "")
            for i in range(n)]


def test_long_tables_continue_with_the_header_and_every_row_once():
    rows = _rows(60)
    chunks = layout_table(rows, 520.0, 200.0, 700.0, text_width, langs=("ja", "en"), page_label="3")
    assert len(chunks) >= 3
    assert not chunks[0].continued and chunks[0].heading == ()
    for chunk in chunks[1:]:
        assert chunk.continued
        heading = " ".join(line.text for line in chunk.heading)
        assert "地図ページ 3 の続き" in heading and "continued from map page 3" in heading
    assert chunks[0].height <= 200.0 and all(ch.height <= 700.0 + 1e-6 for ch in chunks[1:])
    header = [" ".join(line.text for line in cell) for cell in chunks[0].header.cells]
    assert "名称 / Name" in header and all(ch.header == chunks[0].header for ch in chunks)
    seen = [laid.row for ch in chunks for laid in ch.rows]
    assert seen == sorted(rows, key=lambda r: r.number)


def test_every_line_fits_its_column_and_nothing_is_small():
    chunks = layout_table(_rows(40), 400.0, 150.0, 700.0, text_width)
    for chunk in chunks:
        for laid in (chunk.header, *chunk.rows):
            for col, cell in zip(chunk.columns, laid.cells):
                for line in cell:
                    assert line.size >= MIN_FONT_PT
                    room = col.width - 2 * PAD - (2 * BADGE_PAD if line.badge else 0)
                    assert text_width(line.text, line.size) <= room + 1e-6, (col.key, line.text)
                    assert line.baseline < laid.height
        names = [cell for laid in chunk.rows for col, cell in zip(chunk.columns, laid.cells) if col.key == "name"]
        assert all(cell[0].size >= 9.0 for cell in names if cell)
    with pytest.raises(ValueError, match="7 pt"):
        layout_table(_rows(2), 400.0, 150.0, 700.0, text_width, body_pt=6.5)


def test_closed_unknown_and_unchecked_points_are_marked():
    rows = [TableRow(1, "bath", "大宮湯", status="closed", status_text="7/13から閉鎖"),
            TableRow(2, "water", "給水所", status="unknown", verified="2024-01-05"),
            TableRow(3, "toilet", "トイレ", status="open", verified="2024-01-06")]
    (chunk,) = layout_table(rows, 500.0, 400.0, 700.0, text_width)
    status = {laid.row.number: laid.cells[[c.key for c in chunk.columns].index("status")] for laid in chunk.rows}
    verified = {laid.row.number: laid.cells[-1] for laid in chunk.rows}
    assert status[1][0].text == f"{CLOSED_MARK} 閉鎖 closed" and status[1][0].badge
    assert status[2][0].text.startswith(UNKNOWN_MARK) and not status[2][0].badge
    assert status[3][0].text.startswith(OPEN_MARK)
    assert [laid.shaded for laid in chunk.rows] == [True, False, False]
    assert verified[1][0].text.startswith(UNKNOWN_MARK) and "未確認" in verified[1][0].text
    assert say("name", ("en",)) == "Name"


def test_status_words_are_not_printed_twice_but_a_source_saying_more_is_kept():
    """"open" under "○ 開設中 open" only costs a line; "7/13から閉鎖" says when, so it stays."""
    rows = [TableRow(1, "bath", "大宮湯", status="open", status_text="Open", verified="2024-01-05"),
            TableRow(2, "bath", "大宮湯", status="closed", status_text="閉鎖", verified="2024-01-05"),
            TableRow(3, "bath", "大宮湯", status="closed", status_text="7/13から閉鎖", verified="2024-01-05")]
    (chunk,) = layout_table(rows, 500.0, 400.0, 700.0, text_width)
    at = [c.key for c in chunk.columns].index("status")
    texts = {laid.row.number: [line.text for line in laid.cells[at]] for laid in chunk.rows}
    assert texts == {1: [f"{OPEN_MARK} 開設中 open"], 2: [f"{CLOSED_MARK} 閉鎖 closed"],
                     3: [f"{CLOSED_MARK} 閉鎖 closed", "7/13から閉鎖"]}
    heights = {laid.row.number: laid.height for laid in chunk.rows}
    assert heights[1] == heights[2] < heights[3]


def test_a_row_too_tall_for_a_page_is_cut_visibly_and_a_full_first_page_is_skipped():
    rows = [TableRow(1, "water", "給水所", notes=TEXTS[0] * 40), TableRow(2, "bath", "大宮湯")]
    chunks = layout_table(rows, 400.0, 20.0, 300.0, text_width, page_label="5")
    assert chunks[0].rows == () and chunks[0].height == 0
    first = chunks[1].rows[0]
    assert chunks[1].height <= 300.0 + 1e-6
    assert any(line.text.endswith("…") for cell in first.cells for line in cell)
    assert [laid.row.number for ch in chunks for laid in ch.rows] == [1, 2]


def test_rows_come_from_points():
    p = Point("a", "bath", 135.7, 35.0, name="大宮湯", name_en="Omiya-yu", status="closed",
              verified=datetime(2024, 1, 5, 9, 30))
    row = TableRow.from_point(7, p)
    assert (row.number, row.name, row.name_en, row.verified, row.status) == \
        (7, "大宮湯", "Omiya-yu", "2024-01-05 09:30", "closed")
    assert TableRow.from_point(1, Point("b", "water", 0, 0)).verified == ""
    assert TableRow.from_point(1, Point("c", "water", 0, 0, verified=datetime(2024, 1, 5))).verified == "2024-01-05"


def test_phone_address_capacity_and_approx_reach_their_cells():
    p = Point("a", "shelter", 135.7, 35.0, name="本町小学校", contact="075-123-4567", address="本町3丁目5-12",
              capacity="300", position="geocoded", placed_by="addr tags", precision="building")
    (chunk,) = layout_table([TableRow.from_point(1, p)], 520.0, 400.0, 700.0, text_width)
    cells = {col.key: [line.text for line in cell] for col, cell in zip(chunk.columns, chunk.rows[0].cells)}
    assert cells["phone"] == ["075-123-4567"]
    assert "本町3丁目5-12" in cells["name"] and f"{APPROX_MARK} 位置は推定 / approx." in cells["name"]
    assert "収容 300 / capacity 300" in " ".join(cells["hours"])
    (alone,) = layout_table([TableRow.from_point(1, p)], 520.0, 400.0, 700.0, text_width, columns=ADDRESS_COLUMNS,
                            sources=("出典 Source: a.csv",))
    cells = {col.key: [line.text for line in cell] for col, cell in zip(alone.columns, alone.rows[0].cells)}
    assert cells["address"][0] == "本町3丁目5-12" and "本町3丁目5-12" not in cells["name"]
    assert [line.text for line in alone.footer] == ["出典 Source: a.csv"]
    assert alone.height == pytest.approx(alone.header.height + alone.rows[0].height + alone.footer_height)


def test_drawn_table_reads_back(tmp_path):
    chunks = layout_table(_rows(30), 520.0, 200.0, 700.0, text_width, page_label="3")
    drawn = []
    path = tmp_path / "t.pdf"
    doc = Document(path, (595, 842))
    for chunk in chunks:
        draw_table(doc, chunk, 40, 800, lambda d, placed, s: drawn.extend((row.number, s) for row, _, _ in placed))
        doc.end_sheet()
    doc.finish()
    texts = page_texts(path)
    assert "名称 / Name" in texts[0] and "地図ページ 3 の続き" not in texts[0]
    assert all("地図ページ 3 の続き" in t and "名称 / Name" in t for t in texts[1:] if t.strip())
    assert sorted(n for n, _ in drawn) == list(range(1, 31))
    assert all(size >= MIN_FONT_PT - 1e-6 for _, ch, size in font_sizes(path) if not ch.isspace())


@pytest.mark.parametrize("seed", range(10))
def test_short_cells_wrap_as_the_full_line_breaker_would(seed):
    """The one-line shortcut gives exactly what breaking piece by piece gives, spaces included."""
    rnd = random.Random(seed)
    alphabet = "ab 給水。「」　\n\t ーっ(（12"
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        width = rnd.choice([20.0, 60.0, 400.0])
        assert wrap(text, width, 7.5, text_width) == break_lines(text, width, 7.5, text_width), repr(text)


def _cells_from_scratch(row: TableRow, columns, langs, name_pt: float, body_pt: float, max_h: float) -> tuple:
    """A row's cells worked out the long way, nothing shared between rows: the wording, every
    paragraph broken piece by piece, the lines stacked, and trailing lines dropped one at a time
    until the cell fits."""
    pick = {"ja": row.name or row.name_en, "en": row.name_en or row.name}
    names = list(dict.fromkeys(n for n in (pick.get(lang, row.name) for lang in langs) if n))
    mark = {"closed": CLOSED_MARK, "open": OPEN_MARK}.get(row.status, UNKNOWN_MARK)
    status_key = row.status if row.status in ("open", "closed") else "unknown"
    texts = {"number": [(str(row.number), name_pt, False)], "symbol": [],
             "name": [(names[0] if names else "", name_pt, False)] + [(n, body_pt, False) for n in names[1:]],
             "hours": [(row.hours, body_pt, False)],
             "status": [(f"{mark} {say(status_key, langs, sep=' ')}", body_pt, row.status == "closed"),
                        (_says_more(row.status_text, f"{mark} {say(status_key, langs, sep=' ')}"), body_pt, False),
                        (row.notes, body_pt, False)],
             "verified": [(row.verified or f"{UNKNOWN_MARK} {say('unverified', langs, sep=' ')}", body_pt, False)],
             "phone": [(row.phone, body_pt, False)]}

    def stacked(stack):
        lines, y = [], PAD
        for text, size, badge in stack:
            lines.append(Line(text, size, y + size * ASCENT, badge))
            y += size * LEADING
        return tuple(lines), y + PAD

    cells = []
    for col in columns:
        width = col.width - 2 * PAD
        room = {False: width, True: width - 2 * BADGE_PAD}
        stack = [(line, size, badge) for text, size, badge in texts[col.key] if text
                 for line in break_lines(text, room[badge], size, text_width)]
        if stacked(stack)[1] > max_h:
            while len(stack) > 1 and stacked(stack)[1] > max_h:
                stack = stack[:-1]
            text, size, badge = stack[-1]
            while text and text_width(text + "…", size) > room[badge]:
                text = text[:-1]
            stack[-1] = (text + "…", size, badge)
        cells.append(stacked(stack))
    return tuple(cells)


@pytest.mark.parametrize("langs", [("ja", "en"), ("en", "ja"), ("en",), ("ja",)])
@pytest.mark.parametrize("seed", range(4))
def test_cells_laid_once_per_table_match_laying_every_row_from_scratch(seed, langs):
    """Shared wording, cells remembered from row to row and the one-line number shortcut give
    what working out each row on its own gives: cut cells, badges and numbers too wide included."""
    rnd = random.Random(seed)
    rows = [TableRow(rnd.choice([i + 1, 10 ** rnd.randint(0, 7)]), "water",
                     rnd.choice(["", "給水所", "大宮湯", TEXTS[0][:rnd.randint(0, 40)]]),
                     rnd.choice(["", "24時間", TEXTS[2]]), rnd.choice(["open", "closed", "unknown", "maybe", ""]),
                     rnd.choice(["", "7/13から閉鎖", "open", "閉鎖"]), rnd.choice(["", *TEXTS]) * rnd.choice([0, 1, 3]),
                     rnd.choice(["", "2024-01-05"]), rnd.choice(["", "Omiya-yu", "給水所", TEXTS[3]]))
            for i in range(150)]
    name_pt, body_pt, width = rnd.choice([(9.0, 7.5, 360.0), (9.0, 7.5, 520.0), (12.0, 7.0, 520.0)])
    columns = _columns(rows[:5], width, text_width, name_pt, 12.0)   # later numbers may not fit their column
    for max_h in (17.0, 45.0, 120.0, 700.0):
        cells = _row_cells(columns, langs, name_pt, body_pt, max_h, text_width)
        for row in rows:
            assert cells(row) == _cells_from_scratch(row, columns, langs, name_pt, body_pt, max_h), row
