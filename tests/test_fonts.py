"""The Japanese font: parsed once, then loaded from the cache, with the very same PDF output."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DRAW = """
import sys
from pathlib import Path
from papermap.render.pdf import Document
doc = Document(Path(sys.argv[2]), (200, 100), cache_dir=Path(sys.argv[1]) if sys.argv[1] != "-" else None)
doc.text(10, 10, "給水所 Drinking water 123 ○×？", 12)
doc.end_sheet()
doc.finish()
"""


def _draw(cache: str, out: Path) -> bytes:
    subprocess.run([sys.executable, "-c", DRAW, cache, str(out)], check=True)
    return out.read_bytes()


def test_font_from_the_cache_draws_exactly_what_the_parsed_font_draws(tmp_path):
    cache = tmp_path / "cache"
    parsed = _draw("-", tmp_path / "parsed.pdf")
    first = _draw(str(cache), tmp_path / "first.pdf")          # parses, and keeps the parsed font
    assert len(list((cache / "fonts").glob("*.sealed"))) == 1
    cached = _draw(str(cache), tmp_path / "cached.pdf")        # loads it
    assert parsed == first == cached
    assert b"IPAexGothic" in cached


def test_a_damaged_font_cache_is_parsed_again(tmp_path):
    cache = tmp_path / "cache"
    parsed = _draw("-", tmp_path / "parsed.pdf")
    _draw(str(cache), tmp_path / "first.pdf")
    for store in (cache / "fonts").glob("*.sealed"):
        store.write_bytes(b"not a pickle")
    assert _draw(str(cache), tmp_path / "again.pdf") == parsed


def _one_text(out: Path, text: str) -> bytes:
    from papermap.render.pdf import Document

    doc = Document(out, (200, 100))
    doc.text(10, 10, text, 12)
    doc.end_sheet()
    doc.finish()
    return out.read_bytes()


def test_a_font_subset_is_made_and_compressed_once_per_process_and_anew_for_other_glyphs(tmp_path):
    from papermap.render.pdf import fonts
    from pdfcheck import page_texts

    fonts._MADE.clear()
    first = _one_text(tmp_path / "first.pdf", "給水所 water")
    assert len(fonts._MADE) == 1
    (made,) = fonts._MADE.values()
    assert made.packed is not None          # compressed once, when the first PDF was written
    again = _one_text(tmp_path / "again.pdf", "給水所 water")       # the same glyphs: the subset kept
    assert again == first and len(fonts._MADE) == 1
    other = _one_text(tmp_path / "other.pdf", "入浴施設 bath")       # other glyphs: a subset of their own
    assert len(fonts._MADE) == 2
    assert "入浴施設" in page_texts(tmp_path / "other.pdf")[0] and "給水所" in page_texts(tmp_path / "again.pdf")[0]
    assert b"IPAexGothic" in other
