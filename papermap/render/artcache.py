"""The drawn basemap of every page ("art": PDF path operators and placed labels), computed in
parallel processes and kept on disk, keyed by the data, the style, the scale and the page grid.

A daily refresh with new relief points finds the art cached and never re-reads the OSM file;
only points, tables and QR codes are drawn again.
"""
from __future__ import annotations

import hashlib
import pickle
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from papermap import settings
from papermap.layout.grid import Cell
from papermap.layout.labels import Label
from papermap._files import atomic_write

ART_VERSION = 1


@dataclass
class CellArt:
    cell: Cell
    content: bool         # anything but open sea crosses the cell
    ops: str              # PDF operators drawing the basemap into the map frame
    labels: list[Label]


@dataclass
class AtlasArt:
    """Everything the pages need from the OSM data, in plain, picklable values."""

    epsg: int
    bbox: tuple[float, float, float, float]       # degrees
    area: tuple[float, float, float, float]       # projected metres
    data_date: str | None                         # ISO 8601
    source: str
    cells: list[CellArt]
    overview_window: tuple[float, float, float, float]
    overview_ops: str
    pois: list = field(default_factory=list)      # (osm id, lon, lat, tags) for relief points
    covered: tuple | None = None                  # the extract's extent as a projected ring; None: no extract


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of papermap's own code, so art drawn by older code is never reused."""
    h = hashlib.sha256(str(ART_VERSION).encode())
    for path in sorted(settings.PACKAGE_DIR.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def art_key(osm: Path, style_path: Path, extra: dict) -> str:
    """Key over the data file's content, the style file's content, the code and the page settings."""
    h = hashlib.sha256()
    for part in (file_digest(osm), style_path.read_bytes().hex(), code_digest(), repr(sorted(extra.items()))):
        h.update(str(part).encode())
    return h.hexdigest()[:32]


def load(folder: Path, key: str, suffix: str = ".art"):
    """What ``store`` kept under ``key`` (the art, or with another suffix its side data), else None."""
    path = folder / f"{key}{suffix}"
    try:
        return pickle.loads(zlib.decompress(path.read_bytes()))
    except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError):
        return None  # missing or damaged: draw it again


def store(folder: Path, key: str, art, suffix: str = ".art") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / f"{key}{suffix}", zlib.compress(pickle.dumps(art, protocol=pickle.HIGHEST_PROTOCOL), 1))


def parallel_map(fn, shared: tuple, items: list, jobs: int) -> list:
    """``[fn(*shared, item) for item in items]``, over ``jobs`` forked processes when there are
    enough items for it to pay. Workers inherit ``shared`` (the basemap) by fork instead of
    pickling it; results come back in order."""
    from papermap import forks

    results = []
    if forks.can_fork(jobs, len(items), least=4):
        results = list(forks.forked_map(lambda i: fn(*shared, items[i]), len(items), jobs))
    return results + [fn(*shared, item) for item in items[len(results):]]
