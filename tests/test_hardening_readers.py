"""Each malformed input the issue-18 audit found, as a small fixture in tests/fixtures/regressions/:
it must end in one clear InputError (naming file and, where known, place and field) or in per-row
problems that keep the good rows, never in a traceback."""
from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from papermap import settings
from papermap.errors import InputError, PapermapError
from papermap.model.categories import load_categories
from papermap.sources.osm import read_osm
from papermap.sources.points import read_points

REG = Path(__file__).parent / "fixtures" / "regressions"
CATS = load_categories()


def read(name: str):
    return read_points(REG / name, CATS)


def refused(name: str, *words: str) -> InputError:
    with pytest.raises(InputError) as info:
        read(name)
    text = str(info.value)
    assert "\n" not in text and str(REG / name) in text
    for word in words:
        assert word in text
    return info.value


@pytest.mark.parametrize("name, words", [
    ("kmz_encrypted.kmz", ["not a valid KMZ", "encrypted"]),
    ("kmz_unknown_compression.kmz", ["not a valid KMZ", "compression"]),
    ("kmz_truncated.kmz", ["not a valid KMZ"]),
    ("kmz_lying_size.kmz", ["not a valid KMZ"]),     # the size in the header is 300 bytes: CRC fails, no 2 MB read
    ("deep.geojson", ["nested too deeply"]),
    ("features_not_a_list.geojson", ["features", "not a list"]),
    ("umap_without_layers.umap", ["layers"]),
    ("deep_folders.kml", [f"nested more than {settings.MAX_NESTING} deep"]),
    ("unknown_encoding.kml", ["encoding"]),
])
def test_broken_file_is_one_clear_error(name: str, words: list[str]) -> None:
    refused(name, *words)


def test_kmz_unpacking_past_the_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(settings, "MAX_KMZ_UNPACKED_BYTES", 1_000_000)
    refused("kmz_big.kmz", "unpacks to more than")
    monkeypatch.setattr(settings, "MAX_KMZ_UNPACKED_BYTES", 3_000_000)
    assert read("kmz_big.kmz").points == []  # the same file, within the limit: read (it has no placemarks)


def test_wrong_typed_geojson_members_are_row_problems_and_the_good_row_stays() -> None:
    result = read("wrong_types.geojson")
    assert [p.name for p in result.points] == ["", "good"]  # feature 1: its place kept, its list of "properties" not
    fields = {(p.where, p.field) for p in result.problems}
    assert {("feature 1", "properties"), ("feature 2", "geometry"), ("feature 3", "coordinates"),
            ("feature 4", "lon")} <= fields
    assert all("\n" not in str(p) for p in result.problems)


def test_overflowing_coordinates_are_reported_not_read_as_zero_or_infinity() -> None:
    result = read("overflow.geojson")
    assert [p.name for p in result.points] == ["good"]
    bad = sorted((p.where, p.field) for p in result.problems if p.fatal)
    assert bad == [("feature 1", "lon"), ("feature 2", "lat"), ("feature 3", "lat")]
    assert all(len(p.message) < 120 for p in result.problems)  # a 400-digit number is shown cut short


def test_umap_layer_name_of_the_wrong_type_is_ignored() -> None:
    assert [p.name for p in read("umap_layer_name_nested.umap").points] == ["good"]


def test_csv_with_nul_bytes_keeps_its_rows() -> None:
    assert [p.name for p in read("nul_bytes.csv").points] == ["給水\x00所", "good"]


def test_huge_character_reference_and_unclosed_tag_are_read(hang_guard) -> None:
    """"&#999…" (5,000 digits) raised ValueError in html.unescape; "<aaaa…" with no ">" was quadratic."""
    result = read("huge_charref_and_open_tag.csv")
    assert [p.name for p in result.points] == ["\ufffd", "<" + "a" * 30_000]


def test_csv_cell_over_the_field_limit_loses_only_its_row(tmp_path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text('name,lat,lon\na,35.6,139.7\n"' + "x" * (settings.MAX_CSV_FIELD_BYTES + 10) + ',35,139\n'
                    "c,35.61,139.71\n")
    result = read_points(path, CATS)
    assert [p.name for p in result.points] == ["a", "c"]
    assert any(p.where == "3" and "longer than the limit" in p.message for p in result.problems)


def test_points_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "MAX_INPUT_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("name,lat,lon\n" + "a,35.6,139.7\n" * 20)
    with pytest.raises(InputError, match="split it"):
        read_points(path, CATS)


def test_more_features_than_the_limit_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "MAX_FEATURES", 5)
    path = tmp_path / "many.csv"
    path.write_text("name,lat,lon\n" + "".join(f"p{i},35.6,139.{i}\n" for i in range(10)))
    with pytest.raises(InputError, match="more than 5 rows"):
        read_points(path, CATS)


# --- OSM --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, words", [
    ("overpass_element_not_object.json", ["element 1", "not an OSM element"]),
    ("overpass_lat_text.json", ["node 1001", "lat"]),
    ("overpass_lat_inf.json", ["node 1001", "lat", "-90 to 90"]),
    ("exponent_coordinate.osm", [": 4: lat:", "'1e400'", "exponent"]),
])
def test_broken_osm_data_is_one_clear_error(name: str, words: list[str]) -> None:
    with pytest.raises(InputError) as info:
        read_osm(REG / name)
    assert "\n" not in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_overpass_ways_in_quadtile_order_are_read() -> None:
    """`out qt` lists ways by quadtile, not id; the pond (a relation over way 2003) must still be found."""
    layers = read_osm(REG / "overpass_ways_quadtile_order.json")
    assert len(layers.roads) == 1 and len(layers.buildings) == 1 and len(layers.water) == 1


def test_coastline_geos_cannot_node_is_an_input_error(monkeypatch) -> None:
    import numpy as np
    import shapely
    from shapely.errors import GEOSException

    from papermap.model import sea

    def broken(*args, **kwargs):
        raise GEOSException("TopologyException: side location conflict")

    monkeypatch.setattr(sea.shapely, "polygonize", broken)
    coast = np.array([shapely.LineString([(0, 5), (10, 5)])], dtype=object)
    with pytest.raises(InputError, match="coastline"):
        sea.sea_polygons(coast, (0, 0, 10, 10))


# --- config and categories ----------------------------------------------------------------------

@pytest.mark.parametrize("name, field, words", [
    ("config_deep.toml", "", ["nested"]),
    ("config_mono_text.toml", "mono", ["true or false"]),
    ("config_points_text.toml", "points", ["list of file names"]),
    ("config_sources_wrong.toml", "path", ["[[sources]] 1"]),
    ("config_sources_unknown_key.toml", "sources", ["'colour'"]),
    ("config_scale_inf.toml", "scale", ["whole number"]),
    ("config_scale_huge.toml", "scale", ["whole number"]),
    ("config_qr_newline.toml", "qr_url", ["newlines"]),
    ("config_qr_no_host.toml", "qr_url", ["host"]),
    ("config_qr_too_long.toml", "qr_url", ["QR code"]),
    ("config_title_too_long.toml", "title", ["fit on a sheet"]),
    ("config_cache_dir_file.toml", "cache_dir", ["is a file"]),
    ("config_jobs_negative.toml", "jobs", ["whole number from 0"]),
    ("config_int_5000_digits.toml", "", ["invalid TOML", "4300 digits"]),
])
def test_bad_config_names_file_and_key(name: str, field: str, words: list[str]) -> None:
    from papermap.config import load_config

    with pytest.raises(InputError) as info:
        load_config(REG / name, {})
    err = info.value
    assert "\n" not in str(err) and err.field == field and err.file.endswith(name)
    for word in words:
        assert word in str(err)


def test_cache_dir_name_too_long_is_a_clear_error() -> None:
    from papermap.config import load_config

    with pytest.raises(InputError, match="cache_dir cannot be used .File name too long") as info:
        load_config(REG / "config_cache_dir_too_long.toml", {})
    assert info.value.field == "cache_dir" and len(str(info.value)) < 400


@pytest.mark.parametrize("name, words", [
    ("categories_deep.toml", ["nested too deeply"]),
    ("categories_wrong_types.toml", ["category 1 'other'", "ja", "text"]),
    ("categories_binary.toml", ["not UTF-8"]),
    ("categories_int_5000_digits.toml", ["not valid TOML", "4300 digits"]),
])
def test_bad_categories_file_is_one_clear_error(name: str, words: list[str]) -> None:
    with pytest.raises(InputError) as info:
        load_categories(REG / name)
    for word in words:
        assert word in str(info.value)


def test_longest_qr_url_still_fits_a_qr_code() -> None:
    """The QR payload limit holds with every placeholder filled in at its longest."""
    from papermap.config import parse_qr_url
    from papermap.layout.qr import qr_matrix, qr_payload

    url = "https://e.org/" + "{west}" * ((settings.MAX_QR_URL_BYTES - 14) // 6)
    assert len(url) <= settings.MAX_QR_URL_BYTES
    parse_qr_url(url)
    payload = qr_payload("overview", (-179.99999, -89.99999, 179.99999, 89.99999), "2024-01-01 00:00", url)
    assert len(payload) > 1500 and qr_matrix(payload)


# --- the output may never be an input ------------------------------------------------------------

def test_output_naming_an_input_is_refused(tmp_path) -> None:
    from papermap.config import check_output, load_config

    osm = tmp_path / "area.osm.pbf"
    pts = tmp_path / "water.csv"
    for f in (osm, pts):
        f.write_bytes(b"x")
    cfg_file = tmp_path / "atlas.toml"
    cfg_file.write_text('osm = "area.osm.pbf"\npoints = ["water.csv"]\n')
    cfg = load_config(cfg_file, {})
    (tmp_path / "link.pdf").symlink_to(osm)
    for out in (osm, pts, cfg_file, tmp_path / "sub" / ".." / "water.csv", tmp_path / "link.pdf"):
        with pytest.raises(InputError, match="would overwrite the input"):
            check_output(cfg, out)
    check_output(cfg, tmp_path / "atlas.pdf")  # a new file is fine


def test_build_refuses_output_over_its_osm_extract(tmp_path, capsys) -> None:
    from papermap.cli import main

    osm = tmp_path / "area.osm.pbf"
    osm.write_bytes(b"not touched")
    assert main(["build", "--osm", str(osm), "-o", str(osm), "--quiet"]) == 1
    assert osm.read_bytes() == b"not touched"
    assert "would overwrite the input" in capsys.readouterr().err


# --- fetch command arguments ----------------------------------------------------------------------

def test_fetch_timeout_inf_is_refused(capsys) -> None:
    from papermap.cli import main

    with pytest.raises(SystemExit) as info:
        main(["fetch", "--bbox", "1,2,3,4", "-o", "x.json", "--timeout", "inf"])
    assert info.value.code == 2 and "not a positive number" in capsys.readouterr().err


@pytest.mark.parametrize("bounds", [{}, {"minlat": 1, "minlon": 2, "maxlat": "x", "maxlon": 3},
                                    {"minlat": 5, "minlon": 2, "maxlat": 1, "maxlon": 3},
                                    {"minlat": 1e400, "minlon": 2, "maxlat": 3, "maxlon": 4}])
def test_place_with_bad_bounds_is_a_clear_error(bounds: dict) -> None:
    from papermap.sources.overpass import _place

    with pytest.raises(PapermapError, match="relation 7: .*--bbox|unusable bounds for relation 7"):
        _place({"type": "relation", "id": 7, "tags": {"name": "x"}, "bounds": bounds})


# --- costs that were quadratic ----------------------------------------------------------------------

@pytest.fixture
def hang_guard():
    """Fails a test still running after 60 s. The inputs below are sized so the old quadratic code
    would take hours; this is a guard against a hang, not a speed measurement."""
    def stop(signum, frame):
        raise AssertionError("still running after 60 s: the cost is not linear")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("cell", ["1" * 2_000_000, "a" + " " * 2_000_000 + "(b", "<a" * 1_000_000, "<!--" * 500_000,
                                  "{{" * 1_000_000, "[[" * 1_000_000])
def test_hostile_cells_cost_linear_time(cell: str, hang_guard) -> None:
    from papermap.sources.points.fields import field_for
    from papermap.sources.points.text import has_time, html_to_text, umap_to_text

    has_time(cell)
    field_for(cell)
    html_to_text(cell)
    umap_to_text(cell)


def test_merging_repeated_rows_compares_linearly_many_names(monkeypatch) -> None:
    from papermap.model import dedupe
    from papermap.model.points import Point

    calls = []
    real = dedupe._keys_alike
    monkeypatch.setattr(dedupe, "_keys_alike", lambda a, b: calls.append(1) or real(a, b))
    same = [Point(id=f"f:{i}", category="water", lon=139.7, lat=35.6, name="給水所", source="f", source_id=str(i))
            for i in range(50_000)]
    distinct = [Point(id=f"g:{i}", category="water", lon=139.7, lat=35.6, name=f"場所{i}", source="g",
                      source_id=str(i)) for i in range(5_000)]
    merged = dedupe.merge_duplicates(same + distinct)
    assert merged[0].name == "給水所" and merged[0].extra["merged"].count(";") == 50_000 - 2
    assert len(merged) == 1 + 5_000
    assert len(calls) <= 5_001 * dedupe.MAX_CANDIDATES  # quadratic would be 12 million comparisons


def test_many_columns_feeding_one_field_cost_linear_time(tmp_path, hang_guard) -> None:
    """20,000 columns that all mean "name" ("名称 (1)", "名称 (2)", …): each row looked every column
    up in a list of the others (about 5 s a row); 30 rows would pass the hang guard."""
    n = 20_000
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["lat", "lon", *(f"名称 ({i})" for i in range(n))]) + "\n"
                    + ("35.6,139.7," + ",".join(f"n{i}" for i in range(n)) + "\n") * 30)
    result = read_points(path, CATS)
    assert len(result.points) == 30 and result.points[0].name == "n0"
    assert len(result.points[0].extra) == n - 1  # the names not chosen are kept, none lost
