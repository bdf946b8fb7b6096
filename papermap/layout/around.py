"""Pages around points (``--around``): one map page centred on each point of a points file or of a
kind of point already loaded (or on each tight cluster of them), with its list on the same sheet,
titled with the point's name: "one sheet per shelter", not page 7 of a grid with the shelter on its
edge.

The basemap is drawn, and cached, on the atlas's grid as for every format; a page centred on a
point is put together from the cells it crosses, each giving the ground it alone answers for
(``Cell.own``), so nothing is drawn twice. ``radius`` sets the ground: the scale is the first round
one at which the nearer edge of the page is at least ``radius`` metres from its centre.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from papermap.config import changed
from papermap.errors import InputError
from papermap.layout.atlas import _inside
from papermap.layout.grid import Box, MapPage, ground_size
from papermap.layout.onesheet import OneSheetFormat, listed_layout
from papermap.layout.sheetformat import AtlasContent
from papermap.layout.sheets import Sheet

if TYPE_CHECKING:
    from papermap.config import Config
    from papermap.model.points import Point

ROUND_SCALES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5)   # times a power of ten
CLUSTER = 0.2          # points nearer than this share of the radius get one page between them


def scale_for_radius(radius_m: float, frame_short_mm: float) -> int:
    """The first round scale at which ``frame_short_mm`` of paper covers twice ``radius_m``."""
    exact = 2 * radius_m * 1000.0 / frame_short_mm
    power = 10 ** math.floor(math.log10(exact))
    return int(next(m * power for m in (*ROUND_SCALES, 10.0) if m * power >= exact - 1e-6))


def clusters(xy: np.ndarray, within: float) -> list[list[int]]:
    """Indices of ``xy`` in groups: each group the first point left and those within ``within``
    metres of it, in the order given."""
    left = list(range(len(xy)))
    groups = []
    while left:
        first = left[0]
        near = [i for i in left if math.dist(xy[first], xy[i]) <= within]
        groups.append(near)
        left = [i for i in left if i not in near]
    return groups


class AroundFormat(OneSheetFormat):
    """A ``sheet`` page centred on each point (or cluster) of ``cfg.around``."""

    name = "around"

    def __init__(self, cfg: Config) -> None:
        layout = listed_layout(cfg.paper, cfg.orientation)
        if cfg.radius is not None:
            cfg = changed(cfg, scale=scale_for_radius(cfg.radius, min(layout.map.w, layout.map.h)))
        around = str(cfg.around)
        if Path(around).is_file() and Path(around) not in cfg.points:   # a points file is read as points too
            cfg = changed(cfg, points=[*cfg.points, Path(around)])
        super().__init__(cfg)
        self._titles: dict[int, str] = {}
        self._centres: dict[int, np.ndarray] = {}

    @property
    def radius(self) -> float:
        """Metres from a page's centre to its nearer edge."""
        return min(ground_size(self.sheet.map.w, self.sheet.map.h, self.cfg.scale)) / 2

    def focus(self, content: AtlasContent) -> list[int]:
        """The points the pages are around: those read from the ``around`` file, else those of the
        kind it names."""
        around = str(self.cfg.around)
        if Path(around).is_file():
            found = [i for i, p in enumerate(content.points) if _reported_in(p, Path(around).resolve())]
            what = f"no usable point in {around}"
        else:
            kind = content.categories.resolve(around)
            if kind is None:
                raise InputError(f"'{around}' is neither a points file nor a kind of point "
                                 f"(kinds: {', '.join(content.categories.ids)})", field="around")
            found = [i for i, p in enumerate(content.points) if p.category == kind]
            what = f"no point of kind '{kind}' was loaded"
        if not found:
            raise InputError(what, field="around")
        return found

    def choose_pages(self, content: AtlasContent) -> tuple[list[MapPage], dict[tuple[int, int], np.ndarray]]:
        """One page per cluster of focus points, centred on the cluster, in the order read. A point
        outside the mapped area gets no page (the build names it among the points outside)."""
        windows = [a.cell.window for a in content.cells]
        focus = [i for i in self.focus(content) if any(len(_inside(content.xy[i:i + 1], c)) for c in windows)]
        w, h = ground_size(self.sheet.map.w, self.sheet.map.h, self.cfg.scale)
        pages, members = [], {}
        for n, group in enumerate(clusters(content.xy[focus], CLUSTER * self.radius), start=1):
            idx = [focus[i] for i in group]
            cx, cy = content.xy[idx].mean(axis=0).tolist()
            window: Box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            pages.append(MapPage(n, 0, n, window))
            members[(0, n)] = _inside(content.xy, window)
            self._centres[n] = np.array([cx, cy])
            names = [content.points[i].display_name(self.cfg.lang[0]) or content.categories.by_id[
                content.points[i].category].label(self.cfg.lang[0]) for i in idx]
            self._titles[n] = " / ".join(dict.fromkeys(names))
        return pages, members

    def texts(self):
        yield from super().texts()
        yield from self._titles.values()

    def _map_page(self, page: MapPage) -> list[Sheet]:
        cells = [a for a in self._content.cells if _crosses(a.cell.window, page.window)]
        title = f"{self._titles[page.number]} — {self._content.info.title}"
        return self.listed_sheet(page, cells, True, title, self._centres[page.number])


def _reported_in(point: Point, file: Path) -> bool:
    """Whether ``file`` reported ``point``: as its source, or as one of the reports merged into
    it (model/dedupe.py), since a shelter list passed to ``--around`` may also be among the
    points files, and the merged point keeps the first file's name."""
    sources = [point.source] + [merged.rpartition("#")[0] for merged in point.extra.get("merged", "").split("; ")
                                if merged]
    return any(Path(source).resolve() == file for source in sources)


def _crosses(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
