"""Every reader hands raw rows here; this turns them into checked, categorised Points and Problems."""
from __future__ import annotations

import math
import reprlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from papermap import settings
from papermap.errors import InputError
from papermap.model.categories import OTHER, Categories
from papermap.model.points import Point, Problem, ReadResult
from papermap.model.status import leading_status, stated_status
from papermap.sources.points.text import (find_phone, has_time, html_to_text, normalise_hours, parse_datetime,
                                          parse_status, split_hours, split_name, tidy, unescape)

# Japan with its remote islands; a point outside this in a Japanese file is checked for swapped axes
_JAPAN_LAT = (20.0, 46.0)
_JAPAN_LON = (122.0, 154.0)


@dataclass
class RawRecord:
    """One row / feature / placemark as found, before any checking."""

    where: str                       # "12" (CSV line), "feature 3", "placemark 17"
    fallback_id: str                 # position in the file ("3", "3.2"): the id when the source has none
    fields: dict[str, str]           # Point field name -> raw text (see fields.ALIASES)
    extra: dict[str, str] = field(default_factory=dict)
    lon: float | str | None = None   # from the geometry, if the format has one
    lat: float | str | None = None
    folders: list[str] = field(default_factory=list)  # innermost first

    def is_empty(self) -> bool:
        return self.lon is None and self.lat is None and not any(self.fields.values())


class PointBuilder:
    """Collects one file's points and problems, with the per-file checks (duplicate ids, unmatched)."""

    def __init__(self, file: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
                 category: str | None = None):
        self.file = str(file)
        self.categories = categories
        self.category_map = category_map or {}
        self.category = category    # the whole source's kind ("this file is shelters"), when given
        self.result = ReadResult()
        self._ids: dict[str, str] = {}
        self._stem = Path(self.file).stem
        self._unmatched: list[str] = []
        self._empty: list[str] = []
        self._address_only: list[str] = []
        self._resolved: dict[str, str | None] = {}  # a file repeats its few category words on every row
        self._records = 0

    def problem(self, where: str, field_name: str, message: str, fatal: bool = True) -> None:
        self.result.problems.append(Problem(self.file, where, field_name, message, fatal))

    def add(self, rec: RawRecord) -> None:
        """Check and convert one record; a fatal problem leaves it out (and says so).

        Raises InputError past settings.MAX_FEATURES records: no relief map has a million points,
        and a file that claims to costs minutes and gigabytes before it is of any use.
        """
        self._records += 1
        if self._records > settings.MAX_FEATURES:
            raise InputError(f"more than {settings.MAX_FEATURES:,} rows/features: split the file", file=self.file,
                             where=rec.where)
        if rec.is_empty():
            self._empty.append(rec.where)
            return
        f = rec.fields
        address = tidy(f.get("address", ""))
        address_only = (bool(address) and _blank(rec.lat if rec.lat is not None else f.get("lat"))
                        and _blank(rec.lon if rec.lon is not None else f.get("lon")))
        if address_only:
            lon = lat = math.nan   # placed later from the OSM extract (model/geocode.py), or listed as address only
            self._address_only.append(rec.where)
        else:
            coords = self._coordinates(rec)
            if coords is None:
                return
            lon, lat = coords
        raw_name = tidy(unescape(f.get("name", "")))
        _, name = self.categories.split_prefix(raw_name)
        name, name_hours, name_status, name_notes = split_name(name)
        description, notes, contact = _notes_and_contact(name_notes, f.get("notes", ""), f.get("description", ""),
                                                         f.get("contact", ""))
        hours, status_text, status = _hours_and_status(f.get("hours", ""), f.get("status", ""), name_hours, name_status)
        if not status_text:   # no status column or bracket: a description line or a folder may say it
            hours, status_text, status = _status_elsewhere(hours, description or notes, tuple(rec.folders))
        category = self._category(rec, raw_name, name, description or notes)
        source_id = f.get("id", "").strip() or rec.fallback_id
        verified = self._verified(rec)
        (self.result.unplaced if address_only else self.result.points).append(Point(
            id=self._unique_id(rec, source_id),
            category=category,
            lon=lon,
            lat=lat,
            name=name,
            name_en=tidy(f.get("name_en", "")),
            hours=hours,
            status=status,
            status_text=status_text,
            notes=notes,
            contact=contact,
            source=self.file,
            source_id=source_id,
            where=rec.where,
            verified=verified,
            extra=dict(rec.extra),
            address=address,
            capacity=tidy(f.get("capacity", "")),
            **({"position": "unplaced", "placed_by": "", "precision": ""} if address_only else {}),
        ))

    def finish(self) -> ReadResult:
        """Add the per-file warnings and hand back the result."""
        if self._unmatched:
            self.problem(self._unmatched[0], "category",
                         f"{len(self._unmatched)} point(s) match no category (first one here): shown as {OTHER!r}",
                         fatal=False)
        if self._address_only:
            self.problem(self._address_only[0], "lat",
                         f"{len(self._address_only)} point(s) have an address but no coordinates (first one here): "
                         "build places them from the OSM extract, or lists them on the address-only sheet",
                         fatal=False)
        if self._empty:
            self.problem(self._empty[0], "row", f"{len(self._empty)} empty row(s) with no name or coordinates skipped",
                         fatal=False)
        return self.result

    def _coordinates(self, rec: RawRecord) -> tuple[float, float] | None:
        lat = _number(rec.lat if rec.lat is not None else rec.fields.get("lat"))
        lon = _number(rec.lon if rec.lon is not None else rec.fields.get("lon"))
        if not (isinstance(lat, float) and isinstance(lon, float)):
            for name, value, label in (("lat", lat, "latitude"), ("lon", lon, "longitude")):
                if value is None:
                    self.problem(rec.where, name, f"missing {label}")
                elif isinstance(value, str):
                    self.problem(rec.where, name, f"{label} {value!r} is not a number")
            return None
        if _JAPAN_LON[0] <= lat <= _JAPAN_LON[1] and _JAPAN_LAT[0] <= lon <= _JAPAN_LAT[1]:
            self.problem(rec.where, "lat", f"latitude {lat:g}, longitude {lon:g}: probably swapped "
                                           f"(Japan is at latitude 20–46, longitude 122–154)")
            return None
        if not -90 <= lat <= 90:
            self.problem(rec.where, "lat", f"latitude {lat:g} is out of range (-90 to 90)")
            return None
        if not -180 <= lon <= 180:
            self.problem(rec.where, "lon", f"longitude {lon:g} is out of range (-180 to 180)")
            return None
        if lat == 0 and lon == 0:
            self.problem(rec.where, "lat", "coordinates are 0, 0: probably missing")
            return None
        return lon, lat

    def _category(self, rec: RawRecord, name: str, clean_name: str, text: str) -> str:
        """The row's own category column decides; else the source's category; else folders, name,
        description (Categories.classify)."""
        explicit = rec.fields.get("category", "").strip()
        if explicit and self.category:   # a column beside a source category: used when it names a kind
            return self._resolve(explicit) or self.category
        if self.category:
            return self.category
        if explicit:
            cid = self._resolve(explicit)
            if cid is None:
                self.problem(rec.where, "category", f"unknown category {explicit!r}: shown as {OTHER!r} "
                             f"(known: {', '.join(self.categories.ids)})", fatal=False)
                return OTHER
            return cid
        cid = self.categories.classify(rec.folders, name, text, category_map=self.category_map,
                                       clean_name=clean_name)
        if cid == OTHER:
            self._unmatched.append(rec.where)
        return cid

    def _resolve(self, explicit: str) -> str | None:
        """A category column's value as our id (remembered: a file repeats its few words)."""
        if explicit not in self._resolved:
            self._resolved[explicit] = self.categories.resolve(explicit, self.category_map)
        return self._resolved[explicit]

    def _unique_id(self, rec: RawRecord, source_id: str) -> str:
        """Stable id "file-stem:source id"; a repeated source id is reported and made unique."""
        pid = f"{self._stem}:{source_id}"
        if pid in self._ids:
            self.problem(rec.where, "id", f"duplicate id {source_id!r} (also at {self._ids[pid]}): both kept",
                         fatal=False)
            pid = f"{pid}@{rec.fallback_id}"
        else:
            self._ids[pid] = rec.where
        return pid

    def _verified(self, rec: RawRecord) -> datetime | None:
        raw = rec.fields.get("verified", "").strip()
        when = parse_datetime(raw)
        if raw and when is None:
            rec.extra.setdefault("verified", raw)
            if not re.fullmatch(r"\d{1,2}\s*/\s*\d{1,2}", unicodedata.normalize("NFKC", raw)):
                self.problem(rec.where, "verified", f"date {raw!r} not understood (use 2024-01-31 or 2024-01-31 "
                             f"14:00): kept as text", fatal=False)
        return when


@lru_cache(maxsize=4096)
def _notes_and_contact(name_notes: str, notes_html: str, description_html: str, contact: str) -> tuple[str, str, str]:
    """(description, notes, contact) as plain text; the phone number in the notes if there is no contact.
    Most rows repeat a few of these (or leave them blank), so they are remembered."""
    description = html_to_text(description_html)
    notes = "\n".join(filter(None, (name_notes, html_to_text(notes_html), description)))
    return description, notes, tidy(contact) or find_phone(notes)


@lru_cache(maxsize=4096)
def _hours_and_status(hours_field: str, status_field: str, name_hours: str, name_status: str) -> tuple[str, str, str]:
    """(hours, status text, status) from the hours and status fields and the name's bracket; most rows
    repeat a few of these, so they are remembered."""
    hours = normalise_hours(hours_field)
    status_field = tidy(status_field)
    if status_field and has_time(status_field):
        if parse_status(status_field) == "unknown":
            if not hours:
                hours, status_field = normalise_hours(status_field), ""  # "営業: 15:00~21:00" is hours
        else:
            words, field_hours = split_hours(status_field)   # "開設中 9:00-16:00": open, and its hours
            if field_hours:
                status_field, hours = words, hours or field_hours
    status_text = ", ".join(filter(None, (status_field, name_status)))
    return hours or name_hours, status_text, parse_status(status_text)


def _blank(value: object) -> bool:
    """A coordinate cell left empty (absent, None or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())
@lru_cache(maxsize=4096)
def _status_elsewhere(hours: str, text: str, folders: tuple[str, ...]) -> tuple[str, str, str]:
    """(hours, status text, status) from the first description line that opens with a status word
    ("開設中 9:00-16:00", with its hours when the row has none), else from the innermost folder
    whose name states one ("開設中の避難所", "閉鎖"); (hours, "", "unknown") when nothing does."""
    for line in text.split("\n"):
        if leading_status(line):
            words, line_hours = split_hours(line.strip())
            return hours or line_hours, words, parse_status(words)
    for folder in folders:
        if stated_status(folder):
            return hours, folder, parse_status(folder)
    return hours, "", "unknown"


def _number(value: object) -> float | str | None:
    """A coordinate as float; the original text (shortened) if it is not a finite number; None if blank.

    Infinite, NaN and overflowing values ("1e400", a JSON integer of 400 digits) are text, so the
    row is reported, never read as 0 or infinity.
    """
    if isinstance(value, str):
        try:
            number = float(value)  # a plain number, as most are: nothing to normalise first
        except ValueError:
            return _number_text(value)
        return number if math.isfinite(number) else _shown(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return _shown(str(value))
        return number if math.isfinite(number) else _shown(str(value))
    return _shown(reprlib.repr(value))  # a list, object or boolean where a number belongs


def _shown(text: str) -> str:
    """A value as quoted in a one-line problem: stripped and cut to 40 characters."""
    text = text.strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _number_text(text: str) -> float | str | None:
    """``_number`` for any text: full-width digits, ideographic spaces and a trailing ° allowed."""
    clean = unicodedata.normalize("NFKC", text).strip().rstrip("°")
    if not clean:
        return None
    try:
        number = float(clean)
    except ValueError:
        return _shown(text)
    return number if math.isfinite(number) else _shown(text)
