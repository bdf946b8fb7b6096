"""The QR code on every page: a self-describing payload, drawn so a phone reads it even from
a blurred, noisy, washed-out photocopy."""
from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
import pytest
import segno
import zxingcpp

from papermap.layout.qr import qr_matrix, qr_payload
from papermap.render.pdf import Colour, Document
from papermap.render.qr import draw_qr, qr_min_size_pt
from papermap.settings import MM
from pdfcheck import photocopy, render

BBOX = (135.75012, 34.98765, 135.770123, 35.00123)
OSM_URL = "https://www.openstreetmap.org/?minlon={west}&minlat={south}&maxlon={east}&maxlat={north}#p{page}"


def test_payload_describes_the_page_without_a_network():
    text = qr_payload("3", BBOX, "2024-01-10")
    assert text == ("papermap page 3\nbbox 135.75012,34.98765,135.77012,35.00123 (W,S,E,N)\ndata 2024-01-10")


def test_payload_fills_the_link():
    text = qr_payload("12", BBOX, "2024-01-10", OSM_URL)
    assert text.splitlines()[-1] == ("https://www.openstreetmap.org/?minlon=135.75012&minlat=34.98765"
                                     "&maxlon=135.77012&maxlat=35.00123#p12")


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "geo:35.0,135.7",
                                 "www.example.org/{page}", "https://", "file:///etc/passwd"])
def test_only_web_links_are_accepted(url):
    with pytest.raises(ValueError, match="http"):
        qr_payload("1", BBOX, "2024-01-10", url)


@pytest.mark.parametrize("bbox", [(135.8, 35.0, 135.7, 35.1), (0, 91, 1, 92), (float("nan"), 0, 1, 1)])
def test_a_bad_bbox_is_refused(bbox):
    with pytest.raises(ValueError, match="bbox"):
        qr_payload("1", bbox, "2024-01-10")


def _draw(path: Path, text: str, size_pt: float) -> None:
    page = size_pt + 40
    doc = Document(path, (page, page))
    doc.fill(Colour(0.5, 0.5, 0.5))          # a grey map behind it: the quiet zone must cover it
    doc.rect(0, 0, page, page, stroke=False, fill=True)
    draw_qr(doc, qr_matrix(text), 20, 20, size_pt)
    doc.end_sheet()
    doc.finish()


def _decode(img: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(img)]


@pytest.mark.parametrize("text", [
    "papermap page 3",
    qr_payload("3", BBOX, "2024-01-10"),
    qr_payload("3", BBOX, "2024-01-10 09:00 UTC", OSM_URL),
])
def test_code_decodes_at_its_smallest_from_the_pdf_and_from_aphotocopy(tmp_path, text):
    path = tmp_path / "qr.pdf"
    _draw(path, text, qr_min_size_pt(qr_matrix(text)))
    img = render(path, 0, dpi=150, grey=True)
    assert _decode(img) == [text]
    # a phone tries frame after frame; nearly every simulated copy must read
    assert sum(_decode(photocopy(img, seed)) == [text] for seed in range(5)) >= 4


def test_smallest_sizes_for_integration():
    assert qr_min_size_pt(qr_matrix("p3")) == pytest.approx(18 * MM)   # 18 mm is the floor
    assert qr_min_size_pt(qr_matrix(qr_payload("3", BBOX, "2024-01-10"))) <= 28 * MM          # fits the footer
    assert qr_min_size_pt(qr_matrix(qr_payload("3", BBOX, "2024-01-10", OSM_URL))) <= 40 * MM


def _page_stream(path: Path) -> bytes:
    """The page's content stream (the document compresses its streams)."""
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", path.read_bytes(), re.S):
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            continue
        if b" re " in data:
            return data
    raise AssertionError("no page stream")


def test_quiet_zone_is_white_and_modules_are_one_path(tmp_path):
    path = tmp_path / "qr.pdf"
    size = 20 * MM
    _draw(path, "papermap page 1", size)
    img = render(path, 0, dpi=150, grey=True)
    px = 150 / 72
    module = size / segno.make("papermap page 1", error="m", boost_error=True, micro=False).symbol_size()[0]
    top = img.shape[0] - int((20 + size) * px)
    band = img[top + 2: top + int(3.5 * module * px), int(22 * px): int((18 + size) * px)]
    assert band.min() > 250          # the quiet zone is white over the grey map behind
    stream = _page_stream(path)
    assert stream.count(b" re") > 21          # one rectangle per run of dark modules
    assert len(re.findall(rb"(?m)^f\*?$|\sf\*?\s", stream)) <= 3   # grey page, white square, modules


def test_too_small_a_code_is_refused(tmp_path):
    doc = Document(tmp_path / "x.pdf", (595, 842))
    with pytest.raises(ValueError, match="18 mm"):
        draw_qr(doc, qr_matrix("papermap page 1"), 0, 0, 17 * MM)
    text = qr_payload("3", BBOX, "2024-01-10", OSM_URL)
    with pytest.raises(ValueError, match="at least"):
        draw_qr(doc, qr_matrix(text), 0, 0, 20 * MM)
