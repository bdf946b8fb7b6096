"""The command line behaves as GIS and Unix users expect: --version, `-` for stdout and stdin,
PNG previews, the page grid as GeoJSON, honest help, exit codes, progress that suits where it goes."""
from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest
from PIL import Image

from conftest import MONACO, MONACO_BBOX
from papermap import __version__
from papermap.api import Page, Report
from papermap.cli import SUBCOMMANDS, main, make_parser
from papermap.cli.build import summary
from pdfcheck import page_count

POINTS = Path(__file__).parent / "fixtures" / "points"
BUILD = ["build", "--osm", str(MONACO), "--bbox", MONACO_BBOX]


def papermap(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it, stdout as bytes (it may be a PDF), stderr as text."""
    proc = subprocess.run([sys.executable, "-m", "papermap", *args], cwd=cwd, input=stdin, capture_output=True)
    proc.stderr = proc.stderr.decode("utf-8")
    return proc


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"papermap {__version__}"


def test_help_has_no_none_or_doubled_defaults_and_documents_exit_status():
    for name in SUBCOMMANDS:
        parser = make_parser(name)
        sub = next(a for a in parser._actions if a.dest == "command").choices[name]
        for action in sub._actions:
            assert "None" not in (action.help or ""), (name, action.dest)
            assert (action.help or "").count("default") <= 1, (name, action.help)
    for text in (make_parser().format_help(), make_parser("build").format_help()):
        assert "None" not in text
    top = make_parser().format_help()
    assert re.search(r"^\s+0\s+success", top, re.M) and re.search(r"^\s+1\s+bad input", top, re.M)
    assert re.search(r"^\s+2\s+usage", top, re.M)


def test_usage_error_exits_2_and_bad_input_exits_1(tmp_path):
    assert papermap("build", "--scale", "big", "-o", "x.pdf", cwd=tmp_path).returncode == 2
    proc = papermap("build", "--osm", "gone.osm.pbf", "-o", "x.pdf", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr.startswith("papermap: error: gone.osm.pbf")


def test_pdf_to_stdout_with_plain_progress_on_stderr(tmp_path):
    proc = papermap(*BUILD, "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"%PDF-") and proc.stdout.rstrip().endswith(b"%%EOF")
    pdf = tmp_path / "piped.pdf"
    pdf.write_bytes(proc.stdout)
    assert page_count(pdf) >= 5                        # the overview and Monaco's 4 map pages, at least
    assert list(tmp_path.iterdir()) == [pdf]           # nothing else written beside it
    # stderr is a pipe here: one plain line per stage and per page filed, the summary last
    lines = proc.stderr.splitlines()
    assert any(line.startswith("papermap: reading ") or "basemap unchanged" in line for line in lines)
    # the overview, each map page, its table, and each of the two indexes at the end are one drawing job
    assert [line for line in lines if line.startswith("papermap: pages ")] == [
        f"papermap: pages {i}/11" for i in range(0, 12)]
    assert lines[-1].startswith("wrote the PDF to standard output: overview + 4 map pages")


def test_quiet_prints_no_progress(tmp_path):
    proc = papermap(*BUILD, "-o", "q.pdf", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout.decode().startswith("wrote q.pdf: overview + 4 map pages")


def _on_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run papermap with stderr on a pseudo-terminal 100 columns wide; its exit status and stderr."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "papermap", *args], cwd=cwd, stderr=slave,
                            stdout=subprocess.DEVNULL)
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:        # the child closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    status = proc.wait()
    reader.join()
    os.close(master)
    return status, b"".join(chunks).decode("utf-8")


def test_terminal_gets_a_progress_bar_with_time_left(tmp_path):
    status, err = _on_terminal([*BUILD, "-o", "t.pdf"], tmp_path)
    assert status == 0, err
    assert "papermap: basemap unchanged" in err or "papermap: reading " in err   # stages are still named
    assert re.search(r"papermap: pages: 100%\|█+\| 11/11 \[\S+ elapsed, \S+ left\]", err), err
    assert "papermap: pages 1/4" not in err             # no line per page on a terminal


def test_png_previews_one_per_sheet_at_150_dpi(tmp_path):
    pdf = tmp_path / "atlas.pdf"
    assert main([*BUILD, "-o", str(pdf), "--quiet"]) == 0
    assert main([*BUILD, "-o", str(tmp_path / "atlas.png"), "--quiet"]) == 0
    sheets = page_count(pdf)
    pngs = sorted(tmp_path.glob("atlas-*.png"))
    assert [p.name for p in pngs] == [f"atlas-{i:02d}.png" for i in range(1, sheets + 1)]
    with Image.open(pngs[0]) as im:
        assert abs(im.width - 210 / 25.4 * 150) <= 2 and abs(im.height - 297 / 25.4 * 150) <= 2  # A4, 150 dpi
        extrema = im.convert("L").getextrema()
        assert extrema[0] < 64 and extrema[1] > 200           # a drawn map, not a blank sheet
    assert main([*BUILD, "-o", str(tmp_path / "small.png"), "--dpi", "72", "--quiet"]) == 0
    with Image.open(tmp_path / "small-01.png") as im:
        assert abs(im.width - 595) <= 2


def test_bad_dpi_is_one_clear_error(tmp_path):
    proc = papermap(*BUILD, "-o", "x.png", "--dpi", "5000", cwd=tmp_path)
    assert proc.returncode == 1 and "dpi must be a whole number from 36 to 600" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_grid_geojson_has_every_page_with_bbox_and_neighbours(tmp_path, capsys):
    grid = tmp_path / "grid.geojson"
    assert main([*BUILD, "-o", str(tmp_path / "a.pdf"), "--grid-out", str(grid), "--quiet"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"page grid in {grid}")
    doc = json.loads(grid.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    pages = {f["properties"]["page"]: f for f in doc["features"]}
    assert sorted(pages) == [1, 2, 3, 4]
    w, s, e, n = (float(v) for v in MONACO_BBOX.split(","))
    for number, feature in pages.items():
        ring = feature["geometry"]["coordinates"][0]
        assert feature["geometry"]["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) == 5
        bw, bs, be, bn = feature["properties"]["bbox"]
        assert bw < be and bs < bn and {tuple(p) for p in ring} == {(bw, bs), (be, bs), (be, bn), (bw, bn)}
        assert 7.3 < bw < 7.5 and 43.6 < bs < 43.8                # longitude first (RFC 7946)
    # together the pages cover the area asked for
    assert min(f["properties"]["bbox"][0] for f in pages.values()) <= w
    assert max(f["properties"]["bbox"][2] for f in pages.values()) >= e
    assert min(f["properties"]["bbox"][1] for f in pages.values()) <= s
    assert max(f["properties"]["bbox"][3] for f in pages.values()) >= n
    # 2 x 2 grid: neighbours point both ways
    assert pages[1]["properties"]["neighbours"] == {"E": 2, "S": 3, "SE": 4}
    assert pages[4]["properties"]["neighbours"]["NW"] == 1


def test_check_reads_stdin_with_format(tmp_path):
    data = (POINTS / "ten_rows_three_bad.csv").read_bytes()
    proc = papermap("check", "-", "--format", "csv", cwd=tmp_path, stdin=data)
    assert proc.returncode == 1
    lines = proc.stdout.decode().splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == ["<stdin>:6:lat", "<stdin>:9:lon", "<stdin>:12:lat"]
    assert lines[-1] == "1 file(s): 7 point(s), 3 unusable, 0 warning(s)"
    geojson = papermap("template", "--format", "geojson", cwd=tmp_path).stdout
    doc = json.loads(geojson)
    doc["features"] = [doc["papermap_template"]["example"]]
    proc = papermap("check", "-", "--format", "geojson", "--summary", cwd=tmp_path,
                    stdin=json.dumps(doc).encode())
    assert proc.returncode == 0
    assert "water      給水 / Drinking water: 1" in proc.stdout.decode()


def test_summary_counts_placed_and_outside_in_the_right_number():
    page = Page(1, (7.40, 43.72, 7.43, 43.75), {})
    one = Report(files=[Path("x.pdf")], pages=[page], points=1, placed=1, outside=0, warnings=[])
    assert summary(one, "x.pdf") == "wrote x.pdf: overview + 1 map page, 1 relief point on the map"
    some = Report(files=[Path("x-01.png"), Path("x-02.png"), Path("g.geojson")], pages=[page, page], points=5,
                  placed=3, outside=2, warnings=["2 relief point(s) lie outside"])
    assert summary(some, "x.png", "g.geojson") == (
        "wrote x-01.png … x-02.png (2 sheets): overview + 2 map pages, 3 relief points on the map, "
        "2 outside every page (see the warning); page grid in g.geojson")


def test_one_page_build_says_1_map_page(tmp_path, capsys):
    out = tmp_path / "one.pdf"
    assert main(["build", "--osm", str(MONACO), "--bbox", "7.420,43.735,7.423,43.737", "-o", str(out), "--quiet"]) == 0
    assert "overview + 1 map page, " in capsys.readouterr().out


def test_points_outside_every_page_are_counted_in_the_summary(tmp_path, capsys):
    points = tmp_path / "p.csv"
    points.write_text("name,lat,lon,category\nIn,43.7360,7.4215,water\nFar,35.0,135.7,water\n", encoding="utf-8")
    out = tmp_path / "one.pdf"
    assert main(["build", "--osm", str(MONACO), "--bbox", "7.420,43.735,7.423,43.737", "--points", str(points),
                 "--no-osm-points", "-o", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "1 map page, 1 relief point on the map, 1 outside every page" in captured.out
    assert "Far" in captured.err


class Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_pdf_to_stdout_refuses_a_terminal(monkeypatch, capsys):
    screen = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", Terminal(screen))
    assert main([*BUILD, "-o", "-"]) == 1
    assert "not writing PDF bytes to a terminal" in capsys.readouterr().err
    assert screen.getvalue() == b""
