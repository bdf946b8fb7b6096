"""Draw a QR code as vector modules: crisp at any printer resolution and after photocopying."""
from __future__ import annotations

from functools import lru_cache

from papermap.layout.qr import QrMatrix
from papermap.render.pdf import BLACK, WHITE, Document, num
from papermap.settings import MM

QUIET_ZONE = 4        # modules of white around the code, required by the standard
MIN_SIZE_MM = 18.0    # smaller codes fail on phone cameras
# Smaller modules do not survive a grey photocopy (tests/test_qr.py: ~1 px blur at 150 dpi,
# noise, contrast squeezed to grey 60..200): at 0.5 mm a third of the copies fail, at 0.6 mm
# almost none.
MIN_MODULE_MM = 0.6


def qr_min_size_pt(matrix: QrMatrix) -> float:
    """The smallest width (quiet zone included) at which ``draw_qr`` accepts ``matrix``."""
    return max(MIN_SIZE_MM, (len(matrix) + 2 * QUIET_ZONE) * MIN_MODULE_MM) * MM


def draw_qr(doc: Document, matrix: QrMatrix, x_pt: float, y_pt: float, size_pt: float) -> None:
    """Draw the code in a ``size_pt`` square, quiet zone included, with its bottom-left corner
    at (x_pt, y_pt): white square, then every dark module in one path of rectangles merged
    along each row. Raises ValueError below ``qr_min_size_pt(matrix)``."""
    need = qr_min_size_pt(matrix)
    if size_pt < need - 1e-6:
        raise ValueError(f"this QR code must be at least {need / MM:.1f} mm wide (18 mm and "
                         f"{MIN_MODULE_MM} mm modules), not {size_pt / MM:.1f} mm")
    doc.save_state()
    doc.fill(WHITE)
    doc.rect(x_pt, y_pt, size_pt, size_pt, stroke=False, fill=True)
    doc.fill(BLACK)
    doc.literal(_dark_modules(matrix, x_pt, y_pt, size_pt))
    doc.literal("f*")   # as the document's paths are filled (even-odd): the rectangles never overlap
    doc.restore_state()


@lru_cache(maxsize=64)
def _dark_modules(matrix: QrMatrix, x_pt: float, y_pt: float, size_pt: float) -> str:
    """The dark modules as one path of rectangles merged along each row. Remembered: every build
    of an atlas draws the same codes in the same places (a page's code is its area's)."""
    module = size_pt / (len(matrix) + 2 * QUIET_ZONE)
    top = y_pt + size_pt - QUIET_ZONE * module
    rects = ["n"]   # a new path, as every path the document draws begins
    for r, row in enumerate(matrix):
        y = top - (r + 1) * module
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            rects.append(f"{num(x_pt + (QUIET_ZONE + start) * module, y, (col - start) * module, module)} re")
    return " ".join(rects)
