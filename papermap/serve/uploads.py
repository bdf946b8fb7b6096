"""Point files uploaded from the page: stored under names the server chooses, checked with the
same readers and the same messages as ``papermap check``, and handed to a build as points files."""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from papermap.cli.check import format_problem
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.points import Point, ReadResult
from papermap.sources.points import detect_format
from papermap.sources.points.csv import read_csv
from papermap.sources.points.geojson import read_geojson
from papermap.sources.points.kml import read_kml
from papermap.sources.points.umap import read_umap

MAX_UPLOAD = 20 * 1024 * 1024   # bytes: the largest My Maps KMZ exports seen are a few MB
READERS = {"csv": read_csv, "geojson": read_geojson, "kml": read_kml, "umap": read_umap}
AUTO = "auto"                   # per-file category choice: what the file's own rows say


@dataclass
class Upload:
    id: str
    name: str                   # the uploader's file name, cleaned: shown in messages, never a path
    stored: Path                # server-chosen
    format: str
    lines: list[str] = field(default_factory=list)   # `papermap check` lines
    points: int = 0
    unusable: int = 0
    categories: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "format": self.format, "lines": self.lines,
                "points": self.points, "unusable": self.unusable, "categories": self.categories}


def display_name(name: str) -> str:
    """The last part of an uploaded file's name, without control or path characters, at most 80
    characters: only ever printed, so ``../../etc/passwd`` is just a strange name."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f:*?\"<>|]+", "_", name).strip(" .") or "points"
    return name[-80:]


def read_upload(name: str, data: bytes, categories: Categories) -> ReadResult:
    """The points and problems in one uploaded file, read as ``papermap check`` reads a file."""
    return READERS[detect_format(name, data)](name, categories, {}, data=data)


def check_upload(folder: Path, name: str, data: bytes, categories: Categories) -> Upload:
    """Store ``data`` under a random name in ``folder`` and check it; the result lists every
    problem as ``papermap check`` prints it."""
    shown = display_name(name)
    upload = Upload(secrets.token_hex(12), shown, folder / f"{secrets.token_hex(12)}.upload",
                    detect_format(shown, data))
    try:
        result = read_upload(shown, data, categories)
    except InputError as exc:
        upload.lines.append(f"{exc.file or shown}:{exc.where}:{exc.field}: {exc.message}")
        upload.unusable = 1
        return upload
    folder.mkdir(parents=True, exist_ok=True)
    upload.stored.write_bytes(data)
    upload.lines = [format_problem(p) for p in result.problems]
    upload.unusable = sum(p.fatal for p in result.problems)
    upload.points = len(result.points)
    for p in result.points:
        upload.categories[p.category] = upload.categories.get(p.category, 0) + 1
    return upload


def point_row(p: Point) -> dict[str, str]:
    """A point as a row of papermap's template CSV (the columns of ``papermap template``)."""
    return {"id": p.source_id or p.id, "category": p.category, "name": p.name, "name_en": p.name_en,
            "lat": repr(p.lat), "lon": repr(p.lon), "hours": p.hours,
            "status": p.status_text or {"open": "営業中", "closed": "閉鎖"}.get(p.status, ""),
            "notes": p.notes, "contact": p.contact,
            "verified": p.verified.strftime("%Y-%m-%d %H:%M") if p.verified else ""}


def build_file(upload: Upload, category: str, folder: Path, index: int, categories: Categories) -> Path:
    """The upload as a points file in a job's ``folder``: the file itself, or with ``category``
    other than AUTO, its points re-written as a CSV with that category on every row."""
    from papermap.serve.store import write_csv

    safe = re.sub(r"[^\w.-]+", "_", upload.name).lstrip(".") or "points"
    data = upload.stored.read_bytes()
    if category == AUTO:
        path = folder / safe if not (folder / safe).exists() else folder / f"{index}-{safe}"
        path.write_bytes(data)
        return path
    if category not in categories.by_id:
        raise InputError(f"unknown category {category!r}", file=upload.name, field="category")
    points = read_upload(upload.name, data, categories).points
    path = folder / f"{Path(safe).stem}.csv"
    if path.exists():
        path = folder / f"{index}-{Path(safe).stem}.csv"
    path.write_text(write_csv(point_row(p) | {"category": category} for p in points), encoding="utf-8")
    return path
