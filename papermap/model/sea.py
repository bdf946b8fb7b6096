"""Fill the sea from coastline ways: OSM draws coastlines with the land on the left."""
from __future__ import annotations

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import LineString, box

from papermap.errors import InputError

EXTEND_LOOKBACK_M = 150.0  # the heading of a coastline end is read over this last stretch


def _extend_ends(line: LineString, frame) -> LineString:
    """Continue an open coastline that stops inside the frame (an extract cut at a border)
    along its heading at each end until it leaves the frame, so it splits the frame."""
    coords = np.asarray(line.coords)
    reach = float(np.hypot(*(np.asarray(frame.bounds[2:]) - frame.bounds[:2]))) * 2
    new = [coords]
    for end in (0, -1):
        tip = coords[end]
        if not frame.contains(shapely.points(tip)):
            continue
        back = line.interpolate(min(EXTEND_LOOKBACK_M, line.length) if end == 0 else
                                max(0.0, line.length - EXTEND_LOOKBACK_M))
        heading = tip - np.asarray(back.coords[0])
        norm = np.hypot(*heading)
        if norm == 0:
            continue
        far = tip + heading / norm * reach
        if end == 0:
            new.insert(0, far[None, :])
        else:
            new.append(far[None, :])
    return LineString(np.vstack(new))


def sea_polygons(coastlines: np.ndarray, area: tuple[float, float, float, float]) -> list:
    """Polygons of sea inside ``area`` (projected metres), from projected coastline lines.

    The area is cut along the coastline into faces; each coastline segment votes, by its
    length, "sea" for the face on its right and "land" for the face on its left. Coastlines GEOS
    cannot node (a damaged extract) are an InputError, not a traceback.
    """
    if len(coastlines) == 0:
        return []
    try:
        return _sea_polygons(coastlines, area)
    except ShapelyError as exc:
        raise InputError(f"the coastline ways cannot be joined into a shore ({exc}): the extract is damaged",
                         field="natural=coastline") from None


def _sea_polygons(coastlines: np.ndarray, area: tuple[float, float, float, float]) -> list:
    frame = box(*area)
    merged = shapely.get_parts(shapely.line_merge(shapely.union_all(coastlines)))
    lines = [part if part.is_ring else _extend_ends(part, frame) for part in merged]
    lines = shapely.clip_by_rect(np.array(lines, dtype=object), *area)
    lines = lines[~shapely.is_empty(lines)]
    if len(lines) == 0:
        return []
    noded = shapely.union_all(np.append(lines, frame.exterior))
    faces = np.asarray(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    if len(faces) == 0:
        return []
    xy, part = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    same = part[1:] == part[:-1]
    a, d = xy[:-1][same], (xy[1:] - xy[:-1])[same]
    length = np.hypot(d[:, 0], d[:, 1])
    keep = length > 1e-6
    a, d, length = a[keep], d[keep], length[keep]
    mid = a + d / 2
    right = np.column_stack([d[:, 1], -d[:, 0]]) / length[:, None] * 0.05
    tree = shapely.STRtree(faces)
    votes = np.zeros(len(faces))
    for probe, sign in ((mid + right, 1.0), (mid - right, -1.0)):
        pt_idx, face_idx = tree.query(shapely.points(probe), predicate="within")
        np.add.at(votes, face_idx, sign * length[pt_idx])
    return [face for face, v in zip(faces, votes) if v > 0]
