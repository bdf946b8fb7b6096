"""Sheets drawn by forked workers and filed into the PDF in order (``--jobs``).

A task lays out and draws a group of sheets (in an atlas: a map page, or its point table). The
parent draws its share of the tasks from the front, in order, while workers take them from the
far end (forks.shared_map). A worker is a fork of the parent, so it has the points, the basemap
and the document without pickling any of them. It draws onto its copy of the document and sends
back each sheet's page streams, compressed, and its resources; the parent files them as pages,
in task order, exactly as its canvas would have (the PDF is the same, byte for byte, as one
drawn by a single process: tests/test_workers.py). ReportLab has no public way to file a page
drawn elsewhere, so this reads and sets the canvas's page accumulators as showPage() does; the
byte-for-byte test holds it to that, and version.py to the ReportLab versions it was tested
with. All pages of a PDF share these:

- glyph codes: the parent reserves every character before the fork (``Document.reserve``) and a
  worker's font is frozen, so a character left out makes ReportLab raise and the parent draws
  that task itself;
- forms: each sheet a worker draws comes back with the forms it asked for, in the order it asked,
  and their recipes (forms.py); the parent defines the ones it lacks, in that order, before
  filing the sheet, as it would have drawing the sheet itself, whatever order a worker drew in;
- kept streams (kept.py): a page's basemap drawn with ``literal_kept`` is a content stream of its
  own; a worker names it by digest when the store it inherited has it, else sends it compressed
  and the parent keeps it for the next build. The parent files its own pages the same way.

A worker that dies (killed, out of memory) costs time, not pages: the parent draws what it took.

In papermap serve's build worker the workers are a crew (papermap/crew.py): forks made once,
that lay each build out themselves and share its tasks the same way. Their documents are their
own, not copies of the parent's, so they are checked to hold the same tasks first
(``Document.fingerprint``), and a member's kept streams are its own: it always sends them.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from contextlib import closing
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import PDFArray, PDFError, PDFStream

from papermap import crew, forks
from papermap.render.pdf.kept import COMPRESSED, KEPT

if TYPE_CHECKING:
    from papermap.render.pdf.document import Document

Task = Callable[["Document"], None]   # draws whole sheets onto the document, ending each with end_sheet()


Part = tuple[bytes, "bytes | None"]   # (digest of a kept stream, else b""; compressed, or None: the parent keeps it)


class Sheet(NamedTuple):
    """One page as the canvas files it on showPage(), its content streams already compressed."""

    parts: tuple[Part, ...]
    forms: list[str]
    colours: dict
    shading: dict
    images: int
    asked: tuple     # the recipe of every form the sheet asked for, in the order it asked


class _Unfileable(Exception):
    """A sheet uses something the parent cannot file from a stream: links, transparency."""


def draw_all(doc: Document, tasks: Sequence[Task], jobs: int, filed: Callable[[int], None] | None = None,
             groups: Sequence[int] | None = None) -> int:
    """Run every task onto ``doc``, in order, shared between this process and ``jobs - 1`` forked
    workers (0: all cores; forks.shared_map).

    ``filed(i)`` is called once task i's sheets are in the PDF. Returns how many tasks the parent
    drew after all, that a worker had taken: a character was not reserved, or the worker died.
    """
    redrawn = 0
    if groups is not None and len(groups) != len(tasks):
        raise ValueError(f"{len(groups)} groups for {len(tasks)} tasks")
    job, mates = partial(_draw, doc, tasks), forks.mates(groups)
    if crew.member():          # a crew member (papermap serve): it shares the parent's sheets, never files its own
        crew.serve(job, len(tasks), doc.fingerprint(len(tasks)), mates)
    sharing = crew.current() if forks.workers(jobs) >= 2 else None   # --jobs 1: one process, crew or not
    if (sharing or forks.can_fork(jobs, len(tasks))) and doc._canvas._pageCompression and not rl_config.useA85:
        shared = (sharing.map(job, len(tasks), doc.fingerprint(len(tasks))) if sharing
                  else forks.shared_map(job, len(tasks), jobs, mates=mates))
        with closing(shared) as results:
            for i, result in enumerate(results):
                if result is forks.HERE or result is forks.LOST:   # the parent's share, or a dead worker's
                    tasks[i](doc)
                    redrawn += result is forks.LOST
                else:
                    redrawn += _put(doc, tasks[i], result)
                if filed:
                    filed(i)
        return redrawn
    for i in range(len(tasks)):
        tasks[i](doc)
        if filed:
            filed(i)
    return redrawn


def _put(doc: Document, task: Task, result: tuple[list[Sheet], tuple] | None) -> int:
    """A worker's sheets into ``doc``, each after the forms it asked for that ``doc`` lacks, as
    one process would have defined them; or, when the worker gave up, the task drawn here.
    Returns 1 if redrawn."""
    if result is None:
        task(doc)
        return 1
    sheets, after = result
    if any(data is None and not KEPT.has(digest) for sheet in sheets for digest, data in sheet.parts):
        task(doc)       # cannot happen (the store lets nothing go within a document): drawn here
        return 1
    for sheet in sheets:
        _define(doc, sheet.asked)
        _file(doc, sheet)
    _define(doc, after)
    return 0


def _define(doc: Document, recipes: tuple) -> None:
    for name, draw, args in recipes:
        doc.form(name, draw, *args)


def _file(doc: Document, sheet: Sheet) -> None:
    """A sheet drawn apart as the next page of ``doc``: what showPage() would have filed there,
    with its content as the streams the sheet was drawn in."""
    c = doc._canvas
    c._formsinuse, c._colorsUsed, c._shadingUsed, c._currentPageHasImages = sheet[1:5]
    c.showPage()
    streams = []
    for digest, data in sheet.parts:
        if digest:
            if data is None:
                data = KEPT.get(digest)
            else:
                KEPT.put(digest, data)
        # the stream ReportLab would compress on save, compressed already
        streams.append(PDFStream(content=data, filters=[COMPRESSED]))
    page = c._doc.Pages.pages[-1]
    page.Contents = streams[0] if len(streams) == 1 else PDFArray([c._doc.Reference(s) for s in streams])


def file_own(doc: Document) -> None:
    """end_sheet() in the parent: the sheet filed as a worker's would be, so that one process and
    many make the same PDF. Its content is compressed now, not on save: while workers still
    draw (save is the one step after the sheets that no worker can share), and a long atlas
    holds each finished page compressed rather than as text."""
    try:
        sheet = _sheet_of(doc)
    except _Unfileable:       # nothing drawn so far is like this; if it comes, it goes in whole
        c = doc._canvas
        for at, ops in reversed(doc._kept):
            c._code.insert(at, ops)
        doc._kept.clear()
        c.showPage()
        return
    _file(doc, sheet)


def _draw(doc: Document, tasks: Sequence[Task], i: int) -> tuple[list[Sheet], tuple] | None:
    """In a worker: task ``i``'s sheets, and the forms asked for after its last sheet; None when
    the task needs what only the parent can do."""
    if doc._sheets is None:          # the worker's first task: this copy of the document captures
        doc._sheets = []
        doc._forms.recipes = {}
        doc._codes.freeze()
        doc.end_sheet = lambda: _capture(doc)
    if doc._broken:
        return None
    doc._sheets.clear()
    doc._forms.asked.clear()
    try:
        tasks[i](doc)
    except (PDFError, _Unfileable):
        doc._broken = True
        return None
    return list(doc._sheets), _asked(doc)


def _asked(doc: Document) -> tuple:
    """The recipes of the forms asked for since the last sheet, in order (the parent looks them
    up in its own forms first: it may have every one)."""
    forms = doc._forms
    asked = tuple(forms.recipes.get(name) or (name, _defined_elsewhere, ()) for name in forms.asked)
    forms.asked.clear()
    return asked


def _defined_elsewhere(doc: Document, name: str) -> None:
    """The recipe of a form the worker inherited already defined: the parent has it too."""
    raise AssertionError(f"form {name!r} was defined before the fork, yet the parent lacks it")


def _capture(doc: Document) -> None:
    """end_sheet() in a worker: keep the page for the parent and start the next one."""
    doc._sheets.append(_sheet_of(doc))


def _sheet_of(doc: Document) -> Sheet:
    """The sheet on the canvas, taken off it (the canvas starts the next): its content compressed
    as what showPage() and PDFPage.setStream() make of it, then PDFZCompress, cut into a stream
    before and after each kept run, which is compressed on its own unless the parent keeps it
    (the store a worker inherited is a part of the parent's: kept.py)."""
    c = doc._canvas
    if c._annotationrefs or c._psCommandsBeforePage or c._psCommandsAfterPage or c._extgstate.getState():
        raise _Unfileable
    code, parts, start, lines = c._code, [], 0, [c._preamble]
    for at, ops in doc._kept:
        parts.append((b"", _packed(lines + code[start:at])))
        digest = KEPT.digest(ops)
        if not crew.member():    # a fork's store is a part of the parent's: what it has, the parent has
            parts.append((digest, None if KEPT.has(digest) else _packed([ops])))
        else:                    # a crew member's is its own: it keeps what it packs, and sends it
            packed = KEPT.get(digest) or _packed([ops])
            KEPT.put(digest, packed)
            parts.append((digest, packed))
        start, lines = at, []
    parts.append((b"", _packed(lines + code[start:] + [" "])))
    doc._kept.clear()
    sheet = Sheet(tuple(parts), c._formsinuse, c._colorsUsed, c._shadingUsed, c._currentPageHasImages,
                  _asked(doc) if doc._forms.recipes is not None else ())
    c._startPage()
    c._pageNumber -= 1   # a sheet taken off, not filed: its page is counted when it is (``_file``)
    return sheet


def _packed(lines: list[str]) -> bytes:
    return zlib.compress(("\n".join(lines) + "\n").encode("utf8"))
