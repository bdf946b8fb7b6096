"""Contributed relief points in SQLite, with the full history of every change.

Nothing is ever deleted: a point is added once, then only marked (open, closed, verified) or
corrected, and every change is a row of ``changes`` saying who, when and what. Each change is one
transaction (WAL, synchronous=FULL), so a server killed at any moment loses nothing it has
answered "saved" to. The builds read the points as a CSV file in papermap's own template format
(``papermap template --format csv``), through the same reader as any volunteer's file.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from papermap.cli.template import COLUMNS
from papermap.errors import InputError
from papermap.model.points import STATUSES

FIELDS = ("category", "name", "lat", "lon", "hours", "status", "notes")   # what a contributor sets
MAX_TEXT = 500           # characters in one field: a name, hours or notes, never a document
CSV_COLUMNS = tuple(col for col, *_ in COLUMNS)
STATUS_WORDS = {"open": "営業中", "closed": "閉鎖", "unknown": ""}   # words the CSV reader knows

SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    hours TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'unknown', notes TEXT NOT NULL DEFAULT '',
    verified TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    point INTEGER NOT NULL REFERENCES points(id),
    at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, what TEXT NOT NULL
);
"""


def write_csv(rows: Iterable[dict]) -> str:
    """Rows as CSV text with the columns of ``papermap template --format csv`` (others ignored)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def _text(value: object, field: str, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InputError("is required", field=field)
    if len(text) > MAX_TEXT:
        raise InputError(f"is longer than {MAX_TEXT} characters", field=field)
    return text


class PointStore:
    """The contributed points of one server, in ``path`` (created when missing)."""

    def __init__(self, path: Path, categories) -> None:
        self.path, self.categories = path, categories
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @contextmanager
    def _transaction(self):
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _checked(self, values: dict, partial: bool = False) -> dict:
        """Only known fields, each checked; InputError names the first bad one."""
        out = {}
        for key in FIELDS:
            if key not in values:
                if not partial and key in ("category", "lat", "lon"):
                    raise InputError("is required", field=key)
                continue
            value = values[key]
            if key in ("lat", "lon"):
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    raise InputError("must be a number", field=key) from None
                limit = 90 if key == "lat" else 180
                if not -limit <= number <= limit:
                    raise InputError(f"must be between -{limit} and {limit}", field=key)
                out[key] = number
            elif key == "category":
                if value not in self.categories.by_id:
                    raise InputError(f"unknown category {value!r}", field=key)
                out[key] = value
            elif key == "status":
                if value not in STATUSES:
                    raise InputError(f"must be one of {', '.join(STATUSES)}", field=key)
                out[key] = value
            else:
                out[key] = _text(value, key)
        if not partial:
            out.setdefault("name", "")
        return out

    def add(self, values: dict, who: str) -> dict:
        """A new point; returns it as stored."""
        point = self._checked(values)
        now = _now()
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO points (category, name, lat, lon, hours, status, notes, created, updated) "
                "VALUES (:category, :name, :lat, :lon, :hours, :status, :notes, :now, :now)",
                {"hours": "", "status": "unknown", "notes": ""} | point | {"now": now})
            db.execute("INSERT INTO changes (point, at, who, action, what) VALUES (?, ?, ?, 'added', ?)",
                       (cur.lastrowid, now, _text(who, "who") or "anonymous", json.dumps(point, ensure_ascii=False)))
            return dict(db.execute("SELECT * FROM points WHERE id = ?", (cur.lastrowid,)).fetchone())

    def mark(self, point_id: int, values: dict, who: str, verified: bool = False) -> dict:
        """Change some fields of a point (status, hours…) and/or mark it verified now."""
        change = self._checked(values, partial=True)
        now = _now()
        if verified:
            change["verified"] = now
        if not change:
            raise InputError("nothing to change", field="status")
        action = "verified" if list(change) == ["verified"] else "changed"
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM points WHERE id = ?", (point_id,)).fetchone() is None:
                raise InputError(f"no point {point_id}", field="id")
            sets = ", ".join(f"{key} = :{key}" for key in change)
            db.execute(f"UPDATE points SET {sets}, updated = :now WHERE id = :id",  # keys from FIELDS only
                       change | {"now": now, "id": point_id})
            db.execute("INSERT INTO changes (point, at, who, action, what) VALUES (?, ?, ?, ?, ?)",
                       (point_id, now, _text(who, "who") or "anonymous", action,
                        json.dumps(change, ensure_ascii=False)))
            return dict(db.execute("SELECT * FROM points WHERE id = ?", (point_id,)).fetchone())

    def points(self) -> list[dict]:
        with closing(self._connect()) as db:
            return [dict(r) for r in db.execute("SELECT * FROM points ORDER BY id")]

    def history(self, point_id: int) -> list[dict]:
        """Every change of one point, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT at, who, action, what FROM changes WHERE point = ? ORDER BY seq", (point_id,))
            return [{**dict(r), "what": json.loads(r["what"])} for r in rows]

    def to_csv(self) -> str:
        """Every point as papermap's template CSV: what ``build --points`` and ``check`` read."""
        return write_csv({**p, "id": f"contrib-{p['id']}", "status": STATUS_WORDS[p["status"]],
                          "lat": f"{p['lat']:.7f}", "lon": f"{p['lon']:.7f}",
                          "verified": (p["verified"] or "")[:16].replace("T", " ")} for p in self.points())

    def to_geojson(self) -> dict:
        """Every point as a GeoJSON FeatureCollection (RFC 7946), its fields as properties."""
        features = [{"type": "Feature", "id": p["id"],
                     "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                     "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")}}
                    for p in self.points()]
        return {"type": "FeatureCollection", "features": features}
