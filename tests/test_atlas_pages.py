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
    total = 1 + 2 * len(report.pages) + 2     # the overview, each map page and its table, the two indexes
    assert pages == [("pages", done, total) for done in range(total + 1)]


def test_a_sliver_in_the_overlap_band_makes_no_page():
    """Two cells side by side overlapping by 100 m: a point (or a building) in the band, inside the
    left cell's own part, is on the left page; the right cell has nothing of its own and is no page.
    A point in the right cell's own part makes it a page."""
    from papermap.layout.atlas import AtlasFormat
    from papermap.layout.grid import Cell, grid
    from papermap.layout.sheetformat import AtlasContent
    from papermap.layout.sheets import SheetText

    categories = load_categories()
    cfg = load_config(None, {"osm": str(MONACO)})
    fmt = AtlasFormat(cfg)
    cells = grid((0, 0, 3000, 1000), (1700, 2200), 100)[:2]
    band_x = cells[1].window[0] + 20          # in both windows, in the left cell's own part
    assert cells[0].own[0] < band_x < cells[0].own[2] and not cells[1].own[0] < band_x

    def pages(xs: list[float]) -> list[int]:
        drawn = [CellArt(cells[0], True, "", []), CellArt(cells[1], False, "", [])]
        pts = [Point(id=str(i), category="water", lon=0, lat=0) for i in range(len(xs))]
        content = AtlasContent(cfg, categories, drawn, (0, 0, 1, 1), "", pts,
                               np.array([(x, 500.0) for x in xs]).reshape(-1, 2),
                               SheetText("t", "unknown", "now", "s", 10000, ("ja", "en")), lambda t, s: 1.0,
                               lambda w: (7.4, 43.7, 7.5, 43.8), lambda payloads: {p: (b"\x01",) for p in payloads})
        laid = fmt.lay_out(content)
        assert laid.placed == set(range(len(xs)))          # every point is on a page
        return [p.col for p in laid.pages]

    assert pages([band_x]) == [0]
    assert pages([band_x, cells[1].own[0] + 50]) == [0, 1]


def test_a_bbox_far_larger_than_the_extract_is_cut_to_the_data_with_a_warning(tmp_path):
    cfg = load_config(None, {"osm": str(MONACO), "bbox": "6.9,43.4,8.0,44.2", "cache_dir": str(tmp_path)})
    report = build_atlas(cfg, tmp_path / "wide.pdf", now=NOW)
    exact = build_atlas(load_config(None, {"osm": str(MONACO), "cache_dir": str(tmp_path)}), tmp_path / "x.pdf", now=NOW)
    assert len(report.pages) == len(exact.pages) < 10
    assert any("bbox 6.9,43.4,8,44.2 reaches beyond the extract's data" in w for w in report.warnings)
    assert not any("reaches beyond" in w for w in exact.warnings)
