"""How a map goes on paper, as one pluggable class per format (OCitySMap's layoutlib has one
renderer per layout; here a format lays out and render draws what it laid out).

The build (papermap/pipeline.py) drives a ``SheetFormat`` in four steps:

1. ``grid(area)`` and ``frame_pt`` (``page_count`` to weigh an area first): the ground windows whose basemap is drawn (and cached), and
   where on a sheet that drawing goes, so the basemap is drawn once per window, in parallel;
2. ``lay_out(content)``: given the drawn basemap, the relief points (projected) and the words
   every sheet carries, decide the pages (which are kept, their numbers, QR codes, what each
   lists); returns the map pages and which points they show (``LaidOut``), for the build report;
3. ``texts()``: every text its sheets may print, so their glyphs are reserved before sheets are
   drawn apart;
4. ``jobs()``: the sheets in print order, in groups; a job lays out its sheets (``Sheet`` values,
   layout/sheets.py) when called, which a forked worker does, and render draws them.

A new format (map and list on one sheet, a poster, pages around points) is a new subclass in
layout/, named in ``FORMATS``; a new kind of sheet it needs is a new ``Sheet`` dataclass
plus its drawer in render/pages.py. The current atlas is ``layout.atlas.AtlasFormat``.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from papermap.layout.grid import Box, Cell, MapPage
from papermap.layout.labels import Label
from papermap.layout.overlays import OverlayLayer
from papermap.layout.printsize import NORMAL, PrintSizes
from papermap.layout.qr import QrMatrix
from papermap.layout.sheets import Sheet, SheetText
from papermap.layout.text import Measure

if TYPE_CHECKING:
    from papermap.config import Config
    from papermap.model.categories import Categories
    from papermap.model.points import Point


class CellDrawing(Protocol):
    """The basemap drawn for one grid window (render/artcache.py's CellArt is one)."""

    cell: Cell
    content: bool          # anything but open sea crosses the window
    ops: str               # drawing operators, placed as they are
    labels: list[Label]


@dataclass
class AtlasContent:
    """Everything read and projected that a format lays out: plain values, no drawing."""

    cfg: Config
    categories: Categories
    cells: Sequence[CellDrawing]
    overview_window: Box
    overview_ops: str
    points: list[Point]
    xy: np.ndarray                                     # the points in projected metres, row per point
    info: SheetText
    measure: Measure                                   # text width at a size, in points
    to_lonlat: Callable[[Box], tuple[float, float, float, float]]   # a window as W, S, E, N degrees
    qr_codes: Callable[[list[str]], dict[str, QrMatrix]]            # payloads -> modules, cached
    unplaced: list[Point] = field(default_factory=list)             # only an address, not found in the map data
    source_lines: dict[str, str] = field(default_factory=dict)      # Point.source -> "name · licence · as of"
    overlays: OverlayLayer | None = None                            # lines and areas, projected
    covered: tuple | None = None       # the extract's extent, a projected ring: beyond it pages are hatched


@dataclass
class LaidOut:
    """What a format decided that the build reports: the map pages, and which points they show."""

    pages: list[MapPage]
    placed: set[int]          # indices into AtlasContent.points of points on at least one page


Job = Callable[[], list[Sheet]]   # lays out a group of sheets; called in a worker when forked


def grouped(job: Job, group: int) -> Job:
    """``job``, marked as one of ``group`` (a positive number): jobs of a group lay out the same
    thing (a map page and its table), so a worker sharing the jobs leaves one to the process that
    began its group (forks.mates). A job not marked stands alone."""
    job.group = group   # type: ignore[attr-defined]
    return job


def job_groups(jobs: list[Job]) -> list[int]:
    """Each job's group: its mark, or a number of its own (negative) when it has none."""
    return [getattr(job, "group", -1 - i) for i, job in enumerate(jobs)]


class SheetFormat(ABC):
    """One way of putting the map, its points and their lists on sheets of paper."""

    name: str
    sizes: PrintSizes = NORMAL     # how big its text and symbols print (large print: layout/printsize.py)

    @property
    @abstractmethod
    def sheet_pt(self) -> tuple[float, float]:
        """Width and height of every sheet, in points."""

    @property
    @abstractmethod
    def frame_pt(self) -> Box:
        """Where a grid window's basemap drawing goes on its sheet, in points."""

    @abstractmethod
    def grid(self, area: Box) -> list[Cell]:
        """The ground windows (projected metres) whose basemap is drawn, covering ``area``."""

    @abstractmethod
    def page_count(self, area: Box) -> int:
        """How many windows ``grid(area)`` would have, without making them (an area may be huge)."""

    @abstractmethod
    def overview_window(self, cells: list[Cell]) -> Box:
        """The ground window of the overview drawing, showing every cell."""

    @abstractmethod
    def lay_out(self, content: AtlasContent) -> LaidOut:
        """Decide the pages from what was read: the map pages kept, in print order."""

    @abstractmethod
    def texts(self) -> Iterable[str]:
        """Every text the sheets may print (after ``lay_out``)."""

    @abstractmethod
    def jobs(self) -> list[Job]:
        """The sheets in print order, as jobs that lay them out (after ``lay_out``)."""


FORMATS = {"atlas": "papermap.layout.atlas:AtlasFormat",      # name -> module:class, imported when chosen
           "sheet": "papermap.layout.onesheet:OneSheetFormat",
           "around": "papermap.layout.around:AroundFormat",
           "poster": "papermap.layout.poster:PosterFormat",
           "auto": "papermap.layout.auto:AutoFormat"}


def choose_format(cfg: Config, name: str | None = None) -> SheetFormat:
    """The format called ``name``, else the one the configuration asks for: a page around each
    point with ``around``, else its ``layout``."""
    import importlib

    name = name or ("around" if getattr(cfg, "around", None) else getattr(cfg, "layout", "atlas"))
    module, cls = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), cls)(cfg)
