"""ReportLab's save, with the words it writes again and again encoded once.

Saving a PDF formats every object as text: each dictionary key goes through ``PDFName`` (a
character-by-character escape) and every short string (``/FlateDecode``, ``/XObject``, a form's
name) through ReportLab's own "extpdfdoc" codec, which is written in Python. An atlas writes the
same few hundred names thousands of times: that was a third of a 48-sheet save (~10 ms of
papermap serve's ~0.15 s refresh), and the save is the one step after the sheets that no worker
can share.

``remembered_words()`` swaps in two formatters that give the very same bytes, taking those
encodings from a table, for the length of one save only; the table is bounded. They are
ReportLab's own ``format`` and ``PDFDictionary.format`` (5.1.x, version.py) with that one
change; ``tests/test_pdf_layer.py`` holds the bytes to ReportLab's.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

SHORT = 64          # strings up to this long are remembered (names, operators), longer ones never are
REMEMBERED = 4096   # words the table holds before it starts afresh

_words: dict[str, bytes] = {}
_names: dict[str, bytes] = {}


def _encoded(table: dict[str, bytes], word: str, encoded: bytes) -> bytes:
    if len(table) >= REMEMBERED:
        table.clear()
    table[word] = encoded
    return encoded


def _format(element, document, toplevel=0):
    """``pdfdoc.format``: a short str is encoded as it would be (``pdfdocEnc``), from the table."""
    if type(element) is str and len(element) < SHORT:
        encoded = _words.get(element)
        return encoded if encoded is not None else _encoded(_words, element, element.encode("extpdfdoc"))
    return _reportlab_format(element, document, toplevel)


def _format_dictionary(self, document, IND=b"\n "):
    """``PDFDictionary.format`` with each key's ``format(PDFName(key))`` from the table."""
    entries = self.dict
    keys = list(entries.keys())
    if not isinstance(entries, OrderedDict):
        keys.sort()
    names, format_ = _names, pdfdoc.format
    lines = [(names.get(k) or _encoded(names, k, pdfdoc.PDFName(k).encode("extpdfdoc"))) + b" "
             + format_(entries[k], document) for k in keys]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        body = IND.join(lines)
    else:
        for i in reversed(range(6, len(lines), 6)):    # break up every 6 entries, as ReportLab does
            lines.insert(i, b"\n ")
        body = b" ".join(lines)
    return b"<<\n" + body + b"\n>>"


_reportlab_format = pdfdoc.format
_reportlab_format_dictionary = pdfdoc.PDFDictionary.format


@contextmanager
def remembered_words() -> Iterator[None]:
    """Within: ReportLab formats with the table (the same bytes); after: as it always does."""
    pdfdoc.format, pdfdoc.PDFDictionary.format = _format, _format_dictionary
    try:
        yield
    finally:
        pdfdoc.format, pdfdoc.PDFDictionary.format = _reportlab_format, _reportlab_format_dictionary
