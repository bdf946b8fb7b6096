"""The `make bench` harness (bench/run_bench.py): its pure parts, and one quick end-to-end run.

No timing is asserted anywhere: times depend on the machine; the harness reports ratios for people.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "run_bench.py"
BBOX = (7.409, 43.723, 7.449, 43.752)


def _load():
    spec = importlib.util.spec_from_file_location("run_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_bench"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


rb = _load()


def test_median_ignores_unmeasured_runs():
    assert rb.median([3.0, 1.0, 2.0]) == 2.0
    assert rb.median([4.0, None, 1.0, 2.0, 3.0]) == 2.5
    assert rb.median([None, None]) is None
    assert rb.median([]) is None


def test_table_is_markdown_with_numbers_right_aligned():
    table = rb.format_table(["case", "wall s", "bytes"], [["peers-job", 1.23456, 55730], ["x", None, 7]])
    lines = table.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert lines[1].split("|")[1].strip() == "-" * len(lines[1].split("|")[1].strip())  # text: left
    assert lines[1].split("|")[2].endswith(":") and lines[1].split("|")[3].endswith(":")  # numbers: right
    assert " 1.235 |" in lines[2] and "55,730" in lines[2]
    assert "| x " in lines[3] and "–" in lines[3]
    assert len({len(line) for line in lines}) == 1  # columns line up


def test_points_are_many_inside_and_deterministic():
    pts = rb.generate_points(1000, BBOX, seed=1)
    assert len(pts) == 1000
    assert len({p["id"] for p in pts}) == 1000
    for p in pts:
        assert BBOX[0] <= float(p["lon"]) <= BBOX[2] and BBOX[1] <= float(p["lat"]) <= BBOX[3]
    assert pts == rb.generate_points(1000, BBOX, seed=1)
    assert pts != rb.generate_points(1000, BBOX, seed=2)
    assert [p["category"] for p in pts[:9]] == ["water", "bath", "laundry", "toilet", "supplies",
                                                "shelter", "medical", "charging", "water"]
    assert pts[0]["name"] == "給水所 1" and pts[0]["hours"] == "9:00-17:00" and pts[0]["status"] == "open"
    lons = sorted(float(p["lon"]) for p in pts)
    assert lons[0] < BBOX[0] + 0.002 and lons[-1] > BBOX[2] - 0.002  # spread over the whole box


def test_points_csv_round_trips():
    pts = rb.generate_points(10, BBOX, seed=3)
    text = rb.points_csv(pts)
    assert text.splitlines()[0] == "id,category,name,lat,lon,hours,status"
    assert list(csv.DictReader(io.StringIO(text))) == pts


def test_papermap_reads_the_generated_points(tmp_path):
    points = pytest.importorskip("papermap.sources.points")
    if not hasattr(points, "read_points"):
        pytest.skip("papermap has no points reader yet")
    from papermap.model.categories import load_categories

    path = tmp_path / "points.csv"
    pts = rb.generate_points(80, BBOX, seed=4)
    path.write_text(rb.points_csv(pts), encoding="utf-8")
    result = points.read_points(path, load_categories())
    assert [p for p in result.problems if p.fatal] == []
    assert len(result.points) == 80
    assert [p.category for p in result.points] == [p["category"] for p in pts]
    assert [p.name for p in result.points] == [p["name"] for p in pts]
    assert {p.status for p in result.points} == {"open"}


def test_out_dir_inside_the_repo_is_refused():
    with pytest.raises(SystemExit):
        rb.parse_args(["--out", str(REPO / "out")])
    with pytest.raises(SystemExit):
        rb.parse_args(["--only", "no-such-case"])


def test_quick_peers_job_end_to_end(tmp_path):
    """One real build through the harness (about 5 s): it prints the header, the table and the targets."""
    out = tmp_path / "bench-out"
    p = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--only", "peers-job", "--out", str(out)],
                       capture_output=True, text=True, cwd=REPO, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "papermap commit" in p.stdout and "CPUs (nproc)" in p.stdout
    row = next(line for line in p.stdout.splitlines() if line.startswith("| peers-job "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "4 + 1"  # the peers' job is 4 map pages, plus the overview
    assert float(cells[2]) > 0
    assert "## Targets" in p.stdout
    assert (out / "peers-job" / "atlas.pdf").is_file()


def test_own_bytes_count_a_page_content_and_not_the_shared_font(tmp_path):
    """An empty page with text adds little to the atlas; the font it shares with the others is not its own."""
    from reportlab.pdfgen.canvas import Canvas

    from papermap.render.pdf import FONT, load_font as register

    register()
    path = tmp_path / "three.pdf"
    c = Canvas(str(path))
    for lines in (0, 0, 3000):
        c.setFont(FONT, 12)
        c.drawString(50, 800, "給水所 / Drinking water")
        for i in range(lines):
            c.line(i % 500, 0, 500 - i % 500, 800)
        c.showPage()
    c.save()
    own = rb.page_own_bytes(path)
    standalone = [size for size, _ in rb.pdf_page_sizes(path)]
    assert len(own) == 3 and own[0] < 1500 and own[2] > 10 * own[0]
    assert standalone[0] > own[0] + 3000        # the standalone copy carries the font subset too
    assert sum(own) < path.stat().st_size
