"""The atlas's navigation sheets and marks, from the pieces in layout/navigation.py: the overview's
page (or section) labels, a section sheet per block of pages in a big atlas, each map page's grid
references, and the index sheets at the end. Kept apart from layout/atlas.py so other formats can
take what they need."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from papermap.layout.frame import TAB_MM, SheetLayout
from papermap.layout.furniture import neighbour_tabs, say
from papermap.layout.grid import Box, MapPage
from papermap.layout.navigation import (GridRefs, aspect_window, grid_refs, index_columns, name_index,
                                        own_box, page_labels, readable, refs_text, section_size, sections)
from papermap.layout.sheets import NameIndexSheet, SectionSheet
from papermap.layout.text import Measure
from papermap.layout.viewport import Viewport
from papermap.settings import MM

if TYPE_CHECKING:
    from papermap.layout.sheetformat import CellDrawing
    from papermap.model.categories import Categories
    from papermap.model.points import Point

TAB_PT = 9.0          # the neighbour tabs' text size (render/sheet.py draw_tabs)
INDEX_PT = 8.0        # names in the index at the end


def map_grid_refs(sheet: SheetLayout, neighbours: dict[str, int], measure: Measure, size: float,
                  tab_pt: float = TAB_PT) -> GridRefs:
    """A map page's grid references, clear of its neighbour tabs (their text ``tab_pt``)."""
    avoid = []
    for tab in neighbour_tabs(sheet.map, neighbours):
        w, h = measure(tab.text, tab_pt) + 4, 11.0 * tab_pt / TAB_PT
        if tab.angle:
            w, h = h, w
        avoid.append((tab.x * MM - w / 2, tab.y * MM - h / 2, tab.x * MM + w / 2, tab.y * MM + h / 2))
    m = sheet.map
    return grid_refs((m.x * MM, m.y * MM, m.x1 * MM, m.y1 * MM), TAB_MM * MM, avoid, measure, size)


def _rects(vp: Viewport, pages: Sequence[MapPage], boxes: Sequence[Box]) -> list:
    return [(tuple(map(tuple, vp.to_pt(np.array([b[:2], b[2:]])).tolist())), str(p.number))
            for p, b in zip(pages, boxes)]


def overview_grid(pages: Sequence[MapPage], vp: Viewport, overlap_m: float, measure: Measure,
                  step: tuple[float, float], langs: tuple[str, ...]):
    """The overview's grid: every page's box and number when the numbers can be read at their
    cells' size, else sections of pages (boxes with their section number), each with its sheet.

    Returns (rects, labels, sections) with ``sections`` empty when pages are labelled."""
    rects = _rects(vp, pages, [p.window for p in pages])
    owns = [(own_box((a[0], a[1], b[0], b[1]), overlap_m * vp.k), text) for ((a, b), text) in rects]
    labels = page_labels(owns, measure)
    if readable(labels):
        return rects, labels, []
    blocks = sections(pages, section_size(step, vp.frame_pt))
    rects = []
    for s in blocks:
        (x0, y0), (x1, y1) = vp.to_pt(np.array([s.window[:2], s.window[2:]])).tolist()
        rects.append((((x0, y0), (x1, y1)), str(s.number)))
    # sections share the overlap band of their edge pages: labels go in the boxes less it, each
    # sized to its own box (a section at the area's edge may hold a single page)
    labels = [page_labels([(own_box((a[0], a[1], b[0], b[1]), overlap_m * vp.k), t)], measure)[0]
              for (a, b), t in rects]
    return rects, labels, blocks


def section_sheets(blocks, overview_vp: Viewport, overview_ops: str, overlap_m: float,
                   measure: Measure) -> list[SectionSheet]:
    """One sheet per section: its pages' boxes and numbers over the overview's drawing, zoomed."""
    out = []
    frame = overview_vp.frame_pt
    for s in blocks:
        vp = Viewport(aspect_window(s.window, frame), frame)
        zoom = vp.k / overview_vp.k
        # an overview sheet point p lands at frame0 + (ground - window0) * k on this sheet
        shift = tuple(frame[i] + (overview_vp.window[i] - vp.window[i]) * vp.k - frame[i] * zoom for i in (0, 1))
        rects = _rects(vp, s.pages, [p.window for p in s.pages])
        owns = [(own_box((a[0], a[1], b[0], b[1]), overlap_m * vp.k), t) for (a, b), t in rects]
        out.append(SectionSheet(s.number, overview_ops, zoom, shift, rects, tuple(page_labels(owns, measure)),
                                round(1000.0 / (vp.k / MM))))
    return out


def _index_room(sheet: SheetLayout) -> tuple[tuple[float, float, float, float], int]:
    """Where an index sheet's columns go, and how many columns."""
    body = sheet.printable
    room = (body.x * MM, (body.y + 8) * MM + 12, body.x1 * MM, (sheet.header.y - 2) * MM - 4 - 14)
    return room, 2 if body.w < 250 else 3


def name_index_sheets(pages: Sequence[MapPage], cells: dict, refs: GridRefs, sheet: SheetLayout, measure: Measure,
                      langs: tuple[str, ...], size: float = INDEX_PT) -> list[NameIndexSheet]:
    """The index of place and street names as printed on the map pages, each with the page and
    grid cell where it is ("3 B2"): the first index sheets at the end of the atlas."""
    found = []
    for page in pages:
        drawn: CellDrawing = cells[(page.row, page.col)]
        for lab in drawn.labels:
            cell = refs.cell(lab.x, lab.y)
            if cell and lab.kind in ("place", "road", "water"):
                found.append((lab.text, page.number, cell))
    names = name_index(found)
    if not names:
        return []
    room, columns = _index_room(sheet)
    return [NameIndexSheet(say("name_index", langs), tuple(e))
            for e in index_columns([(None, "", names)], room, measure, size, columns)]


def point_index_sheets(pages: Sequence[MapPage], members: dict, points: Sequence[Point], xy: np.ndarray,
                       categories: Categories, frame: Box, refs: GridRefs, sheet: SheetLayout, measure: Measure,
                       langs: tuple[str, ...], size: float = INDEX_PT) -> list[NameIndexSheet]:
    """The index of relief points by kind, each with the page and grid cell where it is: the
    sheets after the name index. (Two jobs, so that workers share the end of the atlas evenly.)"""
    where_points: dict[int, list[tuple[int, str]]] = {}
    for page in pages:
        idx = members[(page.row, page.col)]
        if not len(idx):
            continue
        pt = Viewport(page.window, frame).to_pt(xy[idx])
        for i, (x, y) in zip(idx.tolist(), pt.tolist()):
            cell = refs.cell(x, y)
            if cell:
                where_points.setdefault(i, []).append((page.number, cell))
    of_kind: dict[str, list[int]] = {}
    for i in where_points:
        of_kind.setdefault(points[i].category, []).append(i)
    groups = []
    for cat in categories:
        if cat.id in of_kind:
            rows = sorted(((points[i].display_name(langs[0]) or cat.label(langs[0]), refs_text(where_points[i]))
                           for i in of_kind[cat.id]), key=lambda t: t[0])
            groups.append((cat.id, " / ".join(dict.fromkeys(cat.label(lang) for lang in langs)), rows))
    if not groups:
        return []
    room, columns = _index_room(sheet)
    return [NameIndexSheet(say("point_index", langs), tuple(e))
            for e in index_columns(groups, room, measure, size, columns)]
