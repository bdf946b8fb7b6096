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


def _merge_one_by_one(points):
    """merge_duplicates as it was: every point against the earlier ones in its 3x3 grid cells, in Python."""
    import math
    import re
    import unicodedata
    from collections import defaultdict
    from difflib import SequenceMatcher

    from papermap.model.dedupe import _NUMBERED, MAX_DISTANCE_M, MIN_NAME_RATIO, _merge, _xy

    def norm(name):
        return re.sub(r"[\s・･·\-‐－_]+", "", unicodedata.normalize("NFKC", name).casefold())

    def alike(a, b):
        na, nb = norm(a), norm(b)
        if not na or not nb:
            return na == nb
        numbers_a, numbers_b = _NUMBERED.findall(na), _NUMBERED.findall(nb)
        if numbers_a and numbers_b and numbers_a != numbers_b:
            return False
        if min(len(na), len(nb)) >= 2 and (na in nb or nb in na):
            return True
        return SequenceMatcher(None, na, nb).ratio() >= MIN_NAME_RATIO

    parent = list(range(len(points)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cells = defaultdict(list)
    xy = [_xy(p) for p in points]
    for i, p in enumerate(points):
        cx, cy = int(xy[i][0] // MAX_DISTANCE_M), int(xy[i][1] // MAX_DISTANCE_M)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in cells.get((p.category, cx + dx, cy + dy), ()):
                    if math.dist(xy[i], xy[j]) <= MAX_DISTANCE_M and root(i) != root(j) and alike(p.name, points[j].name):
                        parent[root(i)] = root(j)
        cells[(p.category, cx, cy)].append(i)
    groups = defaultdict(list)
    for i in range(len(points)):
        groups[root(i)].append(i)
    merged = [_merge([points[i] for i in members]) for members in groups.values()]
    first = [min(members) for members in groups.values()]
    return [p for _, p in sorted(zip(first, merged), key=lambda item: item[0])]


@pytest.mark.parametrize("seed", range(4))
def test_merging_with_numpy_candidates_matches_checking_point_by_point(seed):
    """numpy finds the close pairs and each name is keyed once; the merge comes out as before, including
    names whose difflib ratio depends on which one comes first ("ababba" / "baba")."""
    import math
    import random

    from papermap.model.dedupe import MAX_DISTANCE_M, _close_pairs, _xy
    rnd = random.Random(seed)
    names = ["ababba", "baba", "給bbab", "給ba所b", "所b所ca", "所ba所a", "新倉第一公園", "新倉第三公園", "尾道 みなと館",
             "尾道みなと館", "ＵＲＡ", "ura", "", "寿湯"]
    centres = [(rnd.uniform(-179, 179), rnd.uniform(-80, 80)) for _ in range(3)] + [(133.2, 34.4)]
    points = []
    for n in range(400):
        lon0, lat0 = rnd.choice(centres)
        lon, lat = lon0 + rnd.gauss(0, 0.0006), lat0 + rnd.gauss(0, 0.0006)
        verified = datetime(2018, 7, rnd.randint(1, 3)) if rnd.random() < 0.5 else None
        points.append(point(f"p{n}", rnd.choice(names), lon, lat, rnd.choice(["water", "bath"]), verified=verified,
                            hours=rnd.choice(["", "9:00-17:00"]), extra={"n": str(n)}))
    xy = [_xy(p) for p in points]
    brute = {(i, j) for i in range(len(points)) for j in range(i) if points[i].category == points[j].category
             and math.dist(xy[i], xy[j]) <= MAX_DISTANCE_M}
    found = list(_close_pairs(points))
    assert len(found) == len(set(found)) and set(found) == brute
    assert repr(merge_duplicates(points)) == repr(_merge_one_by_one(points))


def test_name_keys_drop_the_same_spaces_and_separators_as_before():
    import random
    import re
    import unicodedata

    from papermap.model.dedupe import _name_key
    spaces = [c for c in map(chr, range(0x10000)) if c.isspace()]
    assert all(re.fullmatch(r"\s", c) for c in spaces)  # str.split() drops what the old pattern's \s did
    rnd = random.Random(0)
    alphabet = spaces + list("・･·-‐－_aＡ給1１第三号")
    for _ in range(5000):
        name = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        assert _name_key(name)[0] == re.sub(r"[\s・･·\-‐－_]+", "", unicodedata.normalize("NFKC", name).casefold())
