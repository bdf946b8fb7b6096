"""`papermap build` end to end: what a volunteer gets on paper, and what bad input gets back."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import MONACO, MONACO_BBOX, SAMPLE, shared_file
from papermap.cli import main
from papermap.model.style import load_style
from pdfcheck import colour_share, font_sizes, fonts, map_page_index, page_count, page_texts, render


def map_sheets(path) -> list[str]:
    """Texts of the map pages (their header box says Page; point-table sheets say List)."""
    return [t for t in page_texts(path) if "ページ / Page" in t]


def test_demo_has_overview_and_map_pages(demo_pdf):
    texts = page_texts(demo_pdf)
    assert "Overview" in texts[0] and "全体図" in texts[0]
    maps = map_sheets(demo_pdf)
    assert len(maps) >= 2
    for number, text in enumerate(maps, start=1):
        assert f"ページ / Page\r\n{number}\r\n" in text or f"ページ / Page\n{number}\n" in text
        assert "© OpenStreetMap contributors (ODbL)" in text
        assert "2023-12-26" in text                 # data date from the extract's header
        assert "1:10,000" in text and " m" in text  # scale bar labels
        assert "Printed" in text and "印刷" in text


def test_map_pages_name_their_neighbours(demo_pdf):
    texts = [""] + map_sheets(demo_pdf)
    # Monaco at 1:10,000 on A4 portrait is a 2 x 2 grid: page 1 has 2 to the east, 3 below
    assert "→" not in texts[1]  # side tabs are turned; their arrow is ↑
    flat = " ".join(texts[1].split())
    assert "↑ 2" in flat and "↓ 3" in flat and "↘ 4" in flat
    flat4 = " ".join(texts[4].split())
    assert "↑ 2" in flat4 and "↑ 3" in flat4 and "↖ 1" in flat4


def test_every_font_is_embedded_and_no_text_is_tiny(demo_pdf):
    found = fonts(demo_pdf)
    assert found and all(f["embedded"] for f in found), found
    assert all("IPAexGothic" in f["name"] for f in found)
    small = [(p, ch, s) for p, ch, s in font_sizes(demo_pdf) if s < 7.0 - 1e-6 and not ch.isspace()]
    assert small == []


def test_pages_show_roads_buildings_sea_and_water(demo_pdf):
    style = load_style("colour")
    dense = render(demo_pdf, map_page_index(demo_pdf, 3), dpi=72)     # page 3: Fontvieille and the port
    assert colour_share(dense, style["building"]["fill"]) > 0.03
    assert colour_share(dense, style["sea"]["fill"]) > 0.05
    road_fills = [spec["fill"] for _, spec in style.roads() if spec["fill"] != "#ffffff"]
    assert sum(colour_share(dense, c, tol=10) for c in road_fills) > 0.01
    sea_page = render(demo_pdf, map_page_index(demo_pdf, 4), dpi=72)  # page 4: open sea with the port's piers
    assert colour_share(sea_page, style["sea"]["fill"]) > 0.25
    overview = render(demo_pdf, 0, dpi=72)
    assert colour_share(overview, style["sea"]["fill"]) > 0.1


def test_mono_style_keeps_layers_apart_without_colour(tmp_path):
    out = tmp_path / "mono.pdf"
    assert main(["build", str(SAMPLE / "demo.toml"), "--mono", "-o", str(out), "--quiet"]) == 0
    img = render(out, map_page_index(out, 3), dpi=100).astype(int)
    spread = img.max(axis=2) - img.min(axis=2)
    assert (spread > 12).mean() < 0.001             # no colour anywhere: prints the same on any printer
    style = load_style("mono")
    building = colour_share(img, style["building"]["fill"], tol=6)
    white = colour_share(img, "#ffffff", tol=3)
    hatch = colour_share(img, style["sea"]["hatch"], tol=20)
    assert building > 0.03 and white > 0.1 and hatch > 0.003  # grey blocks, white roads/land, hatched sea


def test_flags_work_without_a_config(tmp_path):
    out = tmp_path / "a3.pdf"
    assert main(["build", "--osm", str(MONACO), "--bbox", MONACO_BBOX, "--paper", "A3",
                 "--orientation", "landscape", "--scale", "10000", "--title", "T", "-o", str(out), "--quiet"]) == 0
    a3 = page_count(out)
    out5 = tmp_path / "5k.pdf"
    assert main(["build", "--osm", str(MONACO), "--bbox", MONACO_BBOX, "--scale", "5000",
                 "-o", str(out5), "--quiet"]) == 0
    assert page_count(out5) > a3


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "papermap", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("case,args,expect", [
    ("missing", ["--osm", "nope.osm.pbf"], "nope.osm.pbf: OSM file not found"),
    ("corrupt", ["--osm", "{corrupt}"], "cannot read OSM data"),
    ("outside", ["--osm", str(MONACO), "--bbox", "135.7,34.9,135.8,35.0"], "is outside the extract"),
    ("paper", ["--osm", str(MONACO), "--paper", "A5"], "unknown paper size 'A5' (use A4, A3, A2, A1, A0)"),
    # points files are read by a worker of their own: its error still reaches the user as one line
    ("points", ["--osm", str(MONACO), "--bbox", MONACO_BBOX, "--points", "gone.csv"], "gone.csv: file not found"),
])
def test_bad_input_is_one_clear_line_and_leaves_no_pdf(tmp_path, case, args, expect):
    corrupt = tmp_path / "broken.osm.pbf"
    corrupt.write_bytes(b"\x00\x00\x00\x0dthis is not a pbf at all" * 20)
    args = [a.replace("{corrupt}", str(corrupt)) for a in args]
    proc = run_cli("build", *args, "-o", "out.pdf", "--quiet", cwd=tmp_path)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert expect in proc.stderr
    assert len(lines) == 1 and lines[0].startswith("papermap: error:")
    assert not any(p.suffix in (".pdf", ".part") for p in tmp_path.iterdir())


def test_unknown_paper_in_config_is_a_clear_error(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'osm = "{MONACO}"\npaper = "B5"\n')
    proc = run_cli("build", str(cfg), "-o", "out.pdf", cwd=tmp_path)
    assert proc.returncode == 1 and "unknown paper size 'B5'" in proc.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_real_japanese_extract_prints_japanese_names(tmp_path):
    kyoto = shared_file("osm/kyoto-shimogyo-gojo-karasuma.osm")
    out = tmp_path / "kyoto.pdf"
    assert main(["build", "--osm", str(kyoto), "--scale", "5000", "--title", "京都 五条烏丸", "-o", str(out),
                 "--quiet"]) == 0
    text = " ".join(page_texts(out))
    assert "京都 五条烏丸" in text
    assert any(name in text for name in ("烏丸通", "五条通", "高倉通", "六条通"))
    assert "2017-10-08" in text  # the newest element's date: the XML has no replication header
    assert all(f["embedded"] for f in fonts(out))


def test_real_overpass_json_roads(tmp_path):
    kumamoto = shared_file("osm/kumamoto-chuo-roads.overpass.json")
    out = tmp_path / "k.pdf"
    assert main(["build", "--osm", str(kumamoto), "--bbox", "130.70,32.79,130.72,32.81", "-o", str(out),
                 "--quiet"]) == 0
    text = " ".join(page_texts(out))
    assert "2023-01-04" in text   # osm3s.timestamp_osm_base
    img = render(out, 1, dpi=60)
    assert (np.abs(img.astype(int) - [255, 255, 255]).max(axis=2) < 8).mean() > 0.005  # white road fills
