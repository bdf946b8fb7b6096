"""The brief run of the fuzz suite (tests/fuzz/harness.py), plus property-based tests of the text
helpers and readers: no input, however odd, may end in anything but points, row problems or one
clean InputError. ``make fuzz`` runs the same harness at length."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
import harness  # noqa: E402

from papermap.errors import InputError  # noqa: E402
from papermap.model.categories import load_categories  # noqa: E402
from papermap.sources.points import read_points  # noqa: E402

CATS = load_categories()
BRIEF_CASES = 30  # per reader: 11 readers, a few hundred cases, a few seconds


@pytest.fixture(scope="module")
def fuzz_results() -> dict[str, harness.Outcome]:
    return harness.fuzz_all(BRIEF_CASES, seed=18)


def test_every_reader_is_fuzzed(fuzz_results) -> None:
    assert set(fuzz_results) == {"csv_utf8", "csv_cp932", "geojson", "umap", "kml", "kmz", "osm_xml",
                                 "overpass_json", "pbf", "config", "categories"}
    assert all(o.cases == BRIEF_CASES for o in fuzz_results.values())


def test_no_mutated_input_escapes_as_a_traceback(fuzz_results) -> None:
    failures = {f"{name}: {sig}": trace for name, o in fuzz_results.items() for sig, (_, trace) in o.failures.items()}
    assert not failures, "\n".join(f"{k}\n{v}" for k, v in failures.items())


def test_mutations_reach_both_outcomes(fuzz_results) -> None:
    """A fuzzer whose inputs all fail to parse tests nothing: most readers must also read some cases."""
    assert all(o.read for o in fuzz_results.values())
    refused = [name for name, o in fuzz_results.items() if o.clean]  # CSV mostly reports rows instead
    assert len(refused) >= 8


# --- properties -------------------------------------------------------------------------------------

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text())
def test_text_helpers_take_any_text(value: str) -> None:
    from papermap.sources.points import text
    from papermap.sources.points.fields import field_for

    for fn in (text.html_to_text, text.umap_to_text, text.has_time, text.parse_status, text.split_name,
               text.parse_datetime, text.find_phone, text.tidy, field_for, CATS.split_prefix):
        fn(value)
    assert "<" not in text.html_to_text(value.replace("<", "<b>"))  # every tag is dropped


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@FAST
@given(st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8), st.sampled_from(["utf-8", "cp932"]))
def test_any_csv_gives_points_or_problems(tmp_path_factory, rows: list[list[str]], encoding: str) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "lat", "lon", "状態", "営業時間"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "p.csv"
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
    result = read_points(path, CATS)
    for p in result.points:
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180
    assert all("\n" not in str(problem) for problem in result.problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12)
features = st.fixed_dictionaries({"type": st.just("Feature"),
                                  "properties": json_values | st.dictionaries(st.sampled_from(["name", "lat", "lon",
                                                                                               "id"]), json_values),
                                  "geometry": json_values | st.fixed_dictionaries(
                                      {"type": st.sampled_from(["Point", "MultiPoint", "LineString"]) | json_values,
                                       "coordinates": json_values}),
                                  "id": json_values})


@FAST
@given(st.lists(features | json_values, max_size=5), st.booleans())
def test_any_geojson_or_umap_gives_points_problems_or_one_error(tmp_path_factory, items: list, umap: bool) -> None:
    doc = {"type": "umap", "layers": [{"type": "FeatureCollection", "features": items}]} if umap else \
        {"type": "FeatureCollection", "features": items}
    path = tmp_path_factory.mktemp("json") / ("p.umap" if umap else "p.geojson")
    path.write_text(json.dumps(doc))
    try:
        result = read_points(path, CATS)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for p in result.points:
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180


toml_values = st.recursive(st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@FAST
@given(st.dictionaries(st.sampled_from(["osm", "title", "bbox", "paper", "orientation", "scale", "overlap_mm",
                                        "style", "mono", "lang", "points", "osm_points", "qr_url", "jobs",
                                        "cache_dir", "offline"]), toml_values, min_size=1))
def test_any_config_values_give_a_config_or_one_error(tmp_path_factory, values: dict) -> None:
    from papermap.config import load_config

    def literal(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return repr(v).replace("inf", "inf").replace("nan", "nan")
        if isinstance(v, list):
            return "[" + ", ".join(literal(x) for x in v) + "]"
        return json.dumps(v) if isinstance(v, str) else str(v)

    path = tmp_path_factory.mktemp("cfg") / "c.toml"
    path.write_text("".join(f"{k} = {literal(v)}\n" for k, v in values.items()))
    try:
        load_config(path, {})
    except InputError as exc:
        assert "\n" not in str(exc)
