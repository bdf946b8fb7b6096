"""All relief points of a build: files, URLs and OSM tags, read, problems collected, duplicates merged."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from papermap.config import Config
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.dedupe import merge_duplicates
from papermap.model.points import Point, Problem, ReadResult
from papermap.sources.points import points_from_osm, read_points


@dataclass
class ReliefPoints:
    points: list[Point] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)   # what was read, for the sheets' source line


def _source_specs(cfg: Config) -> list[dict]:
    specs = [{"path": str(p)} for p in cfg.points]
    specs += list(cfg.sources)
    for spec in specs:
        if not ("path" in spec) ^ ("url" in spec):
            raise InputError("each [[sources]] entry needs exactly one of path or url", field="sources")
    return specs


def load_relief(cfg: Config, categories: Categories, pois: list,
                warn: Callable[[str], None] | None = None) -> ReliefPoints:
    """Every usable point from every source; bad rows are reported, never fatal to the others."""
    out = ReliefPoints()
    combined = ReadResult()
    for spec in _source_specs(cfg):
        path = Path(spec["path"]) if "path" in spec else _fetched(spec["url"], cfg, warn)
        result = read_points(path, categories, spec.get("category_map"))
        if "url" in spec:
            for p in result.points:
                p.source = spec["url"]
        combined.extend(result)
        out.sources.append(spec.get("url") or Path(spec["path"]).name)
    if cfg.osm_points and pois:
        osm = points_from_osm(pois, categories)
        combined.extend(osm)
        if osm.points:
            out.sources.append("OpenStreetMap")
    out.points = merge_duplicates(combined.points)
    out.problems = combined.problems
    return out


def _fetched(url: str, cfg: Config, warn) -> Path:
    from papermap.sources.cache import Cache
    from papermap.sources.remote import fetch_url

    kwargs = {"warn": warn} if warn else {}
    return fetch_url(url, cache=Cache(cfg.cache_dir), offline=cfg.offline, **kwargs)
