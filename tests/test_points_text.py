"""Free text to plain fields: HTML descriptions, hours in names, dates, phone numbers."""
from datetime import datetime

import random
import re

import pytest

from papermap.sources.points.text import (find_phone, html_to_text, parse_datetime, split_name, tidy, tidy_lines,
                                          umap_to_text)


def test_html_becomes_clean_text_with_urls_kept():
    html = ('<div><b>日帰り温泉</b><br>6:00~9:30 &amp; 12:00~24:00<br/>'
            '<a href="http://example.jp/a">ホームページ</a><br><img src="https://x/p.jpg">'
            '<a href="tel:0848-20-8222">0848-20-8222</a><script>alert(1)</script>&lt;無料&gt;</div>')
    text = html_to_text(html)
    assert text.splitlines()[:3] == ["日帰り温泉", "6:00~9:30 & 12:00~24:00", "ホームページ (http://example.jp/a)"]
    assert "<" not in text.replace("<無料>", "") and "img" not in text and "alert" not in text
    assert text.count("0848-20-8222") == 1
    assert html_to_text("a\u3000\u3000b<br><br><br><br>c") == "a b\n\nc"


def test_umap_markup_becomes_plain_text():
    assert umap_to_text("**容器**を持参 [[https://e.org/k|お知らせ]] {{https://e.org/p.jpg}}") == \
        "容器を持参 お知らせ (https://e.org/k)"


@pytest.mark.parametrize("name, expected", [
    ("天然温泉 尾道みなと館（6:00-9:30、12:00-24:00）", ("天然温泉 尾道みなと館", "6:00-9:30, 12:00-24:00", "", "")),
    ("大宮湯（15:00-21:00/月水金休み）", ("大宮湯", "15:00-21:00, 月水金休み", "", "")),
    ("養老温泉（10：00-21：00 / 水曜休み）", ("養老温泉", "10:00-21:00, 水曜休み", "", "")),
    ("東広島市立入野小学校（飲用可/24時間）", ("東広島市立入野小学校", "24時間", "", "飲用可")),
    ("東広島市 黒瀬支所（7/13から閉鎖）", ("東広島市 黒瀬支所", "", "7/13から閉鎖", "")),
    ("瀬戸老人福祉センター（7/11-7/14 10:00-14:00/無料）", ("瀬戸老人福祉センター", "7/11-7/14 10:00-14:00", "", "無料")),
    ("因島フラワーセンター（飲用可/7:00-21:00)", ("因島フラワーセンター", "7:00-21:00", "", "飲用可")),
    ("（有）武田屋（10時～）", ("（有）武田屋", "10時~", "", "")),
    ("寿湯（15:00-21:00/休止中の可能性あり）", ("寿湯", "15:00-21:00", "", "休止中の可能性あり")),
    ("三原市せい真寺山オートキャンプ場（大和町)", ("三原市せい真寺山オートキャンプ場（大和町)", "", "", "")),
])
def test_hours_and_closures_come_out_of_names(name, expected):
    assert split_name(name) == expected


def test_dates_in_the_forms_volunteers_use():
    assert parse_datetime("2018-07-10 09:30") == datetime(2018, 7, 10, 9, 30)
    assert parse_datetime("2018/7/9") == datetime(2018, 7, 9)
    assert parse_datetime("7/9/2018 15:41:44") == datetime(2018, 7, 9, 15, 41, 44)  # Google Sheets
    assert parse_datetime("2018年7月10日 14時") == datetime(2018, 7, 10, 14, 0)
    assert parse_datetime("２０１８-０７-１０") == datetime(2018, 7, 10)
    assert parse_datetime("07/09") is None  # no year: not guessed
    assert parse_datetime("yesterday") is None


def test_phone_numbers_are_found_in_free_text():
    assert find_phone("連絡先：０８４８-２０-８２２２ まで") == "0848-20-8222"
    assert find_phone("要事前連絡084-951-1374") == "084-951-1374"
    assert find_phone("7/11-7/14 10:00-14:00") == ""


@pytest.mark.parametrize("seed", range(5))
def test_tidy_shortcut_changes_nothing_the_full_tidy_would_change(seed):
    rnd = random.Random(seed)
    alphabet = ["a", "給", " ", "  ", "\t", "\u3000", "\xa0", "\n", "\r", "\r\n", "\u2003", "\x0b", "9:00"]
    for _ in range(2000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        assert tidy(text) == tidy_lines(text), repr(text)


_PIECES = ["", " ", "\u3000", "9:00", "１０：００", "-17:00", "～", "24時間", "休み", "open", "closed", "開設中", "閉鎖",
           "の可能性", "4:00:00 PM", "2018-07-10", "2018/7/9", "07/09", "14時", "年", "7月", "10日", "Z", "（", "）",
           "(", ")", "/", "、", "給水所", "連絡先0848-20-8222"]


@pytest.mark.parametrize("seed", range(3))
def test_remembered_text_functions_answer_as_when_worked_out_afresh(seed):
    """The lru_caches on pure text functions and on the builder's per-row text parts change nothing."""
    from papermap.sources.points.record import _hours_and_status, _notes_and_contact
    from papermap.sources.points.text import has_time, is_clock_time, normalise_hours, parse_datetime, parse_status
    rnd = random.Random(seed)

    def text():
        return "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 4)))

    for _ in range(500):
        for fn in (has_time, parse_status, normalise_hours, is_clock_time, parse_datetime):
            value = text()
            assert fn(value) == fn.__wrapped__(value) == fn(value), (fn.__name__, value)
        for fn in (_hours_and_status, _notes_and_contact):
            args = tuple(text() for _ in range(4))
            assert fn(*args) == fn.__wrapped__(*args) == fn(*args), (fn.__name__, args)


# the pattern the trailing bracket was found with until its cost on "(a)(a)(a)…" names was quadratic
_OLD_TRAILING_BRACKET = re.compile(r"^(.*?)\s*[（(]([^（()）]*(?:[（(][^（()）]*[)）][^（()）]*)*)[)）]\s*$", re.S)


def test_names_without_a_trailing_bracket_skip_the_bracket_pattern():
    from papermap.sources.points.text import _trailing_bracket
    rnd = random.Random(0)
    for _ in range(5000):
        name = "".join(rnd.choice(_PIECES + ["\n", " (x)", "（a）b", "(", "）", "((", "))"])
                       for _ in range(rnd.randint(0, 6)))
        stripped = name.strip()
        old = _OLD_TRAILING_BRACKET.match(stripped)
        new = _trailing_bracket(stripped)
        assert (old is None) == (new is None), repr(name)
        if old:  # the same split as the old pattern: text before (spaces aside) and inside
            assert (old.group(1).strip(), old.group(2)) == (new[0].strip(), new[1]), repr(name)
        if not stripped.endswith((")", "）")):
            assert split_name(name) == (stripped, "", "", "")
