"""``--layout poster``: one map over N×M sheets that volunteers cut, glue and hang; or one big page."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from conftest import MONACO
from papermap.config import load_config
from papermap.errors import InputError
from papermap.layout.poster import PosterFormat, fit_scale, poster_frame, tiles
from papermap.layout.sheets import PosterSheet, TableSheets
from papermap.settings import MIN_FONT_PT, MM, PAPER_MM
from pdfcheck import font_sizes, page_texts
from test_layouts import _build, _sheets

AREA = (1000.0, 2000.0, 4200.0, 5300.0)    # projected metres


@pytest.mark.parametrize("across, down, scale", [(3, 2, None), (2, 2, 10000), (1, 3, None)])
def test_sheets_overlap_by_exactly_the_strip_and_cover_the_area(across, down, scale):
    frame = poster_frame("A4", "portrait")
    size = (frame.w, frame.h)
    scale = scale or fit_scale(AREA, across, down, size, 10.0)
    cells = tiles(AREA, across, down, size, 10.0, scale)
    assert len(cells) == across * down
    strip = 10.0 / 1000 * scale
    by = {(c.row, c.col): c.window for c in cells}
    for (r, c), w in by.items():
        assert w[2] - w[0] == pytest.approx(frame.w / 1000 * scale)     # the same scale on every sheet
        if (r, c + 1) in by:
            assert w[2] - by[(r, c + 1)][0] == pytest.approx(strip)
            assert (w[1], w[3]) == pytest.approx(by[(r, c + 1)][1::2])
        if (r + 1, c) in by:
            assert w[1] - by[(r + 1, c)][3] == pytest.approx(-strip) or by[(r + 1, c)][3] - w[1] == pytest.approx(strip)
    union = (min(w[0] for w in by.values()), min(w[1] for w in by.values()),
             max(w[2] for w in by.values()), max(w[3] for w in by.values()))
    if scale == fit_scale(AREA, across, down, size, 10.0):   # the scale chosen to fit: all of the area is on it
        assert union[0] <= AREA[0] and union[1] <= AREA[1] and union[2] >= AREA[2] and union[3] >= AREA[3]
    assert (union[0] + union[2]) / 2 == pytest.approx((AREA[0] + AREA[2]) / 2)   # centred on the area


def test_the_fitted_scale_is_the_first_round_one_that_holds_the_area():
    frame = poster_frame("A4", "portrait")
    scale = fit_scale(AREA, 2, 2, (frame.w, frame.h), 10.0)
    assert scale == 10000     # 3,200 m over 2 × 164 + 10 mm needs 1:9,467
    smaller = tiles(AREA, 2, 2, (frame.w, frame.h), 10.0, 7500)
    assert max(c.window[2] for c in smaller) - min(c.window[0] for c in smaller) < AREA[2] - AREA[0]


@pytest.fixture(scope="module")
def poster(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("poster"), layout="poster", sheets="2x2")


def _poster_sheets(fmt) -> list[PosterSheet]:
    return [s for s in _sheets(fmt) if isinstance(s, PosterSheet)]


def test_poster_has_cut_glue_and_crop_marks_where_sheets_join(poster):
    out, report, fmt = poster
    sheets = _poster_sheets(fmt)
    assert [s.name for s in sheets] == ["A1", "A2", "B1", "B2"] and len(report.pages) == 4
    strip = fmt.cfg.overlap_mm * MM
    for s in sheets:
        x0, y0, x1, y1 = s.frame
        joins = s.map.page.neighbours
        # the next sheet right and below goes over a strip of exactly the overlap, on the frame's edge
        assert sorted(s.glue) == sorted(([(x1 - strip, y0, x1, y1)] if "E" in joins else [])
                                        + ([(x0, y0, x1, y0 + strip)] if "S" in joins else []))
        # this sheet is cut on its left and top frame lines when a sheet lies there
        assert sorted(s.cut) == sorted(([(x0, y0, x0, y1)] if "W" in joins else [])
                                       + ([(x0, y1, x1, y1)] if "N" in joins else []))
        # two crop marks at each corner, on the frame's lines, in the margin
        assert len(s.crop) == 8
        for mx0, my0, mx1, my1 in s.crop:
            on_x = mx0 == mx1 and mx0 in (x0, x1) and (min(my0, my1) >= y1 or max(my0, my1) <= y0)
            on_y = my0 == my1 and my0 in (y0, y1) and (min(mx0, mx1) >= x1 or max(mx0, mx1) <= x0)
            assert on_x or on_y
    # each mark is a path in the PDF where the layout put it
    pdf = pdfium.PdfDocument(str(out))
    try:
        for i, s in enumerate(sheets):
            boxes = [o.get_bounds() for o in pdf[i].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_PATH]
            for mx0, my0, mx1, my1 in s.crop + s.cut:
                want = (min(mx0, mx1), min(my0, my1), max(mx0, mx1), max(my0, my1))
                assert any(all(abs(a - b) < 1.5 for a, b in zip(box, want)) for box in boxes), (s.name, want)
    finally:
        pdf.close()


def test_glued_strips_show_the_same_ground(poster):
    """Laid over the strip, the next sheet's frame line falls on the ground where the strip begins."""
    out, report, fmt = poster
    sheets = {s.name: s for s in _poster_sheets(fmt)}
    for here, right, below in (("A1", "A2", "B1"), ("A2", None, "B2"), ("B1", "B2", None)):
        s = sheets[here]
        x0, y0, x1, y1 = s.frame
        k = (x1 - x0) / (s.map.page.window[2] - s.map.page.window[0])
        for gx0, gy0, gx1, gy1 in s.glue:
            if gx1 - gx0 < gy1 - gy0:   # the right strip
                assert s.map.page.window[0] + (gx0 - x0) / k == pytest.approx(sheets[right].map.page.window[0])
            else:
                assert s.map.page.window[1] + (gy1 - y0) / k == pytest.approx(sheets[below].map.page.window[3])


def test_edge_labels_name_the_joining_sheets_and_every_sheet_is_credited(poster):
    out, report, fmt = poster
    texts = page_texts(out)
    joins = {0: ("A2 · のりしろ", "B1 · のりしろ"),        # A1: A2 and B1 are glued over its strips
             1: ("A1 · 枠線で切り", "B2 · のりしろ"),      # A2: cut on the left, laid over A1
             2: ("A1 · 枠線で切り", "B2 · のりしろ"),      # B1: cut on top, laid over A1
             3: ("A2 · 枠線で切り", "B1 · 枠線で切り")}
    for i, said in joins.items():
        assert all(text in texts[i] for text in said), i
    for text in texts[:4]:
        assert "© OpenStreetMap contributors" in text and "monaco.osm.pbf" in text
    # the key on the first sheet: title, legend, the sheets' names in the diagram, the scale
    key = _poster_sheets(fmt)[0].panel
    assert key is not None and [name for _, name in key.assembly] == ["A1", "A2", "B1", "B2"]
    assert f"1:{fmt.scale:,}" in texts[0].replace("\r\n", "") and fmt.cfg.title in texts[0]


def test_every_point_on_the_poster_is_listed_after_it_and_no_text_under_7pt(poster):
    out, report, fmt = poster
    numbers = {p.number for s in _poster_sheets(fmt) for p in s.map.symbols}
    lists = [s for s in _sheets(fmt) if isinstance(s, TableSheets)]
    listed = {r.row.number for t in lists for c in t.chunks for r in c.rows}
    assert numbers == listed and len(listed) > 0 and report.placed + report.outside == report.points
    assert "ポスターの地点" in page_texts(out)[4]
    assert min(size for _, _, size in font_sizes(out)) >= MIN_FONT_PT - 0.01


def test_a_given_scale_wins(tmp_path):
    out, report, fmt = _build(tmp_path, layout="poster", sheets="2x1", scale=5000)
    assert fmt.scale == 5000 and len(report.pages) == 2
    page = _poster_sheets(fmt)[0].map.page
    assert (page.window[2] - page.window[0]) == pytest.approx(fmt.frame.w / 1000 * 5000)


def test_one_sheet_on_a1_is_one_big_page_without_marks(tmp_path):
    out, report, fmt = _build(tmp_path, layout="poster", sheets="1x1", paper="A1")
    (sheet,) = _poster_sheets(fmt)
    assert not sheet.crop and not sheet.glue and not sheet.cut and sheet.panel is not None
    pdf = pdfium.PdfDocument(str(out))
    try:
        w, h = pdf[0].get_size()
    finally:
        pdf.close()
    assert (w / MM, h / MM) == pytest.approx(PAPER_MM["A1"], abs=0.5)
    assert min(size for _, _, size in font_sizes(out)) >= MIN_FONT_PT - 0.01


@pytest.mark.parametrize("text, message", [('sheets = 3', 'sheets: must be sheets across x down in quotes'),
                                           ('sheets = "3 by 3"', "is not sheets across x down"),
                                           ('sheets = "9x1"', "out of range")])
def test_a_bad_sheets_key_is_one_clear_error(tmp_path, text, message):
    cfg = tmp_path / "poster.toml"
    cfg.write_text(f'osm = "{MONACO}"\nlayout = "poster"\n{text}\n', encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_config(cfg, {})
    assert str(cfg) in str(err.value)


def test_the_format_reads_its_sheets():
    fmt = PosterFormat(load_config(None, {"osm": str(MONACO), "layout": "poster", "sheets": "3x2"}))
    assert (fmt.across, fmt.down) == (3, 2) and fmt.page_count(AREA) == 6
