"""Status (open / closed / limited / unknown) read from every place a source puts it, shown on the
map symbol itself, in the legend and in the table, and left off the paper with --hide."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from conftest import MONACO, MONACO_BBOX
from papermap.config import load_config
from papermap.errors import InputError
from papermap.layout.symbols import SYMBOL_MM
from papermap.model.categories import load_categories
from papermap.model.status import find_status, status_mark
from papermap.pipeline import build_atlas
from papermap.render.pdf import Document
from papermap.render.symbols import draw_symbol
from papermap.settings import MM
from papermap.sources.points import read_points
from pdfcheck import page_texts, render

FIXTURE = Path(__file__).parent / "fixtures" / "statuses.kml"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
CATS = load_categories()
SIZE = SYMBOL_MM * MM
BOX = 40.0


@pytest.mark.parametrize("text, status", [
    ("開設", "open"), ("開設中", "open"), ("営業中", "open"), ("利用可", "open"), ("再開", "open"),
    ("閉鎖", "closed"), ("閉所", "closed"), ("提供終了", "closed"), ("終了", "closed"), ("休止", "closed"),
    ("中止", "closed"), ("一部", "limited"), ("条件付き", "limited"), ("未確認", "unknown"), ("不明", "unknown"),
    ("一部再開", "limited"), ("未開設", "closed"), ("営業終了", "closed"), ("Closed", "closed"),
])
def test_one_vocabulary(text, status):
    assert find_status(text)[0] == status


def test_words_that_are_not_a_status_are_not_read_as_one():
    assert find_status("営業時間 9:00-17:00") is None        # hours, not "open"
    assert find_status("月曜休業") is None                     # a day off, not closed
    assert find_status("休止中の可能性あり")[0] == "unknown"    # doubt is not a closure


def test_statuses_come_from_names_descriptions_and_folders():
    points = {p.name: p for p in read_points(FIXTURE, CATS).points}
    assert (points["港町公民館"].status, points["港町公民館"].category) == ("open", "shelter")
    assert points["旧市街小学校"].status == "closed"
    assert (points["丘の上センター"].status, points["丘の上センター"].hours) == ("open", "9:00-16:00")
    assert (points["駅前広場"].status, points["駅前広場"].category) == ("closed", "water")   # folder 提供終了
    assert points["浜の井戸"].status == "limited"
    gs = [p for p in read_points(FIXTURE, CATS).points if p.name == "GS"]
    assert sorted((p.category, p.status) for p in gs) == [("fuel", "open"), ("fuel", "unknown")]


def test_a_typhoon_maps_fuel_stations_are_fuel_without_a_folder(tmp_path):
    csv = tmp_path / "gs.csv"
    csv.write_text("名称,緯度,経度\nGS(赤：無事),43.73,7.42\nGS(黒点：未確認),43.74,7.42\n", encoding="utf-8")
    points = read_points(csv, CATS).points
    assert [(p.category, p.status, status_mark(p.status, p.status_text)) for p in points] == [
        ("fuel", "open", ""), ("fuel", "unknown", "unknown")]


def _raster(tmp_path: Path, shape: str, fill: str, colour: str, code: str, status: str, mono: bool) -> np.ndarray:
    path = tmp_path / "s.pdf"
    doc = Document(path, (BOX, BOX))
    draw_symbol(doc, shape, BOX / 2, BOX / 2, SIZE, colour, fill, None, mono, code, status)
    doc.end_sheet()
    doc.finish()
    return render(path, 0, dpi=150, grey=True).astype(int)


@pytest.mark.parametrize("mono", [True, False])
def test_every_default_category_and_every_status_mark_differ(tmp_path, mono):
    """Rasterised in grey (a photocopy), every kind's symbol differs from every other's, and each
    status mark changes a symbol visibly and differently from the other marks."""
    images = {c.id: _raster(tmp_path, c.shape, c.mono, c.colour, c.code, "", mono) for c in CATS}
    for a, b in itertools.combinations(images, 2):
        differ = (np.abs(images[a] - images[b]) > 64).sum()
        assert differ > 40, f"{a} and {b} look alike ({differ} pixels differ)"
    for c in (CATS.by_id["shelter"], CATS.by_id["fuel"]):
        marked = {s: _raster(tmp_path, c.shape, c.mono, c.colour, c.code, s, mono)
                  for s in ("", "closed", "limited", "unknown")}
        for a, b in itertools.combinations(marked, 2):
            assert (np.abs(marked[a] - marked[b]) > 64).sum() > 40, f"{c.id}: {a!r} and {b!r} look alike"


def test_statuses_reach_the_map_the_legend_and_the_table(tmp_path):
    out = tmp_path / "s.pdf"
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(FIXTURE)],
                             "osm_points": False, "jobs": 1})
    build_atlas(cfg, out, now=NOW, use_cache=False)
    texts = [" ".join(t.split()) for t in page_texts(out)]
    maps = " ".join(t for t in texts if "ページ / Page" in t)
    for words in ("閉鎖・休止 closed", "一部・条件付き limited", "状況未確認 status not confirmed"):
        assert words in maps                                      # the legend explains the marks drawn
    assert "給油所 Fuel" in maps and "G" in maps                    # the fuel symbol's code is in the legend
    tables = " ".join(texts)
    assert "× 閉鎖 closed" in tables and "◐ 一部・条件付き limited" in tables


def test_hide_leaves_points_off_and_says_how_many(tmp_path):
    out = tmp_path / "h.pdf"
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [f"{FIXTURE}"],
                             "osm_points": False, "hide": "closed,unknown", "jobs": 1})
    report = build_atlas(cfg, out, now=NOW, use_cache=False)
    assert report.hidden == 3 and report.hidden_by == {"closed": 2, "unknown": 1}
    assert any("3 relief point(s) left off the paper" in w for w in report.warnings)
    text = " ".join(page_texts(out))
    assert "旧市街小学校" not in text and "駅前広場" not in text and "港町公民館" in text
    with pytest.raises(InputError, match="unknown status"):
        load_config(None, {"osm": str(MONACO), "hide": "shut"})


def test_a_source_category_decides_for_the_whole_file(tmp_path):
    csv = tmp_path / "parks.csv"
    csv.write_text("名称,緯度,経度,種別\n運動公園 (温泉あり),43.73,7.42,\n市民体育館,43.74,7.42,福祉避難所\n",
                   encoding="utf-8")
    assert [p.category for p in read_points(csv, CATS).points] == ["bath", "welfare_shelter"]
    assert [p.category for p in read_points(csv, CATS, category="evacuation_site").points] == [
        "evacuation_site", "welfare_shelter"]                    # the row's own column still names its kind
    from papermap.sources.relief import point_spec
    assert point_spec(f"{csv}#shelter") == {"path": str(csv), "category": "shelter"}
    with pytest.raises(InputError, match="unknown category"):
        read_points(csv, CATS, category="spa")
