"""Relief points in `papermap build`: every good row drawn, bad rows reported, nothing lost quietly;
and the basemap cache never changes what is printed."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from conftest import MONACO, MONACO_BBOX, REPO
from papermap.config import load_config
from papermap.pipeline import build_atlas
from pdfcheck import page_texts

RELIEF = REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def config(tmp_path: Path, **over):
    base = {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)], "osm_points": False,
            "cache_dir": str(tmp_path / "cache")}
    base.update(over)
    return load_config(None, base)


def test_good_rows_render_bad_rows_are_reported(tmp_path):
    out = tmp_path / "a.pdf"
    report = build_atlas(config(tmp_path), out, now=NOW)
    assert report.points == 5   # 4 good rows + the far one; the row without coordinates is out
    warnings = "\n".join(report.warnings)
    assert f"{RELIEF}:7:lat: missing latitude" in warnings
    assert "1 relief point(s) lie outside the mapped area" in warnings and "遠い給水所" in warnings
    assert out.exists()


def test_osm_points_can_be_switched_off(tmp_path):
    with_osm = build_atlas(config(tmp_path, points=[], osm_points=True), tmp_path / "a.pdf", now=NOW)
    without = build_atlas(config(tmp_path, points=[], osm_points=False), tmp_path / "b.pdf", now=NOW)
    assert with_osm.points > 20 and without.points == 0


def test_refresh_from_cached_basemap_equals_a_cold_build(tmp_path):
    """A daily refresh (cached basemap, changed points) prints exactly what a cold build prints."""
    first = tmp_path / "first.pdf"
    build_atlas(config(tmp_path, osm_points=True), first, now=NOW)      # fills the cache
    changed = tmp_path / "changed.csv"
    changed.write_text(RELIEF.read_text(encoding="utf-8").replace("43.7285,7.4165", "43.7290,7.4170"),
                       encoding="utf-8")
    refresh, cold = tmp_path / "refresh.pdf", tmp_path / "cold.pdf"
    r1 = build_atlas(config(tmp_path, points=[str(changed)], osm_points=True), refresh, now=NOW)
    r2 = build_atlas(config(tmp_path, points=[str(changed)], osm_points=True), cold, now=NOW, use_cache=False)
    assert r1.art_cached and not r2.art_cached
    assert refresh.read_bytes() == cold.read_bytes()
    assert refresh.read_bytes() != first.read_bytes()   # the moved point did change the page


def test_cache_follows_the_data(tmp_path):
    """Another scale or style is drawn afresh, never taken from the cache of the old one."""
    build_atlas(config(tmp_path), tmp_path / "a.pdf", now=NOW)
    assert not build_atlas(config(tmp_path, scale=5000), tmp_path / "b.pdf", now=NOW).art_cached
    assert not build_atlas(config(tmp_path, mono=True), tmp_path / "c.pdf", now=NOW).art_cached
    assert build_atlas(config(tmp_path), tmp_path / "d.pdf", now=NOW).art_cached


def test_sources_line_names_every_source(tmp_path):
    out = tmp_path / "s.pdf"
    build_atlas(config(tmp_path, osm_points=True), out, now=NOW)
    text = page_texts(out)[1]
    assert "monaco.osm.pbf" in text and "monaco_relief.csv" in text and "OpenStreetMap" in text


def test_config_sources_from_a_url_and_then_offline(tmp_path, monkeypatch):
    """A volunteer sheet published at a URL: fetched once, mapped with the config's category map,
    then rebuilt with --offline from the cache after the network is gone."""
    from httpserver import Reply, ScriptedServer, block_outside_network

    block_outside_network(monkeypatch)
    sheet = ("id,種類,名称,lat,lon\n"
             "u1,みずくみ場,くみ場 港,43.7345,7.4230\n").encode("utf-8")
    with ScriptedServer(Reply(sheet, content_type="text/csv")) as server:
        url = server.url("/sheet.csv")
        cfg_file = tmp_path / "atlas.toml"
        cfg_file.write_text(
            f'osm = "{MONACO}"\nbbox = [{MONACO_BBOX}]\nosm_points = false\ncache_dir = "{tmp_path / "c"}"\n'
            f'[[sources]]\nurl = "{url}"\ncategory_map = {{ "みずくみ場" = "water" }}\n', encoding="utf-8")
        online = build_atlas(load_config(cfg_file, {}), tmp_path / "on.pdf", now=NOW)
    assert online.points == 1
    offline = build_atlas(load_config(cfg_file, {"offline": True}), tmp_path / "off.pdf", now=NOW)
    assert offline.points == 1
    tables = " ".join(t for t in page_texts(tmp_path / "off.pdf") if "一覧 / List" in t)
    assert "くみ場 港" in tables
    assert url in " ".join(page_texts(tmp_path / "off.pdf"))   # the source is named on the sheets


def test_table_symbols_show_the_kind_and_each_number_is_printed_once(tmp_path):
    """A table row's number is in its No. column; the symbol beside it is the kind's shape alone
    (inside a small symbol, numbers of three digits would sit on tags hiding the shape)."""
    out = tmp_path / "a.pdf"
    build_atlas(config(tmp_path, osm_points=True), out, now=NOW)
    tables = [t for t in page_texts(out) if "Points on map page" in t]
    assert tables
    for text in tables:
        lines = text.splitlines()
        numbers_alone = [line for line in lines if line.strip().isdigit()]
        assert len(numbers_alone) == 1   # the list number in the header box, nothing else
        rows = [int(words[0]) for words in map(str.split, lines) if len(words) > 1 and words[0].isdigit()]
        assert rows and rows == sorted(rows)   # every row still opens with its number


def test_one_data_date_whether_or_not_osm_points_are_read(tmp_path):
    """An extract without a header date is dated by its newest element; reading the relief-point
    tags too must not make the same atlas a different date."""
    from datetime import datetime, timezone

    from conftest import shared_file
    from papermap.config import load_config

    kyoto = shared_file("osm/kyoto-shimogyo-gojo-karasuma.osm")
    now = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
    dates = {build_atlas(load_config(None, {"osm": str(kyoto), "scale": 5000, "osm_points": on,
                                            "cache_dir": str(tmp_path / "cache")}),
                         tmp_path / f"{on}.pdf", now=now).data_date for on in (True, False)}
    assert len(dates) == 1 and None not in dates
