"""``--layout auto``: the choice a volunteer would make for the data at hand. When the area fits
one ``sheet`` page at the scale asked for, that one sheet (map and list together, the sheet that
gets taped to a shelter wall); otherwise the atlas, whose overview and page grid a reader needs to
find their way over many pages. The build says which was chosen, and why (``chosen``).

The choice is made from the area, the first thing the build gives a format (``grid``); a build
whose basemap comes from the cache never calls ``grid``, so the choice is then read back from the
cells drawn, which were made by the chosen format's grid.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from papermap.layout.atlas import AtlasFormat
from papermap.layout.grid import Box, Cell, ground_size
from papermap.layout.onesheet import OneSheetFormat
from papermap.layout.printsize import NORMAL, PrintSizes
from papermap.layout.sheetformat import AtlasContent, Job, LaidOut, SheetFormat

if TYPE_CHECKING:
    from papermap.config import Config


class AutoFormat(SheetFormat):
    """``sheet`` when the area fits one sheet, else ``atlas``; every call goes to the one chosen."""

    name = "auto"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.one = OneSheetFormat(cfg)
        self.atlas = AtlasFormat(cfg)
        self.chosen_format: SheetFormat | None = None
        self.chosen = "auto"

    def _choose(self, fmt: SheetFormat, why: str) -> SheetFormat:
        self.chosen_format = fmt
        self.chosen = f"auto: {fmt.name}, {why}"
        return fmt

    @property
    def _fmt(self) -> SheetFormat:
        assert self.chosen_format is not None, "grid or lay_out first"
        return self.chosen_format

    @property
    def sizes(self) -> PrintSizes:
        """The chosen format's print sizes (normal until one is chosen)."""
        return self.chosen_format.sizes if self.chosen_format is not None else NORMAL

    @property
    def sheet(self):
        """The chosen format's sheet layout (render's stationery)."""
        return self._fmt.sheet

    @property
    def sheet_pt(self) -> tuple[float, float]:
        return self.one.sheet_pt     # both use the configured paper

    @property
    def frame_pt(self) -> Box:
        return self._fmt.frame_pt

    def grid(self, area: Box) -> list[Cell]:
        scale = f"1:{self.cfg.scale:,}"
        if self.one.page_count(area) == 1:
            fmt = self._choose(self.one, f"the area fits one {self.cfg.paper} sheet with its list at {scale}")
        else:
            fmt = self._choose(self.atlas, f"the area does not fit one {self.cfg.paper} sheet at {scale}: "
                                           "an overview and map pages find the way")
        return fmt.grid(area)

    def page_count(self, area: Box) -> int:
        return self.atlas.page_count(area)

    def overview_window(self, cells: list[Cell]) -> Box:
        return self._fmt.overview_window(cells)

    def lay_out(self, content: AtlasContent) -> LaidOut:
        if self.chosen_format is None:   # the basemap came from the cache: read the choice off its cells
            w, h = ground_size(self.one.sheet.map.w, self.one.sheet.map.h, self.cfg.scale)
            x0, y0, x1, y1 = content.cells[0].cell.window
            one = len(content.cells) == 1 and abs((x1 - x0) - w) < 1e-6 * w and abs((y1 - y0) - h) < 1e-6 * h
            self._choose(self.one if one else self.atlas,
                         "the area fits one sheet with its list" if one else "the area needs more than one sheet")
        return self._fmt.lay_out(content)

    def texts(self) -> Iterable[str]:
        return self._fmt.texts()

    def jobs(self) -> list[Job]:
        return self._fmt.jobs()
