"""Overlay layout without drawing: clipping, print resolution, marks, labels, legend, listing."""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, box

from papermap.layout.frame import sheet_layout
from papermap.layout.legend import LegendDoesNotFitError, LegendEntry, legend_layout
from papermap.layout.overlays import (SWATCH, OverlayLayer, Row, lay_out_listing, lay_out_overlays, legend_rows,
                                      letters, listing_chunks, outside_warnings, page_legend, project_overlays)
from papermap.layout.viewport import Viewport
from papermap.model.overlays import Overlay, load_overlay_kinds
from papermap.settings import MIN_FONT_PT, MM, PRINT_RESOLUTION_MM

KINDS = load_overlay_kinds()
FRAME = (0.0, 0.0, 500.0, 600.0)            # sheet points
VP = Viewport((0.0, 0.0, 1000.0, 1200.0), FRAME)   # metres: 2 m a point


def measure(text: str, size: float) -> float:
    return len(text) * size * 0.6


def layer(*overlays: Overlay) -> OverlayLayer:
    return project_overlays(list(overlays), KINDS, lambda a: a)


def line(name: str, kind: str, coords, notes: str = "") -> Overlay:
    return Overlay(f"t:{name}", kind, LineString(coords), name, notes, "", "t.kml", name)


def test_lines_are_clipped_to_the_page_and_its_pad():
    page = lay_out_overlays(layer(line("long", "closed_road", [(-5000, 600), (6000, 600)])), VP, measure)
    [drawing] = page.drawings
    xs = np.vstack(drawing.parts)[:, 0]
    pad = 2.0 * MM
    assert xs.min() >= FRAME[0] - pad - 0.01 and xs.max() <= FRAME[2] + pad + 0.01


def test_detail_below_print_resolution_is_simplified_away():
    t = np.linspace(0, 900, 2000)
    wiggle = np.column_stack([t, 600 + 0.01 * np.sin(t * 50)])       # 1 cm on the ground: nothing on paper
    page = lay_out_overlays(layer(line("wiggly", "passable_road", wiggle)), VP, measure)
    pts = np.vstack(page.drawings[0].parts)
    assert len(pts) < 10
    assert np.abs(pts[:, 1] - 300).max() <= PRINT_RESOLUTION_MM * MM


def test_closed_roads_carry_crosses_every_five_millimetres_inside_the_frame():
    page = lay_out_overlays(layer(line("c", "closed_road", [(100, 600), (100 + 50 * MM * 2, 600)])), VP, measure)
    marks = page.drawings[0].marks
    assert len(marks) == 10
    steps = np.diff([m.x for m in marks])
    assert np.allclose(steps, 5 * MM, atol=0.05)
    plain = lay_out_overlays(layer(line("p", "passable_road", [(100, 600), (600, 600)])), VP, measure)
    assert plain.drawings[0].marks == ()


def test_areas_are_rings_with_holes_kept_and_drawn_before_lines():
    hole = shapely.Polygon([(100, 100), (900, 100), (900, 900), (100, 900)], [[(400, 400), (600, 400), (600, 600),
                                                                                (400, 600)]])
    area = Overlay("t:a", "outage_area", hole, "停電 A", "", "1/3 10:30", "t.kml", "a")
    page = lay_out_overlays(layer(line("r", "closed_road", [(0, 0), (900, 900)]), area), VP, measure)
    assert [d.kind.id for d in page.drawings] == ["outage_area", "closed_road"]
    assert len(page.drawings[0].parts) == 2
    assert page.kinds == ("closed_road", "outage_area")   # in the kinds' order, as the legend lists them


def test_named_overlays_get_letters_in_reading_order_clear_of_symbols():
    upper = line("上の道", "closed_road", [(100, 1100), (900, 1100)])
    lower = line("下の道", "passable_road", [(100, 200), (900, 200)])
    nameless = line("", "passable_road", [(100, 600), (900, 600)])
    symbol = (40.0, 530.0, 70.0, 560.0)      # a point symbol where the upper road enters the page
    page = lay_out_overlays(layer(lower, nameless, upper), VP, measure, obstacles=[symbol])
    assert [(r.label, r.name, r.kind) for r in page.rows] == [("A", "上の道", "closed_road"),
                                                               ("B", "下の道", "passable_road")]
    assert [t.text for t in page.tags] == ["A", "B"]
    for t in page.tags:
        tag_box = (t.x - t.w / 2, t.y - t.h / 2, t.x + t.w / 2, t.y + t.h / 2)
        assert FRAME[0] <= tag_box[0] and tag_box[2] <= FRAME[2] and FRAME[1] <= tag_box[1] and tag_box[3] <= FRAME[3]
        assert not (tag_box[0] < symbol[2] and symbol[0] < tag_box[2]
                    and tag_box[1] < symbol[3] and symbol[1] < tag_box[3])
    a = page.tags[0]
    assert a.x < 150                          # near where the road enters the page, just past the symbol


def test_an_area_label_sits_inside_the_area():
    area = Overlay("t:a", "flooded_area", box(600, 600, 900, 900), "浸水 A", "", "", "t.kml", "a")
    [tag] = lay_out_overlays(layer(area), VP, measure).tags
    assert 300 < tag.x < 450 and 300 < tag.y < 450


def test_every_named_overlay_keeps_its_label_on_a_crowded_page():
    roads = [line(f"道 {i}", "closed_road", [(0, 100 + i), (1000, 100 + i)]) for i in range(40)]
    page = lay_out_overlays(layer(*roads), VP, measure)
    assert len(page.tags) == len(page.rows) == 40
    assert page.rows[-1].label == "AN"


def test_letters_run_past_z():
    assert [letters(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]


def test_legend_rows_only_for_kinds_present_and_fall_back_to_the_listing():
    rows = legend_rows(["outage_area", "closed_road"], KINDS)
    assert [r[0] for r in rows] == [SWATCH + "closed_road", SWATCH + "outage_area"]
    roads = layer(line("r", "closed_road", [(0, 600), (900, 600)]))
    page = lay_out_overlays(roads, VP, measure)

    def fit(entries):   # the footer's legend box of an A4 page
        return legend_layout(entries, 300.0, 62.0, measure, ("ja", "en"))

    items, same = page_legend([], page, roads, fit)
    assert [i.entry for i in items] == legend_rows(["closed_road"], KINDS) and same == page
    kinds_of_point = [LegendEntry("circle", "#000000", "black", f"種類{i}", f"kind {i}") for i in range(40)]
    n = next(n for n in range(1, 40) if not _fits(fit, kinds_of_point[:n + 1]))
    crowded = kinds_of_point[:n]          # the box holds these, and not one entry more
    items, moved = page_legend(crowded, page, roads, fit)
    assert [i.entry for i in items] == crowded
    assert moved.rows[0] == Row("", "closed_road", "", "", "")     # explained at the head of the listing


def _fits(fit, entries) -> bool:
    try:
        fit(entries)
        return True
    except LegendDoesNotFitError:
        return False


def test_listing_rows_wrap_split_over_sheets_and_stay_readable():
    rows = [Row(letters(i), "restricted_road", f"県道 {i} 号", "17:00〜翌8:00 通行止 " * 3, "1/3 10:30")
            for i in range(60)]
    chunks = listing_chunks(rows, KINDS, sheet_layout("A4", "portrait"), measure, ("ja", "en"))
    assert len(chunks) >= 2
    assert all(c.size >= MIN_FONT_PT for c in chunks)
    body = [r for c in chunks for r in c.rows[1:]]
    assert len(body) == 60
    texts = " ".join(line.text for c in chunks for r in c.rows for line in r.lines)
    assert "記号 / Label" in texts and "時点 / As of" in texts and "県道 59 号" in texts and "1/3 10:30" in texts
    height = (sheet_layout("A4", "portrait").header.y - 2 - sheet_layout("A4", "portrait").printable.y - 14) * MM
    assert all(c.height <= height for c in chunks)


def test_listing_refuses_text_under_seven_points():
    import pytest

    with pytest.raises(ValueError):
        lay_out_listing([Row("A", "closed_road", "x", "", "")], KINDS, 500, 500, 500, measure, ("ja",), size=6.5)


def test_overlays_on_no_page_are_told():
    far = line("遠い道", "closed_road", [(50000, 50000), (51000, 50000)])
    near = line("近い道", "closed_road", [(100, 100), (200, 100)])
    assert outside_warnings(layer(far, near), [VP.window]) == [
        "t.kml:遠い道: 遠い道 lies outside every map page: not on the paper"]
