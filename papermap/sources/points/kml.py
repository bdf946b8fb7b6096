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


# Reading KML's elements, shared with the lines-and-areas reader (sources/overlays/kml.py), so both
# readers see a file alike and name its placemarks alike.

def tag_of(el: Element) -> str:
    """The element's name without its namespace ("Placemark")."""
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def child_of(el: Element, name: str) -> Element | None:
    """The first child called ``name``, if any."""
    return next((c for c in el if tag_of(c) == name), None)


def text_of(el: Element | None) -> str:
    """The element's own text, stripped; "" for no element."""
    return (el.text or "").strip() if el is not None else ""


def kml_root(path: str | Path, data: bytes) -> Element:
    """The <kml> root element of ``data`` (KML or KMZ), parsed safely; anything else refused."""
    root = parse_kml(path, data)
    if tag_of(root) != "kml":
        raise InputError(f"not KML: the root element is <{tag_of(root)}>", file=str(path))
    return root


def placemarks(root: Element, file: str = "") -> Iterator[tuple[Element, int, list[str]]]:
    """Every placemark in document order, numbered from 1, with its folder names (innermost
    first): the folders are a My Maps layer, the data's category or kind hint. Folders nested
    deeper than ``settings.MAX_NESTING`` are refused (an error naming ``file``), never a RecursionError;
    so is a file with no placemark that only links to another (a <NetworkLink>)."""
    counter = itertools.count(1)

    def walk(el: Element, folders: list[str], depth: int) -> Iterator[tuple[Element, int, list[str]]]:
        if depth > settings.MAX_NESTING:
            raise InputError(f"folders nested more than {settings.MAX_NESTING} deep", file=file,
                             where=f"folder {folders[0][:40]!r}" if folders and folders[0] else "")
        for child in el:
            kind = tag_of(child)
            if kind == "Folder":
                yield from walk(child, [text_of(child_of(child, "name")), *folders], depth + 1)
            elif kind == "Document":
                yield from walk(child, folders, depth + 1)  # the map's title, not a category
            elif kind == "Placemark":
                yield child, next(counter), folders

    found = False
    for item in walk(root, [], 0):
        found = True
        yield item
    if not found:
        _refuse_link_only(root, file)


def _refuse_link_only(root: Element, file: str) -> None:
    """Refuse a KML whose only content is a <NetworkLink>: My Maps exports one without
    ``forcekml=1``, and reading it as zero points with success would hand out an empty map."""
    link = next((el for el in root.iter() if tag_of(el) == "NetworkLink"), None)
    if link is None:
        return
    href = next((text_of(el) for el in link.iter() if tag_of(el) == "href" and text_of(el)), "")
    raise InputError(f"this KML only links to {href or 'another file'}: download that link (with &forcekml=1 "
                     "for Google My Maps) and give the downloaded file", file=file, field="NetworkLink")


def placemark_where(pm: Element, n: int) -> str:
    """How messages name placemark ``n``: "placemark 3 '給水所'"."""
    name = text_of(child_of(pm, "name"))
    return f"placemark {n}" + (f" {name[:40]!r}" if name else "")


def extended_data(pm: Element) -> dict[str, str]:
    """The placemark's ExtendedData fields (<Data name><value> and <SimpleData name>), in order."""
    record: dict[str, str] = {}
    extended = child_of(pm, "ExtendedData")
    if extended is not None:
        for data in extended.iter():
            if tag_of(data) == "Data" and data.get("name"):
                record[data.get("name", "")] = text_of(child_of(data, "value"))
            elif tag_of(data) == "SimpleData" and data.get("name"):
                record[data.get("name", "")] = text_of(data)
    return record


def own_description(pm: Element, record: Mapping[str, str]) -> str:
    """The placemark's description, or "" when it only repeats its ExtendedData ``record`` as
    "key: value<br>…" (My Maps does): the fields are kept, not the copy."""
    description = text_of(child_of(pm, "description"))
    if description and record and html_to_text(description).startswith(f"{next(iter(record))}:"):
        return ""
    return description


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
    root = kml_root(path, Path(path).read_bytes() if data is None else data)
    builder = PointBuilder(path, categories, category_map, category)
    for pm, n, folders in placemarks(root, builder.file):
        _placemark(pm, n, folders, builder)
    return builder.finish()


def _placemark(pm: Element, n: int, folders: list[str], builder: PointBuilder) -> None:
    where = placemark_where(pm, n)
    record = extended_data(pm)
    fields, extra = split_record(record)
    fields["name"] = text_of(child_of(pm, "name"))
    address = text_of(child_of(pm, "address"))   # KML's own <address>, which My Maps writes for an address-only place
    if address and not fields.get("address"):
        fields["address"] = address
    description = own_description(pm, record)
    if description:
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
    """The placemark's point coordinates as text; the geometry's name if it has no point at all
    (a line or area: sources/overlays draws it); None if it has no geometry. A MultiGeometry of a
    point and a line keeps its point here (the line is drawn by sources/overlays too)."""
    kinds = []
    coords = []
    for el in pm.iter():
        kind = tag_of(el)
        if kind in ("LineString", "LinearRing", "Polygon", "Track", "Model"):
            kinds.append(kind)
        elif kind == "Point":
            text = text_of(child_of(el, "coordinates"))
            parts = text.split(",")
            coords.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""))
    if kinds and not coords:
        return kinds[0]
    return coords or None
