"""Where road, water and place names go on a map page, without overlapping each other,
the page furniture or relief symbols (given as obstacles). Pure: text is measured through
the ``measure(text, size)`` function passed in."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from papermap.layout.viewport import Viewport

if TYPE_CHECKING:
    from papermap.model.basemap import Basemap

ROAD_PRIORITY = {"motorway": 0, "primary": 1, "secondary": 2, "tertiary": 3, "minor": 4,
                 "pedestrian": 5, "service": 6, "path": 7}
REPEAT_MM = 120.0   # the same street name again only this far from its last label
MAX_BEND = 0.35     # how far (in text heights) a line may bend under a label


@dataclass(frozen=True)
class Label:
    text: str
    x: float          # centre, sheet points
    y: float
    angle: float      # degrees, counter-clockwise, always readable (-90..90)
    size: float       # font size, points
    kind: str         # "road", "water" or "place"


def _box(cx: float, cy: float, w: float, h: float, angle: float) -> Polygon:
    a = math.radians(angle)
    ca, sa = math.cos(a), math.sin(a)
    pts = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return Polygon([(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in pts])


class _Placed:
    """Boxes already taken on the page."""

    def __init__(self, bounds: Polygon, obstacles: list[Polygon]):
        self.bounds = bounds
        self.boxes: list[Polygon] = list(obstacles)

    def free(self, box: Polygon) -> bool:
        return self.bounds.contains(box) and not any(box.intersects(b) for b in self.boxes)


def _page_lines(basemap: Basemap, layer: str, vp: Viewport) -> list[tuple[str, str, LineString]]:
    """Named lines crossing the page, merged per name, in sheet points."""
    lay = basemap.layers[layer]
    idx = lay.query(vp.window)
    names = lay.attrs.get("name")
    if names is None or len(idx) == 0:
        return []
    idx = idx[names[idx] != ""]
    classes = lay.attrs.get("cls")
    groups: dict[tuple[str, str], list] = {}
    clipped = shapely.clip_by_rect(lay.geoms[idx], *vp.window)
    for i, geom in zip(idx, clipped):
        if not geom.is_empty:
            key = (names[i], classes[i] if classes is not None else "water")
            groups.setdefault(key, []).append(geom)
    out = []
    for (name, cls), geoms in groups.items():
        merged = shapely.line_merge(shapely.union_all(geoms))
        for part in shapely.get_parts(merged):
            if part.geom_type == "LineString":
                out.append((name, cls, LineString(vp.to_pt(np.asarray(part.coords)))))
    out.sort(key=lambda t: (ROAD_PRIORITY.get(t[1], 8), -t[2].length))
    return out


def _along(line: LineString, text_w: float, size: float) -> list[tuple[float, float, float]]:
    """Candidate (x, y, angle) positions where the text fits a nearly straight stretch."""
    if line.length < text_w * 1.1:
        return []
    found = []
    for frac in (0.5, 0.3, 0.7, 0.15, 0.85):
        s = frac * line.length
        if s - text_w / 2 < 0 or s + text_w / 2 > line.length:
            continue
        p0, p1 = line.interpolate(s - text_w / 2), line.interpolate(s + text_w / 2)
        chord = LineString([p0, p1])
        if chord.length < 0.9 * text_w:
            continue
        bend = max(chord.distance(line.interpolate(s + d)) for d in (-text_w / 4, 0, text_w / 4))
        if bend > MAX_BEND * size:
            continue
        angle = math.degrees(math.atan2(p1.y - p0.y, p1.x - p0.x))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        found.append(((p0.x + p1.x) / 2, (p0.y + p1.y) / 2, angle))
    return found


def place_labels(basemap: Basemap, vp: Viewport, label_style: dict,
                 measure: Callable[[str, float], float], obstacles: list[Polygon] = ()) -> list[Label]:
    """Place names first (largest first), then water and street names along their lines."""
    x0, y0, x1, y1 = vp.frame_pt
    taken = _Placed(shapely.box(x0 + 2, y0 + 2, x1 - 2, y1 - 2), list(obstacles))
    labels: list[Label] = []
    sizes = label_style["place_pt"]

    places = basemap.layers["places"]
    idx = places.query(vp.window)
    for i in sorted(idx, key=lambda i: places.attrs["rank"][i]):
        name, rank = places.attrs["name"][i], places.attrs["rank"][i]
        size = sizes[min(rank, len(sizes) - 1)]
        x, y = vp.to_pt(shapely.get_coordinates(places.geoms[i]))[0]
        box = _box(x, y, measure(name, size) + 2, size * 1.3, 0)
        if taken.free(box):
            taken.boxes.append(box)
            labels.append(Label(name, x, y, 0.0, size, "place"))

    size = label_style["font_pt"]
    repeat = REPEAT_MM * 72 / 25.4
    for layer, kind in (("waterways", "water"), ("roads", "road")):
        last_at: dict[str, list[tuple[float, float]]] = {}
        for name, _cls, line in _page_lines(basemap, layer, vp):
            text_w = measure(name, size) + 2
            for x, y, angle in _along(line, text_w, size):
                if any(math.hypot(x - px, y - py) < repeat for px, py in last_at.get(name, ())):
                    break
                box = _box(x, y, text_w, size * 1.25, angle)
                if taken.free(box):
                    taken.boxes.append(box)
                    last_at.setdefault(name, []).append((x, y))
                    labels.append(Label(name, x, y, angle, size, kind))
                    break
    return labels
