"""The PDF being written: the one object in papermap that holds a ReportLab canvas.

Render modules draw through a ``Document``: colours as ``Colour`` values, text as runs in the
document font, forms from recipes, sheets ended with ``end_sheet``. Everything a document keeps
between calls (text codes, forms and their recipes, sheets captured in a forked worker) lives on
the instance, so a fork carries it whole and two documents never share it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from papermap.render.pdf.colour import BLACK, Colour, colour_op
from papermap.render.pdf.fonts import register, text_width
from papermap.render.pdf.forms import Forms
from papermap.render.pdf.kept import KEPT
from papermap.render.pdf.saving import remembered_words
from papermap.render.pdf.text import Run, TextCodes
from papermap.render.pdf.version import check_reportlab
from papermap.settings import MIN_FONT_PT

num = fp_str   # a coordinate as the shortest PDF number, as the canvas writes its own


def _pdf_date(when: datetime, *_ymdhms) -> str:
    """``when`` as a PDF date, D:YYYYMMDDHHmmSS+HH'mm' (the canvas's date formatter)."""
    offset = when.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    return f"D:{when:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"

class Document:
    """A PDF of ``size_pt`` sheets at ``target`` (a path or a binary file), compressed, whose
    default font is the embedded one (no stray Helvetica).

    Its metadata holds nothing but what is passed in: ``created`` is its creation date (the
    print date on the sheets; with ``SOURCE_DATE_EPOCH`` that date, so two builds give the same
    bytes), and without it the invariant 2000-01-01 that ReportLab writes.

    Raises PapermapError when the installed ReportLab is not one this layer is tested with.
    """

    def __init__(self, target: str | Path | BinaryIO, size_pt: tuple[float, float], title: str = "",
                 subject: str = "", cache_dir: Path | None = None, created: datetime | None = None) -> None:
        check_reportlab()
        font = register(cache_dir)
        rl_config.useA85 = 0  # binary streams: smaller files, no slow ASCII85, and sheets can be filed
        target = str(target) if isinstance(target, Path) else target
        c = self._canvas = Canvas(target, pagesize=size_pt, pageCompression=1, invariant=1,
                                  initialFontName=font, initialFontSize=8)
        c.setTitle(title)
        c.setAuthor("papermap")
        c.setSubject(subject)
        if created is not None:
            c.setDateFormatter(partial(_pdf_date, created))
        self._font = font
        self._codes = TextCodes(c._doc)
        self._forms = Forms(c, self._codes.numbers)
        self._sheets: list | None = None    # in a forked worker: the sheets captured (filing.py)
        self._kept: list[tuple[int, str]] = []   # this sheet's kept runs: (where in its code, operators)
        KEPT.trim()
        self._broken = False                # a worker's task failed half-drawn: its copy is unusable
        self._reserved: list[str] = []      # the texts reserved (``fingerprint``)
        self._size = tuple(size_pt)

    # -- the document as a whole --------------------------------------------------------------
    def reserve(self, texts: Iterable[str]) -> None:
        """Give every character of ``texts`` its glyph code now, before sheets are drawn apart
        (filing.py); a character left out makes a worker give its task back to the parent."""
        self._reserved = list(texts)
        self._codes.reserve(self._reserved)

    def fingerprint(self, tasks: int) -> bytes:
        """What two processes compare before sharing sheets laid out apart (papermap/crew.py):
        every text the sheets may print, the sheet size, the number of tasks, and whether
        basemaps are kept as streams of their own (which changes how a page is filed)."""
        digest = hashlib.blake2b("\0".join(self._reserved).encode("utf8", "surrogatepass"), digest_size=24)
        digest.update(repr((self._size, tasks, KEPT.on)).encode())
        return digest.digest()

    def end_sheet(self) -> None:
        """The sheet is done: file it, its content compressed now rather than on save (filing.py),
        and start the next."""
        from papermap.render.pdf.filing import file_own

        file_own(self)

    @property
    def sheets(self) -> int:
        """How many sheets are filed so far."""
        return self._canvas.getPageNumber() - 1

    def finish(self) -> None:
        """Write the PDF out (its recurring words encoded once: saving.py)."""
        with remembered_words():
            self._canvas.save()

    def draw_all(self, tasks, jobs: int, filed: Callable[[int], None] | None = None,
                 groups: list[int] | None = None) -> int:
        """Run every task (``task(document)`` draws whole sheets) in order, over ``jobs`` forked
        workers; see filing.py. Tasks of one of ``groups`` share work (a page laid out): a
        worker leaves a task to the process that began its group. Returns how many tasks the
        parent drew itself after all."""
        from papermap.render.pdf.filing import draw_all

        return draw_all(self, tasks, jobs, filed, groups)

    # -- graphics state -----------------------------------------------------------------------
    def fill(self, colour: Colour) -> None:
        self._canvas.addLiteral(colour_op(colour))

    def stroke(self, colour: Colour) -> None:
        self._canvas.addLiteral(colour_op(colour, stroke=True))

    def line_width(self, width_pt: float) -> None:
        self._canvas.setLineWidth(width_pt)

    def line_cap(self, cap: int) -> None:
        self._canvas.setLineCap(cap)

    def line_join(self, join: int) -> None:
        self._canvas.setLineJoin(join)

    def save_state(self) -> None:
        self._canvas.saveState()

    def restore_state(self) -> None:
        self._canvas.restoreState()

    def translate(self, x: float, y: float) -> None:
        self._canvas.translate(x, y)

    def rotate(self, degrees: float) -> None:
        self._canvas.rotate(degrees)

    # -- shapes -------------------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, stroke: bool = True, fill: bool = False) -> None:
        self._canvas.rect(x, y, w, h, stroke=int(stroke), fill=int(fill))

    def round_rect(self, x: float, y: float, w: float, h: float, radius: float, stroke: bool = True,
                   fill: bool = False) -> None:
        self._canvas.roundRect(x, y, w, h, radius, stroke=int(stroke), fill=int(fill))

    def circle(self, x: float, y: float, r: float, stroke: bool = True, fill: bool = False) -> None:
        self._canvas.circle(x, y, r, stroke=int(stroke), fill=int(fill))

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._canvas.line(x0, y0, x1, y1)

    def path(self):
        """A new path: build it with moveTo, lineTo, arcTo, circle, rect and close."""
        return self._canvas.beginPath()

    def draw_path(self, path, stroke: bool = True, fill: bool = False) -> None:
        self._canvas.drawPath(path, stroke=int(stroke), fill=int(fill))

    def clip(self, path) -> None:
        """Clip what follows (until ``restore_state``) to ``path``."""
        self._canvas.clipPath(path, stroke=0, fill=0)

    def literal(self, ops: str) -> None:
        """Prepared PDF operators (the basemap, batched paths) into the current stream."""
        if ops:
            self._canvas.addLiteral(ops)

    def literal_kept(self, ops: str) -> None:
        """Like ``literal``, for a long run that later builds in this process draw again unchanged
        (a page's basemap): with ``keep_streams`` on, a content stream of its own, compressed once
        (kept.py)."""
        if not ops:
            return
        if KEPT.on:
            self._kept.append((len(self._canvas._code), ops))
        else:
            self._canvas.addLiteral(ops)

    # -- text ---------------------------------------------------------------------------------
    def texts(self, runs: Iterable[Run], halo: tuple[Colour, float] | None = None) -> None:
        """Texts, written from the font's subset codes in one text object: the one way text is
        drawn. Each run has its own place, size, scale, fill and angle. With ``halo`` (a colour
        and a width in points) the runs' outlines are stroked instead, to lift the same runs,
        drawn after, off what lies under them."""
        outline = f"{colour_op(halo[0], stroke=True)} {fp_str(halo[1])} w 1 j" if halo else ""
        self._canvas.addLiteral(self._codes.ops(runs, outline))

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "left",
             colour: Colour = BLACK) -> None:
        """One text, at least 7 pt, its baseline at ``y`` and ``x`` its left end, centre or right
        end (``anchor``)."""
        size = max(size, MIN_FONT_PT)
        if anchor != "left":
            x -= text_width(text, size) / (2 if anchor == "centre" else 1)
        self.texts([Run(x, y, text, size, 100.0, colour)])

    # -- forms --------------------------------------------------------------------------------
    def form(self, name: str, draw: Callable, *args) -> str:
        """The form ``name``, defined on first use by ``draw(document, name, *args)``: a
        module-level function and picklable ``args`` (else FormRecipeError, with any --jobs)."""
        return self._forms.define(self, name, draw, args)

    def begin_form(self, name: str, box: tuple[float, float, float, float] | None = None) -> None:
        """Within a form's recipe: what follows, until ``end_form``, is the form (``box``: its
        bounding box, default the sheet)."""
        if box is None:
            self._canvas.beginForm(name)
        else:
            self._canvas.beginForm(name, *box)

    def end_form(self) -> None:
        self._canvas.endForm()

    def place(self, name: str) -> None:
        """The form ``name`` where the current transformation puts its origin."""
        self._canvas.doForm(name)

    def place_all(self, placed: Iterable[tuple[str, float, float]]) -> None:
        """Each (form, x, y), in order, as one piece of the stream."""
        self._forms.place_all(placed)
