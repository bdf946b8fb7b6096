"""The page grid as GeoJSON, for QGIS and web maps: which printed page covers which ground.

One polygon per map page (RFC 7946: WGS 84 longitude, latitude), so a coordinator can show the
grid over other data, or a web map can say "you are on page 7".
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from papermap._files import atomic_write

PRECISION = 7   # decimal places of a degree: about a centimetre, far finer than a printed page


class GridPage(Protocol):
    """What the grid needs of a page (``papermap.api.Page`` has it)."""

    number: int
    bbox: tuple[float, float, float, float]
    neighbours: Mapping[str, int]


def grid_geojson(pages: Iterable[GridPage]) -> dict:
    """A FeatureCollection of the pages' extents in degrees, with page number, bbox and neighbours
    (direction -> page number) as properties. A page's extent is the west/south/east/north
    envelope of its projected (UTM) window, so it holds the whole page."""
    features = []
    for page in pages:
        w, s, e, n = (round(v, PRECISION) for v in page.bbox)
        features.append({
            "type": "Feature",
            "id": page.number,
            "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
            "properties": {"page": page.number, "bbox": [w, s, e, n], "neighbours": dict(page.neighbours)},
        })
    return {"type": "FeatureCollection", "features": features}


def write_grid(path: Path, pages: Iterable[GridPage]) -> None:
    """Write the grid to ``path`` (whole or not at all), one feature per line so it reads and diffs."""
    doc = grid_geojson(pages)
    text = ('{"type": "FeatureCollection", "features": [\n'
            + ",\n".join(json.dumps(f, ensure_ascii=False) for f in doc["features"]) + "\n]}\n")
    atomic_write(Path(path), text.encode("utf-8"))
