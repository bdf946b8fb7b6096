"""Points with only an address: placed offline from the extract being drawn, marked approximate, and
the ones that cannot be placed printed on the address-only sheet, never dropped. And what the table
carries for people to act on: phone, address, capacity, the checked time, the source's line."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import osmium
import pytest

from conftest import MONACO, MONACO_BBOX, REPO
from papermap.config import load_config
from papermap.model.address import fold, normalise
from papermap.model.categories import load_categories
from papermap.model.geocode import Gazetteer, metres, place_points
from papermap.model.points import Point
from papermap.pipeline import build_atlas
from papermap.sources.gazetteer import read_gazetteer
from papermap.sources.points import read_points
from pdfcheck import page_texts

FIXTURES = REPO / "tests" / "fixtures"
KML = FIXTURES / "address_only_monaco.kml"
CSV = FIXTURES / "address_only_monaco.csv"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
# placemark name -> the real OSM object it names (spelled as OSM spells it)
NAMES_A_POI = {
    "Lycée Albert 1er": "Lycée Albert-1er", "Mairie de Monaco": "Mairie de Monaco",
    "Bureau de Monaco Fontvieille": "Bureau de Monaco Fontvieille",
    "Centre de secours secondaire de Fontvieille": "Centre de secours secondaire de Fontvieille",
    "Centre de secours principal de la Condamine": "Centre de secours principal de la Condamine",
    "Bureau de Monaco Herculis": "Bureau de Monaco Herculis", "Ecole du Parc": "École du Parc",
    "Église Saint-Martin": "Église Saint-Martin", "Eglise des Franciscains": "Église des Franciscains",
    "Saint Paul's Anglican Church": "Saint Paul's Anglican Church", "Église des Carmes": "Église des Carmes",
    "Stade Louis II": "Stade Louis-II", "Théâtre du Fort Antoine": "Théâtre du Fort Antoine"}


@pytest.mark.parametrize("written, same_as", [
    ("京都市中京区本町三丁目五番地十二", "京都市中京区本町3丁目5-12"),
    ("本町３丁目５番１２号", "本町3丁目5-12"),
    ("本町3-5-12", "本町3丁目5-12"),
    ("本町3丁目5の12", "本町3丁目5-12"),
    ("北三条西四丁目", "北3条西4丁目"),
    ("大字山田１２３番地", "大字山田123"),
    ("千代田区一番町", "千代田区1番町"),
])
def test_one_address_written_many_ways_normalises_to_one_spelling(written, same_as):
    assert normalise(written) == same_as


def test_names_compare_without_accents_case_or_punctuation():
    assert fold("Lycée Albert-1er") == fold("lycee albert 1er")
    assert fold("3-5") != fold("35")   # a hyphen between digits is a house number's


def test_japanese_address_is_placed_by_addr_tags_then_by_its_chome():
    gaz = Gazetteer(streets={fold("本町3丁目"): {"5-12": (135.001, 35.001), "5": (135.0012, 35.0012),
                                                 "": (135.002, 35.002)}},
                    places={fold("山田"): ("山田", 135.1, 35.1, "district")})
    points = [Point(str(i), "shelter", float("nan"), float("nan"), name=f"p{i}", address=a, position="unplaced")
              for i, a in enumerate(["京都市本町三丁目五番地十二", "本町３丁目５番", "本町3丁目99", "大字山田１２３番地",
                                     "どこか"])]
    placed, left = place_points(points, gaz)
    where = {p.name: (p.lon, p.lat, p.placed_by, p.precision) for p in placed}
    assert where["p0"] == (135.001, 35.001, "addr tags", "building")
    assert where["p1"][:2] == (135.0012, 35.0012)
    assert where["p2"] == (135.002, 35.002, "addr tags (street)", "block")
    assert where["p3"] == (135.1, 35.1, "place: 山田", "district")
    assert [p.name for p in left] == ["p4"] and left[0].position == "unplaced"
    assert all(p.position == "geocoded" and p.approximate for p in placed)


def _osm_places(names: set[str]) -> dict[str, list[tuple[float, float]]]:
    """Where the extract has each named object, read independently of the gazetteer (any node, or
    any node of a way or of a multipolygon's outline, with that exact name)."""
    found: dict[str, list[tuple[float, float]]] = {}
    for obj in osmium.FileProcessor(str(MONACO)).with_locations().with_areas(osmium.filter.KeyFilter("name")):
        name = obj.tags.get("name")
        if name not in names:
            continue
        if obj.is_node():
            found.setdefault(name, []).append((obj.location.lon, obj.location.lat))
        elif obj.is_way():
            found.setdefault(name, []).extend((n.lon, n.lat) for n in obj.nodes if n.location.valid())
        elif obj.is_area():
            for ring in obj.outer_rings():
                found.setdefault(name, []).extend((n.lon, n.lat) for n in ring if n.location.valid())
    return found


def test_four_in_five_placemarks_naming_a_real_poi_land_within_60_m_of_it():
    result = read_points(KML, load_categories())
    assert not result.points and len(result.unplaced) == 17
    placed, _ = place_points(result.unplaced, read_gazetteer(MONACO))
    real = _osm_places(set(NAMES_A_POI.values()))
    assert set(real) == set(NAMES_A_POI.values())
    by_name = {p.name: p for p in placed}
    near = [name for name, osm_name in NAMES_A_POI.items()
            if name in by_name and min(metres((by_name[name].lon, by_name[name].lat), spot)
                                       for spot in real[osm_name]) <= 60.0]
    assert len(near) >= 0.8 * len(NAMES_A_POI), sorted(set(NAMES_A_POI) - set(near))


def _config(tmp_path: Path, path: Path, **source):
    return load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "osm_points": False,
                              "cache_dir": str(tmp_path / "cache"), "sources": [{"path": str(path), **source}]})


def test_every_placemark_reaches_paper_and_the_unplaced_ones_the_address_only_sheet(tmp_path):
    out = tmp_path / "a.pdf"
    report = build_atlas(_config(tmp_path, KML), out, now=NOW)
    texts = page_texts(out)
    address_only = [t for t in texts if "Address only (not on the map)" in t]
    assert len(address_only) == 1
    unplaced = {"Salle introuvable": "99 Rue Imaginaire, 06000 Nice", "Abri du Nord": "Chemin Inconnu"}
    for name, address in unplaced.items():
        assert name in address_only[0] and address in address_only[0]
    assert "2 point(s) with only an address not found in the map data" in "\n".join(report.warnings)
    tables = "\n".join(t for t in texts if "Points on map page" in t)
    flat = re.sub(r"\s+", " ", tables)
    for name in NAMES_A_POI:
        assert name in flat, name
    assert flat.count("位置は推定 / approx.") >= 15   # every placed one (overlapping pages list some twice)
    assert "避難所 9-15 03:00現在" not in flat and "as of 9-15 03:00現在" in flat   # the folder's 現在


def test_the_table_prints_phone_address_capacity_checked_time_and_the_source_line(tmp_path):
    out = tmp_path / "a.pdf"
    build_atlas(_config(tmp_path, CSV, licence="CC BY 4.0", as_of="9-15 03:00"), out, now=NOW)
    tables = re.sub(r"\s+", " ", "\n".join(t for t in page_texts(out) if "Points on map page" in t))
    for words in ("電話 / Phone", "+377 93 15 00 00", "32bis Boulevard de Belgique", "収容 80 / capacity 80",
                  "2024-09-15 09:30", "address_only_monaco.csv · CC BY 4.0 · as of 9-15 03:00"):
        assert words in tables, words
