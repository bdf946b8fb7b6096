"""The one font on every page: IPAexGothic (TrueType, Japanese and Latin), embedded and subset.

It comes from the japanize-matplotlib wheel, so ``pip install`` brings it on any OS and
Japanese text never turns into boxes. A TrueType font is required: reportlab embeds and
subsets only TrueType outlines (Noto CJK is CFF-based OpenType).
"""
from __future__ import annotations

import hashlib
import importlib.util
import operator
import os
import pickle
from collections import OrderedDict
from functools import lru_cache, partial
from pathlib import Path
from types import FunctionType
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFStream, PDFZCompress
from reportlab.pdfbase.ttfonts import TTFont

from papermap.errors import PapermapError
from papermap._files import atomic_write, seal, seal_key, sweep, unseal
from papermap.render.pdf.kept import COMPRESSED

FONT = "IPAexGothic"


def font_path() -> Path:
    """IPAexGothic from the environment (PAPERMAP_FONT) or the japanize-matplotlib package."""
    override = os.environ.get("PAPERMAP_FONT")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or spec.origin is None:
        raise PapermapError("the Japanese font is missing: pip install japanize-matplotlib "
                            "(or set PAPERMAP_FONT to a TrueType .ttf file)")
    return Path(spec.origin).parent / "fonts" / "ipaexg.ttf"


def register(cache_dir: Path | None = None) -> str:
    """Register the font with reportlab once per process; returns its name.

    Parsing the 6 MB font takes reportlab ~0.2 s, a fifth of a refresh; with ``cache_dir`` the
    parsed font is kept there and loaded in a few milliseconds next time.
    """
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = font_path()
        if not path.is_file():
            raise PapermapError(f"font file not found: {path}")
        font = _load(path, cache_dir) if cache_dir else TTFont(FONT, str(path))
        _keep_subsets(font.face)
        pdfmetrics.registerFont(font)
    return FONT


SUBSETS_KEPT = 8   # font subsets a process keeps made (each ~65 KB for a 250-character subset)


class _Made:
    """One subset of the embedded font as made, and compressed once it has been written."""

    __slots__ = ("data", "packed")

    def __init__(self, data: bytes):
        self.data = data
        self.packed: bytes | None = None


_MADE: OrderedDict[tuple[int, ...], _Made] = OrderedDict()   # the embedded font's subsets, by code points


def _keep_subsets(face) -> None:
    """Make and compress each subset of the embedded font once per process. A PDF embeds the
    glyphs its text uses; ReportLab makes that subset anew at every save and compresses it (~9 ms
    of a serve refresh's ~0.18 s, all of it after the pages are drawn), and a refresh with the
    same kinds, wordings and names uses the very same glyphs. Keyed by the glyphs' code points,
    so a subset that differs is made as before; the PDF is the same, byte for byte."""
    make, add = face.makeSubset, face.addSubsetObjects

    def made(subset) -> _Made:
        key = tuple(subset)
        if key not in _MADE:
            _MADE[key] = _Made(make(subset))
            if len(_MADE) > SUBSETS_KEPT:
                _MADE.popitem(last=False)
        return _MADE[key]

    def add_subset_objects(doc, fontname: str, subset):
        reference = add(doc, fontname, subset)
        # the font file stream ReportLab just made of made(subset).data, to be compressed on save
        stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
        if isinstance(stream, PDFStream) and stream.filters == [PDFZCompress]:
            subset_made = made(subset)
            if subset_made.packed is None:
                subset_made.packed = PDFZCompress.encode(subset_made.data)
            stream.content, stream.filters = subset_made.packed, [COMPRESSED]
        return reference

    face.makeSubset = lambda subset: made(subset).data
    face.addSubsetObjects = add_subset_objects


def _load(path: Path, cache_dir: Path) -> TTFont:
    """The parsed font from ``cache_dir``, else parsed and stored there for next time.

    The parsed font is a pickle, which runs code when loaded; so it is sealed with an HMAC whose
    key only this user can read, kept outside the cache (``_files.seal_key``), and a stored font
    whose seal does not match (damaged, or planted by whoever can write the cache folder) is never
    unpickled: the font is parsed again. Without a key the font is parsed every time.
    """
    from reportlab import Version

    secret = seal_key()
    if secret is None:
        return TTFont(FONT, str(path))
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{Version}".encode()).hexdigest()[:32]
    store = cache_dir / "fonts" / f"{key}.sealed"
    sweep(store.parent)
    try:
        data = unseal(store.read_bytes(), secret)
    except OSError:
        data = None
    if data is not None:
        try:
            font = pickle.loads(data)
            font.state = WeakKeyDictionary()   # per-document subsets: always start empty
            return font
        except Exception:   # sealed by an older papermap whose classes have changed: parse again
            pass
    font = TTFont(FONT, str(path))
    face = font.face
    if isinstance(getattr(face, "_pdfScale", None), FunctionType) and hasattr(font, "state"):
        state, scale = font.state, face._pdfScale
        # reportlab's units-per-em scaling is a lambda, which pickle refuses; this is the same sum
        face._pdfScale = operator.pos if face.unitsPerEm == 1000 else partial(operator.mul, 1000 / face.unitsPerEm)
        font.state = None
        try:
            store.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(store, seal(pickle.dumps(font, protocol=pickle.HIGHEST_PROTOCOL), secret))
        except (OSError, PapermapError):
            pass                             # a read-only or full cache only costs the parse next time
        finally:
            font.state, face._pdfScale = state, scale
    return font


@lru_cache(maxsize=65536)
def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size``; tables and legends ask for the same words again and again."""
    return pdfmetrics.stringWidth(text, register(), size)


def has_glyph(ch: str) -> bool:
    """Whether the font draws ``ch`` (else it would print as a box: tofu)."""
    register()
    return ord(ch) in pdfmetrics.getFont(FONT).face.charToGlyph
