"""Reading lines and areas from every format: kinds, names, times, CRS, bad geometries, and the
points of the same files left exactly as the point reader reads them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from papermap.config import load_config
from papermap.errors import InputError
from papermap.model.categories import load_categories
from papermap.model.overlays import load_overlay_kinds
from papermap.sources.overlays import read_for_check, read_overlays, split_spec
from papermap.sources.overlays.common import as_of_in
from papermap.sources.points import read_points

FIX = Path(__file__).parent / "fixtures" / "overlays"
REPO = Path(__file__).resolve().parents[1]
CATS = load_categories()
KINDS = load_overlay_kinds()


def overlays_of(spec: str):
    result, overlays = read_for_check(spec, CATS)
    return result, {o.name: o for o in overlays}


# (file, {name: (kind, as_of)}): what a shelter coordinator expects each file to say
EXPECTED = [
    ("noto_roads.kml", {"県道1号 山側": ("passable_road", "1/3 10:30"), "市道 北谷線": ("passable_road", "1/3 10:30"),
                        "国道 海沿い区間": ("restricted_road", "")}),
    ("outage.kml", {"ボーソレイユ地区": ("outage_area", "9-15 03:00"), "丘の上 2区画": ("outage_area", "9-15 03:00")}),
    ("closures.geojson", {"旧市街 坂道": ("closed_road", "2024-01-03 14:00"), "崖下 土砂災害警戒区域": ("hazard_zone", "")}),
    ("detour.gpx#passable_road", {"迂回路 北回り": ("passable_road", "")}),
    ("damage.csv", {"アンダーパス 冠水": ("flooded_area", ""), "港へ抜ける道 通行止": ("closed_road", "")}),
    ("evacuation.gpkg", {"避難経路 A 高台へ": ("evacuation_route", ""), "給水車 巡回エリア": ("service_area", "")}),
    ("flood_utm32.zip", {"浸水 フォンヴィエイユ": ("flooded_area", "1/3 09:00")}),
    ("restrictions.fgb", {"県道 片側交互通行": ("restricted_road", "")}),
    ("tsunami.xlsx", {"ハザード 津波浸水想定": ("hazard_zone", "")}),
    ("hazard_tokyo_6677.shp", {"土砂災害警戒区域 新宿1": ("hazard_zone", ""), "土砂災害警戒区域 新宿2": ("hazard_zone", "")}),
]


@pytest.mark.parametrize("spec, expected", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_every_format_gives_its_lines_and_areas_with_kind_and_time(spec, expected):
    result, by_name = overlays_of(str(FIX / spec))
    assert {n: (o.kind, o.as_of) for n, o in by_name.items()} == expected
    assert [p for p in result.problems if p.fatal] == []
    for o in by_name.values():
        assert o.geom.geom_type in (("LineString", "MultiLineString") if "line" in KINDS.by_id[o.kind].geometry
                                    else ("Polygon", "MultiPolygon"))


def test_kml_notes_and_holes_are_kept():
    _, by_name = overlays_of(str(FIX / "noto_roads.kml"))
    assert by_name["国道 海沿い区間"].notes == "17:00〜翌8:00 通行止\n日中は片側交互通行"
    _, areas = overlays_of(str(FIX / "outage.kml"))
    assert len(areas["ボーソレイユ地区"].geom.interiors) == 1               # the hole is not in the outage
    assert len(areas["丘の上 2区画"].geom.geoms) == 2                       # MultiGeometry: both squares


def test_points_of_a_kml_with_lines_are_exactly_what_the_point_reader_gives():
    path = FIX / "noto_roads.kml"
    alone = read_points(path, CATS)
    assert sum("is not a point" in p.message for p in alone.problems) == 3   # today's reader refuses the lines
    result, overlays = read_for_check(str(path), CATS)
    assert result.points == alone.points
    assert not any("is not a point" in p.message for p in result.problems)   # they are drawn now, not refused
    assert len(overlays) == 3


MIXED_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>給水</name>
<Placemark><name>給水所と搬入路</name><description>ポリタンク持参</description><MultiGeometry>
  <Point><coordinates>7.4200,43.7350,0</coordinates></Point>
  <LineString><coordinates>7.4190,43.7340 7.4200,43.7350</coordinates></LineString>
</MultiGeometry></Placemark>
<Placemark><name>搬入路だけ</name><LineString><coordinates>7.4100,43.7300 7.4110,43.7310</coordinates></LineString>
</Placemark>
</Folder></Document></kml>
"""


def test_a_placemark_of_a_point_and_a_line_keeps_its_point_and_draws_its_line(tmp_path):
    path = tmp_path / "mixed.kml"
    path.write_text(MIXED_KML, encoding="utf-8")
    alone = read_points(path, CATS)
    [point] = alone.points                      # the point of the mixed placemark, no longer refused whole
    assert (point.name, point.category, point.lon, point.lat) == ("給水所と搬入路", "water", 7.42, 43.735)
    assert [p.where for p in alone.problems] == ["placemark 2 '搬入路だけ'"]   # a line alone: still not a point
    result, overlays = read_for_check(str(path), CATS)
    assert result.points == alone.points and result.problems == []
    assert sorted((o.name, o.geom.geom_type) for o in overlays) == [("搬入路だけ", "LineString"),
                                                                    ("給水所と搬入路", "LineString")]


def test_gpx_waypoints_and_wkt_points_become_relief_points():
    result, _ = overlays_of(str(FIX / "detour.gpx"))
    assert [(p.name, p.category, round(p.lon, 4), round(p.lat, 4)) for p in result.points] == [
        ("給水ポイント 迂回路沿い", "water", 7.4392, 43.7432)]
    result, _ = overlays_of(str(FIX / "damage.csv"))
    assert [(p.name, p.category) for p in result.points] == [("給水所 港", "water")]


def test_plane_rectangular_crs_ix_lands_in_tokyo():
    _, by_name = overlays_of(str(FIX / "hazard_tokyo_6677.shp"))
    w, s, e, n = by_name["土砂災害警戒区域 新宿1"].geom.bounds
    assert 139.69 < w < e < 139.71 and 35.68 < s < n < 35.70      # Shinjuku, not metres from the plane's origin
    import pyogrio

    assert "Japan_Zone_9" in (FIX / "hazard_tokyo_6677.prj").read_text()     # the file itself is in plane IX metres
    assert max(abs(v) for v in pyogrio.read_info(str(FIX / "hazard_tokyo_6677.shp"))["total_bounds"]) > 1000


def test_utm_zip_shapefile_is_reprojected_over_monaco():
    _, by_name = overlays_of(str(FIX / "flood_utm32.zip"))
    w, s, e, n = by_name["浸水 フォンヴィエイユ"].geom.bounds
    assert 7.41 < w < e < 7.42 and 43.72 < s < n < 43.74


def _shapefile_without_crs(folder: Path, degrees: bool) -> Path:
    import geopandas as gpd
    from shapely.geometry import box

    geom = box(7.41, 43.73, 7.42, 43.74) if degrees else box(-8000, -35000, -7000, -34000)
    path = folder / ("deg.shp" if degrees else "metres.shp")
    gpd.GeoDataFrame({"name": ["停電 x"]}, geometry=[geom]).set_crs(4326).to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()   # as a Shapefile handed around without its .prj
    return path


def test_file_without_crs_is_wgs84_only_when_its_numbers_fit(tmp_path):
    _, by_name = overlays_of(str(_shapefile_without_crs(tmp_path, degrees=True)))
    assert by_name["停電 x"].kind == "outage_area"
    with pytest.raises(InputError) as err:
        read_for_check(str(_shapefile_without_crs(tmp_path, degrees=False)), CATS)
    assert err.value.file.endswith("metres.shp") and "coordinate reference system" in err.value.message
    assert ".prj" in err.value.message


def test_wkt_csv_with_an_srid_is_reprojected_and_without_one_must_be_degrees(tmp_path):
    path = tmp_path / "utm.csv"
    path.write_text('name,wkt\n停電 港,"SRID=32632;POLYGON ((371500 4843500, 371700 4843500, 371700 4843700, '
                    '371500 4843500))"\n', encoding="utf-8")
    _, by_name = overlays_of(str(path))
    w, s, _, _ = by_name["停電 港"].geom.bounds
    assert 7.3 < w < 7.5 and 43.7 < s < 43.8
    path.write_text('name,wkt\n停電 港,"POLYGON ((371500 4843500, 371700 4843500, 371700 4843700, 371500 4843500))"\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match="not longitude/latitude"):
        read_for_check(str(path), CATS)


def test_bad_geometries_are_reported_per_feature_and_the_good_one_is_kept():
    path = FIX / "bad_geometries.geojson"
    result, by_name = overlays_of(str(path))
    lines = [str(p) for p in result.problems]
    assert lines == [
        f"{path}:feature 2:geometry: Self-intersection[7.435 43.735]: drawn as repaired, check the source",
        f"{path}:feature 3:geometry: polygon: outer ring has only 2 points: an area needs at least 3: left out",
        f"{path}:feature 4:geometry: polygon: outer ring is empty: left out",
        f"{path}:feature 5:geometry: line: a line needs at least 2 different points, this one has 1: left out"]
    assert [p.fatal for p in result.problems] == [False, True, True, True]
    assert set(by_name) == {"良い線 good line", "蝶ネクタイ bow tie 停電"}
    assert by_name["蝶ネクタイ bow tie 停電"].geom.is_valid


@pytest.mark.parametrize("text, expected", [
    ("通行可能道路(1/3 10:30)", "1/3 10:30"), ("停電エリア 9-15 03:00現在", "9-15 03:00"),
    ("通行止め（１/５ ８:００）", "1/5 8:00"), ("被害状況 1月3日(水) 10時30分時点", "1月3日(水) 10時30分"),
    ("as of 2024-01-03 10:30", "2024-01-03 10:30"), ("国道1-2号", ""), ("第3-4工区 通行止", ""), ("", "")])
def test_as_of_times_in_folder_names(text, expected):
    assert as_of_in(text) == expected


@pytest.mark.parametrize("geometry, text, kind", [
    ("line", "安全のため夜間通行止", "restricted_road"), ("line", "全面通行止", "closed_road"),
    ("line", "冠水のため通行不可", "closed_road"), ("area", "冠水", "flooded_area"),
    ("area", "浸水想定区域", "hazard_zone"), ("area", "停電エリア", "outage_area"),
    ("line", "避難経路", "evacuation_route"), ("line", "大型車通行止", "restricted_road"),
    ("line", "散歩道", "other_line"), ("area", "公園", "other_area")])
def test_kinds_by_keyword_and_geometry(geometry, text, kind):
    assert KINDS.classify(geometry, None, "", [text], "", "") == kind


def test_source_kind_wins_for_its_geometry_only(tmp_path):
    path = FIX / "outage.kml"
    got, _ = read_overlays(path, KINDS, CATS, kind="closed_road")   # a line kind: the areas keep their own
    assert {o.kind for o in got.overlays} == {"outage_area"}
    got, _ = read_overlays(path, KINDS, CATS, kind="hazard_zone")
    assert {o.kind for o in got.overlays} == {"hazard_zone"}


def test_kind_suffix_is_checked():
    assert split_spec("roads.kml#closed_road", KINDS) == (Path("roads.kml"), "closed_road")
    assert split_spec("roads.kml", KINDS) == (Path("roads.kml"), None)
    with pytest.raises(InputError, match="unknown overlay kind 'closed' .*closed_road"):
        split_spec("roads.kml#closed", KINDS)


def test_config_overlays_are_relative_to_the_file_and_flags_append(tmp_path):
    cfg_file = tmp_path / "atlas.toml"
    cfg_file.write_text('osm = "x.pbf"\noverlays = ["roads.kml#closed_road"]\n'
                        '[[sources]]\npath = "a.geojson"\nkind = "outage_area"\n', encoding="utf-8")
    cfg = load_config(cfg_file, {"overlays": ["more.gpkg"]})
    assert cfg.overlays == [tmp_path / "roads.kml#closed_road", Path("more.gpkg")]
    assert cfg.sources[0]["kind"] == "outage_area"


def test_plain_build_never_imports_geopandas(tmp_path):
    """GeoPandas and pyogrio cost a second of imports: only a GIS overlay file may bring them in."""
    code = ("import sys; from papermap.cli import main; "
            f"rc = main(['build', '--osm', {str(REPO / 'sample_data' / 'monaco.osm.pbf')!r}, '--bbox', "
            "'7.420,43.730,7.425,43.734', '--quiet', '--no-osm-points', '--overlays', "
            f"{str(FIX / 'noto_roads.kml')!r}, '-o', {str(tmp_path / 'a.pdf')!r}]); "
            "print(rc, 'geopandas' in sys.modules, 'pyogrio' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.splitlines()[-1] == "0 False False"


def test_template_examples_read_back_as_a_line_and_an_area(tmp_path, capsys):
    from papermap.cli import main

    assert main(["template", "--format", "overlays"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["features"] == [] and any("closed_road" in k for k in doc["papermap_template"]["kinds"])
    doc["features"] = [doc["papermap_template"]["example_line"], doc["papermap_template"]["example_area"]]
    path = tmp_path / "filled.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result, by_name = overlays_of(str(path))
    assert result.problems == []
    assert {n: (o.kind, o.as_of) for n, o in by_name.items()} == {
        "県道1号 山側": ("closed_road", "1/3 10:30"), "停電エリア 北地区": ("outage_area", "1/3 10:30")}


def test_check_counts_lines_and_areas_by_kind(capsys):
    from papermap.cli import main

    rc = main(["check", "--summary", str(FIX / "noto_roads.kml"), str(FIX / "bad_geometries.geojson")])
    out = capsys.readouterr().out.splitlines()
    assert rc == 1   # three features are unusable
    assert "passable_road    通行可能 / Passable road (line): 2" in out
    assert "closed_road      通行止 / Road closed (line): 1" in out
    assert "outage_area      停電 / Power outage (area): 1" in out
    assert out[-2:] == ["lines and areas: 4 line(s), 1 area(s)", "2 file(s): 1 point(s), 3 unusable, 1 warning(s)"]


def test_kmz_and_umap_lines_and_areas(tmp_path):
    import zipfile

    kmz = tmp_path / "roads.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(FIX / "noto_roads.kml", "doc.kml")
    _, by_name = overlays_of(str(kmz))
    assert by_name["国道 海沿い区間"].kind == "restricted_road" and by_name["県道1号 山側"].as_of == "1/3 10:30"
    umap = tmp_path / "map.umap"
    umap.write_text(json.dumps({"type": "umap", "layers": [
        {"type": "FeatureCollection", "_umap_options": {"name": "停電エリア 1/4 06:00現在"}, "features": [
            {"type": "Feature", "properties": {"name": "北地区", "_umap_options": {"color": "Red"}},
             "geometry": {"type": "Polygon",
                          "coordinates": [[[7.42, 43.73], [7.43, 43.73], [7.43, 43.74], [7.42, 43.73]]]}}]},
        {"type": "FeatureCollection", "_umap_options": {"name": "給水所"}, "features": [
            {"type": "Feature", "properties": {"name": "公園"},
             "geometry": {"type": "Point", "coordinates": [7.42, 43.73]}}]}]},
        ensure_ascii=False), encoding="utf-8")
    result, by_name = overlays_of(str(umap))
    assert (by_name["北地区"].kind, by_name["北地区"].as_of, by_name["北地区"].where) == (
        "outage_area", "1/4 06:00", "layer 1 '停電エリア 1/4 06:00現在' feature 1")
    assert [(p.name, p.category) for p in result.points] == [("公園", "water")]
    assert result.problems == []
