"""Pages drawn by forked workers (`--jobs`) make the very PDF one process makes, byte for byte."""
from __future__ import annotations

import io
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import MONACO, MONACO_BBOX, REPO, shared_file
from papermap.config import load_config
from papermap.layout.table import TableRow, layout_table
from papermap.model.categories import load_categories
from papermap.layout.atlas import sheet_texts
from papermap.layout.sheets import SheetText
from papermap.pipeline import build_atlas
from papermap.errors import PapermapError
from papermap.render.pdf import BLACK, Document, FormRecipeError, Run, text_width
from papermap.render.pdf.version import check_reportlab
from papermap.render.symbols import Mark, draw_symbols
from papermap.sources.points import read_points
from pdfcheck import page_texts

RELIEF = REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def two_builds(tmp_path: Path, **over) -> tuple[bytes, bytes, int]:
    """The same atlas built by one process and by two workers: (one, two, pages redrawn by the parent)."""
    base = {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)], "osm_points": True,
            "cache_dir": str(tmp_path / "cache")}
    base.update(over)
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    build_atlas(load_config(None, dict(base, jobs=1)), one, now=NOW)
    report = build_atlas(load_config(None, dict(base, jobs=2)), two, now=NOW)
    return one.read_bytes(), two.read_bytes(), report.redrawn


@pytest.mark.parametrize("mono", [False, True])
def test_workers_make_the_same_pdf_as_one_process(tmp_path, mono):
    one, two, redrawn = two_builds(tmp_path, mono=mono)
    assert redrawn == 0          # every character was reserved: the workers' pages were used
    assert one == two
    assert len(page_texts(tmp_path / "two.pdf")) >= 5


def test_real_japanese_street_names_drawn_by_workers(tmp_path):
    kyoto = shared_file("osm/kyoto-shimogyo-gojo-karasuma.osm")
    one, two, redrawn = two_builds(tmp_path, osm=str(kyoto), bbox=None, scale=5000, points=[],
                                   title="京都 五条烏丸")
    assert redrawn == 0 and one == two
    assert any(name in " ".join(page_texts(tmp_path / "two.pdf")) for name in ("烏丸通", "五条通", "高倉通"))


def test_every_character_of_the_real_2018_tables_is_reserved():
    """The table of the real flood points prints only characters reserved before the fork, so no
    worker's page has to be drawn again."""
    kml = shared_file("relief/hiroshima-2018-water-supply.kml")
    cats = load_categories()
    points = read_points(kml, cats).points
    info = SheetText("尾道・三原", "2018-07-10 09:00 UTC", "2018-07-11 08:00", str(kml), 10000, ("ja", "en"))
    reserved = set("".join(sheet_texts(info, points, cats)))
    rows = [TableRow.from_point(i + 1, p) for i, p in enumerate(points)]
    chunks = layout_table(rows, 500.0, 700.0, 700.0, text_width, langs=("ja", "en"), page_label="3")
    printed = {ch for chunk in chunks for laid in (chunk.header, *chunk.rows) for cell in laid.cells
               for line in cell for ch in line.text}
    printed |= {ch for chunk in chunks for line in chunk.heading for ch in line.text}
    assert len(chunks) > 3 and printed - reserved - {" "} == set()


def canvas_bytes(tasks, jobs: int, reserved: str) -> tuple[bytes, int]:
    buf = io.BytesIO()
    doc = Document(buf, (595, 842), "t", "s")
    doc.reserve([reserved])
    redrawn = doc.draw_all(tasks, jobs)
    doc.finish()
    return buf.getvalue(), redrawn


def text_task(words: list[str]):
    def task(doc):
        for word in words:   # a sheet per word
            doc.texts([Run(50, 700, word, 12.0, 100.0, BLACK)])
            doc.end_sheet()
    return task


def slow_here(task, seconds: float = 1.0):
    """``task``, after a pause when the parent draws it: the worker meanwhile takes the others
    (it takes them from the far end), so what the test means a worker to draw, a worker draws."""
    parent = os.getpid()

    def slow(doc):
        if os.getpid() == parent:
            time.sleep(seconds)
        task(doc)
    return slow


def test_a_character_left_out_makes_the_parent_draw_that_page_itself():
    tasks = [slow_here(text_task(["給水所", "入浴"])), text_task(["洗濯所"]), text_task(["給水", "所"])]
    one, _ = canvas_bytes(tasks, 1, "給水所入浴")
    two, redrawn = canvas_bytes(tasks, 2, "給水所入浴")
    assert redrawn >= 1          # 洗濯 was not reserved: its worker gives up, the parent draws it
    assert one == two


def symbol_task(kinds: list[list[tuple[str, str]]]):
    def task(doc):
        for sheet in kinds:
            draw_symbols(doc, [Mark(shape, colour, "white", 100 + 40 * i, 400, 14.0, i + 1)
                             for i, (shape, colour) in enumerate(sheet)], False)
            doc.end_sheet()
    return task


def test_forms_first_drawn_in_workers_are_defined_once_in_the_right_order():
    """Each worker defines the symbol forms it needs; forms recur across workers and sheets."""
    a, b, c_ = ("circle", "#1f77b4"), ("triangle", "#d62728"), ("square", "#2ca02c")
    tasks = [slow_here(symbol_task([[a]])), symbol_task([[a, b], [b]]), symbol_task([[c_, a]]),
             symbol_task([[b], [c_], [a, b, c_]]), symbol_task([[a]])]
    one, _ = canvas_bytes(tasks, 1, "")
    two, redrawn = canvas_bytes(tasks, 2, "")
    assert redrawn == 0 and one == two
    assert one.count(b"/Subtype /Form") >= 3


def test_a_worker_that_dies_leaves_the_parent_to_draw_the_rest(tmp_path):
    """A worker killed mid-build (out of memory, say) costs time, never pages."""
    parent = os.getpid()

    def dies_in_a_worker(words):
        def task(c):
            if os.getpid() != parent:
                os._exit(1)
            text_task(words)(c)
        return task

    tasks = [slow_here(text_task(["給水所"])), dies_in_a_worker(["入浴"]), text_task(["所"]),
             dies_in_a_worker(["給水"])]
    one, _ = canvas_bytes(tasks, 1, "給水所入浴")
    two, redrawn = canvas_bytes(tasks, 2, "給水所入浴")
    assert redrawn >= 1 and one == two


def test_a_form_whose_recipe_cannot_go_to_a_worker_fails_the_same_with_one_job_or_two():
    """A form drawn by a closure used to work with --jobs 1 and crash with --jobs 2."""
    def local_recipe(doc, name):
        doc.begin_form(name)
        doc.rect(0, 0, 5, 5)
        doc.end_form()

    def task(doc):
        doc.place(doc.form("local", local_recipe))
        doc.end_sheet()

    errors = []
    for jobs in (1, 2):
        with pytest.raises(FormRecipeError, match="'local' cannot be sent to a worker") as err:
            canvas_bytes([task, task, task], jobs, "")
        errors.append(str(err.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("version", ["4.4.10", "5.0.9", "5.2.0", "6.0"])
def test_a_reportlab_outside_the_tested_range_is_a_clear_error(version):
    with pytest.raises(PapermapError, match=rf"ReportLab {re.escape(version)} is installed, but papermap is "
                                            r"tested with ReportLab 5\.1\.x"):
        check_reportlab(version)
    check_reportlab("5.1.0")
    check_reportlab()      # the installed one
