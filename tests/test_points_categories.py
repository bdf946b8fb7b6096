"""The category table and the rules that sort a point into a category."""
from pathlib import Path

import pytest

from papermap.errors import InputError
from papermap.model.categories import MONO_FILLS, load_categories


@pytest.fixture(scope="module")
def cats():
    return load_categories()


def test_table_is_stable_and_every_category_prints_differently(cats):
    assert cats.ids[:3] == ["water", "bath", "laundry"]
    assert cats.ids[-1] == "other"
    assert {"toilet", "supplies", "shelter", "medical", "charging"} <= set(cats.ids)
    assert len({(c.shape, c.code) for c in cats}) == len(cats)      # kinds sharing a shape differ by code
    assert len({c.colour.lower() for c in cats}) == len(cats)
    assert {"designated_shelter", "evacuation_site", "welfare_shelter", "tsunami_refuge", "fuel", "convenience",
            "wifi", "aed", "roadside_station", "public_office", "landmark"} <= set(cats.ids)
    assert all(c.mono in MONO_FILLS and c.colour.startswith("#") for c in cats)
    assert cats.by_id["water"].label("ja") == "給水" and cats.by_id["water"].label("en") == "Drinking water"


@pytest.mark.parametrize("folders, name, description, expected", [
    (["お風呂"], "風呂｜天然温泉 尾道みなと館", "", "bath"),
    (["給水所"], "尾道平原温泉 ぽっぽの湯", "", "water"),         # the folder wins over a 温泉 name
    (["東広島市"], "給水｜東広島市 黒瀬支所", "", "water"),          # a place-name folder: the name decides
    (["東区", "トイレ.xlsx"], "長江口ゆとりの広場", "", "toilet"),    # innermost folder first, then outer
    (["洗濯_三原"], "コインランドリー白竜", "", "laundry"),
    ([], "水道局", "", "water"),
    ([], "清水公園トイレ", "", "toilet"),                            # 清水 is a place, not water
    ([], "水道｜武田屋（子ども赤ちゃんシャワーあり）", "", "water"),   # the prefix beats a longer word later
    ([], "黒瀬支所", "入浴できます", "bath"),                          # the description as last resort
    ([], "救護所", "", "medical"),
    ([], "スマホ充電コーナー", "", "charging"),
    ([], "第二体育館", "避難所として開設", "shelter"),
    ([], "本町会館", "支援物資の配布", "supplies"),
    ([], "東広島市 安芸津支所", "", "other"),
])
def test_classify(cats, folders, name, description, expected):
    assert cats.classify(folders, name, description) == expected


def test_explicit_category_and_source_specific_map(cats):
    assert cats.classify(["お風呂"], "x", "", explicit="toilet") == "toilet"
    assert cats.classify([], "x", "", explicit="お風呂") == "bath"
    assert cats.classify([], "x", "", explicit="Laundry") == "laundry"
    assert cats.classify([], "x", "", explicit="ice cream") == "other"
    mapped = {"東広島市": "water", "Stall": "supplies"}
    assert cats.classify(["東広島市"], "安芸津支所", "", category_map=mapped) == "water"
    assert cats.classify([], "x", "", explicit="stall", category_map=mapped) == "supplies"
    with pytest.raises(InputError, match="unknown category 'ice'"):
        cats.check_map({"Stall": "ice"})


def test_name_prefixes_and_category_suffixes_are_split_off(cats):
    assert cats.split_prefix("風呂｜天然温泉 尾道みなと館") == ("bath", "天然温泉 尾道みなと館")
    assert cats.split_prefix("トイレ|山波公民館") == ("toilet", "山波公民館")
    assert cats.split_prefix("大宮湯（お風呂）") == ("bath", "大宮湯")
    assert cats.split_prefix("ホテルTODAI/シャワー2室") == (None, "ホテルTODAI/シャワー2室")
    assert cats.split_prefix("妙皇寺（お風呂・お水）") == (None, "妙皇寺（お風呂・お水）")  # two kinds: keep both


def test_osm_rules(cats):
    assert cats.for_tags({"amenity": "drinking_water"}) == "water"
    assert cats.for_tags({"man_made": "water_tap"}) == "water"
    assert cats.for_tags({"amenity": "public_bath"}) == "bath"
    assert cats.for_tags({"amenity": "device_charging_station"}) == "charging"
    assert cats.for_tags({"amenity": "charging_station"}) is None  # car chargers are no use for phones
    assert cats.for_tags({"amenity": "shelter", "shelter_type": "public_transport"}) is None
    assert cats.for_tags({"amenity": "shelter"}) == "shelter"
    assert cats.for_tags({"emergency": "assembly_point"}) == "shelter"
    assert cats.for_tags({"amenity": "bench"}) is None


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "categories.toml"
    path.write_text(body, encoding="utf-8")
    return path


_ONE = '[[category]]\nid = "{id}"\nja = "x"\nen = "x"\nshape = "{shape}"\ncolour = "#000000"\nmono = "{mono}"\n'


def test_a_table_where_two_categories_print_alike_is_refused(tmp_path):
    body = _ONE.format(id="water", shape="drop", mono="white") + _ONE.format(id="other", shape="drop", mono="black")
    with pytest.raises(InputError, match="same shape and code as 'water'") as err:
        load_categories(_write(tmp_path, body))
    assert "categories.toml" in str(err.value)


def test_a_table_without_other_or_with_a_bad_fill_is_refused(tmp_path):
    with pytest.raises(InputError, match="'other'"):
        load_categories(_write(tmp_path, _ONE.format(id="water", shape="drop", mono="white")))
    with pytest.raises(InputError, match="mono must be one of"):
        load_categories(_write(tmp_path, _ONE.format(id="other", shape="drop", mono="purple")))


def test_categories_for_tags_remembered_give_what_the_rules_give():
    """for_tags remembers its answer by the tags the rules name; every answer must stay the one
    the rules give when worked out afresh, whatever other tags (names, notes) come with them."""
    from itertools import product

    from papermap.model.categories import load_categories

    cats = load_categories()
    values = {"amenity": ["drinking_water", "toilets", "shelter", "hospital", "fuel", "bench"],
              "access": ["private", "yes"], "shower": ["yes"], "emergency": ["defibrillator"]}
    seen = 0
    for combo in product(*[[None, *v] for v in values.values()]):
        tags = {k: v for k, v in zip(values, combo) if v is not None}
        for extra in ({}, {"name": "X"}, {"name": "Y", "note": "z"}):
            fresh = next((c.id for c in cats.ordered if c.matches_tags(tags | extra)), None)
            assert cats.for_tags(tags | extra) == fresh, tags | extra
            seen += 1
    assert seen > 100
