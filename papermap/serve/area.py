"""The page's map of the loaded extract and its page grid, both computed by papermap itself.

``overview_map`` draws the whole extract once (in the warm build worker) with papermap's own
style and renderer to a PNG, which the page shows under Leaflet with its longitude/latitude
bounds: no online tiles. ``grid_preview`` cuts an area into pages exactly as a build does
(layout.grid), without drawing anything, so the page can redraw the grid on every change.
"""
from __future__ import annotations

import math
import tempfile
from pathlib import Path

from papermap.errors import InputError
from papermap.settings import MM

MAP_PX = 1800           # the longer side of the page's map image, in pixels
MAP_DPI = 96


def overview_map(config, png: Path) -> dict:
    """Draw the extract of ``config`` to ``png`` and return what the page needs to place it.

    Returns
    -------
    dict
        ``bounds`` (W, S, E, N degrees of the image: the envelope of its UTM window), ``extent``
        (the data's W, S, E, N), ``places`` (named places and relief points from the OSM data,
        for the search box and the shelter markers: name, kind, lon, lat).
    """
    import shapely

    from papermap.model.basemap import build_basemap, project_bbox, to_utm, utm_epsg
    from papermap.model.categories import load_categories
    from papermap.model.style import load_style
    from papermap.layout.viewport import Viewport
    from papermap.output.png import write_pngs
    from papermap.pipeline import lonlat_box
    from papermap.render.pdf import Document
    from papermap.render.mapops import page_ops
    from papermap.sources.osm import read_osm
    from papermap.sources.points import osm_poi_keys, points_from_osm

    categories = load_categories()
    raw = read_osm(config.osm, lang=config.lang[0], poi_keys=osm_poi_keys(categories))
    if raw.extent is None:
        raise InputError("the extract has nothing to map", file=str(config.osm))
    extent = raw.extent
    epsg = utm_epsg((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)
    to_proj = to_utm(epsg)
    area = project_bbox(to_proj, extent)
    ground_w, ground_h = area[2] - area[0], area[3] - area[1]
    k = MAP_PX / max(ground_w, ground_h)                # pixels per metre
    w_px, h_px = max(1, round(ground_w * k)), max(1, round(ground_h * k))
    w_mm, h_mm = w_px / MAP_DPI * 25.4, h_px / MAP_DPI * 25.4
    scale = max(500, round(ground_w / (w_mm / 1000.0)))  # what 1 mm of the image is on the ground
    basemap = build_basemap(raw, to_proj, area, scale)
    ops = page_ops(basemap, load_style(config.style, False), Viewport(area, (0.0, 0.0, w_mm * MM, h_mm * MM)))
    with tempfile.TemporaryDirectory(prefix="papermap-serve-") as tmp:
        pdf = Path(tmp) / "map.pdf"
        doc = Document(pdf, (w_mm * MM, h_mm * MM), "papermap serve", "map of the loaded extract")
        doc.literal(ops)
        doc.end_sheet()
        doc.finish()
        (written,) = write_pngs(pdf, Path(tmp) / "map.png", MAP_DPI)
        png.write_bytes(written.read_bytes())

    places = []
    for wkb, name, _rank in raw.places:
        pt = shapely.from_wkb(wkb).representative_point()
        places.append({"name": name, "kind": "place", "lon": round(pt.x, 6), "lat": round(pt.y, 6)})
    for p in points_from_osm(raw.pois, categories).points:
        if p.display_name():
            places.append({"name": p.display_name(), "kind": p.category, "lon": p.lon, "lat": p.lat})
    return {"bounds": lonlat_box(epsg, area), "extent": extent, "places": places}


def grid_preview(bbox: tuple[float, float, float, float], paper: str, orientation: str, scale: int,
                 overlap_mm: float) -> dict:
    """The page grid a build of ``bbox`` would start from, as GeoJSON (output/grid.py), computed
    without reading or drawing any data. Pages with nothing on them are dropped by the build."""
    from papermap.api import Page
    from papermap.layout.frame import sheet_layout
    from papermap.layout.grid import grid, ground_size
    from papermap.model.basemap import project_bbox, to_utm, utm_epsg
    from papermap.output.grid import grid_geojson
    from papermap.pipeline import lonlat_box

    epsg = utm_epsg((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    area = project_bbox(to_utm(epsg), bbox)
    sheet = sheet_layout(paper, orientation)
    size = ground_size(sheet.map.w, sheet.map.h, scale)
    about = (math.ceil((area[2] - area[0]) / size[0]) + 1) * (math.ceil((area[3] - area[1]) / size[1]) + 1)
    if about > 400:
        raise InputError(f"about {about} pages: pick a smaller area or a smaller scale number", field="bbox")
    cells = grid(area, size, overlap_mm / 1000.0 * scale)
    pages = [Page(i + 1, lonlat_box(epsg, c.window), {}) for i, c in enumerate(cells)]
    return grid_geojson(pages)
