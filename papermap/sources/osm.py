"""Read an OSM extract once (.osm.pbf, .osm, .osm.bz2, Overpass JSON) into raw layer geometries.

Geometry is assembled by libosmium (pyosmium): ways into lines, closed ways and multipolygon
relations into areas. Only the tags a street map needs are kept, and the filter runs while
reading. Geometries come out as WKB in WGS84; projection happens in the model.
"""
from __future__ import annotations

import json
import math
import re
import reprlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import osmium
import shapely
from shapely.errors import ShapelyError

from papermap import settings
from papermap.errors import InputError

# OSM keys whose objects may become a basemap feature
BASEMAP_KEYS = ("highway", "railway", "building", "natural", "waterway", "landuse", "leisure", "place")

ROAD_CLASSES = {
    "motorway": "motorway", "motorway_link": "motorway", "trunk": "motorway", "trunk_link": "motorway",
    "primary": "primary", "primary_link": "primary",
    "secondary": "secondary", "secondary_link": "secondary",
    "tertiary": "tertiary", "tertiary_link": "tertiary",
    "residential": "minor", "unclassified": "minor", "living_street": "minor", "road": "minor",
    "service": "service", "track": "service", "busway": "service",
    "pedestrian": "pedestrian",
    "footway": "path", "path": "path", "steps": "path", "cycleway": "path", "bridleway": "path",
    "corridor": "path",
}
RAIL_TYPES = {"rail", "light_rail", "narrow_gauge", "tram", "monorail", "funicular", "subway"}
WATER_AREAS = {("natural", "water"), ("natural", "bay"), ("landuse", "reservoir"), ("landuse", "basin"),
               ("leisure", "swimming_pool"), ("waterway", "riverbank"), ("waterway", "dock")}
WATERWAY_LINES = {"river", "stream", "canal", "drain", "ditch"}
GREEN_AREAS = {("landuse", v) for v in ("grass", "forest", "meadow", "village_green", "recreation_ground",
                                         "cemetery", "allotments", "orchard", "vineyard", "farmland")} \
    | {("leisure", v) for v in ("park", "garden", "nature_reserve", "pitch", "playground")} \
    | {("natural", v) for v in ("wood", "scrub", "grassland", "heath")}
PLACE_TYPES = {"city": 0, "town": 1, "suburb": 2, "village": 2, "quarter": 3, "neighbourhood": 4, "hamlet": 4}
NAME_KEYS = {"ja": ("name:ja", "name", "name:en"), "en": ("name:en", "name", "name:ja")}


@dataclass
class OsmLayers:
    """Raw basemap features in WGS84: WKB per feature plus the attributes drawing needs."""

    source: Path
    data_date: datetime | None = None
    extent: tuple[float, float, float, float] | None = None  # W, S, E, N degrees
    roads: list[tuple[bytes, str, str, bool]] = field(default_factory=list)  # wkb, class, name, tunnel
    railways: list[bytes] = field(default_factory=list)
    coastline: list[bytes] = field(default_factory=list)
    waterways: list[tuple[bytes, str]] = field(default_factory=list)       # wkb, name
    buildings: list[bytes] = field(default_factory=list)
    water: list[bytes] = field(default_factory=list)
    green: list[bytes] = field(default_factory=list)
    places: list[tuple[bytes, str, int]] = field(default_factory=list)     # wkb, name, rank
    pois: list[tuple[str, float, float, dict[str, str]]] = field(default_factory=list)


def _name(tags, lang: str) -> str:
    for key in NAME_KEYS.get(lang, NAME_KEYS["ja"]):
        value = tags.get(key)
        if value:
            return value
    return ""


def overpass_json_to_xml(path: Path) -> tuple[bytes, datetime | None]:
    """Overpass JSON (nodes with lat/lon, ways with node ids, relations) as OSM XML bytes that
    libosmium reads like any extract, and the data date from its ``osm3s`` block.

    Every element is checked before it is written, so a hand-edited or damaged file is one
    InputError naming the element and field. Each kind is sorted by id: ``out qt`` (what
    ``papermap fetch`` asks for) lists elements in quadtile order, and libosmium refuses
    unordered input.
    """
    from xml.sax.saxutils import quoteattr

    size = path.stat().st_size
    if size > settings.MAX_OSM_JSON_BYTES:
        raise InputError(f"{size >> 20} MB is more than the {settings.MAX_OSM_JSON_BYTES >> 20} MB an Overpass JSON "
                         "file may have: fetch a smaller area, or use a .osm.pbf extract", file=str(path))
    try:
        doc = json.loads(path.read_bytes())
    except RecursionError:
        raise InputError("not valid Overpass JSON (nested too deeply)", file=str(path)) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer of 4,300+ digits
        raise InputError(f"not valid Overpass JSON ({exc})", file=str(path)) from None
    elements = doc.get("elements") if isinstance(doc, dict) else None
    if not isinstance(elements, list):
        raise InputError("not Overpass JSON: expected an object with an 'elements' list", file=str(path),
                         field="elements")
    kinds: dict[str, list[tuple[int, str]]] = {"node": [], "way": [], "relation": []}
    for n, el in enumerate(elements, 1):
        where = f"element {n}"
        if not isinstance(el, dict):
            raise InputError("not an OSM element (a JSON object)", file=str(path), where=where)
        kind = el.get("type")
        if not isinstance(kind, str) or kind not in kinds:
            continue
        oid = _osm_id(el.get("id"), path, where, "id")
        where = f"{kind} {oid}"
        stamp = el.get("timestamp")
        ts = f" timestamp={quoteattr(stamp)}" if isinstance(stamp, str) and stamp else ""
        if kind == "node":
            lat = _coordinate(el.get("lat"), 90, path, where, "lat")
            lon = _coordinate(el.get("lon"), 180, path, where, "lon")
            head = f'<node id="{oid}" lat="{lat!r}" lon="{lon!r}" version="1"{ts}'
        else:
            head = f'<{kind} id="{oid}" version="1"{ts}'
        body = []
        if kind == "way":
            body += [f'<nd ref="{_osm_id(ref, path, where, "nodes")}"/>' for ref in _list(el, "nodes", path, where)]
        elif kind == "relation":
            for m in _list(el, "members", path, where):
                if not isinstance(m, dict) or m.get("type") not in ("node", "way", "relation") \
                        or not isinstance(m.get("role", ""), str):
                    raise InputError("a member needs a type (node, way or relation), a ref and a text role",
                                     file=str(path), where=where, field="members")
                ref = _osm_id(m.get("ref"), path, where, "members")
                body.append(f'<member type="{m["type"]}" ref="{ref}" role={quoteattr(m.get("role", ""))}/>')
        tags = el.get("tags") or {}
        if not isinstance(tags, dict) or not all(isinstance(v, (str, int, float)) for v in tags.values()):
            raise InputError("tags must be an object of text values", file=str(path), where=where, field="tags")
        body += [f"<tag k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in tags.items()]
        kinds[kind].append((oid, f"{head}>{''.join(body)}</{kind}>" if body else f"{head}/>"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="papermap">']
    for kind in ("node", "way", "relation"):  # OSM files are ordered nodes, ways, relations, each by id
        out.extend(xml for _, xml in sorted(kinds[kind], key=lambda item: item[0]))
    out.append("</osm>")
    osm3s = doc.get("osm3s")
    stamp = osm3s.get("timestamp_osm_base") if isinstance(osm3s, dict) else None
    return "\n".join(out).encode(), _parse_time(stamp if isinstance(stamp, str) else None)


def _osm_id(value: object, path: Path, where: str, name: str) -> int:
    """An OSM id as libosmium stores it (a signed 64-bit integer)."""
    if isinstance(value, bool) or not isinstance(value, int) or not -2**63 < value < 2**63:
        raise InputError(f"{reprlib.repr(value)} is not an OSM id (a whole number)", file=str(path), where=where,
                         field=name)
    return value


def _coordinate(value: object, bound: float, path: Path, where: str, name: str) -> float:
    """A node's lat or lon: a finite number within ±``bound`` degrees (never 1e400 read as 0)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if -bound <= number <= bound:
            return number
    raise InputError(f"{reprlib.repr(value)} is not a {name} in degrees (-{bound:g} to {bound:g})", file=str(path),
                     where=where, field=name)


def _list(el: dict, key: str, path: Path, where: str) -> list:
    value = el.get(key) or []
    if not isinstance(value, list):
        raise InputError(f"{key} must be a list", file=str(path), where=where, field=key)
    return value


# libosmium reads a coordinate written with an exponent ("1e400") as 0 instead of refusing it, which
# would stretch the atlas to the equator; OSM XML never uses exponents, so such a file is refused
_EXPONENT_COORDINATE = re.compile(rb"""\b(lat|lon)\s*=\s*["']([^"'<>]{0,40}?[eE][^"'<>\s]{0,20})""")


def check_xml_coordinates(path: Path) -> None:
    """Refuse an uncompressed .osm whose lat/lon use an exponent, naming the line (read in slices)."""
    line, tail = 1, b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            data = tail + chunk
            m = _EXPONENT_COORDINATE.search(data)
            if m:
                raise InputError(f"{m[2].decode('utf-8', 'replace')!r} has an exponent, which OSM XML never uses "
                                 "(libosmium would read it as 0)", file=str(path),
                                 where=str(line + data.count(b"\n", 0, m.start())), field=m[1].decode())
            keep = data[-64:]  # a match may straddle two slices
            line += data.count(b"\n") - keep.count(b"\n")
            tail = keep


def _header_info(path: Path) -> tuple[datetime | None, tuple | None]:
    """Data date and bbox from the file header (PBF/XML)."""
    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        header = reader.header()
        stamp = header.get("osmosis_replication_timestamp") or header.get("timestamp")
        box = header.box()
        extent = None
        if box.valid():
            extent = (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
        return _parse_time(stamp), extent
    finally:
        reader.close()


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_osm(path: str | Path, lang: str = "ja", poi_keys: set[str] | frozenset = frozenset()) -> OsmLayers:
    """Read the extract once, keeping only basemap tags and the relief-POI keys in ``poi_keys``."""
    path = Path(path)
    if not path.is_file():
        raise InputError("OSM file not found", file=str(path))
    try:
        if path.suffix.lower() == ".json":
            xml, date = overpass_json_to_xml(path)
            source, extent = osmium.io.FileBuffer(xml, "osm"), None
        else:
            if path.suffix.lower() == ".osm":
                check_xml_coordinates(path)
            (date, extent), source = _header_info(path), str(path)
        layers = OsmLayers(source=path, data_date=date, extent=extent)
        _collect(source, layers, lang, set(poi_keys))
    except InputError:
        raise
    except (RuntimeError, ValueError, OSError, osmium.InvalidLocationError, ShapelyError) as exc:
        raise InputError(f"cannot read OSM data ({exc})", file=str(path)) from None
    if layers.extent is None or not _has_features(layers):
        raise InputError("no map features found (is this an OSM extract?)", file=str(path))
    return layers


def _has_features(layers: OsmLayers) -> bool:
    return any((layers.roads, layers.buildings, layers.water, layers.coastline, layers.green, layers.railways))


def _collect(source, layers: OsmLayers, lang: str, poi_keys: set[str]) -> None:
    """One pass over the input (a path or an in-memory buffer), filtered to the keys we draw."""
    wkb = osmium.geom.WKBFactory()
    keys = set(BASEMAP_KEYS) | poi_keys
    newest = None
    processor = (osmium.FileProcessor(source)
                 .with_locations()
                 .with_areas(osmium.filter.KeyFilter(*keys))
                 .with_filter(osmium.filter.KeyFilter(*keys)))
    for obj in processor:
        tags = obj.tags
        ts = obj.timestamp if obj.is_node() or obj.is_way() or obj.is_relation() else None
        if ts is not None and ts.year > 1970 and (newest is None or ts > newest):
            newest = ts
        try:
            if obj.is_node():
                _node(obj, tags, wkb, layers, lang, poi_keys)
            elif obj.is_way():
                _way(obj, tags, wkb, layers, lang)
            elif obj.is_area():
                _area(obj, tags, wkb, layers, lang, poi_keys)
        except (osmium.InvalidLocationError, RuntimeError, ShapelyError):
            continue  # a way with missing nodes at the extract's edge, a broken outline: nothing to draw
    if layers.data_date is None and newest is not None:
        layers.data_date = newest if newest.tzinfo else newest.replace(tzinfo=timezone.utc)
    if layers.extent is None:
        lines = [r[0] for r in layers.roads] + layers.railways + layers.coastline + layers.buildings
        if lines:
            layers.extent = tuple(shapely.total_bounds(shapely.from_wkb(lines)).tolist())


def _node(obj, tags, wkb, layers: OsmLayers, lang: str, poi_keys: set[str]) -> None:
    place = tags.get("place")
    if place in PLACE_TYPES:
        name = _name(tags, lang)
        if name:
            layers.places.append((wkb.create_point(obj), name, PLACE_TYPES[place]))
    if any(k in tags for k in poi_keys):
        loc = obj.location
        layers.pois.append((f"node/{obj.id}", loc.lon, loc.lat, dict(tags)))


def _way(obj, tags, wkb, layers: OsmLayers, lang: str) -> None:
    highway = tags.get("highway")
    if highway in ROAD_CLASSES and tags.get("area") != "yes":
        tunnel = tags.get("tunnel", "no") not in ("no", "building_passage")
        layers.roads.append((wkb.create_linestring(obj), ROAD_CLASSES[highway], _name(tags, lang), tunnel))
        return
    railway = tags.get("railway")
    if railway in RAIL_TYPES and tags.get("tunnel") in (None, "no") and railway != "subway":
        layers.railways.append(wkb.create_linestring(obj))
    elif tags.get("natural") == "coastline":
        layers.coastline.append(wkb.create_linestring(obj))
    elif tags.get("waterway") in WATERWAY_LINES and tags.get("tunnel") in (None, "no"):
        layers.waterways.append((wkb.create_linestring(obj), _name(tags, lang)))


def _area(obj, tags, wkb, layers: OsmLayers, lang: str, poi_keys: set[str]) -> None:
    if tags.get("building", "no") != "no":
        layers.buildings.append(wkb.create_multipolygon(obj))
    elif any((k, tags.get(k)) in WATER_AREAS for k in ("natural", "landuse", "leisure", "waterway")):
        layers.water.append(wkb.create_multipolygon(obj))
    elif any((k, tags.get(k)) in GREEN_AREAS for k in ("landuse", "leisure", "natural")):
        layers.green.append(wkb.create_multipolygon(obj))
    if any(k in tags for k in poi_keys):
        # a relief POI mapped as a building or grounds: mark it at a point inside the outline
        inside = shapely.point_on_surface(shapely.from_wkb(wkb.create_multipolygon(obj)))
        kind = "way" if obj.from_way() else "relation"
        layers.pois.append((f"{kind}/{obj.orig_id()}", inside.x, inside.y, dict(tags)))
