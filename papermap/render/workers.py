"""Sheets drawn by forked workers and filed into the PDF in order (``--jobs``).

A task lays out and draws one map page and its point table. A worker is a fork of the parent, so
it has the points, the basemap and the canvas without pickling any of them. It draws onto its copy
of the canvas and sends back each sheet's page stream, compressed, and its resources; the parent
files them as pages, in task order, exactly as its canvas would have (the PDF is the same, byte for
byte, as one drawn by a single process: tests/test_workers.py). ReportLab has no public way to file
a page drawn elsewhere, so this reads and sets the canvas's page accumulators as showPage() does;
the byte-for-byte test holds it to that. All pages of a PDF share two things:

- glyph codes: the parent reserves every character before the fork (``text.reserve``) and a
  worker's font is frozen, so a character left out makes ReportLab raise and the parent draws that
  task itself;
- forms: a worker notes the recipe of each form it defines (``forms.define``), and the parent
  defines the ones it lacks from the same recipe before filing the pages that place them.

A worker that dies (killed, out of memory) costs time, not pages: the parent draws the rest.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import PDFError, PDFStream
from reportlab.pdfgen.canvas import Canvas

from papermap import forks
from papermap.render import forms, text

Task = Callable[[Canvas], None]   # draws whole sheets onto the canvas, ending each with showPage()


class Sheet(NamedTuple):
    """One page as the canvas files it on showPage(), its content stream already compressed."""

    stream: bytes
    forms: list[str]
    colours: dict
    shading: dict
    images: int
    recipes: int     # how many form recipes the worker had when the sheet was done


class _Compressed:
    """A stream filter for content the worker has compressed already: it only names the filter."""

    pdfname = "FlateDecode"

    def encode(self, data: bytes) -> bytes:
        return data


_COMPRESSED = _Compressed()


class _Unfileable(Exception):
    """A sheet uses something the parent cannot file from a stream: links, transparency."""


_WORK: tuple[Canvas, Sequence[Task]] | None = None   # draw_all's canvas and tasks, inherited by fork
_SHEETS: list[Sheet] = []                           # the sheets of the task a worker is drawing
_BROKEN = False                                     # a task failed half-drawn: the canvas is unusable


def draw_all(c: Canvas, tasks: Sequence[Task], jobs: int, filed: Callable[[int], None] | None = None) -> int:
    """Run every task onto ``c``, in order, over ``jobs`` forked workers (0: all cores).

    ``filed(i)`` is called once task i's sheets are in the PDF. Returns how many tasks the parent
    drew itself after all: a character was not reserved, or a worker died.
    """
    global _WORK
    done = redrawn = 0
    if forks.can_fork(jobs, len(tasks)) and c._pageCompression and not rl_config.useA85:
        _WORK = (c, tasks)
        try:
            for result in forks.forked_map(_draw, len(tasks), jobs):
                redrawn += _put(c, tasks[done], result)
                if filed:
                    filed(done)
                done += 1
        finally:
            _WORK = None
        redrawn += len(tasks) - done      # after a worker died: the parent draws the rest below
    for i in range(done, len(tasks)):
        tasks[i](c)
        if filed:
            filed(i)
    return redrawn


def _put(c: Canvas, task: Task, result: tuple[list, list[Sheet]] | None) -> int:
    """A worker's sheets into ``c``, each after the forms it first placed, as one process would
    have defined them; or, when the worker gave up, the task drawn here. Returns 1 if redrawn."""
    if result is None:
        task(c)
        return 1
    recipes, sheets = result
    done = 0
    for sheet in sheets:
        _define(c, recipes[done:sheet.recipes])
        done = sheet.recipes
        _file(c, sheet)
    _define(c, recipes[done:])
    return 0


def _define(c: Canvas, recipes: list) -> None:
    for name, draw, args in recipes:
        forms.define(c, name, draw, *args)


def _file(c: Canvas, sheet: Sheet) -> None:
    """A worker's sheet as the next page of ``c``: what showPage() would have filed there."""
    c._formsinuse, c._colorsUsed, c._shadingUsed, c._currentPageHasImages = sheet[1:5]
    c.showPage()
    # the stream ReportLab would compress on save, compressed by the worker
    c._doc.Pages.pages[-1].Contents = PDFStream(content=sheet.stream, filters=[_COMPRESSED])


def _draw(i: int) -> tuple[list, list[Sheet]] | None:
    """In a worker: task ``i``'s sheets, and the recipe of every form this worker has defined so
    far (the parent skips those it has); None when the task needs what only the parent can do."""
    global _BROKEN
    assert _WORK is not None
    c, tasks = _WORK
    if forms.RECIPES is None:          # the worker's first task
        forms.RECIPES = []
        text.freeze(c)
        c.showPage = lambda: _capture(c)
    if _BROKEN:
        return None
    _SHEETS.clear()
    try:
        tasks[i](c)
    except (PDFError, _Unfileable):
        _BROKEN = True
        return None
    return list(forms.RECIPES), list(_SHEETS)


def _capture(c: Canvas) -> None:
    """showPage() in a worker: keep the page for the parent and start the next one."""
    if c._annotationrefs or c._psCommandsBeforePage or c._psCommandsAfterPage or c._extgstate.getState():
        raise _Unfileable
    # what showPage() and PDFPage.setStream() make of the page, then PDFZCompress
    stream = zlib.compress(("\n".join([c._preamble, *c._code, " "]) + "\n").encode("utf8"))
    _SHEETS.append(Sheet(stream, c._formsinuse, c._colorsUsed, c._shadingUsed, c._currentPageHasImages,
                         len(forms.RECIPES)))
    c._startPage()
