"""GIS files officials publish (GeoPackage, Shapefile, zipped Shapefile, FlatGeobuf), GPX from
GPS devices, and spreadsheets (CSV, xlsx) with a WKT geometry column.

The GIS formats are read through geopandas and pyogrio, imported here only, when such a file is
given, so a plain build never pays for them. Any source CRS (Japan's plane rectangular systems,
EPSG:6669-6687, UTM…) is reprojected to WGS84; a file without one is read as WGS84 only when
its numbers are longitudes and latitudes, else it is refused with a clear error.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from papermap.errors import InputError
from papermap.sources.overlays.common import OverlayBuilder, lonlat_ok
from papermap.sources.points.csv import decode
from papermap.sources.points.fields import split_record
from papermap.sources.points.record import PointBuilder, RawRecord

GPX_LAYERS = ("waypoints", "routes", "tracks")   # route_points and track_points repeat the same positions
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "形状", "ジオメトリ", "図形")
_WKT = re.compile(r"^\s*(SRID=\d+;\s*)?(MULTI)?(POINT|LINESTRING|POLYGON)|^\s*GEOMETRYCOLLECTION", re.I)
_EWKT = re.compile(r"^\s*SRID=(\d+);", re.I)
NO_CRS = ("has no coordinate reference system (a Shapefile's .prj is missing?) and its coordinates "
          "{bounds} are not longitude/latitude: give the .prj, or save it in EPSG:4326")


def read_gis(path: str | Path, builder: OverlayBuilder, points: PointBuilder) -> None:
    """Every layer of a GeoPackage, Shapefile (.shp or .zip), FlatGeobuf or GPX file; an attribute
    table without geometry (xlsx) is read for a WKT column."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(str(path))]
    except (DataSourceError, DataLayerError) as exc:
        raise InputError(f"cannot read as a GIS file: {exc}", file=str(path)) from exc
    xlsx = str(path).lower().endswith(".xlsx")
    if str(path).lower().endswith(".gpx"):
        layers = [name for name in layers if name in GPX_LAYERS]
    for name in layers:
        prefix = f"layer {name!r} " if len(layers) > 1 else ""
        try:   # a sheet's first row is its header even when every cell is text
            frame = pyogrio.read_dataframe(str(path), layer=name, **({"HEADERS": "FORCE"} if xlsx else {}))
        except (DataSourceError, DataLayerError) as exc:
            builder.problem(prefix.strip() or "layer", "", f"cannot be read: {exc}: left out")
            continue
        if "geometry" not in frame.columns:
            records = ((f"{prefix}row {i + 1 + xlsx}", _record(r)) for i, r in enumerate(frame.to_dict("records")))
            read_wkt_table(path, records, builder, points, [name])
            continue
        frame = _to_wgs84(frame, path, name)
        attrs = frame.drop(columns="geometry").to_dict("records")
        for i, (geom, raw) in enumerate(zip(frame.geometry.values, attrs), 1):
            _feature(f"{prefix}feature {i}", str(i), geom, _record(raw), [name], builder, points)


def read_wkt_csv(path: str | Path, data: bytes, builder: OverlayBuilder, points: PointBuilder) -> None:
    """A CSV whose WKT column holds each row's line, area or point; located by physical line."""
    text, encoding, bad = decode(data)
    for n in bad:
        builder.problem(str(n), "", f"bytes that are neither UTF-8 nor Shift_JIS (read as {encoding})", fatal=False)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if first.count("\t") > first.count(",") else ",")
    header = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield str(reader.line_num), dict(zip(header, (cell.strip() for cell in row)))

    read_wkt_table(path, rows(), builder, points, [])


def wkt_column(headers: Iterable[str], first_row: dict[str, Any] | None = None) -> str | None:
    """The column holding WKT: by its name, else the first whose value in ``first_row`` is WKT."""
    headers = list(headers)
    for h in headers:
        if h.strip().casefold() in WKT_COLUMNS:
            return h
    return next((h for h in headers if first_row and _WKT.match(str(first_row.get(h) or ""))), None)


def read_wkt_table(path: str | Path, rows: Iterable[tuple[str, dict[str, Any]]], builder: OverlayBuilder,
                   points: PointBuilder, folders: list[str]) -> None:
    """Rows whose WKT column ("SRID=6677;POLYGON(…)" allowed) is the geometry; WGS84 unless
    the SRID says otherwise, and then only if the numbers are longitudes and latitudes."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    column = wkt_column(first[1], first[1])
    if column is None:
        raise InputError(f"no WKT geometry column (named one of {', '.join(WKT_COLUMNS)}) in "
                         f"{', '.join(map(str, first[1])) or 'the header'}", file=str(path))
    parsed: list[tuple[str, BaseGeometry, dict]] = []
    for where, record in (first, *rows):
        text = str(record.pop(column) or "").strip()
        if not text:
            builder.problem(where, column, "no geometry: left out")
            continue
        srid = _EWKT.match(text)
        try:
            geom = shapely.from_wkt(text[srid.end():] if srid else text)
        except shapely.errors.GEOSException as exc:
            builder.problem(where, column, f"not WKT ({exc}): left out")
            continue
        if srid and int(srid.group(1)) != 4326:
            geom = _reprojected(geom, int(srid.group(1)), path)
        elif not geom.is_empty and not lonlat_ok(geom):
            raise InputError(NO_CRS.format(bounds=_bounds_text(geom.bounds)), file=str(path), where=where,
                             field=column)
        parsed.append((where, geom, record))
    for where, geom, record in parsed:
        _feature(where, where, geom, record, folders, builder, points)


def _feature(where: str, fallback_id: str, geom: BaseGeometry | None, record: dict, folders: list[str],
             builder: OverlayBuilder, points: PointBuilder) -> None:
    """A row's points to the point builder, its lines and areas to the overlay builder."""
    if geom is None:
        builder.problem(where, "geometry", "no geometry: left out")
        return
    parts = shapely.get_parts(geom)
    spots = [p for p in parts if p.geom_type == "Point"]
    if spots:
        fields, extra = split_record(record)
        for i, p in enumerate(spots, 1):
            sub = (f"{where}.{i}", f"{fallback_id}.{i}") if len(spots) > 1 else (where, fallback_id)
            points.add(RawRecord(sub[0], sub[1], dict(fields), dict(extra), lon=p.x, lat=p.y, folders=list(folders)))
    if len(spots) < len(parts) or geom.is_empty:
        builder.add(where, fallback_id, geom, record, folders)


def _record(raw: dict) -> dict[str, str]:
    """A row's values as text; missing values (None, NaN, NaT) as ""."""
    out = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "NaT":
            out[str(key)] = ""
        else:
            out[str(key)] = str(value)
    return out


def _to_wgs84(frame: Any, path: str | Path, layer: str) -> Any:
    """The layer in EPSG:4326: reprojected from its own CRS; without one, taken as WGS84 only
    when its numbers fit, else an InputError."""
    if frame.crs is None:
        bounds = tuple(float(v) for v in frame.total_bounds)
        if len(frame) and not (all(math.isfinite(v) for v in bounds) and -180 <= bounds[0] <= bounds[2] <= 180
                               and -90 <= bounds[1] <= bounds[3] <= 90):
            raise InputError(NO_CRS.format(bounds=_bounds_text(bounds)), file=str(path), where=f"layer {layer!r}")
        return frame.set_crs(4326)
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)


def _reprojected(geom: BaseGeometry, epsg: int, path: str | Path) -> BaseGeometry:
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        to_wgs84 = Transformer.from_crs(epsg, 4326, always_xy=True)
    except CRSError as exc:
        raise InputError(f"unknown SRID {epsg}: {exc}", file=str(path)) from exc
    return shapely.transform(geom, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))


def _bounds_text(bounds: tuple[float, ...]) -> str:
    return f"{bounds[0]:g},{bounds[1]:g} to {bounds[2]:g},{bounds[3]:g}"
