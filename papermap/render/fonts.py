"""The one font on every page: IPAexGothic (TrueType, Japanese and Latin), embedded and subset.

It comes from the japanize-matplotlib wheel, so ``pip install`` brings it on any OS and
Japanese text never turns into boxes. A TrueType font is required: reportlab embeds and
subsets only TrueType outlines (Noto CJK is CFF-based OpenType).
"""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from papermap.errors import PapermapError

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


@lru_cache(maxsize=1)
def register() -> str:
    """Register the font with reportlab once per process; returns its name."""
    path = font_path()
    if not path.is_file():
        raise PapermapError(f"font file not found: {path}")
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size``."""
    return pdfmetrics.stringWidth(text, register(), size)
