"""The basemap in a local metric CRS: one vectorised geometry array per layer, with a spatial index."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Protocol

import numpy as np
import shapely
from pyproj import Transformer

from papermap import settings
from papermap.model.sea import sea_polygons


class RawLayers(Protocol):
    """What ``build_basemap`` needs from a reader (sources/osm.py's OsmLayers is one): WKB in
    degrees per layer, with the attributes each layer carries. Stated here so that the model
    never depends on the sources that feed it."""

    extent: tuple[float, float, float, float] | None
    data_date: datetime | None
    coastline: list[bytes]
    green: list[bytes]
    water: list[bytes]
    waterways: list[tuple[bytes, str]]
    buildings: list[bytes]
    railways: list[bytes]
    roads: list[tuple[bytes, str, str, bool]]
    places: list[tuple[bytes, str, int]]


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the UTM zone holding (lon, lat): a metric CRS where 1:10,000 means 1:10,000."""
    zone = int(math.floor((lon + 180) / 6)) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


@dataclass
class Layer:
    """Geometries of one map layer plus per-feature attributes, indexed for page queries."""

    geoms: np.ndarray
    attrs: dict[str, np.ndarray] = field(default_factory=dict)
    tree: shapely.STRtree | None = None

    def __post_init__(self) -> None:
        self.tree = shapely.STRtree(self.geoms)

    def query(self, window: tuple[float, float, float, float]) -> np.ndarray:
        """Indices of features whose bounding box crosses the window."""
        if len(self.geoms) == 0:
            return np.empty(0, dtype=int)
        return np.sort(self.tree.query(shapely.box(*window)))


@dataclass
class Basemap:
    layers: dict[str, Layer]
    data_date: datetime | None


def to_utm(epsg: int) -> Transformer:
    """WGS84 degrees to the metric CRS ``epsg``."""
    return transformer(4326, epsg)


@lru_cache(maxsize=16)
def transformer(source: int, target: int) -> Transformer:
    """From EPSG ``source`` to EPSG ``target``, x before y (lon, lat). Made once per process: PROJ
    takes ~0.5 ms to make one, a build asks for it a page at a time, and a warm server builds
    the same area again and again (pyproj's Transformer is safe to share between threads)."""
    return Transformer.from_crs(source, target, always_xy=True)


def project_bbox(tr: Transformer, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return tuple(tr.transform_bounds(*bbox, densify_pts=21))


def build_basemap(raw: RawLayers, to_proj: Transformer, area: tuple[float, float, float, float],
                  scale: int) -> Basemap:
    """Project every layer, simplify it to what print can show at ``scale``, and fill the sea."""
    tolerance = settings.PRINT_RESOLUTION_MM / 1000.0 * scale  # ground metres per 0.1 mm on paper

    def project(wkbs: list[bytes], simplify: bool = True) -> np.ndarray:
        if not wkbs:
            return np.empty(0, dtype=object)
        geoms = shapely.transform(shapely.from_wkb(wkbs), lambda xy: np.column_stack(
            to_proj.transform(xy[:, 0], xy[:, 1])))
        if simplify:
            geoms = shapely.simplify(geoms, tolerance, preserve_topology=False)
        return geoms

    def layer(wkbs: list[bytes], **attrs) -> Layer:
        geoms = project(wkbs)
        keep = ~shapely.is_empty(geoms) if len(geoms) else np.empty(0, dtype=bool)
        return Layer(geoms[keep], {k: np.asarray(v, dtype=object)[keep] for k, v in attrs.items()})

    # the sea is known only where the extract has data: the area (plus a margin) cut to its extent
    pad = 0.05 * max(area[2] - area[0], area[3] - area[1])
    ext = project_bbox(to_proj, raw.extent)
    sea_area = (max(area[0] - pad, ext[0]), max(area[1] - pad, ext[1]),
                min(area[2] + pad, ext[2]), min(area[3] + pad, ext[3]))
    coast = project(raw.coastline, simplify=False)
    sea = shapely.simplify(np.array(sea_polygons(coast, sea_area), dtype=object), tolerance)

    layers = {
        "sea": Layer(sea),
        "coastline": layer(raw.coastline),
        "green": layer(raw.green),
        "water": layer(raw.water),
        "waterways": layer([w for w, _ in raw.waterways], name=[n for _, n in raw.waterways]),
        "buildings": layer(raw.buildings),
        "railways": layer(raw.railways),
        "roads": layer([r[0] for r in raw.roads], cls=[r[1] for r in raw.roads],
                       name=[r[2] for r in raw.roads], tunnel=[r[3] for r in raw.roads]),
        "places": layer([w for w, _, _ in raw.places], name=[n for _, n, _ in raw.places],
                        rank=[r for _, _, r in raw.places]),
    }
    return Basemap(layers=layers, data_date=raw.data_date)
