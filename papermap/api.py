"""The Python API: build an atlas from a notebook or another program, exactly as ``papermap build`` does.

>>> import papermap
>>> report = papermap.build("monaco.pdf", osm="monaco.osm.pbf", mono=True, scale=5000)
>>> [(page.number, page.bbox) for page in report.pages]

Every setting is a keyword named like its config key (and its ``--flag``). Settings are checked
before any work starts; a wrong one raises :class:`papermap.InputError` naming it, never a
``KeyError`` from deep inside the build. The ``papermap build`` command calls :func:`build`.
"""
from __future__ import annotations

import os
import shutil
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TypedDict, Unpack

from papermap import config as _config
from papermap._files import scratch_folder
from papermap.errors import InputError, PapermapError
from papermap.output.png import DEFAULT_DPI, check_dpi, write_pngs

__all__ = ["Config", "Page", "Report", "Settings", "build"]

PathLike = str | os.PathLike[str]
Progress = Callable[..., None]


class Settings(TypedDict, total=False):
    """The keyword settings of :class:`Config` and :func:`build`: the config file's keys.

    osm : path
        OSM extract: ``.osm.pbf``, ``.osm``, ``.osm.bz2`` or Overpass ``.json``. Without it (and
        with ``points``) a plain atlas is built on a coordinate grid, saying no basemap was available.
    title : str
        Title printed on every sheet (default: the extract's file name).
    bbox : str or sequence of 4 floats
        Area as west, south, east, north in degrees (default: the extract's extent).
    paper : str
        ``"A4"`` or ``"A3"``; ``"A2"``, ``"A1"``, ``"A0"`` for a print shop.
    orientation : str
        ``"portrait"`` or ``"landscape"``.
    scale : int
        Scale denominator, 10000 for 1:10,000.
    overlap_mm : float
        Overlap between neighbouring pages, in paper millimetres.
    style : str
        A built-in style name (``"colour"``, ``"mono"``) or the path of a style TOML file.
    mono : bool
        Black and white, for any printer and the photocopier.
    lang : str or sequence of str
        Label languages: ``"ja"``, ``"en"``, ``"ja,en"`` or ``["ja", "en"]``.
    points : sequence of paths
        Relief-point files: CSV, GeoJSON, KML/KMZ or uMap (a list, even for one file).
    overlays : sequence of paths
        Lines and areas (roads, outage and flooded areas, hazard zones): KML/KMZ, GeoJSON, uMap,
        GeoPackage, Shapefile, FlatGeobuf, GPX, CSV/xlsx with WKT; ``"FILE#closed_road"`` gives
        all its lines (or areas) that kind.
    sources : sequence of dict
        ``[[sources]]`` tables: ``{"path": ...}`` or ``{"url": ...}``, optionally ``category_map``
        and ``kind`` (an overlay kind for its lines or areas).
    osm_points : bool
        Also take relief points (water taps, toilets, shelters…) from the OSM data.
    qr_url : str
        http(s) URL template for the QR codes, e.g. ``https://example.org/map#{south},{west},{north},{east}``.
    jobs : int
        Pages drawn in parallel processes (0: all cores).
    cache_dir : path
        Cache for downloads and drawn basemaps (default: the user cache folder).
    offline : bool
        Use only cached copies of URL sources.
    layout : str
        ``"atlas"``, ``"sheet"`` (each map page with its list on the same sheet), ``"poster"`` (one
        map over ``sheets``, to cut, glue and hang) or ``"auto"`` (``sheet`` when the area fits one
        sheet, else ``atlas``).
    around : str
        A points file, or a kind of point already loaded (``"shelter"``): one page centred on each.
    radius : float
        With ``around``: ground metres from a page's centre to its nearer edge.
    hide : str or sequence of str
        Statuses left off the paper, e.g. ``["closed", "unknown"]``; the warnings say how many.
    categories : path
        A category TOML file merged with the built-in categories.
    sheets : str
        With ``layout="poster"``: sheets across x down, ``"3x3"``; ``"1x1"`` with ``paper="A1"`` is
        one big page for a print shop.
    large_print : bool
        For elderly readers: table text at least 12 pt (names 14 pt), symbols 1.5 times larger,
        no text under 9 pt (the atlas layout; other layouts warn and print normal sizes).
    """

    osm: PathLike
    title: str
    bbox: str | Sequence[float]
    paper: str
    orientation: str
    scale: int
    overlap_mm: float
    style: str
    mono: bool
    lang: str | Sequence[str]
    points: Sequence[PathLike]
    overlays: Sequence[PathLike]
    sources: Sequence[dict[str, Any]]
    osm_points: bool
    qr_url: str
    jobs: int
    cache_dir: PathLike
    offline: bool
    layout: str
    around: str | PathLike
    radius: float
    hide: str | Sequence[str]
    categories: PathLike
    sheets: str
    large_print: bool


def _describe(hint: Any) -> str:
    """A type hint in words, for error messages."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return " or ".join(dict.fromkeys(_describe(a) for a in typing.get_args(hint)))
    if typing.get_origin(hint) is Sequence:
        return f"a list of ({_describe(typing.get_args(hint)[0])})"
    words = {str: "text", int: "a whole number", float: "a number", bool: "True or False",
             os.PathLike: "a path", dict: "a table (dict)"}
    return words.get(typing.get_origin(hint) or hint, getattr(hint, "__name__", str(hint)))


def _matches(value: Any, hint: Any) -> bool:
    """True if ``value`` is of the type ``hint`` names (the hints used in :class:`Settings`)."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_matches(value, a) for a in typing.get_args(hint))
    if origin is Sequence:  # a list or tuple; a string is not a list of files
        return isinstance(value, (list, tuple)) and all(_matches(v, typing.get_args(hint)[0]) for v in value)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return hint is Any or isinstance(value, origin or hint)


def settings_of(config: _config.Config) -> dict[str, Any]:
    """The settings a config holds, as the keywords :func:`build` and :class:`Config` take (not
    what ``load_config`` notes for itself, such as the file it was read from)."""
    names = typing.get_type_hints(Settings)
    return {f.name: getattr(config, f.name) for f in fields(config) if f.name in names}


def check_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` without the ones left at None, each checked against :class:`Settings`.

    Raises
    ------
    InputError
        For an unknown name or a value of the wrong type, naming the setting.
    """
    hints = typing.get_type_hints(Settings)
    for key, value in settings.items():
        if key not in hints:
            raise InputError(f"unknown setting {key!r} (known: {', '.join(hints)})", field=key)
        if value is not None and not _matches(value, hints[key]):
            raise InputError(f"must be {_describe(hints[key])}, not {type(value).__name__} {value!r}", field=key)
    return {k: v for k, v in settings.items() if v is not None}


class Config(_config.Config):
    """A build configuration, checked when it is made.

    The same checks as a config file gets: a ``Config`` that exists is one a build accepts.

    Parameters
    ----------
    file : path, optional
        A TOML config file (see the README); its relative paths are relative to the file.
    **settings
        Any of the :class:`Settings`, overriding the file's keys as command-line flags do; paths
        are relative to the current directory.

    Raises
    ------
    InputError
        A missing file, a wrong or unknown setting, or a value out of range, naming the setting.

    Examples
    --------
    >>> cfg = papermap.Config(osm="monaco.osm.pbf", paper="A3", lang="en")
    >>> cfg.lang
    ('en',)
    """

    def __init__(self, file: PathLike | None = None, /, **settings: Unpack[Settings]) -> None:
        if file is not None and not isinstance(file, (str, os.PathLike)):
            raise InputError(f"must be the path of a TOML file, not {type(file).__name__}", field="config file")
        checked = _config.load_config(None if file is None else Path(file), check_settings(dict(settings)))
        for f in fields(checked):
            setattr(self, f.name, getattr(checked, f.name))


@dataclass(frozen=True)
class Page:
    """One map page of the atlas.

    Attributes
    ----------
    number : int
        The page number printed on the sheet (the overview is not numbered).
    bbox : tuple of 4 floats
        West, south, east, north in degrees: the envelope of the page's ground.
    neighbours : dict
        Direction (``"N"``, ``"NE"``…) -> number of the page that continues the map that way.
    """

    number: int
    bbox: tuple[float, float, float, float]
    neighbours: dict[str, int]


@dataclass(frozen=True)
class Report:
    """What a build made.

    Attributes
    ----------
    files : list of Path
        The files written: the PDF, or one PNG per sheet, then the grid GeoJSON if asked for
        (empty when the PDF went to a stream).
    pages : list of Page
        The map pages, in page-number order.
    points : int
        Relief points after merging duplicates.
    placed : int
        Of those, the points on at least one map page.
    outside : int
        The points that fell outside every page (named in ``warnings``).
    warnings : list of str
        Everything the reader should know: bad rows, points left out, stale downloads.
    layout : str
        The sheet format used: ``"atlas"``, ``"sheet"``, ``"around"``, or what ``auto`` chose and why.
    """

    files: list[Path]
    pages: list[Page]
    points: int
    placed: int
    outside: int
    warnings: list[str]
    layout: str = "atlas"


def _folder_of(path: Path, what: str) -> Path:
    """``path``, if its folder exists: checked before the build, not after minutes of drawing."""
    if not path.parent.is_dir():
        raise InputError(f"folder {path.parent} does not exist", file=str(path), field=what)
    return path


def build(out: PathLike | BinaryIO, config: Config | _config.Config | PathLike | None = None, *,
          dpi: int = DEFAULT_DPI, grid_out: PathLike | None = None, progress: Progress | None = None,
          use_cache: bool = True, now: datetime | None = None, **settings: Unpack[Settings]) -> Report:
    """Build an atlas: an overview sheet, then map pages that tile the area at a fixed scale.

    Parameters
    ----------
    out : path or binary file
        Where the atlas goes. A path ending in ``.png`` writes PNG previews, one per sheet:
        ``NAME-01.png`` (the overview), ``NAME-02.png``…; any other path gets the PDF; an open
        binary file (``sys.stdout.buffer``, ``io.BytesIO()``) gets the PDF's bytes.
    config : Config or path, optional
        A checked :class:`Config`, or a TOML config file; ``settings`` override it.
    dpi : int
        Resolution of PNG previews (36 to 600).
    grid_out : path, optional
        Also write the page grid as GeoJSON (see :mod:`papermap.output.grid`).
    progress : callable, optional
        Called as ``progress(message, done=None, total=None)`` at each stage of the build.
    use_cache : bool
        Reuse a drawn basemap from the cache and store this one; False draws afresh.
    now : datetime, optional
        The print date on every sheet; default now, or ``SOURCE_DATE_EPOCH`` when it is set.
    **settings
        Any of the :class:`Settings` (``osm``, ``points``, ``bbox``, ``scale``, ``mono``, ``lang``…).

    Returns
    -------
    Report
        The files written, the map pages with their bbox in degrees, the points placed and outside,
        and the warnings.

    Raises
    ------
    InputError
        A wrong setting or unreadable input, naming the file and setting; nothing is written then.
    PapermapError
        Any other failure the user can act on.
    """
    from papermap.pipeline import build_atlas

    if isinstance(config, _config.Config):   # checked again: a bare papermap.config.Config is not
        cfg = Config(**settings_of(config) | settings)
        cfg.config_file = config.config_file   # where it was read from, so it is never written over
        cfg.scale_given = config.scale_given or "scale" in settings
    elif config is None or isinstance(config, (str, os.PathLike)):
        cfg = Config(config, **settings)
    else:
        raise InputError(f"must be a papermap.Config or a config file path, not {type(config).__name__}",
                         field="config")
    grid_path = None if grid_out is None else _folder_of(Path(grid_out), "grid_out")
    stream: BinaryIO | None = None
    target: Path | None = None
    if isinstance(out, (str, os.PathLike)):
        target = _folder_of(Path(out), "out")
        if target.suffix.lower() == ".png":
            check_dpi(dpi)
    elif hasattr(out, "write"):
        stream = out
    else:
        raise PapermapError(f"out must be a path or a binary file, not {type(out).__name__}")

    for path in (target, grid_path):
        if path is not None:
            _config.check_output(cfg, path)   # never write over an input (the extract, a points file…)
    files: list[Path] = []
    if target is not None and target.suffix.lower() != ".png":
        result = build_atlas(cfg, target, progress=progress, now=now, use_cache=use_cache)
        files.append(target)
    else:
        with scratch_folder() as tmp:   # a killed run's folder goes with the next run's
            pdf = tmp / "atlas.pdf"
            result = build_atlas(cfg, pdf, progress=progress, now=now, use_cache=use_cache)
            if target is not None:
                files += write_pngs(pdf, target, dpi, progress)
            elif stream is not None:
                with pdf.open("rb") as f:
                    shutil.copyfileobj(f, stream)
                stream.flush()
    pages = [Page(p.number, result.page_bboxes[p.number], dict(p.neighbours)) for p in result.pages]
    if grid_path is not None:
        from papermap.output.grid import write_grid

        write_grid(grid_path, pages)
        files.append(grid_path)
    return Report(files=files, pages=pages, points=result.points, placed=result.placed, outside=result.outside,
                  warnings=list(result.warnings), layout=result.layout)
