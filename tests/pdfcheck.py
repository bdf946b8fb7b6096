"""Read back what a person would see in a PDF: text, text sizes, fonts, pixels."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def font_sizes(path: Path) -> list[tuple[int, str, float]]:
    """(page index, character, size on paper in pt) for every real character.

    The size as set: the font size times the scale of the character's matrix (text matrix, CTM,
    horizontal scaling), as the square root of its determinant, so a turned label keeps its size
    and a number squeezed to 85 % width counts as smaller (7 pt at 85 % is 6.45 pt)."""
    import ctypes
    import math

    pdf = pdfium.PdfDocument(str(path))
    out = []
    try:
        for i in range(len(pdf)):
            tp = pdf[i].get_textpage()
            for k in range(tp.count_chars()):
                if raw.FPDFText_IsGenerated(tp.raw, k):
                    continue
                m = raw.FS_MATRIX()
                raw.FPDFText_GetMatrix(tp.raw, k, ctypes.byref(m))
                scale = math.sqrt(abs(m.a * m.d - m.b * m.c))
                out.append((i, chr(raw.FPDFText_GetUnicode(tp.raw, k)),
                            round(raw.FPDFText_GetFontSize(tp.raw, k) * scale, 3)))
    finally:
        pdf.close()
    return out


def text_boxes(path: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The words on a page with their boxes (x0, top, x1, bottom in points from the top-left), as
    pdfplumber groups characters: to check that labels do not overlap."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        # a halo is the same text drawn twice (outline, then fill): read it once
        words = pdf.pages[page].dedupe_chars().extract_words(keep_blank_chars=False, use_text_flow=False)
    return [(w["text"], (w["x0"], w["top"], w["x1"], w["bottom"])) for w in words]


def fonts(path: Path) -> list[dict]:
    """Every font dictionary in the file with whether its program is embedded."""
    data = Path(path).read_bytes()
    found = []
    for m in re.finditer(rb"<<[^<>]*/Type /Font\b[^<>]*>>", data):
        d = m.group(0)
        base = re.search(rb"/BaseFont /(\S+)", d)
        desc = re.search(rb"/FontDescriptor (\d+) 0 R", d)
        embedded = False
        if desc:
            obj = re.search(rb"\n" + desc.group(1) + rb" 0 obj\s*(<<.*?>>)", data, re.S)
            embedded = bool(obj and re.search(rb"/FontFile[23]? ", obj.group(1)))
        found.append({"name": base.group(1).decode() if base else "?", "embedded": embedded})
    return found


def render(path: Path, page: int, dpi: int = 72, grey: bool = False) -> np.ndarray:
    """The page as an RGB (or greyscale) array, as a printer would lay it down."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        img = pdf[page].render(scale=dpi / 72, grayscale=grey).to_pil()
    finally:
        pdf.close()
    return np.asarray(img.convert("L" if grey else "RGB"))


def colour_share(img: np.ndarray, hex_colour: str, tol: int = 12) -> float:
    """Share of pixels within ``tol`` of a colour."""
    h = hex_colour.lstrip("#")
    target = np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)])
    return float((np.abs(img.astype(int) - target).max(axis=2) <= tol).mean())


def page_count(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def map_page_index(path: Path, number: int) -> int:
    """The PDF page index of map page ``number`` (point-table sheets sit between map pages)."""
    maps = [i for i, text in enumerate(page_texts(path)) if "ページ / Page" in text]
    return maps[number - 1]


def photocopy(img: np.ndarray, seed: int = 1) -> np.ndarray:
    """A grey photocopy of a photocopy: blurred, washed out (grey 60..200), with speckle noise."""
    from PIL import Image, ImageFilter

    blurred = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(1.0)), dtype=float)
    washed = 60 + blurred * (140 / 255)
    noisy = washed + np.random.default_rng(seed).normal(0, 12, washed.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def qr_texts(img: np.ndarray) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
