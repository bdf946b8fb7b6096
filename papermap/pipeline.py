"""The build, one way through the rooms: sources -> model -> layout -> render -> output."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

import numpy as np
import shapely

from papermap import forks
from papermap.config import Config
from papermap.errors import InputError
from papermap.layout.frame import SheetLayout, footer_layout, sheet_layout
from papermap.layout.furniture import ARROWS, WORDS, page_ranges
from papermap.layout.legend import legend_layout
from papermap.layout.overlays import (OverlayLayer, around, lay_out_overlays, legend_rows, listing_chunks,
                                      outside_warnings, overlay_texts, page_legend, project_overlays)
from papermap.layout.grid import Cell, MapPage, grid, ground_size, number_pages
from papermap.layout.labels import Label, place_labels
from papermap.layout.viewport import Viewport
from papermap.model.categories import Categories, load_categories
from papermap.model.overlays import OverlayKinds, load_overlay_kinds
from papermap.model.points import Point
from papermap.model.style import Style, load_style
from papermap.output.atomic import atomic_path
from papermap.render import artcache, workers
from papermap.render import sheet as draw
from papermap.render.artcache import AtlasArt, CellArt
from papermap.layout.qr import QrMatrix, qr_matrix, qr_payload
from papermap.layout.symbols import SYMBOL_MM, place_symbols
from papermap.layout.table import (CLOSED_MARK, ELLIPSIS, OPEN_MARK, UNKNOWN_MARK, TableRow, continued_from,
                                   layout_table)
from papermap.render.fonts import register, text_width
from papermap.render.pages import (MapSheet, draw_index_sheet, draw_map_sheet, draw_overview_sheet,
                                   draw_table_sheets)
from papermap.render.mapops import page_ops
from papermap.render.overlays import draw_overlay_sheets, overlay_ops
from papermap.render.text import reserve
from papermap.settings import MM
from papermap.sources.overlays import load_overlays
from papermap.sources.relief import load_relief, read_sources

CONTENT_LAYERS = ("roads", "buildings", "water", "green", "railways", "waterways", "coastline")
Progress = Callable[[str], None]


@dataclass
class BuildReport:
    pages: list[MapPage] = field(default_factory=list)
    points: int = 0
    warnings: list[str] = field(default_factory=list)
    art_cached: bool = False
    redrawn: int = 0        # tasks (overview; a map page and its table) the parent drew after all (render/workers.py)


def _say(progress: Progress | None, msg: str) -> None:
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


def frame_pt(rect) -> tuple[float, float, float, float]:
    return (rect.x * MM, rect.y * MM, rect.x1 * MM, rect.y1 * MM)


def _cell_art(basemap, style: Style, frame: tuple, cell: Cell) -> CellArt:
    """Draw one cell's basemap: runs in a worker process."""
    probe = shapely.box(*cell.window)
    content = any(len(basemap.layers[n].tree.query(probe, predicate="intersects"))
                  for n in CONTENT_LAYERS if len(basemap.layers[n].geoms))
    if not content:
        return CellArt(cell, False, "", [])
    vp = Viewport(cell.window, frame)
    return CellArt(cell, True, page_ops(basemap, style, vp), place_labels(basemap, vp, style["labels"], text_width))


def overview_window(cells: list[Cell], map_rect) -> tuple[float, float, float, float]:
    """The ground window showing every cell, with the map frame's aspect."""
    x0, y0 = min(c.window[0] for c in cells), min(c.window[1] for c in cells)
    x1, y1 = max(c.window[2] for c in cells), max(c.window[3] for c in cells)
    k = min(map_rect.w / (x1 - x0), map_rect.h / (y1 - y0))  # mm per metre
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, map_rect.w / k / 2, map_rect.h / k / 2
    return (cx - hw, cy - hh, cx + hw, cy + hh)


def poi_keys_of(cfg: Config, categories: Categories) -> list[str]:
    """The OSM tag keys read for relief points, none when OSM points are off."""
    from papermap.sources.points import osm_poi_keys

    return sorted(osm_poi_keys(categories)) if cfg.osm_points else []


def art_place(cfg: Config, style: Style, poi_keys: list[str], cache_dir: Path) -> tuple[Path, str]:
    """Where the drawn basemap is kept: keyed by the data, the style, the code and the page settings."""
    return cache_dir / "art", artcache.art_key(Path(cfg.osm), style.path, {
        "bbox": cfg.bbox, "scale": cfg.scale, "paper": cfg.paper, "orientation": cfg.orientation,
        "overlap": cfg.overlap_mm, "lang": cfg.lang[0], "poi_keys": tuple(poi_keys)})


def qr_codes(payloads: list[str], place: tuple[Path, str] | None, jobs: int) -> dict[str, QrMatrix]:
    """The modules of every page's QR code, kept beside the art: encoding takes ~40 ms a code,
    and a refresh of the points has the same pages, so the same codes."""
    known = (artcache.load(*place, ".qr") or {}) if place else {}
    missing = [t for t in dict.fromkeys(payloads) if t not in known]
    if missing:
        known.update(zip(missing, artcache.parallel_map(qr_matrix, (), missing, jobs)))
        if place:
            artcache.store(*place, {t: known[t] for t in payloads}, ".qr")
    return known


def atlas_art(cfg: Config, style: Style, sheet: SheetLayout, poi_keys: list[str],
              place: tuple[Path, str] | None, progress: Progress | None = None) -> tuple[AtlasArt, bool]:
    """The drawn basemap for every cell: from the cache at ``place`` when the same data, style and
    pages were drawn before, else read, projected and drawn (in parallel) and cached there."""
    if place:
        art = artcache.load(*place)
        if art is not None:
            _say(progress, "basemap unchanged: using the cached drawing")
            return art, True

    from papermap.model.basemap import build_basemap, project_bbox, to_utm, utm_epsg
    from papermap.sources.osm import read_osm

    _say(progress, f"reading {cfg.osm}")
    raw = read_osm(cfg.osm, lang=cfg.lang[0], poi_keys=set(poi_keys))
    bbox = area_of(cfg, raw.extent)
    epsg = utm_epsg((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    to_proj = to_utm(epsg)
    area = project_bbox(to_proj, bbox)
    basemap = build_basemap(raw, to_proj, area, cfg.scale)
    cells = grid(area, ground_size(sheet.map.w, sheet.map.h, cfg.scale), cfg.overlap_mm / 1000.0 * cfg.scale)
    _say(progress, f"drawing the basemap of {len(cells)} pages")
    frame = frame_pt(sheet.map)
    cell_art = artcache.parallel_map(_cell_art, (basemap, style, frame), cells, cfg.jobs)
    window = overview_window(cells, sheet.map)
    art = AtlasArt(epsg=epsg, bbox=bbox, area=area,
                   data_date=basemap.data_date.isoformat() if basemap.data_date else None,
                   source=Path(cfg.osm).name, cells=cell_art, overview_window=window,
                   overview_ops=page_ops(basemap, style, Viewport(window, frame)), pois=raw.pois)
    if place:
        artcache.store(*place, art)
    return art, False


def build_atlas(cfg: Config, out_path: str | Path, progress: Progress | None = None,
                now: datetime | None = None, use_cache: bool = True) -> BuildReport:
    """Build the whole atlas PDF at ``out_path`` (written atomically)."""
    from pyproj import Transformer

    report = BuildReport()
    style = load_style(cfg.style, cfg.mono)
    sheet = sheet_layout(cfg.paper, cfg.orientation)
    categories = load_categories()
    if not Path(cfg.osm).is_file():
        raise InputError("OSM file not found", file=str(cfg.osm))
    cache_dir = None
    if use_cache:
        from papermap.sources.cache import default_cache_dir

        cache_dir = cfg.cache_dir or default_cache_dir()
    register(cache_dir)
    poi_keys = poi_keys_of(cfg, categories)
    place = art_place(cfg, style, poi_keys, cache_dir) if cache_dir else None

    # the points files are read by a worker of their own while the basemap is read and drawn
    with forks.Background(partial(read_sources, cfg, categories), cfg.jobs) as reading:
        art, report.art_cached = atlas_art(cfg, style, sheet, poi_keys, place, progress)
        overlays, read = load_overlays(cfg, categories, reading.result())
        relief = load_relief(cfg, categories, art.pois, report.warnings.append, read)
    report.warnings += [str(p) for p in relief.problems]
    report.points = len(relief.points)

    to_proj = Transformer.from_crs(4326, art.epsg, always_xy=True)
    lonlat = np.array([(p.lon, p.lat) for p in relief.points], dtype=float).reshape(-1, 2)
    xy = np.column_stack(to_proj.transform(lonlat[:, 0], lonlat[:, 1])) if len(lonlat) else lonlat
    kinds = load_overlay_kinds()
    layer = project_overlays(overlays, lambda a: np.column_stack(to_proj.transform(a[:, 0], a[:, 1]))) \
        if overlays else None

    def inside(window) -> np.ndarray:
        return np.flatnonzero((xy[:, 0] >= window[0]) & (xy[:, 0] <= window[2]) &
                              (xy[:, 1] >= window[1]) & (xy[:, 1] <= window[3])) if len(xy) else np.empty(0, int)

    by_cell = {(a.cell.row, a.cell.col): a for a in art.cells}
    members = {pos: inside(a.cell.window) for pos, a in by_cell.items()}
    pages = number_pages([a.cell for a in art.cells],
                         keep=lambda c: by_cell[(c.row, c.col)].content or len(members[(c.row, c.col)]) > 0)
    if not pages:
        raise InputError("nothing to map inside the area", file=str(cfg.osm), field="bbox")
    report.pages = pages
    report.warnings += outside_warnings(layer, [p.window for p in pages])
    placed = set()
    for page in pages:
        placed.update(members[(page.row, page.col)].tolist())
    outside = [relief.points[i] for i in range(len(relief.points)) if i not in placed]
    if outside:
        names = ", ".join(f"{p.display_name() or p.id} ({p.source})" for p in outside[:10])
        more = f" and {len(outside) - 10} more" if len(outside) > 10 else ""
        report.warnings.append(f"{len(outside)} relief point(s) lie outside the mapped area and are not "
                               f"on any page: {names}{more}")

    now = now or datetime.now().astimezone()
    data_date = datetime.fromisoformat(art.data_date) if art.data_date else None
    info = draw.SheetText(
        title=cfg.title or art.source,
        data_date=data_date.strftime("%Y-%m-%d %H:%M UTC") if data_date else "unknown",
        printed=now.strftime("%Y-%m-%d %H:%M"),
        source=", ".join([art.source] + relief.sources), scale=cfg.scale, langs=cfg.lang)

    frame = frame_pt(sheet.map)
    to_lonlat = Transformer.from_crs(art.epsg, 4326, always_xy=True)
    date_text = data_date.strftime("%Y-%m-%d") if data_date else "unknown"
    payloads = {p.number: qr_payload(str(p.number), page_bbox(p.window, to_lonlat), date_text, cfg.qr_url)
                for p in pages}
    payloads[0] = qr_payload("overview", page_bbox(art.overview_window, to_lonlat), date_text, cfg.qr_url)
    codes = qr_codes(list(payloads.values()), place, cfg.jobs)
    index: dict[str, list[int]] = {}
    for page in pages:
        for cat in {relief.points[i].category for i in members[(page.row, page.col)].tolist()}:
            index.setdefault(cat, []).append(page.number)

    legend_box = (footer_layout(sheet.footer).legend.w * MM, footer_layout(sheet.footer).legend.h * MM)

    def page_task(page: MapPage) -> workers.Task:
        def lay_out_and_draw(c) -> None:
            idx = members[(page.row, page.col)]
            vp = Viewport(page.window, frame)
            pts = [relief.points[i] for i in idx]
            xy_pt = vp.to_pt(xy[idx]) if len(idx) else np.empty((0, 2))
            ms, rows = lay_out_map_page(page, by_cell[(page.row, page.col)], pts, xy_pt, categories, cfg,
                                        codes[payloads[page.number]], frame)
            ov = lay_out_overlays(layer, vp, kinds, text_width,
                                  around(((s.x, s.y) for s in ms.symbols), SYMBOL_MM * MM))
            legend, ov = page_legend(ms.legend, ov, kinds, legend_box, text_width, cfg.lang)
            ms = replace(ms, overlays=ov, legend=legend)
            chunks = layout_table(rows, sheet.printable.w * MM, table_height(sheet), table_height(sheet),
                                  text_width, langs=cfg.lang, page_label=str(page.number)) if rows else []
            draw_map_sheet(c, sheet, style, ms, categories, info)
            draw_table_sheets(c, sheet, style, ms.page, chunks, categories, info)
            draw_overlay_sheets(c, sheet, page.number, listing_chunks(ov.rows, kinds, sheet, text_width, cfg.lang),
                                info, style.name == "mono")
        return lay_out_and_draw

    with atomic_path(Path(out_path)) as tmp:
        c = draw.new_canvas(str(tmp), (sheet.sheet.w, sheet.sheet.h), info.title,
                            f"Map data © OpenStreetMap contributors (ODbL), as of {info.data_date}")
        reserve(c, [*sheet_texts(info, relief.points, categories, (lb for a in art.cells for lb in a.labels)),
                    *overlay_texts(overlays, kinds, cfg.lang)])
        _say(progress, "overview")
        overview = partial(draw_overview, sheet=sheet, style=style, art=art, pages=pages, points=relief.points,
                           xy=xy, index=index, categories=categories, cfg=cfg, info=info, qr=codes[payloads[0]],
                           layer=layer, kinds=kinds)

        def filed(i: int) -> None:
            if i:   # task 0 is the overview, announced above
                _say(progress, f"page {pages[i - 1].number}/{len(pages)}")

        report.redrawn = workers.draw_all(c, [overview] + [page_task(p) for p in pages], cfg.jobs, filed)
        c.save()
    return report


def sheet_texts(info: draw.SheetText, points: list[Point], categories: Categories,
                labels: Iterable[Label] = ()) -> Iterator[str]:
    """Every text the sheets may print, to reserve its characters' glyph codes before the pages
    are drawn apart (render/workers.py). A character reserved but never printed costs its glyph in
    the font subset; one left out costs a page drawn twice (tests/test_workers.py checks both
    the sample and the real 2018 data leave none out)."""
    yield from (info.title, info.data_date, info.printed, info.source)
    for words in WORDS.values():
        yield from (words[lang] for lang in info.langs)
    yield from ARROWS.values()
    yield CLOSED_MARK + UNKNOWN_MARK + OPEN_MARK + ELLIPSIS + "（）/→–·"
    yield continued_from("1", info.langs) + continued_from("", info.langs)
    for cat_id in {p.category for p in points}:
        yield from (categories.by_id[cat_id].label(lang) for lang in info.langs)
    for p in points:
        yield from (p.name, p.name_en, p.hours, p.status_text, p.notes)
    yield from (label.text for label in labels)


def table_height(sheet: SheetLayout) -> float:
    """Room for the table on a table sheet: below the header and heading, above the credits."""
    return (sheet.header.y - 2 - sheet.printable.y - 14) * MM - 10


def page_bbox(window, to_lonlat) -> tuple[float, float, float, float]:
    xs, ys = to_lonlat.transform([window[0], window[2], window[0], window[2]],
                                 [window[1], window[1], window[3], window[3]])
    return (min(xs), min(ys), max(xs), max(ys))


def legend_entries(cat_ids, categories: Categories, suffix: dict[str, str] | None = None,
                   langs: tuple[str, ...] = ("ja", "en")) -> list:
    """Legend rows for the categories present, in the style's order; ``suffix`` adds page lists."""
    entries = []
    for cat in categories:
        if cat.id in cat_ids:
            extra = (suffix or {}).get(cat.id, "")
            ja = cat.ja + (extra if langs[-1] == "ja" else "")
            en = cat.en + (extra if langs[-1] == "en" else "")
            entries.append((cat.shape, cat.colour, cat.mono, ja, en))
    return entries


def lay_out_map_page(page: MapPage, cell: CellArt, pts: list[Point], xy_pt: np.ndarray, categories: Categories,
                     cfg: Config, qr: QrMatrix, frame) -> tuple[MapSheet, list[TableRow]]:
    """Symbols numbered in reading order, the legend of what is on the page, the QR text, the table rows."""
    keys = [str(i) for i in range(len(pts))]
    symbols = place_symbols([(k, float(x), float(y)) for k, (x, y) in zip(keys, xy_pt.tolist())],
                            SYMBOL_MM * MM, frame) if pts else []
    by_key = dict(zip(keys, pts))
    rows = [_unnamed(TableRow.from_point(sp.number, by_key[sp.key]), categories, cfg.lang) for sp in symbols]
    ms = MapSheet(page, cell, symbols, {k: p.category for k, p in by_key.items()},
                  legend_entries({p.category for p in pts}, categories, langs=cfg.lang), qr)
    return ms, rows


def _unnamed(row: TableRow, categories: Categories, langs: tuple[str, ...]) -> TableRow:
    """A point without a name (common in OSM) is listed by its kind, never as an empty row."""
    if row.name or row.name_en:
        return row
    cat = categories.by_id[row.category]
    return replace(row, name="（" + " / ".join(cat.label(lang) for lang in langs) + "）")


def draw_overview(c, sheet: SheetLayout, style: Style, art: AtlasArt, pages: list[MapPage], points: list[Point],
                  xy: np.ndarray, index: dict[str, list[int]], categories: Categories, cfg: Config,
                  info: draw.SheetText, qr: QrMatrix, layer: OverlayLayer | None, kinds: OverlayKinds) -> None:
    vp = Viewport(art.overview_window, frame_pt(sheet.map))
    ov = lay_out_overlays(layer, vp, kinds, labels=False)   # the overview shows the lines and areas too
    rects = [(vp.to_pt(np.array([p.window[:2], p.window[2:]])), str(p.number)) for p in pages]
    pt = vp.to_pt(xy) if len(xy) else np.empty((0, 2))
    dots = [(p.category, float(x), float(y)) for p, (x, y) in zip(points, pt.tolist())]
    pages_of = {cat: " → " + page_ranges(nums) for cat, nums in index.items()}
    indexed = legend_entries(set(index), categories, pages_of, cfg.lang) + legend_rows(ov.kinds, kinds)
    plain = legend_entries(set(index), categories, langs=cfg.lang)   # the index sheet lists the overlay kinds
    f = footer_layout(sheet.footer)
    try:  # the index of pages by kind fits in the footer's legend box, or gets a sheet of its own
        legend_layout(indexed, f.legend.w * MM, f.legend.h * MM, text_width, cfg.lang)
        footer_legend, index_sheet = indexed, []
    except ValueError:
        footer_legend, index_sheet = plain, indexed
    ops = art.overview_ops + "\n" + overlay_ops(ov, sheet.map, style.name == "mono")
    draw_overview_sheet(c, sheet, style, ops, rects, dots, footer_legend, qr,
                        round(1000.0 / (vp.k / MM)), categories, info)
    if index_sheet:
        draw_index_sheet(c, sheet, style, index_sheet, info)


def stderr_progress(msg: str) -> None:
    print(f"papermap: {msg}", file=sys.stderr, flush=True)
