"""GeoJSON relief points (My Maps / QGIS / uMap exports): Point features, MultiPoints split."""
from __future__ import annotations

import json
import reprlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.points import ReadResult
from papermap.sources.points.fields import split_record
from papermap.sources.points.record import PointBuilder, RawRecord
from papermap.sources.points.text import umap_to_text

# styling, not information: left out of a point's extra
_STYLE_PREFIXES = ("_", "style", "marker-", "stroke", "fill", "icon")


def load_json(path: str | Path, data: bytes) -> Any:
    """Parse JSON, turning a syntax error into an InputError that names the file and line.

    Nesting is limited by the parser's own guard (Python's recursion limit, about 1,000 levels);
    a number with more digits than Python converts (4,300) is refused by the parser too.
    """
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=str(path), where=str(exc.lineno)) from exc
    except RecursionError:
        raise InputError("JSON nested too deeply to be GeoJSON or uMap", file=str(path)) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(f"not valid JSON: {exc}", file=str(path)) from None


def read_geojson(path: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
                 data: bytes | None = None, category: str | None = None) -> ReadResult:
    """Points from a GeoJSON FeatureCollection or single Feature; a uMap layer's name is its folder."""
    doc = load_json(path, Path(path).read_bytes() if data is None else data)
    builder = PointBuilder(path, categories, category_map, category)
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise InputError("not GeoJSON: expected a FeatureCollection or Feature", file=str(path))
    features = doc.get("features", []) if doc["type"] == "FeatureCollection" else [doc]
    if not isinstance(features, list):
        raise InputError(f"'features' is a JSON {_json_type(features)}, not a list", file=str(path), field="features")
    layer = umap_layer_name(doc)
    add_features(builder, features, [layer] if layer else [], is_umap=layer is not None)
    return builder.finish()


def umap_layer_name(doc: Mapping[str, Any]) -> str | None:
    """The layer name uMap stores in ``_umap_options`` ("" for an unnamed uMap layer, None if not uMap)."""
    options = doc.get("_umap_options")
    if not isinstance(options, dict):
        return None
    name = options.get("name")
    return name if isinstance(name, str) else ""


def _json_type(value: Any) -> str:
    """What a JSON value is, in JSON's words, for messages (never the value itself: it may be huge)."""
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


def add_features(builder: PointBuilder, features: list[Any], folders: list[str], where_prefix: str = "",
                 id_prefix: str = "", is_umap: bool = False) -> None:
    """Feed features to the builder; non-point geometries are reported, never crash the read.

    A feature without an id gets ``id_prefix`` + its position ("3", or "2.3" for layer 2 of a uMap).
    """
    folders = [f for f in folders if f]
    for n, feature in enumerate(features, 1):
        where = f"{where_prefix}feature {n}"
        number = f"{id_prefix}{n}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            builder.problem(where, "type", "not a GeoJSON Feature")
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            builder.problem(where, "properties", f"properties is a JSON {_json_type(props)}, not an object: ignored",
                            fatal=False)
            props = {}
        info = {k: v for k, v in props.items() if not str(k).startswith(_STYLE_PREFIXES)
                and not isinstance(v, (dict, list))}
        if is_umap and isinstance(info.get("description"), str):
            info["description"] = umap_to_text(info["description"])
        fields, extra = split_record(info)
        if not fields.get("id") and isinstance(feature.get("id"), (str, int, float)):
            fields["id"] = str(feature["id"])  # GeoJSON's own feature id
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind == "Point":
            _add(builder, where, number, fields, extra, folders, geometry.get("coordinates"))
        elif kind == "MultiPoint":
            parts = geometry.get("coordinates") or []
            if not isinstance(parts, list):
                builder.problem(where, "coordinates", f"MultiPoint coordinates are a JSON {_json_type(parts)}, "
                                                      "not a list of [longitude, latitude]")
                continue
            for i, coords in enumerate(parts, 1):
                _add(builder, f"{where}.{i}", f"{number}.{i}", fields, extra, folders, coords)
        elif kind is None:
            # no geometry: the properties may still carry 緯度/経度
            builder.add(RawRecord(where, number, fields, extra, folders=list(folders)))
        elif isinstance(kind, str):
            builder.problem(where, "geometry", f"{kind[:40]} is not a point: left out (mark the place with a point)")
        else:
            builder.problem(where, "geometry", f"geometry type is a JSON {_json_type(kind)}, not a name")


def _add(builder: PointBuilder, where: str, fallback_id: str, fields: dict[str, str], extra: dict[str, str],
         folders: list[str], coords: Any) -> None:
    if not isinstance(coords, list) or len(coords) < 2:
        builder.problem(where, "coordinates", f"point coordinates {reprlib.repr(coords)} are not [longitude, latitude]")
        return
    builder.add(RawRecord(where, fallback_id, dict(fields), dict(extra), lon=coords[0], lat=coords[1],
                          folders=list(folders)))
