"""Lines and areas (passable and closed roads, outage and flooded areas, hazard zones) from every
format volunteers and officials publish: KML/KMZ, GeoJSON and uMap (beside the points the point
reader takes from the same files), and GeoPackage, Shapefile, FlatGeobuf, GPX, CSV or xlsx with a
WKT column (with their points too: GPX waypoints, a point layer).

Where they come from:
- ``overlays = ["FILE", "FILE#closed_road"]`` / ``--overlays FILE[#KIND]``: overlay files, any
  format; ``#KIND`` gives every line (or area) of the file that kind;
- ``points`` / ``--points`` and ``[[sources]]`` files: their lines and areas are drawn too, and a
  ``[[sources]]`` table's ``kind = "closed_road"`` is that source's kind.
Otherwise a feature's kind comes from a kind column, its folder or layer name, or keywords in its
name or description (styles/overlays.toml).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from papermap.config import Config
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.overlays import Overlay, OverlayKinds, OverlayRead, load_overlay_kinds
from papermap.model.points import ReadResult
from papermap.sources.overlays.common import OverlayBuilder
from papermap.sources.points import read_points
from papermap.sources.points.record import PointBuilder

POINT_FORMATS = ("kml", "geojson")        # the point reader reads these too
GIS_SUFFIXES = (".gpkg", ".shp", ".fgb", ".gpx", ".xlsx", ".zip", ".shz")
_KIND = re.compile(r"[a-z][a-z_]*")
Read = tuple[ReadResult, list[str], list[str]]   # what sources.relief.read_sources gives


def split_spec(spec: str | Path, kinds: OverlayKinds) -> tuple[Path, str | None]:
    """"roads.kml#closed_road" -> (roads.kml, "closed_road"); a name that merely contains "#" and
    exists as a file is kept whole."""
    text = str(spec)
    path, sep, kind = text.rpartition("#")
    if not sep or not _KIND.fullmatch(kind) or Path(text).exists():
        return Path(text), None
    return Path(path), kinds.check(kind, file=path)


def overlay_format(path: str | Path, head: bytes) -> str | None:
    """"kml", "geojson" (uMap too), "gis" (through pyogrio), "wkt" (a CSV with a WKT column), or
    None for a file that can hold points only (a plain points CSV). ``head``: the first 64 KB."""
    suffix = Path(path).suffix.lower()
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"PK"):
        return "kml" if suffix == ".kmz" or _zip_has(path, ".kml") else "gis"
    if body.startswith((b"SQLite format 3", b"fgb")) or suffix in GIS_SUFFIXES:
        return "gis"
    if body.startswith(b"<"):
        return "gis" if b"<gpx" in body[:4096] else "kml"
    if body.startswith((b"{", b"[")):
        return "geojson"
    return "wkt" if _csv_has_wkt(head) else None


def overlay_only(path: str | Path) -> bool:
    """Whether the point reader cannot read ``path`` (GeoPackage, Shapefile, GPX, a WKT CSV…):
    its points are read here, with its lines and areas."""
    return overlay_format(path, _head(Path(path))) in ("gis", "wkt")


def read_overlays(path: str | Path, kinds: OverlayKinds, categories: Categories, kind: str | None = None,
                  category_map: Mapping[str, str] | None = None,
                  points_read: bool = False) -> tuple[OverlayRead, set[str]]:
    """The lines and areas of one file, and its points unless the point reader has read them
    already (``points_read``); and where the point reader's "is not a point" refusals were taken
    as overlays here (to be dropped from its problems: nothing was left out)."""
    path = Path(path)
    fmt = overlay_format(path, _head(path))
    builder = OverlayBuilder(path, kinds, kind)
    points = PointBuilder(path, categories, category_map)
    if fmt in ("gis", "wkt"):
        from papermap.sources.overlays.ogr import read_gis, read_wkt_csv

        if fmt == "gis":
            read_gis(path, builder, points)
        else:
            read_wkt_csv(path, path.read_bytes(), builder, points)
        builder.result.points = points.finish()
    elif fmt in POINT_FORMATS:
        from papermap.sources.overlays.geojson import read_geojson_overlays
        from papermap.sources.overlays.kml import read_kml_overlays

        (read_kml_overlays if fmt == "kml" else read_geojson_overlays)(path, path.read_bytes(), builder)
    if not points_read and fmt not in ("gis", "wkt"):
        builder.result.points = without_taken(read_points(path, categories, category_map), str(path), builder.taken)
    return builder.result, builder.taken


def without_taken(result: ReadResult, file: str, taken: set[str]) -> ReadResult:
    """``result`` less the point reader's refusals of features that were drawn as lines or areas."""
    result.problems = [p for p in result.problems
                       if not (p.file == file and p.field == "geometry" and p.where in taken)]
    return result


def load_overlays(cfg: Config, categories: Categories, read: Read) -> tuple[list[Overlay], Read]:
    """Every line and area of the build, and ``read`` (the points of the point files) with the
    points of overlay files added, overlay problems added, and the point reader's refusals of
    lines and areas that are drawn after all taken out."""
    combined, sources, warnings = read
    if not (cfg.overlays or cfg.points or cfg.sources):
        return [], read
    kinds = load_overlay_kinds()
    found = OverlayRead()
    specs = [(*split_spec(p, kinds), False) for p in cfg.overlays] + [(Path(p), None, True) for p in cfg.points]
    for src in cfg.sources:
        kind = kinds.check(src["kind"], field_name="sources.kind") if src.get("kind") else None
        path = Path(src["path"]) if "path" in src else _fetched(src["url"], cfg, warnings.append)
        specs.append((path, kind, True))
    taken: dict[str, set[str]] = {}
    for path, kind, listed in specs:
        points_read = listed and not overlay_only(path)
        got, taken[str(path)] = read_overlays(path, kinds, categories, kind, points_read=points_read)
        found.extend(got)
        if not points_read and path.name not in sources:
            sources.append(path.name)
    for file, where in taken.items():
        without_taken(combined, file, where)
    combined.extend(ReadResult(found.points.points, found.points.problems + found.problems))
    return found.overlays, (combined, sources, warnings)


def read_for_check(spec: str, categories: Categories,
                   category_map: Mapping[str, str] | None = None) -> tuple[ReadResult, list[Overlay]]:
    """What ``papermap check`` reports on one file (``FILE`` or ``FILE#KIND``): its points and
    overlays, and every problem of both."""
    kinds = load_overlay_kinds()
    path, kind = split_spec(spec, kinds)
    got, _ = read_overlays(path, kinds, categories, kind, category_map)
    return (ReadResult(got.points.points, got.points.problems + got.problems, unplaced=got.points.unplaced),
            got.overlays)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(65536)
    except FileNotFoundError as exc:
        raise InputError("file not found", file=str(path)) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", file=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc


def _zip_has(path: str | Path, suffix: str) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.lower().endswith(suffix) for n in z.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _csv_has_wkt(head: bytes) -> bool:
    from papermap.sources.overlays.ogr import wkt_column

    text = head.decode("utf-8-sig", errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = csv.DictReader(io.StringIO(text[text.find(first):]), delimiter=delimiter)
    return wkt_column(rows.fieldnames or [], next(rows, None)) is not None


def _fetched(url: str, cfg: Config, warn) -> Path:
    from papermap.sources.cache import Cache
    from papermap.sources.remote import fetch_url

    return fetch_url(url, cache=Cache(cfg.cache_dir), offline=cfg.offline, warn=warn)
