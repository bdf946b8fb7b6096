"""The Python API as a notebook uses it: papermap.build and papermap.Config, checked up front."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

import papermap
from conftest import MONACO, MONACO_BBOX, SAMPLE
from papermap.config import Config as BareConfig
from papermap.pipeline import build_atlas
from pdfcheck import page_count, page_texts

BBOX = tuple(float(v) for v in MONACO_BBOX.split(","))


@pytest.mark.parametrize("settings,field,says", [
    ({"lang": "e"}, "lang", "unknown language"),
    ({"lang": 1}, "lang", "must be text or a list of (text)"),
    ({"points": "water.csv"}, "points", "must be a list of"),       # one string is not a list of files
    ({"mono": "false"}, "mono", "must be True or False, not str 'false'"),
    ({"scale": "5000"}, "scale", "must be a whole number"),
    ({"scale": True}, "scale", "must be a whole number"),
    ({"scale": 10}, "scale", "out of range"),
    ({"bbox": (7.4, 43.7, 7.5)}, "bbox", "four numbers"),
    ({"paper": "B5"}, "paper", "unknown paper size 'B5'"),
    ({"colour": True}, "colour", "unknown setting 'colour'"),
    ({"osm": 42}, "osm", "must be text or a path"),
])
def test_bad_settings_raise_the_projects_error_naming_the_setting(settings, field, says):
    with pytest.raises(papermap.InputError) as exc:
        papermap.Config(**({"osm": str(MONACO)} | settings))
    assert exc.value.field == field and says in str(exc.value)


def test_build_checks_settings_before_any_work(tmp_path):
    with pytest.raises(papermap.PapermapError, match="lang"):
        papermap.build(tmp_path / "x.pdf", osm=MONACO, lang="e")
    with pytest.raises(papermap.InputError, match="does not exist"):
        papermap.build(tmp_path / "no" / "x.pdf", osm=MONACO)
    with pytest.raises(papermap.InputError, match="dpi"):
        papermap.build(tmp_path / "x.png", osm=MONACO, dpi=1)
    with pytest.raises(papermap.InputError, match="no OSM data"):
        papermap.build(tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_lang_en_on_a_bare_config_is_checked_not_a_key_error(tmp_path):
    # the config dataclass itself does not check; build checks it again, so "en" means English
    bare = BareConfig(osm=MONACO, lang="en", bbox=BBOX)
    report = papermap.build(tmp_path / "en.pdf", bare)
    assert report.files == [tmp_path / "en.pdf"]
    assert "Overview" in page_texts(tmp_path / "en.pdf")[0]
    with pytest.raises(papermap.InputError):
        papermap.build(tmp_path / "e.pdf", BareConfig(osm=MONACO, lang="e"))


def test_config_validates_on_construction_and_takes_a_file():
    cfg = papermap.Config(osm=MONACO, paper="a3", lang="en,ja", bbox=MONACO_BBOX)
    assert (cfg.paper, cfg.lang, cfg.bbox) == ("A3", ("en", "ja"), BBOX)
    demo = papermap.Config(SAMPLE / "demo.toml", scale=5000)
    assert demo.osm == SAMPLE / "monaco.osm.pbf" and demo.scale == 5000   # file paths: relative to the file
    with pytest.raises(papermap.InputError, match="config file not found"):
        papermap.Config("nowhere.toml")


def test_build_returns_pages_in_degrees_points_and_warnings(tmp_path):
    points = tmp_path / "p.csv"
    points.write_text("name,lat,lon,category\nPort,43.7350,7.4230,water\nKyoto,35.0,135.7,water\n", encoding="utf-8")
    cfg = papermap.Config(osm=MONACO, bbox=BBOX)
    report = papermap.build(tmp_path / "a.pdf", cfg, points=[points], osm_points=False, title="API")
    assert [p.number for p in report.pages] == [1, 2, 3, 4]
    for page in report.pages:
        w, s, e, n = page.bbox
        assert 7.3 < w < e < 7.6 and 43.6 < s < n < 43.9
    assert report.pages[0].neighbours == {"E": 2, "S": 3, "SE": 4}
    assert (report.points, report.placed, report.outside) == (2, 1, 1)
    assert any("Kyoto" in w for w in report.warnings)
    assert "API" in page_texts(tmp_path / "a.pdf")[0]


def test_build_to_a_stream_and_the_same_pages_as_the_pipeline(tmp_path):
    buf = io.BytesIO()
    report = papermap.build(buf, osm=str(MONACO), bbox=MONACO_BBOX, mono=True)
    assert buf.getvalue().startswith(b"%PDF-") and report.files == []
    (tmp_path / "s.pdf").write_bytes(buf.getvalue())
    direct = build_atlas(papermap.Config(osm=MONACO, bbox=BBOX, mono=True), tmp_path / "d.pdf")
    assert page_count(tmp_path / "s.pdf") == page_count(tmp_path / "d.pdf")
    assert [(p.number, p.bbox) for p in report.pages] == [(p.number, direct.page_bboxes[p.number])
                                                           for p in direct.pages]


def test_public_names():
    assert set(papermap.__all__) >= {"build", "Config", "Report", "Page", "PapermapError", "InputError",
                                     "__version__"}
    for name in ("build", "Config", "Report", "Page"):
        doc = getattr(papermap, name).__doc__
        assert doc and ("Parameters" in doc or "Attributes" in doc)   # numpy-style sections
    assert Path(papermap.__file__).parent.name == "papermap"
