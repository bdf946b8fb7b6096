"""The per-source line every point table ends with: which source, under which licence, as of when.

"As of" is, in this order: the config's ``as_of``; a "9-15 03:00現在" the file itself says (a My
Maps folder name); a file's modification time. (A fetched source's HTTP Last-Modified is not kept
by the download cache yet, so a URL says "as of" only when the config does.)
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

OSM_SOURCE = "OpenStreetMap"
_SAYS_AS_OF = re.compile(r"(\d{1,4}\s*[-/年月.]\s*\d{1,2}(?:\s*[-/月.]\s*\d{1,2})?\s*日?\s*(?:\d{1,2}\s*[:時]\s*\d{0,2}分?)?)"
                         r"\s*(?:時点|現在)")
_AS_OF_WORD = re.compile("時点|現在")
_DATE_REACH = 80     # characters before 現在 in which its date is looked for
_LOOK_AT = 1 << 20   # the "現在" of a folder name is near the top of a file


def says_as_of(path: Path) -> str:
    """The "…現在" / "…時点" date the file's own text gives first (a folder or title), or ""."""
    try:
        with path.open("rb") as f:
            head = f.read(_LOOK_AT)
    except OSError:
        return ""
    for encoding in ("utf-8", "cp932"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _first_as_of(text)
    return ""


def _first_as_of(text: str) -> str:
    """The first date followed by 現在 / 時点 in ``text``: the date is looked for just before each
    of those words, not at every figure of a file full of coordinates (that took 10 ms a file)."""
    for word in _AS_OF_WORD.finditer(text):
        m = _SAYS_AS_OF.search(text, max(0, word.start() - _DATE_REACH), word.end())
        if m:
            return f"{m[1].strip()}現在"
    return ""


def line(name: str, licence: str, as_of: str) -> str:
    """"name · licence · as of …" with what is known."""
    return " · ".join(filter(None, (name, licence, as_of and f"as of {as_of}")))


def source_lines(specs: Iterable[dict], osm_date: str) -> dict[str, str]:
    """Point.source -> its line, for each ``[[sources]]``-like spec (``path`` or ``url``, optional
    ``licence`` and ``as_of``); ``osm_date`` is the extract's date."""
    lines = {OSM_SOURCE: line(OSM_SOURCE, "ODbL", osm_date)}
    for spec in specs:
        as_of = spec.get("as_of", "")
        if "url" in spec:
            key, name = spec["url"], spec["url"]
        else:
            path = Path(spec["path"])
            key, name = str(path), path.name
            if not as_of:
                as_of = says_as_of(path)
            if not as_of:
                try:
                    as_of = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M") + " (file)"
                except OSError:
                    as_of = ""
        lines[key] = line(name, spec.get("licence", ""), as_of)
    return lines
