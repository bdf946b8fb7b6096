"""Lines and areas of GeoJSON and uMap backups: every geometry type but points (the point reader
takes those). Features are numbered and located as the point reader does."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from shapely.geometry import GeometryCollection, MultiLineString, MultiPolygon
from shapely.geometry.base import BaseGeometry

from papermap.errors import InputError
from papermap.sources.overlays.common import OverlayBuilder, line_of, polygon_of
from papermap.sources.points.geojson import load_json, umap_layer_name
from papermap.sources.points.text import umap_to_text
from papermap.sources.points.umap import is_umap

_STYLE_PREFIXES = ("_", "style", "marker-", "stroke", "fill", "icon")   # styling, not information


def read_geojson_overlays(path: str | Path, data: bytes, builder: OverlayBuilder) -> None:
    """A FeatureCollection, a single Feature, or a uMap backup's layers (each layer's name a folder)."""
    doc = load_json(path, data)
    if is_umap(doc):
        for n, layer in enumerate(doc["layers"], 1):
            if isinstance(layer, dict) and isinstance(layer.get("features"), list):
                name = umap_layer_name(layer) or ""
                label = f"layer {n} {name!r} " if name else f"layer {n} "
                _features(builder, layer["features"], [name], label, f"{n}.", True)
        return
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise InputError("not GeoJSON: expected a FeatureCollection or Feature", file=str(path))
    features = doc.get("features", []) if doc["type"] == "FeatureCollection" else [doc]
    layer = umap_layer_name(doc)
    _features(builder, features if isinstance(features, list) else [], [layer or ""], "", "", layer is not None)


def _features(builder: OverlayBuilder, features: list[Any], folders: list[str], where_prefix: str,
              id_prefix: str, umap: bool) -> None:
    for n, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            continue   # the point reader reports features that are not features
        where = f"{where_prefix}feature {n}"
        found: list[BaseGeometry] = []
        if not _geometry(feature["geometry"], where, builder, found):
            builder.taken.add(where)   # a line or area: drawn here, or its problem told here
        if not found:
            continue
        props = feature.get("properties") or {}
        record = {k: v for k, v in props.items() if not str(k).startswith(_STYLE_PREFIXES)
                  and not isinstance(v, (dict, list))} if isinstance(props, dict) else {}
        if umap and isinstance(record.get("description"), str):
            record["description"] = umap_to_text(record["description"])
        if feature.get("id") is not None and not record.get("id"):
            record["id"] = str(feature["id"])
        geom = found[0] if len(found) == 1 else GeometryCollection(found)
        builder.add(where, f"{id_prefix}{n}", geom, record, folders)


def _geometry(geometry: dict, where: str, builder: OverlayBuilder, found: list[BaseGeometry]) -> bool:
    """Append the lines and areas of a GeoJSON geometry to ``found``; True if it holds a point."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind in ("Point", "MultiPoint"):
        return True
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        return any([_geometry(g, where, builder, found) for g in members if isinstance(g, dict)]
                   ) if isinstance(members, list) else False
    try:
        if kind == "LineString":
            made = [_line(coords, where, builder)]
        elif kind == "MultiLineString":
            made = [_line(c, where, builder, i) for i, c in enumerate(coords, 1)]
        elif kind == "Polygon":
            made = [_polygon(coords, where, builder)]
        elif kind == "MultiPolygon":
            made = [_polygon(c, where, builder, i) for i, c in enumerate(coords, 1)]
        else:
            builder.problem(where, "geometry", f"unknown geometry type {kind!r}: left out")
            return False
    except (TypeError, ValueError, IndexError):
        builder.problem(where, "coordinates", f"{kind} coordinates are not lists of [longitude, latitude]: left out")
        return False
    good = [g for g in made if g is not None]
    if kind == "MultiLineString" and len(good) > 1:
        good = [MultiLineString(good)]
    elif kind == "MultiPolygon" and len(good) > 1:
        good = [MultiPolygon(good)]
    found.extend(good)
    return False


def _line(coords: Any, where: str, builder: OverlayBuilder, part: int = 0) -> BaseGeometry | None:
    made = line_of(coords)
    if isinstance(made, str):
        builder.problem(where, "geometry", f"{'line' if not part else f'line {part}'}: {made}: left out")
        return None
    return made


def _polygon(rings: Any, where: str, builder: OverlayBuilder, part: int = 0) -> BaseGeometry | None:
    polygon, notes = polygon_of(list(rings) or [[]])
    what = "polygon" if not part else f"polygon {part}"
    for note in notes:
        outcome = "left out" if polygon is None else "that hole is left out"
        builder.problem(where, "geometry", f"{what}: {note}: {outcome}", fatal=polygon is None)
    return polygon
