"""Lines and areas of KML / KMZ (Google My Maps): LineString, Polygon with holes, LinearRing,
gx:Track, MultiGeometry. The file is parsed as the point reader parses it (defusedxml, KMZ size
limit) and its elements read by the point reader's own helpers; placemarks are numbered the same
way, so both readers name a placemark alike."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from shapely.geometry import GeometryCollection
from shapely.geometry.base import BaseGeometry

from papermap.errors import InputError
from papermap.sources.overlays.common import OverlayBuilder, line_of, polygon_of
from papermap.sources.points.kml import _child, _tag, _text, parse_kml   # the same reading of KML's elements

_CONTAINERS = ("MultiGeometry", "MultiTrack")


def read_kml_overlays(path: str | Path, data: bytes, builder: OverlayBuilder) -> None:
    """Every placemark's lines and areas, its folder names (innermost first) as kind and time hints."""
    root = parse_kml(path, data)
    if _tag(root) != "kml":
        raise InputError(f"not KML: the root element is <{_tag(root)}>", file=str(path))
    _walk(root, [], builder, itertools.count(1))


def _walk(el: Element, folders: list[str], builder: OverlayBuilder, counter: Iterator[int]) -> None:
    for child in el:
        kind = _tag(child)
        if kind == "Folder":
            _walk(child, [_text(_child(child, "name")), *folders], builder, counter)
        elif kind == "Document":
            _walk(child, folders, builder, counter)
        elif kind == "Placemark":
            _placemark(child, next(counter), folders, builder)


def _placemark(pm: Element, n: int, folders: list[str], builder: OverlayBuilder) -> None:
    name = _text(_child(pm, "name"))
    where = f"placemark {n}" + (f" {name[:40]!r}" if name else "")
    parts: list[BaseGeometry] = []
    has_point = seen = False
    for el in pm:
        if _tag(el) in ("Point", "LineString", "LinearRing", "Polygon", "Track", *_CONTAINERS):
            has_point |= _geometry(el, where, builder, parts)
            seen |= _tag(el) != "Point"
    if seen and not has_point:
        builder.taken.add(where)   # a line or area: drawn here, or its problem told here
    if not parts:
        return
    record: dict[str, str] = {}
    extended = _child(pm, "ExtendedData")
    if extended is not None:
        for data in extended.iter():
            if _tag(data) == "Data" and data.get("name"):
                record[data.get("name", "")] = _text(_child(data, "value"))
            elif _tag(data) == "SimpleData" and data.get("name"):
                record[data.get("name", "")] = _text(data)
    record["name"] = name
    description = _text(_child(pm, "description"))
    # My Maps repeats ExtendedData as "key: value<br>…" in the description: keep the fields, not the copy
    if description and not (len(record) > 1 and description.startswith(f"{next(iter(record))}:")):
        record["description"] = description
    geom = parts[0] if len(parts) == 1 else GeometryCollection(parts)
    builder.add(where, str(n), geom, record, folders)


def _geometry(el: Element, where: str, builder: OverlayBuilder, parts: list[BaseGeometry]) -> bool:
    """Append the lines and areas of one geometry element to ``parts``; True if it holds a point."""
    kind = _tag(el)
    if kind == "Point":
        return True
    if kind in _CONTAINERS:
        return any([_geometry(c, where, builder, parts) for c in el if _tag(c) != "altitudeMode"])
    if kind in ("LineString", "LinearRing", "Track"):
        coords = _track(el) if kind == "Track" else _coordinates(_child(el, "coordinates"), where, builder)
        if coords is not None:
            made = line_of(coords)
            if isinstance(made, str):
                builder.problem(where, "geometry", f"{kind}: {made}: left out")
            else:
                parts.append(made)
    elif kind == "Polygon":
        found: dict[str, list] = {"outerBoundaryIs": [], "innerBoundaryIs": []}
        for boundary in el:
            for ring in boundary if _tag(boundary) in found else ():
                if _tag(ring) == "LinearRing":
                    found[_tag(boundary)].append(_coordinates(_child(ring, "coordinates"), where, builder) or [])
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
    for n, tup in enumerate(_text(el).split(), 1):
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
        if _tag(c) == "coord":
            parts = _text(c).split()
            try:
                out.append((float(parts[0]), float(parts[1])))
            except (ValueError, IndexError):
                continue   # a track point without position (gx:Track allows them): the rest still draws
    return out
