"""`papermap fetch` end to end against a local Overpass stand-in that fails the ways real ones do."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from httpserver import Reply, ScriptedServer, block_outside_network

from papermap.cli import fetch
from papermap.errors import PapermapError
from papermap.sources.overpass import DEFAULT_ENDPOINTS, BBox, build_query

SMALL = (Path(__file__).parent / "fixtures" / "overpass" / "small.json").read_bytes()
BBOX = "136.895,37.385,136.91,37.395"
TIMEOUT_REMARK = json.dumps({
    "version": 0.6, "osm3s": {"timestamp_osm_base": "2026-11-20T05:03:00Z"}, "elements": [],
    "remark": 'runtime error: Query timed out in "query" at line 3 after 2 seconds.'}).encode()
MEMORY_REMARK = TIMEOUT_REMARK.replace(b"Query timed out in", b"Query run out of memory using 2097152 KB in")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    block_outside_network(monkeypatch)
    monkeypatch.setenv("PAPERMAP_CACHE_DIR", str(tmp_path / "env-cache"))


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="papermap")
    fetch.register(parser.add_subparsers())
    return parser.parse_args(["fetch", *argv])


def papermap_fetch(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run like `papermap fetch …` does: errors become one line on stderr and exit status 1."""
    args = parse(argv)
    try:
        code = args.run(args, sleep=lambda seconds: None)
    except PapermapError as exc:
        print(f"papermap: error: {exc}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "area.osm.json"


def argv(srv: ScriptedServer, out: Path, tmp_path: Path, *more: str) -> list[str]:
    return ["--bbox", BBOX, "-o", str(out), "--overpass-url", srv.url(), "--cache-dir", str(tmp_path / "cache"),
            "--timeout", "0.2", *more]


def sent_query(srv: ScriptedServer, n: int = 0) -> str:
    return parse_qs(srv.seen[n].body.decode())["data"][0]


def test_bbox_fetch_writes_overpass_json_and_reports_it(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(SMALL)) as srv:
        code, stdout, stderr = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 0, stderr
    assert out.read_bytes() == SMALL
    doc = json.loads(out.read_bytes())
    assert {e["type"] for e in doc["elements"]} == {"node", "way", "relation"}
    assert f"wrote {out}" in stdout and "12 nodes, 3 ways, 1 relations" in stdout
    assert "OpenStreetMap data as of 2026-11-20 05:03 UTC" in stdout and "© OpenStreetMap contributors" in stdout
    assert srv.seen[0].method == "POST"
    query = sent_query(srv)
    assert query.startswith("[out:json][timeout:1][bbox:37.385,136.895,37.395,136.91];")  # S,W,N,E
    assert query == build_query(BBox.parse(BBOX), 0.2)


def test_query_selects_basemap_and_relief_points_with_full_geometry() -> None:
    query = build_query(BBox(136.0, 37.0, 136.1, 37.1), 180)
    for key in ("highway", "railway", "building", "natural", "waterway", "landuse", "leisure", "place",
                "amenity", "emergency", "social_facility", "shop"):
        assert f"nwr[{key}];" in query
    assert "water_tap" in query
    assert "(._; >;);" in query and query.rstrip().endswith("out body qt;")


def test_timeout_remark_is_an_error_not_an_empty_map(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(TIMEOUT_REMARK)) as srv:
        code, _, stderr = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 1 and not out.exists()
    assert stderr.count("\n") == 1
    assert srv.url() in stderr and "Query timed out" in stderr and "smaller area or a longer --timeout" in stderr


def test_out_of_memory_remark_is_an_error(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(MEMORY_REMARK)) as srv:
        code, _, stderr = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 1 and "out of memory" in stderr and not out.exists()


def test_truncated_json_is_an_error_and_no_file_is_written(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(SMALL[: len(SMALL) // 2])) as srv:
        code, _, stderr = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 1 and not out.exists()
    assert "not valid JSON: it is cut off (truncated download)" in stderr
    assert list(tmp_path.iterdir()) == []  # no output, no temp file, nothing cached


def test_busy_server_is_retried_until_it_answers(out: Path, tmp_path: Path, capsys) -> None:
    replies = (Reply(status=429, headers={"Retry-After": "1"}), Reply(status=504), Reply(drop=True),
               Reply(SMALL, delay=1.0), Reply(SMALL))
    with ScriptedServer(*replies) as srv:
        code, _, stderr = papermap_fetch(argv(srv, out, tmp_path, "--timeout", "0.1"), capsys)
    assert code == 1 and not out.exists()
    # 4 attempts per server: the fifth, good reply is never asked for
    assert len(srv.seen) == 4
    assert f"{srv.url()}: no answer within 0.2 s (gave up after 4 attempts" in stderr


def test_faults_then_success_writes_the_file(out: Path, tmp_path: Path, capsys) -> None:
    replies = (Reply(status=429, headers={"Retry-After": "1"}), Reply(drop=True), Reply(SMALL, delay=1.0),
               Reply(SMALL))
    with ScriptedServer(*replies) as srv:
        code, _, stderr = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 0, stderr
    assert out.read_bytes() == SMALL and len(srv.seen) == 4


def test_oversize_answer_is_refused(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(SMALL, send_length=False)) as srv:
        code, _, stderr = papermap_fetch(argv(srv, out, tmp_path, "--max-bytes", "1K"), capsys)
    assert code == 1 and not out.exists()
    assert "larger than the download limit of 1,024 bytes" in stderr


def test_second_endpoint_is_used_when_the_first_fails(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(status=400, content_type="text/html")) as bad, ScriptedServer(Reply(SMALL)) as good:
        args = argv(bad, out, tmp_path, "--overpass-url", good.url("/mirror/api/interpreter"))
        code, _, stderr = papermap_fetch(args, capsys)
    assert code == 0, stderr
    assert out.read_bytes() == SMALL and len(bad.seen) == 1 and len(good.seen) == 1


def test_every_endpoint_failing_names_each(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(status=404)) as a, ScriptedServer(Reply(TIMEOUT_REMARK)) as b:
        code, _, stderr = papermap_fetch(argv(a, out, tmp_path, "--overpass-url", b.url()), capsys)
    assert code == 1 and stderr.count("\n") == 1
    assert f"{a.url()}: HTTP 404" in stderr and f"{b.url()}: Overpass could not finish" in stderr


def test_server_down_later_uses_cached_copy_and_says_how_old(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(SMALL), Reply(status=504)) as srv:
        assert papermap_fetch(argv(srv, out, tmp_path), capsys)[0] == 0
        out.unlink()
        code, stdout, stderr = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 0 and out.read_bytes() == SMALL
    assert "HTTP 504" in stderr
    assert re.search(r"warning: .*using cached copy from \d{4}-\d\d-\d\d \d\d:\d\d, less than a minute old", stderr)
    assert "wrote" in stdout


def test_offline_with_empty_cache_says_to_fetch_online_first(out: Path, tmp_path: Path, capsys) -> None:
    code, _, stderr = papermap_fetch(["--bbox", BBOX, "-o", str(out), "--offline",
                                      "--cache-dir", str(tmp_path / "empty")], capsys)
    assert code != 0 and not out.exists()
    assert "without --offline" in stderr and "papermap fetch" in stderr and str(tmp_path / "empty") in stderr


def test_offline_after_a_fetch_needs_no_server(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(SMALL)) as srv:
        papermap_fetch(argv(srv, out, tmp_path), capsys)
        out.unlink()
        # another --timeout and no --overpass-url: the same area is still found in the cache
        code, stdout, stderr = papermap_fetch(["--bbox", BBOX, "-o", str(out), "--offline", "--timeout", "60",
                                               "--cache-dir", str(tmp_path / "cache")], capsys)
    assert code == 0 and out.read_bytes() == SMALL and len(srv.seen) == 1
    assert "offline, using cached copy from" in stderr and "12 nodes" in stdout


def test_cache_dir_from_environment(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(SMALL)) as srv:
        args = argv(srv, out, tmp_path)
        del args[args.index("--cache-dir"):args.index("--cache-dir") + 2]
        assert papermap_fetch(args, capsys)[0] == 0
    assert any(p.name.endswith(".json") for p in (tmp_path / "env-cache").iterdir())


def test_failed_refresh_keeps_the_previous_output_file(out: Path, tmp_path: Path, capsys) -> None:
    out.write_bytes(b'{"elements": [], "note": "earlier fetch"}')
    with ScriptedServer(Reply(SMALL[:100])) as srv:
        code, _, _ = papermap_fetch(argv(srv, out, tmp_path), capsys)
    assert code == 1 and out.read_bytes() == b'{"elements": [], "note": "earlier fetch"}'
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_place_is_resolved_by_overpass_area_search(out: Path, tmp_path: Path, capsys) -> None:
    areas = json.dumps({"elements": [
        {"type": "relation", "id": 4000001, "bounds": {"minlat": 37.385, "minlon": 136.895, "maxlat": 37.395,
                                                        "maxlon": 136.91},
         "tags": {"name": "輪島市", "name:en": "Wajima", "boundary": "administrative", "admin_level": "7"}},
        {"type": "way", "id": 55, "bounds": {"minlat": 37.0, "minlon": 136.0, "maxlat": 37.1, "maxlon": 136.1},
         "tags": {"name": "Wajima", "leisure": "park"}}]}).encode()
    with ScriptedServer(Reply(areas), Reply(SMALL)) as srv:
        args = argv(srv, out, tmp_path)
        args[0:2] = ["--place", "Wajima"]
        code, stdout, stderr = papermap_fetch(args, capsys)
    assert code == 0, stderr
    place_query = sent_query(srv, 0)
    assert 'area[name="Wajima"]' in place_query and 'area["name:en"="Wajima"]' in place_query
    assert "pivot" in place_query
    assert "relation 4000001, admin_level 7; --bbox 136.895,37.385,136.91,37.395" in stdout
    assert sent_query(srv, 1) == build_query(BBox.parse(BBOX), 0.2)
    assert out.read_bytes() == SMALL


def test_place_with_no_match_suggests_bbox(out: Path, tmp_path: Path, capsys) -> None:
    with ScriptedServer(Reply(b'{"elements": []}')) as srv:
        args = argv(srv, out, tmp_path)
        args[0:2] = ["--place", 'Nowhere "town"']
        code, _, stderr = papermap_fetch(args, capsys)
    assert 'area[name="Nowhere \\"town\\""]' in sent_query(srv)
    assert code == 1 and "no OpenStreetMap area has this name" in stderr and "--bbox" in stderr
    assert not out.exists()


def test_ambiguous_place_lists_candidates(out: Path, tmp_path: Path, capsys) -> None:
    def ward(i: int) -> dict:
        return {"type": "relation", "id": i, "bounds": {"minlat": 30 + i, "minlon": 130.0, "maxlat": 30.5 + i,
                                                        "maxlon": 130.5},
                "tags": {"name": "中央区", "boundary": "administrative", "admin_level": "7"}}
    with ScriptedServer(Reply(json.dumps({"elements": [ward(1), ward(2)]}).encode())) as srv:
        args = argv(srv, out, tmp_path)
        args[0:2] = ["--place", "中央区"]
        code, _, stderr = papermap_fetch(args, capsys)
    assert code == 1 and "matches 2 areas" in stderr
    assert "relation 1" in stderr and "relation 2" in stderr and "--bbox 130,31,130.5,31.5" in stderr


@pytest.mark.parametrize("bbox, message", [
    ("37.38,136.89,37.40,136.92", "latitude 136.89 is outside -90..90; the order is W,S,E,N"),
    ("136.92,37.38,136.89,37.40", "west must be less than east"),
    ("136.9,37.4", "expected four numbers W,S,E,N"),
])
def test_bbox_mistakes_are_explained(bbox: str, message: str, out: Path, capsys) -> None:
    code, _, stderr = papermap_fetch(["--bbox", bbox, "-o", str(out), "--offline"], capsys)
    assert code == 1 and message in stderr


def test_output_must_be_json(tmp_path: Path, capsys) -> None:
    code, _, stderr = papermap_fetch(["--bbox", BBOX, "-o", str(tmp_path / "area.osm"), "--offline"], capsys)
    assert code == 1 and "must end in .json" in stderr


def test_non_http_overpass_url_is_refused(out: Path, capsys) -> None:
    code, _, stderr = papermap_fetch(["--bbox", BBOX, "-o", str(out), "--overpass-url", "file:///etc/passwd"], capsys)
    assert code == 1 and "only http:// and https:// URLs" in stderr


def test_defaults_are_the_public_servers_and_sane_limits() -> None:
    args = parse(["--bbox", BBOX, "-o", "a.json"])
    assert args.overpass_urls is None and DEFAULT_ENDPOINTS[0] == "https://overpass-api.de/api/interpreter"
    assert len(DEFAULT_ENDPOINTS) == 2 and args.timeout == 180 and args.max_bytes == 512 * 2**20
    assert parse(["--bbox", BBOX, "-o", "a.json", "--max-bytes", "200M"]).max_bytes == 200 * 2**20


def test_help_explains_every_option(capsys) -> None:
    with pytest.raises(SystemExit):
        parse(["--help"])
    text = capsys.readouterr().out
    for option in ("--bbox", "--place", "-o FILE.json, --output", "--overpass-url", "--timeout", "--max-time",
                   "--cache-dir", "--offline", "--max-bytes", "W,S,E,N", "PAPERMAP_CACHE_DIR"):
        assert option in text


def test_bbox_or_place_is_required(capsys) -> None:
    with pytest.raises(SystemExit):
        parse(["-o", "a.json"])
    assert "one of the arguments --bbox --place is required" in capsys.readouterr().err
