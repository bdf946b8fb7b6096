"""Content streams kept compressed from one PDF to the next in the same process.

A page's basemap is hundreds of kilobytes of path operators that do not change when only the
points do. Compressing it is most of the cost of writing a map page, and papermap serve's warm
worker writes the same basemaps build after build. With ``keep_streams(megabytes)`` on, a run of
operators drawn with ``Document.literal_kept`` becomes a content stream of its own (a page's
content may be an array of streams, read as one), compressed the first time and then taken from
here, found by a digest of its text.

Off by default: a one-off build (the CLI) writes each basemap once, and keeping them all would
make its memory grow with the page count. Then ``literal_kept`` is a plain ``literal``.

Within one document nothing is ever let go, so a forked worker, which inherits this store as it
was when the document began, never names a stream the parent no longer has. A document may add
streams up to twice the budget; when the next one begins, the least recently used are let go
until the store is within the budget again.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict


class KeptStreams:
    """Compressed streams by digest, within a budget of bytes (0: nothing is kept)."""

    def __init__(self) -> None:
        self.budget = 0
        self._packed: OrderedDict[bytes, bytes] = OrderedDict()
        self._size = 0

    @property
    def on(self) -> bool:
        return self.budget > 0

    @staticmethod
    def digest(ops: str) -> bytes:
        return hashlib.blake2b(ops.encode("utf8"), digest_size=16).digest()

    def get(self, digest: bytes) -> bytes | None:
        """The compressed stream of that digest, if kept."""
        packed = self._packed.get(digest)
        if packed is not None:
            self._packed.move_to_end(digest)
        return packed

    def has(self, digest: bytes) -> bool:
        return digest in self._packed

    def put(self, digest: bytes, packed: bytes) -> None:
        """Keep a stream, up to twice the budget (never letting one go: see the module's note)."""
        if self.on and digest not in self._packed and self._size + len(packed) <= 2 * self.budget:
            self._packed[digest] = packed
            self._size += len(packed)

    def trim(self) -> None:
        """Let the least recently used go until the store is within its budget: between documents."""
        while self._packed and self._size > self.budget:
            self._size -= len(self._packed.popitem(last=False)[1])

    def __len__(self) -> int:
        return len(self._packed)


KEPT = KeptStreams()


class _Compressed:
    """The filter of a stream whose content is compressed already (a kept stream, a worker's
    page, a font subset made before): it only names the filter, as PDFZCompress would."""

    pdfname = "FlateDecode"

    def encode(self, data: bytes) -> bytes:
        return data


COMPRESSED = _Compressed()


def keep_streams(megabytes: float) -> None:
    """Keep up to ``megabytes`` of compressed basemap streams in this process from build to build
    (0: none, the default). For long-lived processes that rebuild the same pages: papermap serve."""
    KEPT.budget = int(megabytes * 1024 * 1024)
    KEPT.trim()
