"""The page grid and sheet layout as pure functions: coverage, overlap, scale, numbering."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from papermap.errors import InputError
from papermap.layout.frame import sheet_layout, sheet_size
from papermap.layout.furniture import neighbour_tabs, scale_bar
from papermap.layout.grid import Cell, grid, ground_size, number_pages
from papermap.layout.viewport import Viewport
from papermap.settings import MM, MARGIN_MM

AREA = (0.0, 0.0, 3282.0, 3282.0)


def pages_for(paper="A4", orientation="portrait", scale=10_000, overlap_mm=10.0, area=AREA):
    sheet = sheet_layout(paper, orientation)
    return grid(area, ground_size(sheet.map.w, sheet.map.h, scale), overlap_mm / 1000 * scale)


@pytest.mark.parametrize("scale", [2_500, 5_000, 10_000, 25_000])
@pytest.mark.parametrize("paper,orientation", [("A4", "portrait"), ("A4", "landscape"), ("A3", "portrait")])
def test_grid_covers_the_whole_area(paper, orientation, scale):
    cells = pages_for(paper, orientation, scale)
    union = shapely.union_all([shapely.box(*c.window) for c in cells])
    assert union.contains(shapely.box(*AREA))


def test_neighbours_overlap_by_the_band():
    cells = pages_for(overlap_mm=10)
    by_pos = {(c.row, c.col): c for c in cells}
    left, right = by_pos[(0, 0)], by_pos[(0, 1)]
    assert left.window[2] - right.window[0] == pytest.approx(100.0)  # 10 mm at 1:10,000
    top, below = by_pos[(0, 0)], by_pos[(1, 0)]
    assert below.window[3] - top.window[1] == pytest.approx(100.0)


def test_scale_is_honoured_on_paper():
    """1 km on the ground is 100 mm on the sheet at 1:10,000 (within 1%)."""
    sheet = sheet_layout("A4", "portrait")
    cell = pages_for()[0]
    frame = (sheet.map.x * MM, sheet.map.y * MM, sheet.map.x1 * MM, sheet.map.y1 * MM)
    vp = Viewport(cell.window, frame)
    a = np.array([[cell.window[0] + 100, cell.window[1] + 100], [cell.window[0] + 1100, cell.window[1] + 100]])
    pt = vp.to_pt(a)
    mm = (pt[1, 0] - pt[0, 0]) / MM
    assert mm == pytest.approx(100.0, rel=0.01)
    # and the frame keeps the sheet's aspect: no stretching in y
    b = vp.to_pt(np.array([[cell.window[0], cell.window[1]], [cell.window[0], cell.window[1] + 1000]]))
    assert (b[1, 1] - b[0, 1]) / MM == pytest.approx(100.0, rel=0.01)


def test_page_count_follows_paper_orientation_and_scale():
    a4 = len(pages_for("A4"))
    assert len(pages_for("A3")) < a4                     # bigger sheets, fewer pages
    assert len(pages_for(scale=5_000)) > a4              # larger scale, more pages
    assert len(pages_for(scale=2_500)) > len(pages_for(scale=5_000))
    assert len(pages_for(scale=50_000)) == 1
    wide = (0.0, 0.0, 8000.0, 1200.0)
    assert len(pages_for(orientation="landscape", area=wide)) < len(pages_for(orientation="portrait", area=wide))


def test_empty_cells_are_skipped_and_numbers_run_row_by_row():
    cells = [Cell(r, c, (c, -r, c + 1, -r + 1)) for r in range(2) for c in range(3)]
    pages = number_pages(cells, keep=lambda cell: (cell.row, cell.col) != (0, 1))
    assert [(p.row, p.col) for p in pages] == [(0, 0), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert [p.number for p in pages] == [1, 2, 3, 4, 5]
    first = pages[0]
    assert "E" not in first.neighbours           # the skipped page is not pointed at
    assert first.neighbours == {"S": 3, "SE": 4}
    assert pages[3].neighbours == {"W": 3, "E": 5, "NW": 1, "NE": 2}


def test_margins_are_printer_safe_and_the_map_fits():
    for paper in ("A4", "A3"):
        for orientation in ("portrait", "landscape"):
            s = sheet_layout(paper, orientation)
            w, h = sheet_size(paper, orientation)
            assert s.printable.x >= 8 and s.printable.y >= 8 and w - s.printable.x1 >= 8 and h - s.printable.y1 >= 8
            assert s.printable.x == MARGIN_MM
            assert s.map.x > s.printable.x and s.map.y > s.footer.y1 and s.map.y1 < s.header.y


def test_unknown_paper_is_a_clear_error():
    with pytest.raises(InputError, match="unknown paper size 'A5'"):
        sheet_layout("A5", "portrait")


def test_scale_bar_is_round_and_fits():
    for scale in (1_000, 2_500, 5_000, 10_000, 25_000, 100_000):
        bar = scale_bar(scale)
        assert bar.length_mm <= 45 and bar.length_mm >= 15
        assert bar.metres == bar.length_mm * scale / 1000
    assert scale_bar(10_000).label(500) == "500 m"
    assert scale_bar(100_000).label(2000) == "2 km"


def test_neighbour_tabs_name_each_neighbour_once():
    s = sheet_layout("A4", "portrait")
    tabs = neighbour_tabs(s.map, {"N": 1, "E": 4, "NE": 2})
    assert sorted(t.text.split()[-1] for t in tabs) == ["1", "2", "4"]
    for t in tabs:  # inside the printable area, outside the map frame
        assert s.printable.x <= t.x <= s.printable.x1 and s.printable.y <= t.y <= s.printable.y1
        assert not (s.map.x < t.x < s.map.x1 and s.map.y < t.y < s.map.y1)


def test_page_ranges_are_short():
    from papermap.layout.furniture import page_ranges

    assert page_ranges([5, 1, 2, 3, 7, 8, 8]) == "1–3, 5, 7–8"
    assert page_ranges([4]) == "4"


def test_cell_cores_tile_the_area_without_the_overlap():
    """Each cell's own part is its window less half the overlap on every side: the parts meet
    edge to edge, so whatever lies in an overlap band is in exactly one cell's own part."""
    cells = grid((0, 0, 5000, 3000), (1800, 2200), 100)
    by = {(c.row, c.col): c for c in cells}
    for (r, c), cell in by.items():
        x0, y0, x1, y1 = cell.own
        assert (x1 - x0, y1 - y0) == (1700, 2100)
        if (r, c + 1) in by:
            assert by[(r, c + 1)].own[0] == x1 and by[(r, c + 1)].window[0] < x1
        if (r + 1, c) in by:
            assert by[(r + 1, c)].own[3] == y0
