"""The one normalised relief-point record every source is turned into, and the problems found on the way."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

STATUSES = ("open", "closed", "limited", "unknown")   # model/status.py reads them from text
POSITIONS = ("exact", "geocoded", "unplaced")   # where Point.lon/lat came from
PRECISIONS = ("exact", "building", "block", "district")   # how close a placed point is to the place it names


@dataclass
class Point:
    """A relief point (water, bath, toilet, shelter…). Plain text only; coordinates in WGS84 degrees."""

    id: str
    category: str
    lon: float
    lat: float
    name: str = ""
    name_en: str = ""
    hours: str = ""
    status: str = "unknown"     # one of STATUSES
    status_text: str = ""       # the source's own words, kept ("closed since 7/13")
    notes: str = ""
    contact: str = ""           # phone numbers (or other contact) as the source gives them
    address: str = ""
    capacity: str = ""          # as the source says it ("300人", "120")
    source: str = ""            # file path or URL it came from
    source_id: str = ""         # the source's own id (row, placemark, OSM id)
    where: str = ""             # where in the source: "12" (CSV line), "feature 3", "placemark 17 'name'"
    verified: datetime | None = None  # last verified, where the source says
    extra: dict[str, str] = field(default_factory=dict)
    # a point with an address and no coordinates is placed from the OSM extract (model/geocode.py):
    position: str = "exact"     # one of POSITIONS; "unplaced" points have NaN lon/lat and are in ReadResult.unplaced
    placed_by: str = "coordinates"   # how: "coordinates", "name match: <OSM name>", "addr tags", "丁目 …"
    precision: str = "exact"    # one of PRECISIONS

    @property
    def approximate(self) -> bool:
        """Placed from its address, not its own coordinates: printed with "approx." and a ring, since even a
        name match may be a namesake."""
        return self.position == "geocoded"

    def display_name(self, lang: str = "ja") -> str:
        if lang == "en" and self.name_en:
            return self.name_en
        return self.name or self.name_en


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row/feature, printed as FILE:WHERE:FIELD: message."""

    file: str
    where: str      # "12" (CSV line), "feature 3", "placemark 17 'name'"
    field: str
    message: str
    fatal: bool = True  # True: the row is unusable and was left out

    def __str__(self) -> str:
        return f"{self.file}:{self.where}:{self.field}: {self.message}"


@dataclass
class ReadResult:
    """What was read: the usable points, every problem (fatal or warning) and, for a whole build,
    the sources read (for the sheets' source line). One reader's result and all of a build's
    relief points are the same kind of thing, so they are one type."""

    points: list[Point] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    unplaced: list[Point] = field(default_factory=list)   # an address and no coordinates: never dropped

    def extend(self, other: "ReadResult") -> None:
        self.points.extend(other.points)
        self.unplaced.extend(other.unplaced)
        self.problems.extend(other.problems)
        self.sources.extend(s for s in other.sources if s not in self.sources)
