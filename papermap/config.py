"""Build configuration: a TOML file, every key of which can also be given as a command-line flag."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from papermap import settings
from papermap.errors import InputError


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
    sources: list[dict] = field(default_factory=list)      # [[sources]] tables: path/url, category_map
    osm_points: bool = True
    qr_url: str = ""
    jobs: int = 0                                          # 0: all cores
    cache_dir: Path | None = None
    offline: bool = False


def parse_bbox(value, where: str = "bbox") -> tuple[float, float, float, float]:
    """``W,S,E,N`` (string or list) to floats, checked for order and range."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        w, s, e, n = (float(p) for p in parts)
    except (ValueError, TypeError):
        raise InputError("bbox must be four numbers west,south,east,north", field=where) from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(f"bbox {w},{s},{e},{n} is not west<east, south<north in degrees", field=where)
    return (w, s, e, n)


def parse_lang(value) -> tuple[str, ...]:
    langs = tuple(v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip())
    bad = [v for v in langs if v not in ("ja", "en")]
    if bad or not langs:
        raise InputError(f"unknown language {','.join(bad) or value!r} (use ja, en or ja,en)", field="lang")
    return langs


def load_config(path: Path | None, overrides: dict) -> Config:
    """The config file (if any) with command-line ``overrides`` (None values ignored) on top."""
    data: dict = {}
    base = Path.cwd()
    if path is not None:
        if not path.is_file():
            raise InputError("config file not found", file=str(path))
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"invalid TOML ({exc})", file=str(path)) from None
        base = path.resolve().parent
        known = {f.name for f in fields(Config)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(unknown)}", file=str(path))
    cfg = Config()
    for key, value in data.items():
        setattr(cfg, key, value)
    # paths in the file are relative to the file; paths on the command line to the cwd
    if cfg.osm is not None:
        cfg.osm = base / Path(cfg.osm)
    if cfg.cache_dir is not None:
        cfg.cache_dir = base / Path(cfg.cache_dir)
    cfg.points = [base / Path(p) for p in cfg.points]
    for src in cfg.sources:
        if "path" in src:
            src["path"] = str(base / src["path"])
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "points":
            cfg.points = cfg.points + [Path(p) for p in value]
        elif key in ("osm", "cache_dir"):
            setattr(cfg, key, Path(value))
        else:
            setattr(cfg, key, value)
    return _checked(cfg)


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
        raise InputError(f"unknown paper size '{cfg.paper}' (use {' or '.join(settings.PAPER_MM)})", field="paper")
    if cfg.orientation not in ("portrait", "landscape"):
        raise InputError(f"unknown orientation '{cfg.orientation}' (use portrait or landscape)", field="orientation")
    try:
        cfg.scale = int(cfg.scale)
        cfg.overlap_mm = float(cfg.overlap_mm)
    except (TypeError, ValueError):
        raise InputError("scale and overlap_mm must be numbers", field="scale") from None
    if not 500 <= cfg.scale <= 200_000:
        raise InputError(f"scale 1:{cfg.scale} is out of range (500 to 200,000)", field="scale")
    if not 0 <= cfg.overlap_mm <= 50:
        raise InputError("overlap_mm must be between 0 and 50", field="overlap_mm")
    if cfg.qr_url and not cfg.qr_url.lower().startswith(("http://", "https://")):
        raise InputError("qr_url must be an http:// or https:// URL", field="qr_url")
    return cfg
