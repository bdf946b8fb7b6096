"""``papermap check`` and ``papermap template`` as a user runs them."""
import argparse
import json
from pathlib import Path

import pytest

from papermap.cli import check, template
from papermap.model.categories import load_categories
from papermap.sources.points import read_points

FIXTURES = Path(__file__).parent / "fixtures" / "points"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="papermap")
    sub = parser.add_subparsers(dest="command", required=True)
    check.register(sub)
    template.register(sub)
    args = parser.parse_args(argv)
    return args.run(args)


def test_check_names_exactly_the_three_bad_rows_and_fields(capsys):
    path = FIXTURES / "ten_rows_three_bad.csv"
    assert run(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        f"{path}:6:lat", f"{path}:9:lon", f"{path}:12:lat"]
    assert "missing latitude" in lines[0]
    assert "'abc' is not a number" in lines[1]
    assert "probably swapped" in lines[2]
    assert lines[-1] == "1 file(s): 7 point(s), 3 unusable, 0 warning(s)"


def test_check_warnings_alone_exit_zero(capsys):
    path = FIXTURES / "warnings.csv"
    assert run(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:3:id: warning: duplicate id 'w1'" in out
    assert f"{path}:4:category: warning: unknown category 'ice cream'" in out
    assert f"{path}:4:verified: warning:" in out


def test_check_out_of_range_coordinates(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon,category\nA,95,133,water\nB,34,190,water\nC,0,0,water\n", encoding="utf-8")
    assert run(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:2:lat: latitude 95 is out of range" in out
    assert f"{path}:3:lon: longitude 190 is out of range" in out
    assert f"{path}:4:lat: coordinates are 0, 0" in out


def test_check_summary_counts_points_per_category(capsys):
    assert run(["check", "--summary", str(FIXTURES / "sjis_japanese_headers.csv")]) == 0
    out = capsys.readouterr().out
    assert "water      給水 / Drinking water: 1" in out
    assert "bath       お風呂 / Bath / shower: 1" in out
    assert "other      その他 / Other: 0" in out


def test_check_reports_hostile_and_missing_files_and_goes_on(tmp_path, capsys):
    assert run(["check", str(FIXTURES / "xxe_local_file.kml"), str(tmp_path / "nope.csv"),
                str(FIXTURES / "sjis_japanese_headers.csv")]) == 1
    out = capsys.readouterr().out
    assert "xxe_local_file.kml::: refused" in out and "root:" not in out
    assert "nope.csv::: file not found" in out
    assert out.splitlines()[-1] == "3 file(s): 3 point(s), 2 unusable, 0 warning(s)"


def test_check_map_option_maps_a_folder(tmp_path, capsys):
    path = tmp_path / "p.geojson"
    path.write_text('{"type":"FeatureCollection","_umap_options":{"name":"町内会A"},"features":['
                    '{"type":"Feature","geometry":{"type":"Point","coordinates":[133.2,34.4]},'
                    '"properties":{"name":"集会所"}}]}', encoding="utf-8")
    assert run(["check", "--summary", "--map", "町内会A=shelter", str(path)]) == 0
    assert "shelter    避難所 / Shelter: 1" in capsys.readouterr().out


def test_csv_template_reads_back_clean_and_its_example_works(tmp_path, capsys):
    assert run(["template", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert "# " in text and "緯度" in text and "latitude" in text
    path = tmp_path / "template.csv"
    path.write_text(text, encoding="utf-8")
    cats = load_categories()
    result = read_points(path, cats)
    assert result.points == [] and result.problems == []
    # a volunteer uncomments the example row: it must read as a clean point
    path.write_text(text.replace("\n#1,", "\n1,"), encoding="utf-8")
    result = read_points(path, cats)
    assert result.problems == []
    [point] = result.points
    assert (point.category, point.name, point.hours, point.status) == ("water", "尾道西公園", "7:00-21:00", "open")


def test_template_file_output_is_excel_friendly(tmp_path):
    out = tmp_path / "t.csv"
    assert run(["template", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    assert read_points(out, load_categories()).problems == []


def test_geojson_template_reads_back_clean_and_its_example_works(tmp_path, capsys):
    assert run(["template", "--format", "geojson"]) == 0
    doc = json.loads(capsys.readouterr().out)
    path = tmp_path / "t.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    cats = load_categories()
    result = read_points(path, cats)
    assert result.points == [] and result.problems == []
    doc["features"] = [doc["papermap_template"]["example"]]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = read_points(path, cats)
    assert result.problems == [] and [p.category for p in result.points] == ["water"]
    assert "緯度" not in doc["papermap_template"]["properties"]  # coordinates go in the geometry


@pytest.mark.parametrize("argv", [["check", "--map", "nocategory", "x.csv"], ["check", "--map", "a=nosuch", "x.csv"]])
def test_bad_map_option_is_a_clear_error(argv):
    from papermap.errors import InputError
    with pytest.raises(InputError):
        run(argv)
