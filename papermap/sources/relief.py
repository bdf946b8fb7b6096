"""All relief points of a build: files, URLs and OSM tags, read, problems collected, duplicates merged."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from papermap.config import Config
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.dedupe import merge_duplicates
from papermap.model.points import ReadResult
from papermap.sources.overlays import overlay_only
from papermap.sources.points import points_from_osm, read_points


def point_spec(path: str | Path) -> dict:
    """A points file as given on the command line: ``FILE`` or ``FILE#CATEGORY`` (a file whose own
    name has a # is taken whole when it exists)."""
    text = str(path)
    head, sep, category = text.rpartition("#")
    if not sep or not head or Path(text).exists():
        return {"path": text}
    return {"path": head, "category": category}


def source_specs(cfg: Config) -> list[dict]:
    specs = [point_spec(p) for p in cfg.points]
    specs += list(cfg.sources)
    for spec in specs:
        if not ("path" in spec) ^ ("url" in spec):
            raise InputError("each [[sources]] entry needs exactly one of path or url", field="sources")
    return specs


def read_sources(cfg: Config, categories: Categories) -> tuple[ReadResult, list[str], list[str]]:
    """The points and problems of every file and URL source, what was read (for the sheets' source
    line) and the warnings on the way (a URL served from an old copy); bad rows never stop the rest."""
    combined, sources, warnings = ReadResult(), [], []
    for spec in source_specs(cfg):
        path = Path(spec["path"]) if "path" in spec else _fetched(spec["url"], cfg, warnings.append)
        if overlay_only(path):   # GeoPackage, Shapefile, GPX, WKT CSV…: read, points too, by sources/overlays
            continue
        result = read_points(path, categories, spec.get("category_map"), spec.get("category"))
        if "url" in spec:
            for p in result.points:
                p.source = spec["url"]
        combined.extend(result)
        sources.append(spec.get("url") or Path(spec["path"]).name)
    return combined, sources, warnings


def load_relief(cfg: Config, categories: Categories, pois: list, warn: Callable[[str], None],
                read: tuple[ReadResult, list[str], list[str]] | None = None) -> ReadResult:
    """Every usable point from every source (``read``: what ``read_sources`` gave, when it was
    read already) and from the OSM points, duplicates merged."""
    combined, sources, warnings = read or read_sources(cfg, categories)
    for warning in warnings:
        warn(warning)
    out = ReadResult(sources=list(sources))
    if cfg.osm_points and pois:
        osm = points_from_osm(pois, categories)
        combined.extend(osm)
        if osm.points:
            out.sources.append("OpenStreetMap")
    out.points = merge_duplicates(combined.points)
    out.problems = combined.problems
    out.unplaced = combined.unplaced
    return out


def _fetched(url: str, cfg: Config, warn: Callable[[str], None]) -> Path:
    from papermap.sources.cache import Cache
    from papermap.sources.remote import fetch_url

    return fetch_url(url, cache=Cache(cfg.cache_dir), offline=cfg.offline, warn=warn)
