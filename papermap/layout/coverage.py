"""Where a page shows ground the data do not cover, and the coordinate grid drawn when there is
no basemap at all. Pure functions over projected metres and sheet points; any format's map
sheets can use them."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely

from papermap.layout.grid import Box
from papermap.layout.labels import Label
from papermap.layout.viewport import Viewport

Ring = tuple[tuple[float, float], ...]
# degrees between graticule lines, finest first (decimal degrees, as a phone's GPS shows them)
GRATICULE_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
GRATICULE_PT = 7.0


def no_data_rings(vp: Viewport, covered: Ring | None) -> tuple[Ring, ...]:
    """The parts of the page's window outside ``covered`` (the extract's extent, projected), as
    outlines in sheet points: drawn hatched, never as empty land."""
    if not covered:
        return ()
    outside = shapely.box(*vp.window).difference(shapely.Polygon(covered))
    rings = []
    for part in shapely.get_parts(outside):
        if part.geom_type == "Polygon" and part.area > 1e-6 * shapely.box(*vp.window).area:
            rings.append(tuple(map(tuple, vp.to_pt(np.asarray(part.exterior.coords)).tolist())))
    return tuple(rings)


def _degrees(value: float, step: float, pos: str, neg: str) -> str:
    decimals = max(0, -int(np.floor(np.log10(step) + 1e-9)))
    return f"{abs(value):.{decimals}f}°{pos if value >= 0 else neg}"


def graticule(vp: Viewport, to_lonlat: Callable[[Box], tuple[float, float, float, float]],
              to_xy: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
              lines_wanted: int = 4) -> tuple[list[np.ndarray], list[Label]]:
    """Meridians and parallels over the page at a round step (about ``lines_wanted`` each way),
    as polylines in sheet points, with their values (133.205°E, 34.41°N) just inside the frame's
    bottom and left edges."""
    w, s, e, n = to_lonlat(vp.window)
    step = next((st for st in GRATICULE_STEPS if max(e - w, n - s) / st <= lines_wanted * 1.6), GRATICULE_STEPS[-1])
    x0, y0, x1, y1 = vp.frame_pt
    frame = shapely.box(x0, y0, x1, y1)
    lines, labels = [], []
    for kind, lo, hi in (("lon", w, e), ("lat", s, n)):
        for k in range(int(np.ceil(lo / step)), int(np.floor(hi / step)) + 1):
            value = k * step
            t = np.linspace(s if kind == "lon" else w, n if kind == "lon" else e, 24)
            lon, lat = (np.full_like(t, value), t) if kind == "lon" else (t, np.full_like(t, value))
            mx, my = to_xy(lon, lat)
            line = shapely.LineString(vp.to_pt(np.column_stack([mx, my])))
            part = shapely.intersection(line, frame)
            if part.is_empty or part.geom_type != "LineString":
                continue
            coords = np.asarray(part.coords)
            lines.append(coords)
            if kind == "lon":
                bottom = coords[np.argmin(coords[:, 1])]
                labels.append(Label(_degrees(value, step, "E", "W"), float(bottom[0]), y0 + 8, 0.0, GRATICULE_PT, "grid"))
            else:
                left = coords[np.argmin(coords[:, 0])]
                labels.append(Label(_degrees(value, step, "N", "S"), x0 + 26, float(left[1]) + 5, 0.0, GRATICULE_PT, "grid"))
    return lines, labels
