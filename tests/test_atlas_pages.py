"""What a reader holds: every map page's QR code decodes (also from a grey photocopy) and says which
area and data it shows; map numbers and table numbers agree; closed points stand out."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import numpy as np
import pytest

from conftest import MONACO, MONACO_BBOX, REPO
from papermap.config import load_config
from papermap.layout.grid import MapPage
from papermap.model.categories import load_categories
from papermap.model.points import Point
from papermap.layout.atlas import lay_out_map_page
from papermap.pipeline import build_atlas
from papermap.render.artcache import CellArt
from pdfcheck import map_page_index, page_texts, photocopy, qr_texts, render

RELIEF = REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "atlas.pdf"
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)],
                             "qr_url": "https://example.org/map#{south},{west},{north},{east}"})
    report = build_atlas(cfg, out, now=NOW)
    return out, report


def _bbox(text: str) -> tuple[float, ...]:
    m = re.search(r"bbox ([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+)", text)
    return tuple(float(v) for v in m.groups())


def test_every_map_page_and_the_overview_has_a_qr_that_survives_copying(atlas):
    out, report = atlas
    w, s, e, n = (float(v) for v in MONACO_BBOX.split(","))
    for number in [0] + [p.number for p in report.pages]:
        index = 0 if number == 0 else map_page_index(out, number)
        img = render(out, index, dpi=150, grey=True)
        texts = qr_texts(img)
        assert len(texts) == 1, f"page {number}: {texts}"
        text = texts[0]
        assert text.startswith(f"papermap page {number if number else 'overview'}\n")
        assert "data 2023-12-26" in text
        bw, bs, be, bn = _bbox(text)
        assert bw < be and bs < bn and bw < e and be > w and bs < n and bn > s   # the page's own area
        assert f"https://example.org/map#{bs:.5f},{bw:.5f},{bn:.5f},{be:.5f}" in text
        copies = sum(qr_texts(photocopy(img, seed)) == [text] for seed in range(3))
        assert copies >= 2, f"page {number}: only {copies}/3 photocopies decode"


def test_qr_bboxes_differ_per_page_and_overlap_like_the_pages(atlas):
    out, report = atlas
    boxes = [_bbox(qr_texts(render(out, map_page_index(out, p.number), dpi=150, grey=True))[0])
             for p in report.pages]
    assert len(set(boxes)) == len(boxes)
    first, second = boxes[0], boxes[1]          # pages 1 and 2 side by side, overlapping
    assert second[0] < first[2]


def test_every_sheet_says_what_it_is_how_fresh_and_where_from(atlas):
    """Overview, map pages and every table sheet: attribution, data date, source, print date;
    a table sheet also names the map page its points are on."""
    out, report = atlas
    texts = page_texts(out)
    assert len(texts) > 1 + len(report.pages)          # there are table sheets
    for text in texts:
        assert "© OpenStreetMap contributors (ODbL)" in text
        assert "地図データ / Map data as of" in text and "monaco.osm.pbf" in text and "2026-11-22" in text
    for text in (t for t in texts if "一覧 / List" in t):
        number = re.search(r"地図ページ (\d+) の地点 / Points on map page (\d+)", text)
        assert number and number[1] == number[2] and int(number[1]) in {p.number for p in report.pages}


def test_closed_and_unverified_points_are_marked_in_the_table(atlas):
    out, _ = atlas
    tables = " ".join(t for t in page_texts(out) if "一覧 / List" in t)
    assert "給水所 フォンヴィエイユ" in tables and "9:00-17:00" in tables and "2026-11-20" in tables
    assert "閉鎖" in tables and "7/13から閉鎖" in tables   # the closed toilet, with the source's own words
    assert "未確認" in tables                              # points without a verified time say so


def test_table_numbers_match_map_numbers_and_list_every_point_once():
    """A crowded page: every point in the page's area has exactly one table row, under the number its
    symbol (or the symbol it shares) carries on the map, and numbers run from 1 without gaps."""
    categories = load_categories()
    rng = np.random.default_rng(3)
    pts = [Point(id=f"p{i}", category=categories.ids[i % 8], lon=0, lat=0, name=f"点 {i}") for i in range(150)]
    xy = np.column_stack([rng.uniform(100, 300, 150), rng.uniform(200, 400, 150)])  # a dense 70 mm square
    frame = (40.0, 120.0, 560.0, 760.0)
    page = MapPage(1, 0, 0, (0, 0, 1800, 2230))
    cfg = load_config(None, {"osm": str(MONACO)})

    ms, rows = lay_out_map_page(page, CellArt(None, True, "", []), pts, xy, categories, cfg, (b"\x01",), frame,
                                lambda entries: [])
    assert sorted(r.name for r in rows) == sorted(p.name for p in pts)   # every point, exactly once
    numbers = sorted({s.number for s in ms.symbols})
    assert numbers == list(range(1, len(numbers) + 1))
    drawn = {s.number for s in ms.symbols if not s.shared}
    assert {r.number for r in rows} == drawn                             # every row's number is on the map
    by_name = {p.name: k for k, p in zip(map(str, range(150)), pts)}
    number_of = {s.key: s.number for s in ms.symbols}
    for r in rows:
        assert r.number == number_of[by_name[r.name]]


def test_many_pages_get_an_index_sheet_instead_of_an_overflowing_legend(tmp_path):
    """At 1:2,500 the overview's list of pages per kind is too long for its footer: it gets a sheet."""
    out = tmp_path / "big.pdf"
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "scale": 2500})
    report = build_atlas(cfg, out, now=NOW)
    assert len(report.pages) > 20
    texts = page_texts(out)
    assert "種類別の地図ページ / Map pages by kind of point" in texts[1]
    assert "給水 Drinking water →" in " ".join(texts[1].split())


def test_the_report_says_what_was_printed(tmp_path):
    """Pages with their areas, points placed or outside, sheets written, the data date; and the
    progress of filing pages, as done of total."""
    from pdfcheck import page_count

    calls = []
    out = tmp_path / "a.pdf"
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)]})
    report = build_atlas(cfg, out, now=NOW, progress=lambda *args: calls.append(args))
    assert report.sheets == page_count(out) > 1 + len(report.pages)
    assert set(report.page_bboxes) == {p.number for p in report.pages}
    w, s, e, n = (float(v) for v in MONACO_BBOX.split(","))
    for bw, bs, be, bn in report.page_bboxes.values():
        assert bw < be and bs < bn and bw < e and be > w and bs < n and bn > s
    assert report.placed + report.outside == report.points and report.placed > 0
    assert report.data_date == "2023-12-26 21:21 UTC" or report.data_date.startswith("2023-12-26")
    pages = [c for c in calls if c[0] == "pages"]
    total = 1 + len(report.pages)
    assert pages == [("pages", done, total) for done in range(total + 1)]
