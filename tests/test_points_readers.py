"""Reading points files: CSV (UTF-8/BOM/Shift_JIS), KML/KMZ, GeoJSON and uMap into Points."""
import zipfile
from pathlib import Path

import pytest

from papermap.errors import InputError
from papermap.model.categories import load_categories
from papermap.sources.points import read_points

FIXTURES = Path(__file__).parent / "fixtures" / "points"


@pytest.fixture(scope="module")
def cats():
    return load_categories()


def by_name(result):
    return {p.name: p for p in result.points}


def test_shift_jis_csv_with_japanese_headers(cats):
    result = read_points(FIXTURES / "sjis_japanese_headers.csv", cats)
    assert result.problems == []
    points = by_name(result)
    hall = points["尾道市役所"]
    assert (hall.category, hall.lat, hall.lon) == ("water", 34.409004, 133.205161)
    assert (hall.name_en, hall.hours, hall.status, hall.contact) == ("Onomichi City Hall", "7:00~21:00", "open",
                                                                    "0848-38-9111")
    assert hall.notes == "容器をご持参ください" and hall.verified.year == 2018 and hall.source_id == "s1"
    assert points["ぽっぽの湯"].category == "bath" and points["長江口ゆとりの広場"].category == "toilet"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encodings_read_the_same(tmp_path, cats, encoding):
    path = tmp_path / "p.csv"
    path.write_bytes("名前,緯度,経度,カテゴリ\n給水タンク,34.4,133.2,給水\n".encode(encoding))
    [point] = read_points(path, cats).points
    assert (point.name, point.category) == ("給水タンク", "water")


def test_csv_bad_bytes_are_a_warning_on_their_line(tmp_path, cats):
    path = tmp_path / "p.csv"
    path.write_bytes(b"name,lat,lon,category\ncaf\xff\xfe\xfd,34.4,133.2,water\nok,34.5,133.3,water\n")
    result = read_points(path, cats)
    assert len(result.points) == 2
    [problem] = result.problems
    assert problem.where == "2" and not problem.fatal and "Shift_JIS" in problem.message


def test_csv_without_coordinate_columns_says_which_are_missing(tmp_path, cats):
    path = tmp_path / "p.csv"
    path.write_text("name,address\nTap,尾道市\n", encoding="utf-8")
    result = read_points(path, cats)
    assert result.points == []
    assert [(p.where, p.field) for p in result.problems] == [("1", "lat"), ("1", "lon")]


def test_csv_multiline_cell_keeps_physical_line_numbers(tmp_path, cats):
    path = tmp_path / "p.csv"
    path.write_text('# note\nname,lat,lon,notes\nA,34.4,133.2,"two\nlines"\nB,x,133.2,\n', encoding="utf-8")
    result = read_points(path, cats)
    assert result.points[0].notes == "two\nlines"
    assert [(p.where, p.field) for p in result.problems if p.fatal] == [("5", "lat")]


def test_kml_folders_names_hours_and_extended_data(cats):
    result = read_points(FIXTURES / "nested_folders.kml", cats)
    points = by_name(result)
    water = points["水道局"]
    assert (water.category, water.hours, water.notes.splitlines()[0]) == ("water", "7:00-21:00", "飲用可")
    assert "<br>" not in water.notes and "容器が必要です。" in water.notes
    assert points["天然温泉 こもれび（飲用不可）"].category == "water"  # folder 給水所 wins over 温泉
    assert points["長江口ゆとりの広場"].category == "toilet"            # prefix, folder 東区 is a place
    closed = points["東広島市立 西志和小学校"]
    assert (closed.category, closed.status, closed.status_text) == ("water", "closed", "7/13から閉鎖")
    bath = points["黒瀬支所"]                                          # folder 東広島市 → description
    assert (bath.category, bath.contact) == ("bath", "0823-82-0000")
    shop = points["WASHPARK竹原店"]
    assert (shop.category, shop.status, shop.contact, shop.notes) == ("laundry", "open", "0846-00-0000", "24時間営業")
    assert shop.verified.month == 7 and shop.verified.day == 8
    assert sorted(p.source_id for p in result.points if p.name == "二か所ある店") == ["8.1", "8.2"]
    problems = {(p.where, p.field, p.fatal) for p in result.problems}
    assert ("placemark 6 '給水ルート'", "geometry", True) in problems
    assert any(p.field == "row" and "1 empty" in p.message and not p.fatal for p in result.problems)


def test_kmz_reads_like_its_kml(tmp_path, cats):
    kmz = tmp_path / "map.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(FIXTURES / "nested_folders.kml", "doc.kml")
    kml_points = read_points(FIXTURES / "nested_folders.kml", cats).points
    kmz_points = read_points(kmz, cats).points
    assert [(p.name, p.category) for p in kmz_points] == [(p.name, p.category) for p in kml_points]


def test_geojson_html_description_and_category_suffix(cats):
    result = read_points(FIXTURES / "html_description.geojson", cats)
    assert result.problems == []
    [p] = result.points
    assert (p.name, p.category, p.contact) == ("天然温泉 尾道みなと館", "bath", "0848-20-8222")
    assert "ホームページ (http://onomichi-minatokan.com/index.html)" in p.notes
    assert "6:00~9:30 & 12:00~24:00" in p.notes and "<" not in p.notes.replace("<無料>", "")
    assert p.extra == {"gx_media_links": "https://lh3.googleusercontent.com/photo.jpg"}


def test_umap_layer_geojson_uses_layer_name_and_splits_multipoints(cats):
    result = read_points(FIXTURES / "umap_layer.geojson", cats)
    assert result.problems == []
    assert [(p.name, p.category, p.source_id) for p in result.points] == [
        ("大宮湯", "bath", "1"), ("自衛隊の仮設風呂", "bath", "2.1"), ("自衛隊の仮設風呂", "bath", "2.2")]
    assert result.points[0].notes == "営業時間 15:00-21:00\n月水金休み"


def test_umap_backup_reads_every_layer(cats):
    result = read_points(FIXTURES / "layers.umap", cats)
    assert [(p.name, p.category) for p in result.points] == [
        ("尾道西公園", "water"), ("WASHハウス尾道向島店", "laundry"), ("本町会館", "supplies")]
    assert len({p.id for p in result.points}) == 3
    assert result.points[0].notes == "容器を持参 市のお知らせ (https://example.org/kyusui)"
    [problem] = result.problems
    assert problem.where == "layer 1 '給水ポイント' feature 2" and problem.field == "geometry" and problem.fatal


def test_category_map_from_config_applies_to_folders(tmp_path, cats):
    path = tmp_path / "p.geojson"
    path.write_text('{"type":"FeatureCollection","_umap_options":{"name":"町内会A"},"features":['
                    '{"type":"Feature","geometry":{"type":"Point","coordinates":[133.2,34.4]},'
                    '"properties":{"name":"集会所"}}]}', encoding="utf-8")
    assert read_points(path, cats).points[0].category == "other"
    assert read_points(path, cats, {"町内会A": "shelter"}).points[0].category == "shelter"


def test_unmatched_points_go_to_other_with_one_warning(tmp_path, cats):
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon\n謎の場所,34.4,133.2\n別の場所,34.5,133.3\n", encoding="utf-8")
    result = read_points(path, cats)
    assert [p.category for p in result.points] == ["other", "other"]
    [warning] = result.problems
    assert not warning.fatal and warning.where == "2" and "2 point(s) match no category" in warning.message


@pytest.mark.parametrize("name", ["billion_laughs.kml", "xxe_local_file.kml"])
def test_hostile_kml_is_refused_fast_without_reading_local_files(cats, name):
    import time
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        read_points(FIXTURES / name, cats)
    assert time.monotonic() - start < 1.0
    message = str(err.value)
    assert name in message and "refused" in message
    assert "root:" not in message and "lollol" not in message


def test_xxe_never_reads_the_target_file(tmp_path, cats):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    kml = tmp_path / "x.kml"
    kml.write_text(f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
                   '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&s;</name>'
                   '<Point><coordinates>133.2,34.4</coordinates></Point></Placemark></kml>', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_points(kml, cats)
    assert "TOP-SECRET" not in str(err.value)


def test_unreadable_input_raises_input_error_naming_the_file(tmp_path, cats):
    with pytest.raises(InputError, match="missing.csv.*file not found"):
        read_points(tmp_path / "missing.csv", cats)
    broken = tmp_path / "broken.kml"
    broken.write_text("<kml><Placemark></kml>", encoding="utf-8")
    with pytest.raises(InputError, match="broken.kml.*not well-formed"):
        read_points(broken, cats)
    bad_json = tmp_path / "bad.geojson"
    bad_json.write_text('{"type": "FeatureCollection", "features": [}', encoding="utf-8")
    with pytest.raises(InputError, match="bad.geojson.*not valid JSON"):
        read_points(bad_json, cats)


def test_format_is_found_from_content_when_the_extension_lies(tmp_path, cats):
    renamed = tmp_path / "export.txt"
    renamed.write_bytes((FIXTURES / "umap_layer.geojson").read_bytes())
    assert [p.category for p in read_points(renamed, cats).points] == ["bath"] * 3


def test_geojson_feature_id_and_non_point_geometry(tmp_path, cats):
    path = tmp_path / "p.geojson"
    path.write_text('{"type":"FeatureCollection","features":['
                    '{"type":"Feature","id":"tap-7","geometry":{"type":"Point","coordinates":[133.2,34.4]},'
                    '"properties":{"name":"給水栓"}},'
                    '{"type":"Feature","geometry":{"type":"LineString","coordinates":[[133.2,34.4],[133.3,34.5]]},'
                    '"properties":{"name":"給水車ルート"}},'
                    '{"type":"Feature","geometry":null,"properties":{"name":"給水所","緯度":"34.5","経度":"133.1"}}]}',
                    encoding="utf-8")
    result = read_points(path, cats)
    assert [(p.source_id, p.id, p.lat) for p in result.points] == [("tap-7", "p:tap-7", 34.4), ("3", "p:3", 34.5)]
    assert [(p.where, p.field, p.fatal) for p in result.problems] == [("feature 2", "geometry", True)]


# --- fast paths give what the full paths give -------------------------------------------------

def _split_by_name(record):
    """split_record as it was before rows were split by column positions: the reference."""
    from papermap.sources.points.fields import _hit
    from papermap.sources.points.text import is_clock_time

    values = {str(h): ("" if raw is None else str(raw).strip()) for h, raw in record.items()}
    by_field = {}
    for header in values:
        if hit := _hit(header):
            by_field.setdefault(hit[0], []).append((hit[1], header))
    fields, used = {}, set()
    for name, found in by_field.items():
        headers = [h for _, h in sorted(found, key=lambda item: item[0])]
        found = [h for h in headers if not (name == "hours" and is_clock_time(values[h]))]
        if not found:
            continue
        chosen = next((h for h in found if values[h]), None)
        fields[name] = values[chosen] if chosen else ""
        used.update(h for h in found if h == chosen or not values[h])
    return fields, {h: v for h, v in values.items() if v and h not in used}


_HEADERS = ["id", "番号", "no", "name", "名称", "名前", "name_en", "英語名", "category", "種別", "lat", "緯度", "lon",
            "経度", "lng", "hours", "営業時間", "時間", "提供時間", "status", "状態", "notes", "備考", "メモ", "contact",
            "電話", "verified", "タイムスタンプ", "住所", "address", "Name (English)", "ＬＡＴ"]
_CELLS = ["", "", "x", "給水所 1", "9:00-17:00", "4:00:00 PM", "14:05", "１４：０５", "43.7", "open", "  ", "a b"]


@pytest.mark.parametrize("seed", range(5))
def test_rows_split_by_column_as_by_header_name(seed):
    """A file's rows are split by column positions planned once; short rows, long rows, repeated
    headers and clock times under hours headers come out as splitting each row by name does."""
    import random

    from papermap.sources.points.fields import columns_for, split_record
    rnd = random.Random(seed)
    for _ in range(300):
        header = tuple(rnd.choice(_HEADERS) for _ in range(rnd.randint(1, 10)))
        columns = columns_for(header)
        for _ in range(10):
            cells = [rnd.choice(_CELLS).strip() for _ in range(rnd.randint(0, len(header) + 2))]
            expected = _split_by_name(dict(zip(header, cells)))
            assert columns.split(cells) == expected, (header, cells)
            assert list(columns.split(cells)[1].items()) == list(expected[1].items())  # extra keeps column order
            record = dict(zip(header, cells))
            assert split_record(record) == expected
            assert split_record({k: (None if v == "" else v) for k, v in record.items()}) == expected


def test_plain_numbers_skip_normalising_but_read_the_same():
    import random

    from papermap.sources.points.record import _number, _number_text
    samples = ["43.7", " 43.7 ", "-7.4", "1e1", "1_000", "nan", "inf", "-inf", "", "  ", "abc", "４３．７", "43.7°",
               "\u300043.7", "٤٣.٧", "43,7", "1ｅ5", "0x10", "--1", "+.5", "5.", "\xa01\xa0", "1\u2003"]
    rnd = random.Random(0)
    alphabet = list("0123456789.-+e_ °") + ["\u3000", "\xa0", "４", "．", "ｅ", "n", "a", "i", "f"]
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 6))) for _ in range(3000)]
    for text in samples:
        assert repr(_number(text)) == repr(_number_text(text)), repr(text)


def test_clean_text_skips_the_line_by_line_check_but_decodes_the_same():
    import random
    import re

    from papermap.sources.points.csv import decode
    unreadable = re.compile("[\ufffd\ue000-\uf8ff]")

    def line_by_line(data):
        candidates = []
        for encoding in ("utf-8-sig", "cp932"):
            text = data.decode(encoding, errors="replace")
            bad = [n for n, line in enumerate(text.split("\n"), 1) if unreadable.search(line)]
            if not bad:
                return text, encoding, []
            candidates.append((text, encoding, bad))
        return min(candidates, key=lambda c: len(c[2]))

    rnd = random.Random(0)
    pieces = [b"a,b\n", b"\n", b"\r\n", "給水".encode(), "給水".encode("cp932"), b"\xff", b"\x81", b"\xef\xbb\xbf",
              "\ufffd".encode(), "\ue000".encode()]
    for _ in range(2000):
        data = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        assert decode(data) == line_by_line(data), data


def test_category_words_are_resolved_once_per_file_with_the_same_outcome(tmp_path, cats):
    words = ["water", "給水", "お風呂", "ice cream", "ＷＡＴＥＲ", "トイレ", "謎"]
    mapping = {"ice cream": "supplies"}
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon,category\n" + "".join(f"p{i},34.4,133.{i},{words[i % len(words)]}\n"
                                                        for i in range(40)), encoding="utf-8")
    result = read_points(path, cats, mapping)
    expected = [cats.resolve(words[i % len(words)], mapping) or "other" for i in range(40)]
    assert [p.category for p in result.points] == expected
    assert [p.where for p in result.problems] == [str(i + 2) for i in range(40) if words[i % len(words)] == "謎"]
