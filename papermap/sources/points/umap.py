"""uMap backups (.umap): JSON whose ``layers`` are FeatureCollections, each layer's name a category hint."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.points import ReadResult
from papermap.sources.points.geojson import add_features, load_json, umap_layer_name
from papermap.sources.points.record import PointBuilder


def is_umap(doc: object) -> bool:
    """A uMap backup rather than plain GeoJSON."""
    return isinstance(doc, dict) and doc.get("type") == "umap" or (
        isinstance(doc, dict) and isinstance(doc.get("layers"), list) and "features" not in doc)


def read_umap(path: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
              data: bytes | None = None, category: str | None = None) -> ReadResult:
    """Points from every layer; problems are located as "layer N 'name' feature M"."""
    doc = load_json(path, Path(path).read_bytes() if data is None else data)
    if not is_umap(doc) or not isinstance(doc.get("layers"), list):
        raise InputError("not a uMap backup: expected a JSON object with a 'layers' list", file=str(path))
    builder = PointBuilder(path, categories, category_map, category)
    for n, layer in enumerate(doc["layers"], 1):
        if not isinstance(layer, dict) or not isinstance(layer.get("features"), list):
            builder.problem(f"layer {n}", "features", "layer is not a FeatureCollection: skipped")
            continue
        name = umap_layer_name(layer) or ""
        label = f"layer {n} {name!r} " if name else f"layer {n} "
        add_features(builder, layer["features"], [name], label, id_prefix=f"{n}.", is_umap=True)
    return builder.finish()
