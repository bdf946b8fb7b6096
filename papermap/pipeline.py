"""The build, one way through the rooms: sources -> model -> layout -> render -> output."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import shapely
from reportlab.pdfgen.canvas import Canvas

from papermap.config import Config
from papermap.errors import InputError
from papermap.layout.frame import sheet_layout
from papermap.layout.furniture import neighbour_tabs, scale_bar
from papermap.layout.grid import MapPage, grid, ground_size, number_pages
from papermap.layout.labels import place_labels
from papermap.layout.viewport import Viewport
from papermap.model.basemap import Basemap, build_basemap, make_transformers, project_bbox, utm_epsg
from papermap.model.style import Style, load_style
from papermap.output.atomic import atomic_path
from papermap.render import sheet as draw
from papermap.render.fonts import register, text_width
from papermap.render.mapops import page_ops
from papermap.settings import MM
from papermap.sources.osm import read_osm

CONTENT_LAYERS = ("roads", "buildings", "water", "green", "railways", "waterways", "coastline")


@dataclass
class BuildReport:
    pages: list[MapPage] = field(default_factory=list)
    sheets: int = 0
    warnings: list[str] = field(default_factory=list)


def _say(progress: Callable[[str], None] | None, msg: str) -> None:
    if progress:
        progress(msg)


def area_of(cfg: Config, extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The mapped area in degrees: the bbox if given (it must overlap the data), else the extent."""
    if cfg.bbox is None:
        return extent
    w, s, e, n = cfg.bbox
    if w >= extent[2] or e <= extent[0] or s >= extent[3] or n <= extent[1]:
        raise InputError(f"bbox {w},{s},{e},{n} is outside the extract, which covers "
                         f"{extent[0]:.5f},{extent[1]:.5f},{extent[2]:.5f},{extent[3]:.5f}",
                         file=str(cfg.osm), field="bbox")
    return cfg.bbox


def has_content(basemap: Basemap, window) -> bool:
    """True when anything but open sea crosses the window."""
    probe = shapely.box(*window)
    return any(len(basemap.layers[n].tree.query(probe, predicate="intersects"))
               for n in CONTENT_LAYERS if len(basemap.layers[n].geoms))


def build_atlas(cfg: Config, out_path: str | Path, progress: Callable[[str], None] | None = None,
                now: datetime | None = None) -> BuildReport:
    """Build the whole atlas PDF at ``out_path`` (written atomically)."""
    report = BuildReport()
    style = load_style(cfg.style, cfg.mono)
    sheet = sheet_layout(cfg.paper, cfg.orientation)
    register()

    _say(progress, f"reading {cfg.osm}")
    raw = read_osm(cfg.osm, lang=cfg.lang[0])
    bbox = area_of(cfg, raw.extent)
    epsg = utm_epsg((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    to_proj, _ = make_transformers(epsg)
    area = project_bbox(to_proj, bbox)
    basemap = build_basemap(raw, epsg, area, cfg.scale)

    cells = grid(area, ground_size(sheet.map.w, sheet.map.h, cfg.scale), cfg.overlap_mm / 1000.0 * cfg.scale)
    pages = number_pages(cells, keep=lambda c: has_content(basemap, c.window))
    if not pages:
        raise InputError("nothing to map inside the area", file=str(cfg.osm), field="bbox")
    report.pages = pages

    now = now or datetime.now().astimezone()
    info = draw.SheetText(
        title=cfg.title or Path(cfg.osm).name,
        data_date=basemap.data_date.strftime("%Y-%m-%d %H:%M UTC") if basemap.data_date else "unknown",
        printed=now.strftime("%Y-%m-%d %H:%M"),
        source=Path(cfg.osm).name, scale=cfg.scale, langs=cfg.lang)

    with atomic_path(Path(out_path)) as tmp:
        c = draw.new_canvas(str(tmp), (sheet.sheet.w, sheet.sheet.h), info.title,
                            f"Map data © OpenStreetMap contributors (ODbL), as of {info.data_date}")
        _say(progress, "overview")
        draw_overview(c, sheet, basemap, style, pages, info)
        for page in pages:
            _say(progress, f"page {page.number}/{len(pages)}")
            draw_map_page(c, sheet, basemap, style, page, info)
        c.save()
    report.sheets = 1 + len(pages)
    return report


def frame_pt(rect) -> tuple[float, float, float, float]:
    return (rect.x * MM, rect.y * MM, rect.x1 * MM, rect.y1 * MM)


def draw_map_page(c: Canvas, sheet, basemap: Basemap, style: Style, page: MapPage, info) -> None:
    vp = Viewport(page.window, frame_pt(sheet.map))
    draw.draw_ops(c, page_ops(basemap, style, vp))
    draw.draw_labels(c, place_labels(basemap, vp, style["labels"], text_width), style["labels"])
    draw.draw_frame(c, sheet, style["frame"])
    draw.draw_tabs(c, neighbour_tabs(sheet.map, page.neighbours))
    draw.draw_header(c, sheet, info, str(page.number), "page")
    _draw_footer(c, sheet, info, info.scale)
    c.showPage()


def _draw_footer(c: Canvas, sheet, info, scale: int) -> None:
    f = sheet.footer
    draw.draw_scale_bar(c, f.x + 1, f.y1 - 9, scale_bar(scale), info)
    draw.draw_north_arrow(c, f.x + 54, f.y1 - 14)
    draw.draw_credits(c, f.x + 64, f.y1 - 5, f.w - 64 - 30, info)


def draw_overview(c: Canvas, sheet, basemap: Basemap, style: Style, pages: list[MapPage], info) -> None:
    """The whole area on one sheet with the page grid and page numbers drawn over it."""
    x0 = min(p.window[0] for p in pages)
    y0 = min(p.window[1] for p in pages)
    x1 = max(p.window[2] for p in pages)
    y1 = max(p.window[3] for p in pages)
    m = sheet.map
    k = min(m.w / (x1 - x0), m.h / (y1 - y0))  # mm per metre
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = m.w / k / 2, m.h / k / 2
    window = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    vp = Viewport(window, frame_pt(m))
    scale = round(1000.0 / k)
    draw.draw_ops(c, page_ops(basemap, style, vp))
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(1.2)
    for p in pages:
        (px0, py0), (px1, py1) = vp.to_pt(shapely.get_coordinates(shapely.points([p.window[:2], p.window[2:]])))
        c.setDash()
        c.rect(px0, py0, px1 - px0, py1 - py0, stroke=1, fill=0)
        label = str(p.number)
        size = 28
        w = text_width(label, size) + 8
        c.setFillColorRGB(1, 1, 1)
        c.rect((px0 + px1) / 2 - w / 2, (py0 + py1) / 2 - size * 0.45, w, size * 1.05, stroke=1, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(register(), size)
        c.drawCentredString((px0 + px1) / 2, (py0 + py1) / 2 - size * 0.3, label)
    draw.draw_frame(c, sheet, style["frame"])
    draw.draw_header(c, sheet, info, "0", "overview")
    _draw_footer(c, sheet, info, scale)
    c.showPage()


def stderr_progress(msg: str) -> None:
    print(f"papermap: {msg}", file=sys.stderr, flush=True)
