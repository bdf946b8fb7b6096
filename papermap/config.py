"""Build configuration: a TOML file, every key of which can also be given as a command-line flag."""
from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from papermap import settings
from papermap.errors import InputError

LAYOUTS = ("atlas", "sheet", "poster", "auto")
MAX_POSTER_SIDE = 8   # sheets across or down a poster: 64 sheets is a wall; more is a mistake


@dataclass
class Config:
    osm: Path | None = None
    title: str = ""
    bbox: tuple[float, float, float, float] | None = None   # west, south, east, north (degrees)
    paper: str = settings.DEFAULT_PAPER
    orientation: str = settings.DEFAULT_ORIENTATION
    scale: int = settings.DEFAULT_SCALE
    overlap_mm: float = settings.DEFAULT_OVERLAP_MM
    style: str = settings.DEFAULT_STYLE
    mono: bool = False
    lang: tuple[str, ...] = settings.DEFAULT_LANG
    points: list[Path] = field(default_factory=list)       # local relief-point files
    sources: list[dict] = field(default_factory=list)      # [[sources]] tables: path/url, category_map, kind
    overlays: list[Path] = field(default_factory=list)     # line/area files, each "FILE" or "FILE#kind"
    osm_points: bool = True
    qr_url: str = ""
    jobs: int = 0                                          # 0: all cores
    cache_dir: Path | None = None
    offline: bool = False
    layout: str = "atlas"                                  # atlas, sheet (map and list on one sheet) or auto
    around: str | None = None                              # a points file or a kind of point: a page around each
    radius: float | None = None                            # ground metres from a page's centre to its nearer edge
    hide: list[str] = field(default_factory=list)         # statuses left off the paper: closed, unknown…
    categories: Path | None = None                         # a category file merged with the defaults
    large_print: bool = False                              # table text >= 12 pt, symbols 1.5x, no text under 9 pt
    sheets: str = "2x2"                                    # poster: sheets across x down, e.g. "3x3"
    scale_given: bool = field(default=False, compare=False)  # scale set by the user, not the default (poster)
    config_file: Path | None = field(default=None, compare=False)  # the file this came from, if any


def changed(cfg: Config, **changes) -> Config:
    """``cfg`` with ``changes``, as a plain Config: a sheet format settling a setting of its own
    (the scale from ``radius``). Not ``dataclasses.replace`` on ``cfg`` itself, which calls its
    class with every field: ``papermap.Config`` takes only the settings a user gives, and would
    refuse the ones a build notes for itself (``scale_given``, ``config_file``)."""
    return replace(Config(**{f.name: getattr(cfg, f.name) for f in fields(Config)}), **changes)


def parse_bbox(value, where: str = "bbox") -> tuple[float, float, float, float]:
    """``W,S,E,N`` (string or list) to floats, checked for order and range."""
    if not isinstance(value, (str, list, tuple)):
        raise InputError("bbox must be four numbers west,south,east,north", field=where)
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        w, s, e, n = (float(p) for p in parts)
    except (ValueError, TypeError, OverflowError):
        raise InputError("bbox must be four numbers west,south,east,north", field=where) from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(f"bbox {w},{s},{e},{n} is not west<east, south<north in degrees", field=where)
    return (w, s, e, n)


def parse_lang(value) -> tuple[str, ...]:
    if not isinstance(value, (str, list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError("lang must be ja, en or ja,en", field="lang")
    langs = tuple(v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip())
    bad = [v for v in langs if v not in ("ja", "en")]
    if bad or not langs:
        raise InputError(f"unknown language {','.join(bad) or value!r} (use ja, en or ja,en)", field="lang")
    return langs


_NUMBER = (int, float)
# what each config key holds in the TOML file: (accepted TOML types, how to say it in an error)
_FILE_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "osm": ((str,), "a file name in quotes"),
    "title": ((str,), "text in quotes"),
    "bbox": ((str, list), 'four numbers, "W,S,E,N" or [W, S, E, N]'),
    "paper": ((str,), '"A4", "A3", "A2", "A1" or "A0"'),
    "orientation": ((str,), '"portrait" or "landscape"'),
    "scale": ((int,), "a whole number such as 10000 (for 1:10,000)"),
    "overlap_mm": (_NUMBER, "a number of millimetres"),
    "style": ((str,), "a style name or .toml file in quotes"),
    "mono": ((bool,), "true or false (without quotes)"),
    "lang": ((str, list), '"ja", "en", "ja,en" or ["ja", "en"]'),
    "points": ((list,), 'a list of file names, e.g. ["water.csv"]'),
    "overlays": ((list,), 'a list of line/area file names, each "FILE" or "FILE#kind"'),
    "sources": ((list,), "[[sources]] tables"),
    "osm_points": ((bool,), "true or false (without quotes)"),
    "qr_url": ((str,), "an http(s) URL in quotes"),
    "jobs": ((int,), "a whole number (0: all cores)"),
    "cache_dir": ((str,), "a folder name in quotes"),
    "offline": ((bool,), "true or false (without quotes)"),
    "layout": ((str,), '"atlas", "sheet", "poster" or "auto"'),
    "around": ((str,), "a points file or a kind of point in quotes"),
    "radius": (_NUMBER, "a number of metres"),
    "hide": ((list,), 'a list of statuses, e.g. ["closed", "unknown"]'),
    "categories": ((str,), "a category .toml file in quotes"),
    "sheets": ((str,), 'sheets across x down in quotes, e.g. "3x3"'),
    "large_print": ((bool,), "true or false (without quotes)"),
}
# the keys of one [[sources]] table and what they hold
_SOURCE_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "path": ((str,), "a file name in quotes"),
    "url": ((str,), "an http(s) URL in quotes"),
    "kind": ((str,), 'a kind of line or area in quotes, e.g. "closed_road"'),
    "category_map": ((dict,), 'a table of source name = category id, e.g. { "給水所" = "water" }'),
    "licence": ((str,), 'the data\'s licence in quotes, e.g. "CC BY 4.0"'),
    "as_of": ((str,), 'when the data was true, in quotes, e.g. "9-15 03:00"'),
    "category": ((str,), 'the category of every point in it, e.g. "shelter"'),
}
_NOT_IN_FILE = {"config_file", "scale_given"}  # set by load_config, not keys anyone writes
MAX_JOBS = 256


def load_config(path: Path | None, overrides: dict) -> Config:
    """The config file (if any) with command-line ``overrides`` (None values ignored) on top.

    Every key of the file is type-checked before use, so ``mono = "false"`` or
    ``points = "water.csv"`` is one error naming the file and key, never a wrong atlas or a traceback.
    """
    data: dict = {}
    base = Path.cwd()
    if path is not None:
        data = _read_toml(path)
        base = path.resolve().parent
        known = {f.name for f in fields(Config)} - _NOT_IN_FILE
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})",
                             file=str(path))
        _check_types(data, path)
    cfg = Config(config_file=path)
    for key, value in data.items():
        setattr(cfg, key, value)
    # paths in the file are relative to the file; paths on the command line to the cwd
    if cfg.osm is not None:
        cfg.osm = base / Path(cfg.osm)
    if cfg.cache_dir is not None:
        cfg.cache_dir = base / Path(cfg.cache_dir)
    if cfg.categories is not None:
        cfg.categories = base / Path(cfg.categories)
    cfg.points = [base / Path(p) for p in cfg.points]
    cfg.sources = [dict(src) for src in cfg.sources]
    if cfg.around is not None and (base / str(cfg.around)).is_file():   # a file, else a kind of point
        cfg.around = str(base / str(cfg.around))
    cfg.overlays = [base / Path(p) for p in cfg.overlays]
    for src in cfg.sources:
        if "path" in src:
            src["path"] = str(base / src["path"])
    for key, value in overrides.items():
        if value is None:
            continue
        if key in ("points", "overlays"):
            setattr(cfg, key, getattr(cfg, key) + [Path(p) for p in value])
        elif key in ("osm", "cache_dir", "categories"):
            setattr(cfg, key, Path(value))
        else:
            setattr(cfg, key, value)
    cfg.scale_given = "scale" in data or overrides.get("scale") is not None
    try:
        return _checked(cfg)
    except InputError as exc:
        if path is None or exc.file or exc.field not in data or overrides.get(exc.field) is not None:
            raise
        raise InputError(exc.message, file=str(path), where=exc.where, field=exc.field) from None


def _read_toml(path: Path) -> dict:
    """The parsed file, within the size and nesting limits; every failure is an InputError."""
    try:
        if not path.is_file():
            raise InputError("config file not found", file=str(path))
        size = path.stat().st_size
        if size > settings.MAX_CONFIG_BYTES:
            raise InputError(f"{size:,} bytes is more than a config file may have "
                             f"({settings.MAX_CONFIG_BYTES:,}): is this the right file?", file=str(path))
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the config file: {exc.strerror or exc}", file=str(path)) from None
    except ValueError as exc:  # TOMLDecodeError, UnicodeDecodeError, an integer of 4,300+ digits
        raise InputError(f"invalid TOML ({exc})", file=str(path)) from None
    except RecursionError:
        raise InputError(f"invalid TOML (nested more than {settings.MAX_NESTING} deep)", file=str(path)) from None
    check_depth(data, path)
    return data


def check_depth(value: object, path: Path, depth: int = 0) -> None:
    """Refuse TOML nested deeper than settings.MAX_NESTING (recursion stops at the limit)."""
    if depth > settings.MAX_NESTING:
        raise InputError(f"tables or arrays nested more than {settings.MAX_NESTING} deep", file=str(path))
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        check_depth(child, path, depth + 1)


def _toml_type(value: object) -> str:
    """A TOML value's kind, for messages (never the value: it may be long)."""
    return {bool: "true/false", int: "a whole number", float: "a number", str: "text", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _check_types(data: dict, path: Path) -> None:
    for key, value in data.items():
        _check_type(value, _FILE_TYPES[key], path, key)
    for key in ("points", "overlays", "lang", "bbox", "hide"):
        if isinstance(data.get(key), list):
            for i, item in enumerate(data[key], 1):
                wanted = ((str,), "text in quotes") if key != "bbox" else (_NUMBER, "a number")
                _check_type(item, wanted, path, key, where=f"item {i}")
    for n, src in enumerate(data.get("sources", []), 1):
        where = f"[[sources]] {n}"
        if not isinstance(src, dict):
            raise InputError(f"must be a table ([[sources]] with path = or url =), not {_toml_type(src)}",
                             file=str(path), where=where, field="sources")
        unknown = sorted(set(src) - set(_SOURCE_TYPES))
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(map(repr, unknown))} (known: {', '.join(_SOURCE_TYPES)})",
                             file=str(path), where=where, field="sources")
        if ("path" in src) == ("url" in src):
            raise InputError("needs exactly one of path or url", file=str(path), where=where, field="sources")
        for key, value in src.items():
            _check_type(value, _SOURCE_TYPES[key], path, key, where=where)
        for name, category in src.get("category_map", {}).items():
            _check_type(category, ((str,), "a category id in quotes"), path, "category_map", where=f"{where} {name!r}")


def _check_type(value: object, wanted: tuple[tuple[type, ...], str], path: Path, key: str, where: str = "") -> None:
    types, described = wanted
    # bool is an int in Python, but true is no scale and 1 is no switch
    ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
    if not ok:
        raise InputError(f"must be {described}, not {_toml_type(value)}", file=str(path), where=where, field=key)


def parse_qr_url(value: str) -> str:
    """``value`` if it is an http(s) URL with a host that fits a QR code, else InputError.

    urllib drops tabs and newlines before it parses ("http://\\njavascript:…" would pass as host
    "javascript"), so any control character or space is refused first.
    """
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise InputError("qr_url must not contain spaces, tabs, newlines or control characters", field="qr_url")
    size = len(value.encode("utf-8"))
    if size > settings.MAX_QR_URL_BYTES:
        raise InputError(f"qr_url is {size:,} bytes: more than the {settings.MAX_QR_URL_BYTES:,} a QR code on paper "
                         "can hold with the page's area and date", field="qr_url")
    try:
        parts = urlsplit(value)
        parts.port  # raises ValueError for a port that is not a number
    except ValueError as exc:
        raise InputError(f"qr_url is not a valid URL ({exc})", field="qr_url") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError("qr_url must be an http:// or https:// URL with a host name, "
                         "e.g. https://example.org/map#{south},{west},{north},{east}", field="qr_url")
    return value


def _checked(cfg: Config) -> Config:
    if cfg.osm is None and not (cfg.points or cfg.sources):
        # with points alone a plain atlas is built on a coordinate grid (no basemap)
        raise InputError("no OSM data and no points given: use --osm FILE or --points FILE "
                         "(or osm = \"FILE\" / points = [...] in the config)")
    if cfg.bbox is not None:
        cfg.bbox = parse_bbox(cfg.bbox)
    cfg.lang = parse_lang(cfg.lang)
    cfg.paper = str(cfg.paper).upper()
    if cfg.paper not in settings.PAPER_MM:
        raise InputError(f"unknown paper size '{cfg.paper[:20]}' (use {', '.join(settings.PAPER_MM)})", field="paper")
    if cfg.orientation not in ("portrait", "landscape"):
        raise InputError(f"unknown orientation '{str(cfg.orientation)[:20]}' (use portrait or landscape)",
                         field="orientation")
    try:
        scale = float(cfg.scale)
        cfg.overlap_mm = float(cfg.overlap_mm)
    except (TypeError, ValueError, OverflowError):
        raise InputError("scale and overlap_mm must be numbers", field="scale") from None
    if not (math.isfinite(scale) and scale.is_integer() and 500 <= scale <= 200_000):
        raise InputError(f"scale 1:{cfg.scale} is out of range (a whole number from 500 to 200,000)", field="scale")
    cfg.scale = int(scale)
    if not 0 <= cfg.overlap_mm <= 50:  # NaN fails this too
        raise InputError("overlap_mm must be between 0 and 50", field="overlap_mm")
    if isinstance(cfg.jobs, bool) or not isinstance(cfg.jobs, int) or not 0 <= cfg.jobs <= MAX_JOBS:
        raise InputError(f"jobs must be a whole number from 0 (all cores) to {MAX_JOBS}", field="jobs")
    if len(cfg.title) > settings.MAX_TITLE_CHARS:
        raise InputError(f"title has {len(cfg.title):,} characters: more than the {settings.MAX_TITLE_CHARS} that "
                         "fit on a sheet", field="title")
    if cfg.qr_url:
        parse_qr_url(cfg.qr_url)
    cfg.hide = parse_hide(cfg.hide)
    if cfg.cache_dir is not None:
        _check_cache_dir(Path(cfg.cache_dir))
    if cfg.layout not in LAYOUTS:
        raise InputError(f"unknown layout '{cfg.layout}' (use {', '.join(LAYOUTS)})", field="layout")
    if cfg.radius is not None:
        try:
            cfg.radius = float(cfg.radius)
        except (TypeError, ValueError):
            raise InputError("radius must be a number of metres", field="radius") from None
        if not 50 <= cfg.radius <= 20_000:
            raise InputError(f"radius {cfg.radius:g} m is out of range (50 to 20,000)", field="radius")
    parse_sheets(cfg.sheets)
    return cfg


def parse_hide(value) -> list[str]:
    """The statuses to leave off the paper: "closed,unknown" or a list, each one of STATUSES."""
    from papermap.model.points import STATUSES

    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"hide must be statuses such as closed,unknown (from {', '.join(STATUSES)})", field="hide")
    hide = [v.strip() for v in value if v.strip()]
    bad = [v for v in hide if v not in STATUSES]
    if bad:
        raise InputError(f"unknown status {bad[0][:20]!r} (hide takes {', '.join(STATUSES)})", field="hide")
    return list(dict.fromkeys(hide))


def parse_sheets(value: str) -> tuple[int, int]:
    """``"3x2"`` -> (3 across, 2 down): a poster's sheets, each side 1 to ``MAX_POSTER_SIDE``."""
    m = re.fullmatch(r"\s*(\d{1,3})\s*[xX×]\s*(\d{1,3})\s*", str(value))
    if not m:
        raise InputError(f"sheets '{str(value)[:20]}' is not sheets across x down, e.g. 3x3", field="sheets")
    across, down = int(m.group(1)), int(m.group(2))
    if not (1 <= across <= MAX_POSTER_SIDE and 1 <= down <= MAX_POSTER_SIDE):
        raise InputError(f"sheets {across}x{down} is out of range (1 to {MAX_POSTER_SIDE} each way)", field="sheets")
    return across, down


def _check_cache_dir(folder: Path) -> None:
    """A cache folder that is a file (or under one) fails late and obscurely: say so now."""
    for place in (folder, *folder.parents):
        try:
            place.stat()
        except FileNotFoundError:
            continue
        except OSError as exc:  # a name too long, a folder we may not look into…
            raise InputError(f"cache_dir cannot be used ({exc.strerror or exc})", file=str(folder)[:200],
                             field="cache_dir") from None
        if place.exists():
            if not place.is_dir():
                what = "is a file" if place == folder else f"is inside {place}, which is a file"
                raise InputError(f"cache_dir {what}, not a folder", file=str(folder), field="cache_dir")
            return


def input_files(cfg: Config) -> list[Path]:
    """Every local file a build reads from the user: the config, the OSM extract, points files,
    [[sources]] paths and a style given as a .toml file."""
    files = [cfg.config_file, cfg.osm, cfg.categories, *cfg.points,
             *(Path(s["path"]) for s in cfg.sources if "path" in s)]
    if str(cfg.style).endswith(".toml"):
        files.append(Path(cfg.style))
    return [Path(f) for f in files if f is not None]


def check_output(cfg: Config, out_path: str | Path) -> None:
    """Refuse an output path that is one of the build's inputs: writing the PDF would destroy it.

    Compared as resolved paths and, for files that exist, as the same file on disk (hard links,
    symlinks, case-insensitive file systems).
    """
    out = Path(out_path)
    target = out.resolve()
    for source in input_files(cfg):
        same = source.resolve() == target
        if not same and out.exists() and source.exists():
            try:
                same = os.path.samefile(out, source)
            except OSError:
                same = False
        if same:
            raise InputError(f"the output would overwrite the input {source}: choose another -o", file=str(out),
                             field="output")
