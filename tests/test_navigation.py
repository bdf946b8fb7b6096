"""Navigation a reader uses: grid references on map pages, overview numbers that never overlap
and are sized to their pages, sections in a big atlas, the index of places, streets and points
(page and grid cell), the overview's own scale, no-extract atlases and the no-data hatch."""
from __future__ import annotations

import re

import numpy as np
import pdfplumber
import pytest

import papermap
from conftest import shared_file
from pdfcheck import font_sizes, page_texts, render, text_boxes
from papermap.layout.grid import MapPage
from papermap.layout.navigation import (GridRefs, column_name, grid_refs, name_index, page_labels, section_size,
                                        sections)
from papermap.render.pdf import load_font, text_width
from papermap.settings import MM

SAMPLE = "sample_data/monaco.osm.pbf"
FIXTURE = "tests/fixtures/points/onomichi_no_extract.csv"


@pytest.fixture(scope="module", autouse=True)
def _font():
    load_font(None)


def _overlaps(boxes) -> list:
    """Pairs of boxes (x0, top, x1, bottom) that overlap by more than a hair."""
    out = []
    b = sorted(boxes, key=lambda t: t[1][0])
    for i, (ta, a) in enumerate(b):
        for tb, bb in b[i + 1:]:
            if bb[0] >= a[2] - 0.3:
                break
            if min(a[2], bb[2]) - max(a[0], bb[0]) > 0.3 and min(a[3], bb[3]) - max(a[1], bb[1]) > 0.3:
                out.append((ta, tb))
    return out


def test_columns_run_past_z():
    assert [column_name(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_grid_cell_of_a_point_and_refs_clear_of_tabs():
    frame = (0.0, 0.0, 300.0, 400.0)
    tab = (140.0, 400.0, 160.0, 414.0)          # a neighbour tab in the top band, mid-frame
    refs = grid_refs(frame, 14.0, [tab], text_width, cell_mm=100 / MM)
    assert len(refs.xs) == 4 and len(refs.ys) == 5
    assert refs.cell(10, 390) == "A1" and refs.cell(290, 10) == "C4" and refs.cell(150, 150) == "B3"
    assert refs.cell(-5, 10) is None
    for x, y, text in refs.labels:
        w = text_width(text, refs.size)
        assert not (x - w / 2 < tab[2] and tab[0] < x + w / 2 and y - 4 < tab[3] and tab[1] < y + 4), text
    # a moved letter stays in its own column
    b = [x for x, y, t in refs.labels if t == "B" and y > 400][0]
    assert refs.xs[1] < b < refs.xs[2]


def test_page_labels_fit_their_boxes_at_one_size():
    boxes = [((i * 20.0, 0.0, i * 20.0 + 18.0, 18.0), str(i + 1)) for i in range(120)]
    labels = page_labels(boxes, text_width)
    assert len({lb.size for lb in labels}) == 1
    for lb in labels:
        w = text_width(lb.text, lb.size)
        assert w <= 0.45 * (lb.box[2] - lb.box[0]) + 1e-6 and lb.size <= 0.45 * (lb.box[3] - lb.box[1]) + 1e-6


def test_sections_hold_every_page_once():
    pages = [MapPage(r * 40 + c + 1, r, c, (c * 100.0, -r * 100.0, c * 100.0 + 110, -r * 100.0 + 110))
             for r in range(25) for c in range(40)]
    n = section_size((100.0, 100.0), (0, 0, 510, 650))
    secs = sections(pages, n)
    assert n >= 2 and sorted(p.number for s in secs for p in s.pages) == list(range(1, 1001))


def test_name_index_sorted_with_every_reference():
    rows = name_index([("Rue B", 2, "A1"), ("rue a", 1, "C3"), ("Rue B", 1, "D2"), ("Rue B", 2, "A1")])
    assert rows == [("rue a", "1 C3"), ("Rue B", "1 D2, 2 A1")]


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The whole Monaco extract (no bbox): edge pages reach beyond the extract's data."""
    out = tmp_path_factory.mktemp("nav") / "whole.pdf"
    report = papermap.build(out, osm=SAMPLE, use_cache=False)
    return out, report


def _overview_scale(path, scale: int = 10_000) -> tuple[int, float]:
    """The scale printed on the overview, and the one it is drawn at (from its page boxes)."""
    text = page_texts(path)[0]
    printed = int(re.search(r"Scale 1:([\d,]+)", text).group(1).replace(",", ""))
    with pdfplumber.open(str(path)) as pdf:
        widths = [r["width"] for r in pdf.pages[0].rects if r["width"] > 3]
    frame_w_mm = 210 - 20 - 10        # A4 portrait map frame: margins 10 mm, tabs 5 mm each side
    ground_m = frame_w_mm / 1000 * scale
    pages = [w for w in widths if w < frame_w_mm * MM - 1]   # not the frame itself
    drawn = ground_m / (max(pages) / MM / 1000)   # the widest box left is a whole page
    return printed, drawn


def test_overview_states_its_own_scale(whole):
    printed, drawn = _overview_scale(whole[0])
    assert abs(printed - drawn) / drawn < 0.05, (printed, drawn)
    assert printed > 10_000


def test_map_pages_carry_grid_references_and_the_index_finds_names(whole):
    path, report = whole
    texts = page_texts(path)
    maps = [i for i, t in enumerate(texts) if "ページ / Page" in t]
    words = {w for w, _ in text_boxes(path, maps[0])}
    assert {"A", "B", "C", "1", "2", "3"} <= words
    index = "\n".join(t for t in texts if "Index of places and streets" in t)
    assert re.search(r"Monte-Carlo\s+\d+ [A-F]\d", index), index[:400]
    points = "\n".join(t for t in texts if "Index of points by kind" in t)
    assert re.search(r"\d+ [A-F]\d", points)


def test_no_text_under_7pt(whole):
    small = [(p, ch, s) for p, ch, s in font_sizes(whole[0]) if s < 7.0 - 1e-3 and not ch.isspace()]
    assert not small, small[:10]


def test_ground_beyond_the_extract_is_hatched(whole):
    path, _ = whole
    texts = page_texts(path)
    first = [i for i, t in enumerate(texts) if "ページ / Page" in t][0]
    assert "no data / データなし" in texts[first]
    img = render(path, first, dpi=72)
    # page 1 sits at the extract's north-west corner: its top-left part is beyond the data
    corner = img[80:160, 40:200].astype(int)
    grey = (np.abs(corner - 224).max(axis=2) <= 6).mean()
    hatch = (np.abs(corner - 140).max(axis=2) <= 25).mean()
    assert grey > 0.3 and hatch > 0.02, (grey, hatch)


def test_points_without_an_extract_make_a_plain_atlas(tmp_path):
    out = tmp_path / "plain.pdf"
    report = papermap.build(out, points=[FIXTURE], use_cache=False)
    assert report.placed == report.points == 4 and report.outside == 0
    texts = page_texts(out)
    maps = [t for t in texts if "ページ / Page" in t]
    assert maps and all("No basemap available" in t for t in maps)
    assert all(re.search(r"\d+\.\d+°E", t) and re.search(r"\d+\.\d+°N", t) for t in maps)
    assert all(re.search(r"\d+ m", t) for t in maps)      # the scale bar
    assert "尾道市役所 給水所" in "\n".join(texts)
    assert not [s for _, ch, s in font_sizes(out) if s < 7.0 - 1e-3 and not ch.isspace()]


def test_real_2018_hiroshima_points_without_an_extract(tmp_path):
    src = shared_file("relief/hiroshima-2018-water-supply.geojson")
    out = tmp_path / "hiroshima.pdf"
    report = papermap.build(out, points=[str(src)], use_cache=False)
    assert report.pages and report.outside == 0 and report.placed == report.points > 0
    maps = [t for t in page_texts(out) if "ページ / Page" in t]
    assert len(maps) == len(report.pages) and all("No basemap available" in t for t in maps)


def test_no_osm_and_no_points_is_one_clear_error():
    with pytest.raises(papermap.InputError, match="no OSM data and no points"):
        papermap.Config()


@pytest.mark.large
def test_a_large_atlas_labels_never_overlap_and_every_page_is_indexed(tmp_path):
    """Monaco at 1:500: hundreds of map pages. The overview shows sections; each section sheet
    lists its pages; no two labels overlap on the overview or on any section sheet."""
    out = tmp_path / "big.pdf"
    report = papermap.build(out, osm=SAMPLE, scale=500, osm_points=False, use_cache=False)
    assert len(report.pages) >= 200
    texts = page_texts(out)
    sections = [i for i, t in enumerate(texts) if "Map pages of section" in t]
    assert sections, "an atlas this big has an overview of sections"
    listed = set()
    for i in [0] + sections:
        boxes = [(w, b) for w, b in text_boxes(out, i) if b[1] > 60 and b[3] < 700]   # inside the map frame
        assert not _overlaps(boxes), (i, _overlaps(boxes)[:5])
        if i:
            listed |= {int(w) for w, _ in boxes if w.isdigit()}
    assert {p.number for p in report.pages} <= listed
