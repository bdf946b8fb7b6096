"""Where the extract's names and addresses are, read only when some points have an address and no
coordinates (a plain build never reads this). One pass with pyosmium over the objects that have a
name or ``addr:*`` tags; an outline counts at a point inside it."""
from __future__ import annotations

from pathlib import Path

import osmium
import shapely
from shapely.errors import ShapelyError

from papermap.errors import InputError
from papermap.model.address import fold, normalise
from papermap.model.geocode import Gazetteer

# named objects that are a place to go (a school, a hall, a hospital, a shop), not a road or a river
PLACE_TO_GO = ("amenity", "building", "shop", "tourism", "leisure", "office", "healthcare", "emergency",
               "social_facility", "historic", "craft", "man_made", "club")
# place=* worth placing an address at, and how precisely (a city or region is no place at all)
PLACE_PRECISION = {"neighbourhood": "block", "city_block": "block", "square": "block", "quarter": "district",
                   "suburb": "district", "village": "district", "hamlet": "district", "isolated_dwelling": "block",
                   "locality": "district", "plot": "block"}
NAME_KEYS = ("name", "name:ja", "name:en", "official_name", "alt_name", "short_name")
ADDR_KEYS = ("addr:housenumber", "addr:street", "addr:block_number", "addr:neighbourhood", "addr:quarter",
             "addr:place")


def read_gazetteer(path: str | Path) -> Gazetteer:
    """The names, addresses and places of ``path`` (.osm.pbf / .osm / .osm.bz2 / Overpass JSON)."""
    path = Path(path)
    gaz = Gazetteer()
    numbered: dict[str, dict[str, list[tuple[float, float]]]] = {}
    keys = ("name", "place", *ADDR_KEYS)
    try:
        if path.suffix.lower() == ".json":
            from papermap.sources.osm import overpass_json_to_xml

            source = osmium.io.FileBuffer(overpass_json_to_xml(path)[0], "osm")
        else:
            source = str(path)
        processor = (osmium.FileProcessor(source).with_locations()
                     .with_areas(osmium.filter.KeyFilter(*keys)).with_filter(osmium.filter.KeyFilter(*keys)))
        wkb = osmium.geom.WKBFactory()
        for obj in processor:
            if obj.is_way():
                continue   # a closed way comes again as an area; an open one (a road) is no place to go
            try:
                if obj.is_node():
                    where = (obj.location.lon, obj.location.lat)
                else:
                    inside = shapely.point_on_surface(shapely.from_wkb(wkb.create_multipolygon(obj)))
                    where = (inside.x, inside.y)
            except (osmium.InvalidLocationError, RuntimeError, ShapelyError):
                continue
            _add(gaz, numbered, obj.tags, where)
    except (RuntimeError, ValueError, OSError) as exc:
        raise InputError(f"cannot read OSM data for placing addresses ({exc})", file=str(path)) from None
    for street, numbers in numbered.items():
        gaz.streets[street] = {n: _middle(spots) for n, spots in numbers.items()}
    return gaz


def _middle(spots: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(s[0] for s in spots) / len(spots), sum(s[1] for s in spots) / len(spots))


def _add(gaz: Gazetteer, numbered: dict, tags, where: tuple[float, float]) -> None:
    lon, lat = where
    name = tags.get("name", "")
    if name and any(k in tags for k in PLACE_TO_GO):
        for key in NAME_KEYS:
            value = tags.get(key)
            if value:
                gaz.named.setdefault(fold(value), []).append((name, lon, lat))
    precision = PLACE_PRECISION.get(tags.get("place", ""))
    if precision and name:
        for key in NAME_KEYS:
            if tags.get(key):
                gaz.places.setdefault(fold(tags[key]), (name, lon, lat, precision))
    street = tags.get("addr:street") or tags.get("addr:place") or \
        normalise(tags.get("addr:quarter", "") + tags.get("addr:neighbourhood", ""))
    if street:
        block, number = tags.get("addr:block_number", ""), tags.get("addr:housenumber", "")
        numbers = numbered.setdefault(fold(street), {})
        # 5番12号 is "5-12", and counts towards block 5's middle too; "" is the middle of the street
        for n in dict.fromkeys((fold("-".join(filter(None, (block, number)))), fold(block), "")):
            numbers.setdefault(n, []).append(where)
