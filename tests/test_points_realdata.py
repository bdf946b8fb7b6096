"""The real 2018 western-Japan flood maps (Onomichi, Mihara, Higashi-Hiroshima), when ../shared is present."""
import argparse
from collections import Counter
from pathlib import Path

import pytest

from papermap.cli import check
from papermap.model.categories import load_categories
from papermap.model.dedupe import merge_duplicates
from papermap.sources.points import read_points

RELIEF = (Path(__file__).resolve().parents[1] / ".." / "shared" / "realdata" / "relief").resolve()
KML = RELIEF / "hiroshima-2018-water-supply.kml"
GEOJSON = RELIEF / "hiroshima-2018-water-supply.geojson"


def real(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"real data not available: {path} (../shared is absent)")
    return path


@pytest.fixture(scope="module")
def cats():
    return load_categories()


def test_every_placemark_is_read_into_its_folders_category(cats):
    result = read_points(real(KML), cats)
    # 389 placemarks: 44 in 給水_三原 are blank spreadsheet rows (no name, no coordinates)
    assert len(result.points) == 345
    assert [(p.field, p.message, p.fatal) for p in result.problems] == [
        ("row", "44 empty row(s) with no name or coordinates skipped", False)]
    # per folder: お風呂 31 + 風呂_三原 40; 洗濯所 3 + 洗濯_三原 15; 給水所 71 + 給水_三原 45 + 東広島市 7
    # (a place name: its 給水｜ names decide); トイレ.xlsx 133
    assert Counter(p.category for p in result.points) == {"bath": 71, "laundry": 18, "water": 123, "toilet": 133}
    assert all(132.5 < p.lon < 133.5 and 34.2 < p.lat < 34.7 for p in result.points)


def test_names_lose_their_prefix_and_keep_hours_apart(cats):
    points = read_points(real(KML), cats).points
    assert not [p.name for p in points if "｜" in p.name or "|" in p.name]
    first = points[0]
    assert (first.name, first.hours, first.category) == ("天然温泉 尾道みなと館", "6:00-9:30, 12:00-24:00", "bath")
    assert first.contact == "0848-20-8222" and "<br>" not in first.notes
    by_name = {p.name: p for p in points}
    # お風呂 has hours in the name; 風呂_三原 in its 営業 column, and a logged "時間: 4:00:00 PM" that is not hours
    assert [p.hours for p in points if p.name == "大宮湯"] == ["15:00-21:00, 月水金休み", "15:00~21:00\n湯がなくなり次第終了"]
    assert not [p for p in points if "PM" in p.hours]
    assert by_name["ダイニングカラオケ オアシス"].hours == "11:00-26:30"
    assert (by_name["東広島市 黒瀬支所"].status, by_name["東広島市 黒瀬支所"].status_text) == ("closed", "7/13から閉鎖")
    assert by_name["WASHPARK竹原店"].status == "open" and by_name["WASHPARK竹原店"].verified.year == 2018


def test_geojson_beside_it(cats):
    result = read_points(real(GEOJSON), cats)
    assert result.problems == []
    assert len(result.points) == 45
    assert Counter(p.category for p in result.points) == {"water": 37, "bath": 8}
    assert "天然温泉 尾道みなと館" in {p.name for p in result.points}


def test_the_two_exports_merge_into_one_map(cats):
    points = read_points(real(KML), cats).points + read_points(real(GEOJSON), cats).points
    merged = merge_duplicates(points)
    assert len(merged) < len(points)
    minatokan = [p for p in merged if p.category == "bath" and "尾道みなと館" in p.name]
    # the KML's お風呂 and 風呂_三原 folders and the GeoJSON each list it once; it sits ~60 m apart in one
    assert 1 <= len(minatokan) <= 2
    assert len([p for p in merged if p.name == "WASHハウス尾道向島店"]) == 1  # listed 3 times in one folder


def test_check_summary_on_the_real_kml(capsys):
    parser = argparse.ArgumentParser()
    check.register(parser.add_subparsers())
    args = parser.parse_args(["check", "--summary", str(real(KML))])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    for line in ("water      給水 / Drinking water: 123", "bath       お風呂 / Bath / shower: 71",
                 "laundry    洗濯 / Laundry: 18", "toilet     トイレ / Toilets: 133"):
        assert line in out
    assert out.splitlines()[-1] == "1 file(s): 345 point(s), 0 unusable, 1 warning(s)"
