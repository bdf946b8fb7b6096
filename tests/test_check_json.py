"""``papermap check --json``: one JSON document with every point, how it was placed and where it came
from, and every problem; and a KML that only links to another is refused, never read as zero points."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from conftest import MONACO
from papermap.errors import InputError
from papermap.model.categories import load_categories
from papermap.sources.points import read_points
from test_points_cli import run

FIXTURES = Path(__file__).parent / "fixtures"
ADDRESS_ONLY = FIXTURES / "address_only_monaco.csv"
LINK_ONLY = FIXTURES / "points" / "networklink_only.kml"


def check_json(argv: list[str], capsys) -> tuple[int, dict]:
    code = run(["check", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_points_and_problems_with_their_sources(capsys):
    path = FIXTURES / "points" / "ten_rows_three_bad.csv"
    code, doc = check_json([str(path)], capsys)
    assert code == 1
    assert [(p["file"], p["line"], p["field"]) for p in doc["problems"]] == [
        (str(path), "6", "lat"), (str(path), "9", "lon"), (str(path), "12", "lat")]
    assert "missing latitude" in doc["problems"][0]["message"]
    assert len(doc["points"]) == 7
    first = doc["points"][0]
    assert first["position"] == "exact" and first["source"] == f"{path}:4"   # the physical line: comments count
    assert isinstance(first["lat"], float) and isinstance(first["lon"], float)
    assert set(first) == {"name", "category", "status", "lat", "lon", "position", "placed_by", "source"}


def test_official_list_reports_its_kind(capsys):
    code, doc = check_json([str(FIXTURES / "opendata" / "evacuation_sites.csv")], capsys)
    assert code == 0
    assert {p["category"] for p in doc["points"]} == {"evacuation_site"}


def test_address_only_points_are_unplaced_without_an_extract(capsys):
    code, doc = check_json([str(ADDRESS_ONLY)], capsys)
    assert code == 0
    assert doc["points"] and {p["position"] for p in doc["points"]} == {"unplaced"}
    assert all(p["lat"] is None and p["lon"] is None for p in doc["points"])
    assert doc["points"][0]["source"] == f"{ADDRESS_ONLY}:2"


def test_address_only_points_are_placed_from_the_extract(capsys):
    _, doc = check_json([str(ADDRESS_ONLY), "--osm", str(MONACO)], capsys)
    placed = [p for p in doc["points"] if p["position"] == "geocoded"]
    assert placed, "no address placed from the sample extract"
    for p in placed:
        assert 43.7 < p["lat"] < 43.76 and 7.4 < p["lon"] < 7.45 and p["placed_by"]
    # nothing is dropped: every row is either placed or still listed as unplaced
    _, without = check_json([str(ADDRESS_ONLY)], capsys)
    assert sorted(p["name"] for p in doc["points"]) == sorted(p["name"] for p in without["points"])
    assert all(p["lat"] is None for p in doc["points"] if p["position"] == "unplaced")


def test_networklink_only_kml_is_refused_with_what_to_do():
    with pytest.raises(InputError) as caught:
        read_points(LINK_ONLY, load_categories())
    message = str(caught.value)
    assert "only links to https://www.google.com/maps/d/kml?mid=1AbCdEfGhIjKlMnOp" in message
    assert "forcekml=1" in message and str(LINK_ONLY) in message


def test_check_fails_on_a_networklink_only_kml(capsys):
    assert run(["check", str(LINK_ONLY)]) == 1
    assert "only links to" in capsys.readouterr().out
    code, doc = check_json([str(LINK_ONLY)], capsys)
    assert code == 1 and doc["points"] == []
    assert doc["problems"][0]["field"] == "NetworkLink" and "forcekml=1" in doc["problems"][0]["message"]


def test_a_kml_with_placemarks_and_a_link_still_reads(tmp_path):
    text = LINK_ONLY.read_text(encoding="utf-8").replace(
        "</Document>", "<Placemark><name>給水所</name><Point><coordinates>7.42,43.73</coordinates></Point>"
                       "</Placemark></Document>")
    path = tmp_path / "mixed.kml"
    path.write_text(text, encoding="utf-8")
    result = read_points(path, load_categories())
    assert [p.name for p in result.points] == ["給水所"] and math.isclose(result.points[0].lat, 43.73)
