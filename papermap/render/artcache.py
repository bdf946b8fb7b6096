"""The drawn basemap of every page ("art": PDF path operators and placed labels), computed in
parallel processes and kept on disk, keyed by the data, the style, the scale and the page grid.

A daily refresh with new relief points finds the art cached and never re-reads the OSM file;
only points, tables and QR codes are drawn again.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from papermap import settings
from papermap.layout.grid import Cell
from papermap.layout.labels import Label
from papermap.layout.qr import QrMatrix
from papermap._files import WriteError, atomic_write, sweep

ART_VERSION = 2   # 2: JSON instead of pickle


@dataclass
class CellArt:
    cell: Cell
    content: bool         # anything but open sea crosses the cell
    ops: str              # PDF operators drawing the basemap into the map frame
    labels: list[Label]


@dataclass
class AtlasArt:
    """Everything the pages need from the OSM data, in plain values that JSON holds."""

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
    """The art ``store`` kept under ``key`` (with ``.qr``: the QR codes), else None.

    The cache holds data, never code: an entry is zlib-compressed JSON, read back through checks
    of every field's type, so a damaged entry, or one planted by whoever can write the cache
    folder, is drawn again (None), never run and never a crash later in the build.
    """
    path = folder / f"{key}{suffix}"
    sweep(folder)
    try:
        data = json.loads(zlib.decompress(path.read_bytes()).decode("utf-8"))
        if not isinstance(data, dict) or data.get("version") != ART_VERSION:
            return None
        if suffix == ".qr":
            return _qr_from(data["qr"])
        return _gazetteer_from(data["gaz"]) if suffix == ".gaz" else _art_from(data["art"])
    except (OSError, zlib.error, UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError,
            RecursionError):
        return None  # missing or damaged: draw it again


def store(folder: Path, key: str, value, suffix: str = ".art") -> None:
    """Keep ``value`` (an AtlasArt; with ``.qr`` a dict of QR codes; with ``.gaz`` a Gazetteer)
    under ``key``, atomically."""
    if suffix == ".qr":
        data = {"qr": {text: [row.hex() for row in rows] for text, rows in value.items()}}
    else:   # an AtlasArt (.art) or an extract's Gazetteer (.gaz): plain dataclasses of JSON values
        data = {"gaz" if suffix == ".gaz" else "art": asdict(value)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(folder, exc) from None
    text = json.dumps({"version": ART_VERSION, **data}, ensure_ascii=False, separators=(",", ":"))
    atomic_write(folder / f"{key}{suffix}", zlib.compress(text.encode("utf-8"), 1))


def _need(value, kind):
    """``value`` if it is a ``kind``, else TypeError: a stored field of the wrong type."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind}, found {type(value).__name__}")
    return value


def _box(value) -> tuple[float, float, float, float]:
    if len(_need(value, list)) != 4:
        raise ValueError("a box has four numbers")
    return tuple(_need(v, float) for v in value)


def _label(d: dict) -> Label:
    return Label(_need(d["text"], str), _need(d["x"], float), _need(d["y"], float), _need(d["angle"], float),
                 _need(d["size"], float), _need(d["kind"], str))


def _cell_art(d: dict) -> CellArt:
    c = _need(d["cell"], dict)
    cell = Cell(_need(c["row"], int), _need(c["col"], int), _box(c["window"]),
                None if c["core"] is None else _box(c["core"]))
    return CellArt(cell, _need(d["content"], bool), _need(d["ops"], str),
                   [_label(_need(label, dict)) for label in _need(d["labels"], list)])


def _poi(p: list) -> tuple[str, float, float, dict[str, str]]:
    osm_id, lon, lat, tags = _need(p, list)
    tags = _need(tags, dict)
    for v in tags.values():
        _need(v, str)
    return _need(osm_id, str), _need(lon, float), _need(lat, float), tags


def _art_from(d: dict) -> AtlasArt:
    return AtlasArt(epsg=_need(d["epsg"], int), bbox=_box(d["bbox"]), area=_box(d["area"]),
                    data_date=None if d["data_date"] is None else _need(d["data_date"], str),
                    source=_need(d["source"], str), cells=[_cell_art(_need(c, dict)) for c in _need(d["cells"], list)],
                    overview_window=_box(d["overview_window"]), overview_ops=_need(d["overview_ops"], str),
                    pois=[_poi(p) for p in _need(d["pois"], list)],
                    covered=None if d.get("covered") is None else tuple(_pair(v) for v in _need(d["covered"], list)))


def _pair(value) -> tuple[float, float]:
    if len(_need(value, list)) != 2:
        raise ValueError("a point has two numbers")
    return (_need(value[0], float), _need(value[1], float))


def _gazetteer_from(d: dict):
    """The names, addresses and places of an extract (model/geocode.py), every field checked."""
    from papermap.model.geocode import Gazetteer

    named = {_need(k, str): [(_need(n, str), _need(lon, float), _need(lat, float))
                             for n, lon, lat in _need(v, list)] for k, v in _need(d["named"], dict).items()}
    streets = {_need(k, str): {_need(num, str): _pair(at) for num, at in _need(v, dict).items()}
               for k, v in _need(d["streets"], dict).items()}
    places = {}
    for k, v in _need(d["places"], dict).items():
        name, lon, lat, precision = _need(v, list)
        places[_need(k, str)] = (_need(name, str), _need(lon, float), _need(lat, float), _need(precision, str))
    return Gazetteer(named, streets, places)


def _qr_from(d: dict) -> dict[str, QrMatrix]:
    codes = {}
    for text, rows in _need(d, dict).items():
        matrix = tuple(bytes.fromhex(_need(row, str)) for row in _need(rows, list))
        if any(b > 1 for row in matrix for b in row):
            raise ValueError("a QR module is 0 or 1")
        codes[text] = matrix
    return codes


def parallel_map(fn, shared: tuple, items: list, jobs: int) -> list:
    """``[fn(*shared, item) for item in items]``, over ``jobs`` forked processes when there are
    enough items for it to pay. Workers inherit ``shared`` (the basemap) by fork instead of
    pickling it; results come back in order."""
    from papermap import forks

    results = []
    if forks.can_fork(jobs, len(items), least=4):
        results = list(forks.forked_map(lambda i: fn(*shared, items[i]), len(items), jobs))
    return results + [fn(*shared, item) for item in items[len(results):]]
