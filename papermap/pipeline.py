"""The build, one way through the rooms: sources -> model -> layout -> render -> output.

This module reads, projects, chooses the sheet format and writes; the format
(layout/sheetformat.py) decides every sheet, and render/pages.py draws them.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import numpy as np
import shapely

from papermap import crew, forks, settings
from papermap._files import atomic_path
from papermap.config import Config
from papermap.errors import InputError
from papermap.layout.grid import Box, Cell, MapPage
from papermap.layout.labels import Label, place_labels
from papermap.layout.overlays import OverlayLayer, outside_warnings, project_overlays
from papermap.layout.qr import QrMatrix, qr_matrix
from papermap.layout.sheetformat import AtlasContent, SheetFormat, choose_format, job_groups
from papermap.layout.sheets import SheetText
from papermap.layout.viewport import Viewport
from papermap.model.categories import Categories, load_categories
from papermap.model.overlays import Overlay, load_overlay_kinds
from papermap.model.points import ReadResult
from papermap.model.status import hide_statuses
from papermap.model.style import Style, load_style
from papermap.render import artcache
from papermap.render.artcache import AtlasArt, CellArt
from papermap.render.mapops import page_ops
from papermap.render.pages import Stationery, draw_sheets
from papermap.render.pdf import Document, load_font, text_width
from papermap.sources import provenance
from papermap.sources.overlays import load_overlays
from papermap.sources.relief import load_relief, read_sources, source_specs

CONTENT_LAYERS = ("roads", "buildings", "water", "green", "railways", "waterways", "coastline")
Progress = Callable[..., None]   # progress(message, done=None, total=None)


@dataclass
class BuildReport:
    """What a build made, for the CLI's summary and for callers of ``build_atlas``."""

    pages: list[MapPage] = field(default_factory=list)
    points: int = 0
    warnings: list[str] = field(default_factory=list)
    art_cached: bool = False
    redrawn: int = 0        # jobs (overview; a map page and its table) the parent drew after all (render/pdf/filing.py)
    page_bboxes: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)  # number -> W,S,E,N
    placed: int = 0         # relief points on at least one map page
    outside: int = 0        # relief points outside every page
    sheets: int = 0         # PDF pages written: overview, map pages, table and index sheets
    layout: str = "atlas"   # the sheet format used ("sheet (auto: …)" when auto chose it)
    data_date: str | None = None   # the one data date printed on every sheet
    hidden: int = 0         # relief points left off the paper by ``hide`` (their statuses)
    hidden_by: dict[str, int] = field(default_factory=dict)   # status -> how many of them


def _say(progress: Progress | None, msg: str, done: int | None = None, total: int | None = None) -> None:
    if progress:
        if done is None:
            progress(msg)
        else:
            progress(msg, done, total)


def area_of(cfg: Config, extent: Box, pages: Callable[[Box], int]) -> Box:
    """The mapped area in degrees: the bbox if given (it must overlap the data), else the extent.
    A bbox reaching beyond the data is cut to the data's extent when that needs fewer pages
    (``pages(bbox)``): there is nothing to draw beyond it, and a bbox far too large would
    otherwise be worked through cell by empty cell.

    Raises InputError, before any drawing, when the area needs more than ``settings.MAX_PAGES``
    pages at the scale, naming the area, the scale and the count."""
    area = extent if cfg.bbox is None else _bbox_within(cfg, extent, pages)
    need = pages(area)
    if need > settings.MAX_PAGES:
        what = "" if cfg.bbox is not None else "the extract's extent "
        raise InputError(f"{what}{','.join(f'{v:.5f}' for v in area)} at 1:{cfg.scale:,} needs {need:,} "
                         f"pages, more than the limit of {settings.MAX_PAGES:,}: map a smaller bbox or "
                         f"use a larger scale number", file=str(cfg.osm), field="bbox")
    return area


def _bbox_within(cfg: Config, extent: Box, pages: Callable[[Box], int]) -> Box:
    w, s, e, n = cfg.bbox
    if w >= extent[2] or e <= extent[0] or s >= extent[3] or n <= extent[1]:
        raise InputError(f"bbox {w},{s},{e},{n} is outside the extract, which covers "
                         f"{extent[0]:.5f},{extent[1]:.5f},{extent[2]:.5f},{extent[3]:.5f}",
                         file=str(cfg.osm), field="bbox")
    clipped = (max(w, extent[0]), max(s, extent[1]), min(e, extent[2]), min(n, extent[3]))
    return clipped if clipped != tuple(cfg.bbox) and pages(clipped) < pages(cfg.bbox) else cfg.bbox


def clipped_warning(cfg: Config, area: tuple[float, float, float, float]) -> str | None:
    """What to tell the user when their bbox reached beyond the data and was cut to it."""
    if cfg.bbox is None or tuple(area) == tuple(cfg.bbox):
        return None
    return (f"bbox {','.join(f'{v:g}' for v in cfg.bbox)} reaches beyond the extract's data; mapped "
            f"{','.join(f'{v:.5f}' for v in area)}, the part of it the extract covers")


def crosses(basemap, window: Box) -> bool:
    """Whether anything but open sea crosses ``window``."""
    probe = shapely.box(*window)
    return any(len(basemap.layers[n].tree.query(probe, predicate="intersects"))
               for n in CONTENT_LAYERS if len(basemap.layers[n].geoms))


def _cell_art(basemap, style: Style, frame: Box, label_style: dict, cell: Cell) -> CellArt:
    """Draw one cell's basemap: runs in a worker process. Its content is what crosses the cell's
    own part (``Cell.own``): a sliver of a building in the overlap band is its neighbour's, and does
    not make a page of its own; but whatever crosses the window is drawn."""
    if not crosses(basemap, cell.window):
        return CellArt(cell, False, "", [])
    vp = Viewport(cell.window, frame)
    return CellArt(cell, crosses(basemap, cell.own), page_ops(basemap, style, vp),
                   place_labels(basemap, vp, label_style, text_width))


def poi_keys_of(categories: Categories) -> list[str]:
    """The OSM tag keys read for relief points, whether or not they are printed (``osm_points``):
    an extract without a header date is dated by the newest element read, so reading the same
    elements either way keeps one data date per atlas (and one cached drawing for both)."""
    from papermap.sources.points import osm_poi_keys

    return sorted(osm_poi_keys(categories))


def art_place(cfg: Config, style: Style, fmt: SheetFormat, poi_keys: list[str], cache_dir: Path) -> tuple[Path, str]:
    """Where the drawn basemap is kept: keyed by the data, the style, the code and the page settings."""
    return cache_dir / "art", artcache.art_key(Path(cfg.osm), style.path, {
        "bbox": cfg.bbox, "scale": cfg.scale, "paper": cfg.paper, "orientation": cfg.orientation,
        "overlap": cfg.overlap_mm, "lang": cfg.lang[0], "poi_keys": tuple(poi_keys), "format": fmt.name}
        | ({"sheets": cfg.sheets, "scale_given": cfg.scale_given} if fmt.name == "poster" else {})
        | ({"large_print": True} if cfg.large_print else {}))


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


def draw_art(cfg: Config, style: Style, fmt: SheetFormat, poi_keys: list[str],
             place: tuple[Path, str] | None, progress: Progress | None = None) -> AtlasArt:
    """The basemap read, projected and drawn (in parallel), and cached at ``place``."""
    from papermap.model.basemap import build_basemap, project_bbox, to_utm, utm_epsg
    from papermap.sources.osm import read_osm

    _say(progress, f"reading {cfg.osm}")
    raw = read_osm(cfg.osm, lang=cfg.lang[0], poi_keys=set(poi_keys))

    def projected_area(bbox: Box) -> tuple[int, Box]:
        epsg = utm_epsg((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
        return epsg, project_bbox(to_utm(epsg), bbox)

    bbox = area_of(cfg, raw.extent, lambda b: fmt.page_count(projected_area(b)[1]))
    epsg, area = projected_area(bbox)
    to_proj = to_utm(epsg)
    basemap = build_basemap(raw, to_proj, area, cfg.scale)
    cells = fmt.grid(area)
    _say(progress, f"drawing the basemap of {len(cells)} pages")
    frame = fmt.frame_pt
    cell_art = artcache.parallel_map(_cell_art, (basemap, style, frame, fmt.sizes.labels(style["labels"])), cells,
                                     cfg.jobs)
    window = fmt.overview_window(cells)
    art = AtlasArt(epsg=epsg, bbox=bbox, area=area,
                   data_date=basemap.data_date.isoformat() if basemap.data_date else None,
                   source=Path(cfg.osm).name, cells=cell_art, overview_window=window,
                   overview_ops=page_ops(basemap, style, Viewport(window, frame)), pois=raw.pois,
                   covered=extent_ring(to_proj, raw.extent))
    if place:
        artcache.store(*place, art)
    return art


def extent_ring(to_proj, extent: Box) -> tuple:
    """The extract's extent (degrees) as a ring in projected metres, its edges densified so the
    curved edge of a degree box is followed."""
    w, s, e, n = extent
    t = np.linspace(0.0, 1.0, 21)
    lon = np.concatenate([w + (e - w) * t, np.full_like(t, e), e - (e - w) * t, np.full_like(t, w)])
    lat = np.concatenate([np.full_like(t, s), s + (n - s) * t, np.full_like(t, n), n - (n - s) * t])
    x, y = to_proj.transform(lon, lat)
    return tuple(zip(np.asarray(x).tolist(), np.asarray(y).tolist()))


def plain_art(cfg: Config, fmt: SheetFormat, relief: ReadResult) -> AtlasArt:
    """No extract: the area around the points (or the bbox) on a coordinate grid, no basemap,
    every sheet saying so."""
    from papermap.layout.coverage import graticule
    from papermap.layout.furniture import say
    from papermap.model.basemap import project_bbox, to_utm, utm_epsg
    from papermap.render.navigation import graticule_ops

    if cfg.bbox is not None:
        bbox = cfg.bbox
    elif relief.points:
        lons, lats = [p.lon for p in relief.points], [p.lat for p in relief.points]
        pad = 0.002
        bbox = (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)
    else:
        raise InputError("no OSM data and no usable points: nothing to map", field="points")
    epsg = utm_epsg((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    to_proj = to_utm(epsg)
    area = project_bbox(to_proj, bbox)
    frame = fmt.frame_pt
    notice = say("no_basemap", cfg.lang)

    def drawn(window: Box) -> tuple[str, list]:
        vp = Viewport(window, frame)
        lines, labels = graticule(vp, partial(lonlat_box, epsg), to_proj.transform)
        size = 9.0
        w = text_width(notice, size)
        labels.append(Label(notice, frame[0] + w / 2 + 6, frame[3] - size - 4, 0.0, size, "grid"))
        return graticule_ops(frame, lines), labels

    cells = [CellArt(cell, False, *drawn(cell.window)) for cell in fmt.grid(area)]
    window = fmt.overview_window([c.cell for c in cells])
    return AtlasArt(epsg=epsg, bbox=bbox, area=area, data_date=None, source="", cells=cells,
                    overview_window=window, overview_ops=drawn(window)[0])


def build_atlas(cfg: Config, out_path: str | Path, progress: Progress | None = None,
                now: datetime | None = None, use_cache: bool = True) -> BuildReport:
    """Build the whole atlas PDF at ``out_path`` (written atomically)."""
    report = BuildReport()
    now = now or build_time()
    style = load_style(cfg.style, cfg.mono)
    fmt = choose_format(cfg)
    cfg = fmt.cfg   # a format may settle settings of its own (pages around points: the scale from the radius)
    categories = load_categories(cfg.categories, merge=True)
    if cfg.osm is not None and not Path(cfg.osm).is_file():
        raise InputError("OSM file not found", file=str(cfg.osm))
    cache_dir = None
    if use_cache:
        from papermap.sources.cache import default_cache_dir

        cache_dir = cfg.cache_dir or default_cache_dir()
    load_font(cache_dir)
    poi_keys = poi_keys_of(categories)
    place = art_place(cfg, style, fmt, poi_keys, cache_dir) if cache_dir and cfg.osm else None

    if cfg.osm is None:
        overlays, read = load_overlays(cfg, categories, read_sources(cfg, categories))
        relief = load_relief(cfg, categories, [], report.warnings.append, read)
        art = plain_art(cfg, fmt, relief)
        report.warnings.append("no OSM extract given: the atlas has a coordinate grid and no basemap")
    else:
        art = artcache.load(*place) if place else None
        if art is None:   # a crew member (papermap/crew.py) never draws a basemap: it takes up the next build
            crew.decline(partial(artcache.load, *place) if place else None)
        if art is not None:
            _say(progress, "basemap unchanged: using the cached drawing")
            report.art_cached, sources = True, read_sources(cfg, categories)
        else:   # the points files are read by a worker of their own while the basemap is read and drawn
            with forks.Background(partial(read_sources, cfg, categories), cfg.jobs) as reading:
                art = draw_art(cfg, style, fmt, poi_keys, place, progress)
                sources = reading.result()
        overlays, read = load_overlays(cfg, categories, sources)
        relief = load_relief(cfg, categories, art.pois, report.warnings.append, read)
        if relief.unplaced:   # addresses are placed from the extract's names, addresses and places
            place_addresses(cfg, relief, place, report.warnings.append)
    report.warnings += [str(p) for p in relief.problems]
    relief.points, report.hidden_by = hide_statuses(relief.points, cfg.hide)
    report.hidden = sum(report.hidden_by.values())
    if report.hidden:
        report.warnings.append(f"{report.hidden} relief point(s) left off the paper by hide = {','.join(cfg.hide)}: "
                               + ", ".join(f"{n} {s}" for s, n in report.hidden_by.items()))
    report.points = len(relief.points)
    clipped = clipped_warning(cfg, art.bbox)
    if clipped:
        report.warnings.append(clipped)

    info = sheet_text(cfg, art, relief, now)
    content = AtlasContent(cfg, categories, art.cells, art.overview_window, art.overview_ops, relief.points,
                           projected(relief, art.epsg), info, text_width, partial(lonlat_box, art.epsg),
                           lambda payloads: qr_codes(payloads, place, cfg.jobs), relief.unplaced,
                           provenance.source_lines(source_specs(cfg), info.data_date),
                           overlays=projected_overlays(overlays, art.epsg), covered=art.covered)
    laid = fmt.lay_out(content)
    if not laid.pages:
        raise InputError("nothing to map inside the area", file=str(cfg.osm or ""), field="bbox")
    report.pages = laid.pages
    report.layout = getattr(fmt, "chosen", fmt.name)
    report.page_bboxes = {p.number: lonlat_box(art.epsg, p.window) for p in laid.pages}
    report.placed = len(laid.placed)
    report.outside = len(relief.points) - report.placed
    report.data_date = info.data_date if art.data_date else None
    outside = [p for i, p in enumerate(relief.points) if i not in laid.placed]
    if outside:
        names = ", ".join(f"{p.display_name() or p.id} ({p.source})" for p in outside[:10])
        more = f" and {len(outside) - 10} more" if len(outside) > 10 else ""
        report.warnings.append(f"{len(outside)} relief point(s) lie outside the mapped area and are not "
                               f"on any page: {names}{more}")
    if report.layout == "atlas":
        report.warnings += outside_warnings(content.overlays, [p.window for p in laid.pages])
    elif overlays:   # never silently: the other formats do not draw lines and areas yet
        report.warnings.append(f"{len(overlays)} line(s) and area(s) are drawn only in the atlas layout so far: "
                               f"the {report.layout} layout leaves them off the paper (use --layout atlas)")
    if cfg.large_print and not fmt.sizes.large:
        report.warnings.append(f"--large-print is made for the atlas layout so far: the {fmt.name} layout "
                               "prints normal sizes")
    paper = Stationery(fmt.sheet, style, categories, info, fmt.sizes)
    report.redrawn, report.sheets = write(fmt, paper, Path(out_path), cache_dir, cfg.jobs, progress, now)
    return report


def place_addresses(cfg: Config, relief: ReadResult, place: tuple[Path, str] | None,
                    warn: Callable[[str], None]) -> None:
    """Points with only an address, placed from the extract's names, addr:* tags and places
    (model/geocode.py); the extract is read for them only here, once, and kept beside the art."""
    from papermap.model.geocode import place_points
    from papermap.sources.gazetteer import read_gazetteer

    gazetteer = artcache.load(*place, ".gaz") if place else None
    if gazetteer is None:
        crew.decline()    # reading the extract's names is the parent's to do (papermap/crew.py)
        gazetteer = read_gazetteer(cfg.osm)
        if place:
            artcache.store(*place, gazetteer, ".gaz")
    placed, relief.unplaced = place_points(relief.unplaced, gazetteer)
    relief.points.extend(placed)
    if placed:
        warn(f"{len(placed)} point(s) with only an address placed from the map data (marked ≈ approx.)")
    if relief.unplaced:
        names = ", ".join(p.display_name() or p.address for p in relief.unplaced[:10])
        more = f" and {len(relief.unplaced) - 10} more" if len(relief.unplaced) > 10 else ""
        warn(f"{len(relief.unplaced)} point(s) with only an address not found in the map data: listed on the "
             f"address-only sheet: {names}{more}")


def projected(relief: ReadResult, epsg: int) -> np.ndarray:
    """The points in the basemap's metric CRS, a row per point."""
    from papermap.model.basemap import transformer

    lonlat = np.array([(p.lon, p.lat) for p in relief.points], dtype=float).reshape(-1, 2)
    if not len(lonlat):
        return lonlat
    to_proj = transformer(4326, epsg)
    return np.column_stack(to_proj.transform(lonlat[:, 0], lonlat[:, 1]))


def projected_overlays(overlays: list[Overlay], epsg: int) -> OverlayLayer | None:
    """The lines and areas in the basemap's metric CRS; None when there are none."""
    if not overlays:
        return None
    from papermap.model.basemap import transformer

    to_proj = transformer(4326, epsg)
    return project_overlays(overlays, load_overlay_kinds(),
                            lambda a: np.column_stack(to_proj.transform(a[:, 0], a[:, 1])))


def lonlat_box(epsg: int, window: Box) -> tuple[float, float, float, float]:
    """A projected window as W, S, E, N degrees (the box around its corners)."""
    from papermap.model.basemap import transformer

    to_lonlat = transformer(epsg, 4326)
    xs, ys = to_lonlat.transform([window[0], window[2], window[0], window[2]],
                                 [window[1], window[1], window[3], window[3]])
    return (min(xs), min(ys), max(xs), max(ys))


def build_time() -> datetime:
    """The print date: now, or ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention, in UTC),
    so that the same inputs give the same PDF, byte for byte, on any day."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.now().astimezone()
    try:
        return datetime.fromtimestamp(int(value), timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError(f"must be a whole number of seconds since 1970-01-01 UTC, not {value[:40]!r}",
                         field="SOURCE_DATE_EPOCH") from None


def sheet_text(cfg: Config, art: AtlasArt, relief: ReadResult, now: datetime) -> SheetText:
    """The words every sheet carries: title, data date, print date, sources, scale."""
    data_date = datetime.fromisoformat(art.data_date) if art.data_date else None
    return SheetText(title=cfg.title or art.source or ", ".join(relief.sources),
                     data_date=data_date.strftime("%Y-%m-%d %H:%M UTC") if data_date else "unknown",
                     printed=now.strftime("%Y-%m-%d %H:%M"),
                     source=", ".join([art.source] * bool(art.source) + relief.sources), scale=cfg.scale,
                     langs=cfg.lang)


def write(fmt: SheetFormat, paper: Stationery, out_path: Path, cache_dir: Path | None, jobs: int,
          progress: Progress | None, created: datetime | None = None) -> tuple[int, int]:
    """Every sheet the format laid out, drawn into the PDF at ``out_path`` (atomically), over
    ``jobs`` workers. Returns how many jobs the parent drew itself after all, and the sheets written."""
    info = paper.info
    sheet_jobs = fmt.jobs()
    with atomic_path(out_path) as tmp:
        doc = Document(tmp, fmt.sheet_pt, info.title,
                       f"Map data © OpenStreetMap contributors (ODbL), as of {info.data_date}", cache_dir, created)
        doc.reserve(fmt.texts())
        _say(progress, "pages", 0, len(sheet_jobs))
        redrawn = doc.draw_all([partial(_draw_job, job, paper) for job in sheet_jobs], jobs,
                               lambda i: _say(progress, "pages", i + 1, len(sheet_jobs)), job_groups(sheet_jobs))
        sheets = doc.sheets
        doc.finish()
    return redrawn, sheets


def _draw_job(job, paper: Stationery, doc: Document) -> None:
    """A format's job laid out and drawn (in a worker when forked)."""
    draw_sheets(doc, job(), paper)


def stderr_progress(msg: str, done: int | None = None, total: int | None = None) -> None:
    print(f"papermap: {msg}" + (f" {done}/{total}" if done is not None else ""), file=sys.stderr, flush=True)
