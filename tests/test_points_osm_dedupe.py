"""Relief points from OSM tags, and merging the same place reported by several sources."""
from datetime import datetime

import pytest

from papermap.model.categories import load_categories
from papermap.model.dedupe import merge_duplicates, names_alike
from papermap.model.points import Point
from papermap.sources.points import osm_poi_keys, points_from_osm


@pytest.fixture(scope="module")
def cats():
    return load_categories()


def test_osm_poi_keys_come_from_the_category_rules(cats):
    keys = osm_poi_keys(cats)
    assert {"amenity", "man_made", "emergency", "shop", "social_facility"} <= keys
    assert "shelter_type" not in keys  # only used to exclude bus shelters


def test_points_from_osm(cats):
    pois = [
        ("node/1", 133.2, 34.4, {"amenity": "drinking_water", "name:ja": "水飲み場", "name:en": "Fountain"}),
        ("way/2", 133.21, 34.41, {"amenity": "public_bath", "name": "大宮湯", "opening_hours": "15:00-21:00",
                                  "phone": "+81 848-37-5809"}),
        ("node/3", 133.22, 34.42, {"amenity": "toilets", "access": "private"}),
        ("node/4", 133.23, 34.43, {"amenity": "charging_station"}),
        ("node/5", 133.24, 34.44, {"man_made": "water_tap", "drinking_water": "no"}),
        ("node/6", 133.25, 34.45, {"amenity": "bench"}),
    ]
    result = points_from_osm(pois, cats)
    assert result.problems == []
    got = {p.id: p for p in result.points}
    assert set(got) == {"node/1", "way/2", "node/5"}
    assert (got["node/1"].category, got["node/1"].name, got["node/1"].name_en) == ("water", "水飲み場", "Fountain")
    bath = got["way/2"]
    assert (bath.category, bath.hours, bath.contact, bath.source) == ("bath", "15:00-21:00", "+81 848-37-5809",
                                                                      "OpenStreetMap")
    assert "not drinking water" in got["node/5"].notes


def point(pid, name, lon, lat, category="bath", verified=None, **kw):
    return Point(id=pid, category=category, lon=lon, lat=lat, name=name, verified=verified, source=pid,
                 source_id=pid, **kw)


def test_same_place_from_two_sources_is_merged_keeping_the_fresher_details():
    old = point("a", "天然温泉 尾道みなと館", 133.20390, 34.41100, verified=datetime(2018, 7, 9),
                hours="6:00-9:30", contact="0848-20-8222")
    new = point("b", "尾道みなと館", 133.20395, 34.41120, verified=datetime(2018, 7, 12), hours="12:00-24:00")
    other = point("c", "寿湯", 133.1795, 34.2849)
    merged = merge_duplicates([old, other, new])
    assert [p.id for p in merged] == ["b", "c"]   # the place keeps its first position
    assert merged[0].hours == "12:00-24:00"        # the newest report wins
    assert merged[0].contact == "0848-20-8222"     # …and blanks are filled from the older one
    assert merged[0].extra["merged"] == "a#a"


def test_not_merged_when_far_apart_different_kind_or_different_name():
    base = point("a", "WASHハウス 向島店", 133.1931, 34.3947, category="laundry")
    far = point("b", "WASHハウス向島店", 133.1931, 34.3957, category="laundry")        # ~110 m north
    kind = point("c", "WASHハウス向島店", 133.1931, 34.3947, category="water")
    name = point("d", "コインランドリー白竜", 133.1931, 34.3947, category="laundry")
    assert len(merge_duplicates([base, far, kind, name])) == 4
    wide = point("e", "ＷＡＳＨハウス向島店", 133.19345, 34.3947, category="laundry")   # ~32 m, full-width
    assert [p.id for p in merge_duplicates([base, wide])] == ["a"]


def test_numbered_neighbours_are_different_places():
    assert not names_alike("新倉第一公園", "新倉第三公園")
    assert not names_alike("東本通三号公園", "東本通8号公園")
    assert names_alike("第四中学校", "三原市立第四中学校")
    parks = [point("a", "新倉第一公園", 133.0464, 34.3963, "toilet"), point("b", "新倉第三公園", 133.0464, 34.3963, "toilet")]
    assert len(merge_duplicates(parks)) == 2
