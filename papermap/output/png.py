"""PNG previews of an atlas: one image per PDF sheet, for a web page, a chat message or a quick look.

pypdfium2 rasterises the finished PDF, so a preview shows exactly what prints. It and Pillow are
imported only here, and only when PNGs are asked for.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from papermap.errors import InputError
from papermap._files import atomic_write

DEFAULT_DPI = 150       # sharp on a screen, about 0.5 MB per A4 sheet
DPI_RANGE = (36, 600)   # an A3 sheet at 600 dpi is already 7000 x 9900 pixels


def check_dpi(dpi: int) -> int:
    """``dpi`` if it is a whole number in DPI_RANGE, else an error naming the field."""
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise InputError(f"dpi must be a whole number from {DPI_RANGE[0]} to {DPI_RANGE[1]}, not {dpi!r}",
                         field="dpi")
    return dpi


def sheet_paths(target: Path, count: int) -> list[Path]:
    """``NAME.png`` -> ``NAME-01.png``, ``NAME-02.png``…: numbered like the PDF's sheets (the
    overview is 01), zero-padded so that the files sort in print order."""
    width = max(2, len(str(count)))
    return [target.with_name(f"{target.stem}-{i:0{width}d}{target.suffix}") for i in range(1, count + 1)]


def write_pngs(pdf: Path, target: Path, dpi: int = DEFAULT_DPI,
               progress: Callable[..., None] | None = None) -> list[Path]:
    """Rasterise every sheet of ``pdf`` to its own PNG named after ``target``; each file is written
    whole or not at all. Returns the paths written, in sheet order."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        paths = sheet_paths(target, len(doc))
        for i, path in enumerate(paths):
            page = doc[i]
            try:
                image = page.render(scale=dpi / 72.0).to_pil()
            finally:
                page.close()
            buf = io.BytesIO()
            image.save(buf, format="PNG", dpi=(dpi, dpi))
            atomic_write(path, buf.getvalue())
            if progress:
                progress("PNG previews", i + 1, len(paths))
    finally:
        doc.close()
    return paths
