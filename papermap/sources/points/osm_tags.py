"""Relief points already mapped in OpenStreetMap (taps, public baths, toilets…), by the categories' OSM rules."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from papermap.model.categories import Categories
from papermap.model.points import Point, ReadResult

SOURCE = "OpenStreetMap"
_NOT_PUBLIC = {"private", "no"}


def osm_poi_keys(categories: Categories) -> set[str]:
    """Tag keys whose presence makes an OSM object a candidate relief point (the reader keeps all its tags)."""
    return {key for c in categories for rule in c.osm for key, op, _ in rule if op == "="}


def points_from_osm(pois: Iterable[tuple[str, float, float, Mapping[str, str]]], categories: Categories) -> ReadResult:
    """Points for the POIs some category's rules match; others (a bench, a car charger) are not relief points.

    Private taps and toilets (access=private/no) are left out: a map that sends people to a locked door
    after a disaster costs them a walk they cannot afford.
    """
    result = ReadResult()
    for osm_id, lon, lat, tags in pois:
        category = categories.for_tags(tags)
        if category is None or tags.get("access") in _NOT_PUBLIC:
            continue
        notes = []
        if tags.get("drinking_water") == "no":
            notes.append("飲用不可 / not drinking water")
        if tags.get("description"):
            notes.append(tags["description"])
        website = tags.get("website") or tags.get("contact:website")
        if website:   # kept, but in the notes: the table's phone column is for numbers to call
            notes.append(website)
        result.points.append(Point(
            id=osm_id,
            category=category,
            lon=float(lon),
            lat=float(lat),
            name=tags.get("name") or tags.get("name:ja") or "",
            name_en=tags.get("name:en", ""),
            hours=tags.get("opening_hours", ""),
            notes="\n".join(notes),
            contact=tags.get("phone") or tags.get("contact:phone") or "",
            source=SOURCE,
            source_id=osm_id,
        ))
    return result
