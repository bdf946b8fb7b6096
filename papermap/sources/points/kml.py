"""KML / KMZ as Google My Maps exports it: folders are layers (our category hints), HTML descriptions.

Parsed with defusedxml: a file that declares entities (billion laughs) or points at external ones
(XXE, e.g. file:///etc/passwd) is refused outright; KML never needs either.
"""
from __future__ import annotations

import io
import itertools
import lzma
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from papermap import settings
from papermap.errors import InputError
from papermap.model.categories import Categories
from papermap.model.points import ReadResult
from papermap.sources.points.fields import split_record
from papermap.sources.points.record import PointBuilder, RawRecord
from papermap.sources.points.text import html_to_text

# what a broken or hostile zip raises from zipfile and its decompressors: bad headers, bad CRC,
# unsupported or encrypted members (NotImplementedError, RuntimeError), corrupt streams
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, EOFError,
               OSError, lzma.LZMAError, zlib.error)


def _tag(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if _tag(c) == name), None)


def _text(el: Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def kml_bytes(path: str | Path, data: bytes) -> bytes:
    """The KML document itself: ``data`` unchanged, or doc.kml (else the first .kml) from a KMZ zip."""
    if not data.startswith(b"PK"):
        return data
    limit = settings.MAX_KMZ_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as kmz:
            names = [n for n in kmz.namelist() if n.lower().endswith(".kml")]
            if not names:
                raise InputError("KMZ has no .kml file inside", file=str(path))
            member = "doc.kml" if "doc.kml" in names else names[0]
            # read in slices, counting what actually comes out: the header's size may lie (a zip bomb),
            # and zipfile's read() would inflate up to 2 GB at once before its CRC check
            chunks, size = [], 0
            with kmz.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    if size > limit:
                        raise InputError(f"{member} inside the KMZ unpacks to more than {limit >> 20} MB: refused "
                                         "(a zip bomb, or not a relief map)", file=str(path))
                    chunks.append(chunk)
            return b"".join(chunks)
    except _ZIP_ERRORS as exc:
        raise InputError(f"not a valid KMZ (zip) file: {exc}", file=str(path)) from None


def parse_kml(path: str | Path, data: bytes) -> Element:
    """The safely parsed root element; hostile or broken XML becomes an InputError naming the file."""
    try:
        return SafeET.fromstring(kml_bytes(path, data))
    except defusedxml.DefusedXmlException as exc:
        raise InputError(f"refused: the XML declares entities or external references ({exc}); "
                         "KML never needs them and they can be used to attack the computer", file=str(path)) from exc
    except ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        raise InputError(f"not well-formed XML: {exc}", file=str(path), where=str(line or "")) from exc
    except (LookupError, ValueError) as exc:  # an encoding in the prolog that Python or expat does not know
        raise InputError(f"unreadable XML encoding ({exc})", file=str(path)) from None


def read_kml(path: str | Path, categories: Categories, category_map: Mapping[str, str] | None = None,
             data: bytes | None = None, category: str | None = None) -> ReadResult:
    """Every placemark, with its folder names (innermost first) as category candidates."""
    root = parse_kml(path, Path(path).read_bytes() if data is None else data)
    if _tag(root) != "kml":
        raise InputError(f"not KML: the root element is <{_tag(root)}>", file=str(path))
    builder = PointBuilder(path, categories, category_map, category)
    _walk(root, [], builder, itertools.count(1))
    return builder.finish()


def _walk(el: Element, folders: list[str], builder: PointBuilder, counter: Iterator[int], depth: int = 0) -> None:
    if depth > settings.MAX_NESTING:
        raise InputError(f"folders nested more than {settings.MAX_NESTING} deep", file=builder.file,
                         where=f"folder {folders[0][:40]!r}" if folders and folders[0] else "")
    for child in el:
        kind = _tag(child)
        if kind == "Folder":
            _walk(child, [_text(_child(child, "name")), *folders], builder, counter, depth + 1)
        elif kind == "Document":
            _walk(child, folders, builder, counter, depth + 1)  # the map's title, not a category
        elif kind == "Placemark":
            _placemark(child, next(counter), folders, builder)


def _placemark(pm: Element, n: int, folders: list[str], builder: PointBuilder) -> None:
    name = _text(_child(pm, "name"))
    where = f"placemark {n}" + (f" {name[:40]!r}" if name else "")
    record: dict[str, str] = {}
    extended = _child(pm, "ExtendedData")
    if extended is not None:
        for data in extended.iter():
            if _tag(data) == "Data" and data.get("name"):
                record[data.get("name", "")] = _text(_child(data, "value"))
            elif _tag(data) == "SimpleData" and data.get("name"):
                record[data.get("name", "")] = _text(data)
    fields, extra = split_record(record)
    fields["name"] = name
    description = _text(_child(pm, "description"))
    # My Maps repeats ExtendedData as "key: value<br>…" in the description: keep the fields, not the copy
    if description and not (record and html_to_text(description).startswith(f"{next(iter(record))}:")):
        fields["description"] = description
    folders = [f for f in folders if f]
    points = _points(pm)
    if points is None:
        builder.add(RawRecord(where, str(n), fields, extra, folders=folders))
    elif isinstance(points, str):
        builder.problem(where, "geometry", f"{points} is not a point: left out (mark the place with a point)")
    else:
        for i, (lon, lat) in enumerate(points, 1):
            sub = (f"{where} part {i}", f"{n}.{i}") if len(points) > 1 else (where, str(n))
            builder.add(RawRecord(sub[0], sub[1], dict(fields), dict(extra), lon=lon, lat=lat, folders=folders))


def _points(pm: Element) -> list[tuple[str, str]] | str | None:
    """The placemark's point coordinates as text; the geometry's name if it is not made of points;
    None if it has no geometry at all."""
    kinds = []
    coords = []
    for el in pm.iter():
        kind = _tag(el)
        if kind in ("LineString", "LinearRing", "Polygon", "Track", "Model"):
            kinds.append(kind)
        elif kind == "Point":
            text = _text(_child(el, "coordinates"))
            parts = text.split(",")
            coords.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""))
    if kinds:
        return kinds[0]
    return coords or None
