"""Lines and areas of KML / KMZ (Google My Maps): LineString, Polygon with holes, LinearRing,
gx:Track, MultiGeometry. The file is parsed, walked and its ExtendedData read by the point
reader's own helpers (defusedxml, KMZ size limit), so both readers name a placemark alike."""
from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from shapely.geometry import GeometryCollection
from shapely.geometry.base import BaseGeometry

from papermap.sources.overlays.common import OverlayBuilder, line_of, polygon_of
from papermap.sources.points.kml import (child_of, extended_data, kml_root, own_description, placemark_where,
                                         placemarks, tag_of, text_of)

_CONTAINERS = ("MultiGeometry", "MultiTrack")


def read_kml_overlays(path: str | Path, data: bytes, builder: OverlayBuilder) -> None:
    """Every placemark's lines and areas, its folder names (innermost first) as kind and time hints."""
    for pm, n, folders in placemarks(kml_root(path, data), str(path)):
        _placemark(pm, n, folders, builder)


def _placemark(pm: Element, n: int, folders: list[str], builder: OverlayBuilder) -> None:
    where = placemark_where(pm, n)
    parts: list[BaseGeometry] = []
    has_point = seen = False
    for el in pm:
        if tag_of(el) in ("Point", "LineString", "LinearRing", "Polygon", "Track", *_CONTAINERS):
            has_point |= _geometry(el, where, builder, parts)
            seen |= tag_of(el) != "Point"
    if seen and not has_point:
        builder.taken.add(where)   # a line or area: drawn here, or its problem told here
    if not parts:
        return
    record = extended_data(pm)
    description = own_description(pm, record)
    record["name"] = text_of(child_of(pm, "name"))
    if description:
        record["description"] = description
    geom = parts[0] if len(parts) == 1 else GeometryCollection(parts)
    builder.add(where, str(n), geom, record, folders)


def _geometry(el: Element, where: str, builder: OverlayBuilder, parts: list[BaseGeometry]) -> bool:
    """Append the lines and areas of one geometry element to ``parts``; True if it holds a point."""
    kind = tag_of(el)
    if kind == "Point":
        return True
    if kind in _CONTAINERS:
        return any([_geometry(c, where, builder, parts) for c in el if tag_of(c) != "altitudeMode"])
    if kind in ("LineString", "LinearRing", "Track"):
        coords = _track(el) if kind == "Track" else _coordinates(child_of(el, "coordinates"), where, builder)
        if coords is not None:
            made = line_of(coords)
            if isinstance(made, str):
                builder.problem(where, "geometry", f"{kind}: {made}: left out")
            else:
                parts.append(made)
    elif kind == "Polygon":
        found: dict[str, list] = {"outerBoundaryIs": [], "innerBoundaryIs": []}
        for boundary in el:
            for ring in boundary if tag_of(boundary) in found else ():
                if tag_of(ring) == "LinearRing":
                    found[tag_of(boundary)].append(_coordinates(child_of(ring, "coordinates"), where, builder) or [])
        outer, inner = found["outerBoundaryIs"] or [[]], found["innerBoundaryIs"]
        polygon, notes = polygon_of(outer[:1] + outer[1:] + inner)
        for note in notes:
            builder.problem(where, "geometry", f"Polygon: {note}" + (": left out" if polygon is None else
                                                                     ": that hole is left out"),
                            fatal=polygon is None)
        if polygon is not None:
            parts.append(polygon)
    return False


def _coordinates(el: Element | None, where: str, builder: OverlayBuilder) -> list[tuple[float, float]] | None:
    """KML's "lon,lat[,alt] lon,lat…"; None (and a problem) when a number is not one."""
    out = []
    for n, tup in enumerate(text_of(el).split(), 1):
        parts = tup.split(",")
        try:
            out.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError):
            builder.problem(where, "coordinates", f"coordinate {n} {tup[:40]!r} is not longitude,latitude: "
                                                  "that line or area is left out")
            return None
    return out


def _track(el: Element) -> list[tuple[float, float]]:
    """gx:Track's "lon lat alt" gx:coord elements."""
    out = []
    for c in el:
        if tag_of(c) == "coord":
            parts = text_of(c).split()
            try:
                out.append((float(parts[0]), float(parts[1])))
            except (ValueError, IndexError):
                continue   # a track point without position (gx:Track allows them): the rest still draws
    return out
