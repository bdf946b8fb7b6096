"""Official lists in the 自治体標準オープンデータセット schemas: recognised by their headers, so every row
gets the list's kind, its English name, address, phone, capacity and (evacuation sites) hazards."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import MONACO, MONACO_BBOX
from papermap.config import load_config
from papermap.model.categories import load_categories
from papermap.pipeline import build_atlas
from papermap.sources.points import read_points
from papermap.sources.points.opendata import recognise
from pdfcheck import page_texts

OPENDATA = Path(__file__).parent / "fixtures" / "opendata"


@pytest.fixture(scope="module")
def cats():
    return load_categories()


def read(name, cats):
    result = read_points(OPENDATA / name, cats)
    assert [p for p in result.problems if p.fatal] == []
    return {p.name: p for p in result.points}


@pytest.mark.parametrize("name", ["evacuation_sites.csv", "evacuation_sites_sjis.csv"])
def test_evacuation_site_list_gives_kind_details_and_hazards(cats, name):
    sites = read(name, cats)
    assert {p.category for p in sites.values()} == {"evacuation_site"}
    school = sites["港小学校"]
    assert (school.name_en, school.address, school.contact, school.capacity) == (
        "Minato Elementary School", "見本市港町1丁目2番3号", "0120-111-222", "300")
    assert school.extra["hazards"] == "洪水・地震・津波"
    assert "災害種別: 洪水・地震・津波" in school.notes
    # circles count as flags too, and the list's own remark is kept beside the hazards
    park = sites["丘の上公園"]
    assert park.extra["hazards"] == "洪水・崖崩れ・土石流・地滑り・地震・大規模な火事"
    assert "広い芝生" in park.notes
    gym = sites["海岸体育館"]
    assert gym.extra["hazards"] == "地震" and "津波" not in gym.extra["hazards"]


def test_shift_jis_copy_reads_the_same(cats):
    utf8, sjis = read("evacuation_sites.csv", cats), read("evacuation_sites_sjis.csv", cats)
    fields = ("category", "name_en", "address", "contact", "capacity", "notes", "lat", "lon")
    assert {n: [getattr(p, f) for f in fields] for n, p in utf8.items()} == \
           {n: [getattr(p, f) for f in fields] for n, p in sjis.items()}


@pytest.mark.parametrize("name, category, first, name_en, address, phone, capacity", [
    ("shelters.csv", "designated_shelter", "市民会館", "Civic Hall", "見本市中央1丁目1番", "0120-555-666", "180"),
    ("toilets.csv", "toilet", "港公園トイレ", "Minato Park Toilet", "見本市港町2丁目", "0120-999-000", ""),
    ("aed.csv", "aed", "中央図書館", "Central Library", "見本市中央2丁目3番", "0120-654-321", ""),
])
def test_other_official_lists(cats, name, category, first, name_en, address, phone, capacity):
    points = read(name, cats)
    assert len(points) == 3 and {p.category for p in points.values()} == {category}
    p = points[first]
    assert (p.name_en, p.address, p.contact, p.capacity) == (name_en, address, phone, capacity)
    assert "hazards" not in p.extra


def test_a_source_category_given_by_the_user_still_wins(cats):
    result = read_points(OPENDATA / "shelters.csv", cats, category="welfare_shelter")
    assert {p.category for p in result.points} == {"welfare_shelter"}


def test_ordinary_sheets_are_not_taken_for_official_lists():
    assert recognise(["名称", "緯度", "経度", "地震", "収容人数"]) is None
    assert recognise(["name", "lat", "lon", "capacity"]) is None


def test_build_prints_the_hazards_in_the_table(tmp_path):
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "osm_points": False,
                             "points": [str(OPENDATA / "evacuation_sites.csv")],
                             "cache_dir": str(tmp_path / "cache")})
    out = tmp_path / "a.pdf"
    build_atlas(cfg, out, now=datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc))
    text = "".join(page_texts(out)).replace("\r", "").replace("\n", "")
    assert "災害種別: 洪水・地震・津波" in text
    assert "Minato Elementary School" in text or "港小学校" in text
