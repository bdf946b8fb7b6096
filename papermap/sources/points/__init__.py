"""Relief points from files volunteers make: CSV, GeoJSON, KML/KMZ (Google My Maps), uMap; and from OSM tags."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from papermap import settings
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.points import ReadResult
from papermap.sources.points.csv import read_csv
from papermap.sources.points.geojson import load_json, read_geojson
from papermap.sources.points.kml import read_kml
from papermap.sources.points.osm_tags import osm_poi_keys, points_from_osm
from papermap.sources.points.umap import is_umap, read_umap

__all__ = ["read_points", "points_from_osm", "osm_poi_keys", "detect_format"]


def detect_format(path: str | Path, data: bytes) -> str:
    """"csv", "geojson", "kml" or "umap": the content decides where it is unambiguous, else the extension.

    Content first because exports are often renamed (a My Maps .kml saved as .xml, a .json that is uMap).
    """
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK") or head.startswith(b"<"):
        return "kml"
    if head.startswith((b"{", b"[")):
        return "umap" if is_umap(load_json(path, data)) else "geojson"
    suffix = Path(path).suffix.lower()
    return {".kml": "kml", ".kmz": "kml", ".geojson": "geojson", ".json": "geojson", ".umap": "umap"}.get(suffix, "csv")


def source_category(categories: Categories, value: str, file: str = "") -> str:
    """A source's category as given (an id such as ``shelter``, or a label such as 避難所) as our id."""
    cid = value if value in categories else categories.resolve(value)
    if cid is None:
        raise InputError(f"unknown category {value[:40]!r} (known: {', '.join(categories.ids)})", file=file,
                         field="category")
    return cid


_READERS = {"csv": read_csv, "geojson": read_geojson, "kml": read_kml, "umap": read_umap}


def read_points(path: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
                category: str | None = None) -> ReadResult:
    """All points in one file and every problem found; a file that cannot be read at all raises InputError.
    ``category`` is the whole file's kind ("this file is shelters"): every point takes it unless its
    own category column names another."""
    categories.check_map(category_map)
    if category is not None:
        category = source_category(categories, category, str(path))
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > settings.MAX_INPUT_BYTES:
            raise InputError(f"{size >> 20} MB is more than the {settings.MAX_INPUT_BYTES >> 20} MB a points file "
                             "may have: split it", file=str(path))
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", file=str(path)) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a points file", file=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc
    return _READERS[detect_format(path, data)](path, categories, category_map, data=data, category=category)
