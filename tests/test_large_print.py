"""--large-print (issue 16 item 4): the sample atlas for elderly readers, measured in its PDF."""
from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from conftest import MONACO, MONACO_BBOX, SAMPLE
from pdfcheck import font_sizes, map_page_index, page_texts

FLOOR_PT = 9.0


@pytest.fixture(scope="module")
def large_pdf(tmp_path_factory) -> Path:
    """The bundled demo atlas built with --large-print."""
    from papermap.cli import main

    out = tmp_path_factory.mktemp("large") / "large.pdf"
    assert main(["build", str(SAMPLE / "demo.toml"), "--large-print", "-o", str(out), "--quiet"]) == 0
    return out


def test_no_text_under_9pt_on_any_sheet(large_pdf):
    """Overview, map pages (labels, grid references, legend, footer, credits), tables, lists of lines
    and areas, index sheets: every character as set, turned labels included."""
    sizes = font_sizes(large_pdf)
    small = sorted({(page, size) for page, ch, size in sizes if not ch.isspace() and size < FLOOR_PT - 1e-3})
    assert small == [], f"text under {FLOOR_PT} pt (page, size): {small[:20]}"
    kinds = " ".join(page_texts(large_pdf))
    for sheet in ("全体図", "ページ / Page", "一覧 / List", "索引"):
        assert sheet in kinds, f"no {sheet} sheet was measured"


def _table_words(path: Path, page: int) -> list[dict]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return pdf.pages[page].dedupe_chars().extract_words(extra_attrs=["size"])


def test_table_names_14pt_and_text_12pt(large_pdf):
    """On the first table sheet: each row's number and the first word of its name at least 14 pt,
    every word of the table (header, rows) at least 12 pt."""
    texts = page_texts(large_pdf)
    page = next(i for i, t in enumerate(texts) if "一覧 / List" in t and "Points on map page 1" in t)
    words = _table_words(large_pdf, page)
    header = next(w for w in words if w["text"] == "No.")
    name_x = next(w for w in words if w["text"] == "名称")["x0"]
    hours_x = next(w for w in words if w["text"].startswith("時間"))["x0"]
    sources_top = min(w["top"] for w in words if w["text"].startswith("出典") and w["top"] > header["top"])
    table = [w for w in words if header["top"] - 1 <= w["top"] < sources_top - 1]
    assert min(w["size"] for w in table) >= 12.0 - 1e-3
    numbers = [w for w in table if w["text"].isdigit() and w["x1"] < name_x]
    assert len(numbers) >= 5
    for number in numbers:
        assert number["size"] >= 14.0 - 1e-3
        name = min((w for w in table if abs(w["top"] - number["top"]) < 3 and name_x - 1 <= w["x0"] < hours_x),
                   key=lambda w: w["x0"])
        assert name["size"] >= 14.0 - 1e-3, (number["text"], name)


def test_symbols_one_and_a_half_times(large_pdf, demo_pdf):
    """The layout's symbols are 1.5 times the normal ones (map, table, legend), and so are the
    numbers printed inside the map's symbols."""
    from papermap.config import Config
    from papermap.layout.atlas import AtlasFormat
    from papermap.layout.printsize import NORMAL

    large = AtlasFormat(Config(osm=MONACO, large_print=True)).sizes
    assert AtlasFormat(Config(osm=MONACO)).sizes == NORMAL
    for field in ("symbol_mm", "table_symbol", "legend_symbol"):
        assert getattr(large, field) == pytest.approx(1.5 * getattr(NORMAL, field)), field

    def frame_digits(path: Path) -> list[float]:
        """The sizes of the figures inside map page 1's frame: the symbols' numbers (grid
        references and tabs are outside it)."""
        import pdfplumber

        from papermap.layout.frame import sheet_layout
        from papermap.settings import MM

        m = sheet_layout("A4", "portrait").map
        with pdfplumber.open(str(path)) as pdf:
            page = pdf.pages[map_page_index(path, 1)]
            x0, x1, top, bottom = m.x * MM, m.x1 * MM, page.height - m.y1 * MM, page.height - m.y * MM
            return [round(c["size"], 2) for c in page.dedupe_chars().chars
                    if c["text"].isdigit() and c["upright"] and x0 < c["x0"] < x1 and top < c["top"] < bottom]

    normal = statistics.mode(frame_digits(demo_pdf))
    large_digits = frame_digits(large_pdf)
    assert 1.5 * normal in large_digits and normal not in large_digits

def test_other_layouts_say_they_print_normal_sizes(tmp_path):
    import papermap

    report = papermap.build(tmp_path / "sheet.pdf", osm=MONACO, bbox=MONACO_BBOX, layout="sheet", large_print=True,
                            osm_points=True)
    assert any("--large-print" in w and "sheet" in w for w in report.warnings)


def test_config_key_is_type_checked(tmp_path):
    from papermap.config import load_config
    from papermap.errors import InputError

    path = tmp_path / "a.toml"
    path.write_text(f'osm = "{MONACO}"\nlarge_print = "yes"\n', encoding="utf-8")
    with pytest.raises(InputError, match="large_print"):
        load_config(path, {})
    path.write_text(f'osm = "{MONACO}"\nlarge_print = true\n', encoding="utf-8")
    assert load_config(path, {}).large_print is True


def test_address_only_sheet_in_large_print(tmp_path):
    """Points the map data could not place are listed on a sheet of their own: in large print too,
    nothing on it under 9 pt and its table's text at 12 pt or more."""
    from papermap.config import load_config
    from papermap.pipeline import build_atlas

    kml = Path(__file__).parent / "fixtures" / "address_only_monaco.kml"
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "osm_points": False, "large_print": True,
                             "sources": [{"path": str(kml)}]})
    out = tmp_path / "a.pdf"
    build_atlas(cfg, out)
    page = next(i for i, t in enumerate(page_texts(out)) if "Address only (not on the map)" in t)
    assert min(size for p, ch, size in font_sizes(out) if p == page and not ch.isspace()) >= FLOOR_PT - 1e-3
    words = _table_words(out, page)
    header = next(w for w in words if w["text"] == "No.")
    rows = [w for w in words if w["top"] >= header["top"] - 1 and w["text"].isdigit() and w["x1"] < header["x1"] + 30]
    assert rows and min(w["size"] for w in rows) >= 14.0 - 1e-3
