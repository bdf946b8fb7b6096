"""Only the PDF layer (papermap/render/pdf/) touches ReportLab: no other module imports it or
reaches into an object's private attributes, where ReportLab's internal state hides."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "papermap"
PDF_LAYER = PACKAGE / "render" / "pdf"
# the public names namedtuples are made with start with "_"; argparse's subparser class has no other name
PUBLIC_UNDERSCORE = {"_replace", "_asdict", "_fields", "_make"}
OWN = {"self", "cls"}


def offences(source: str, where: str) -> list[str]:
    """What in ``source`` only the PDF layer may do: import reportlab (by statement or by name), or
    use an attribute starting with "_" of anything but the module's own objects (self, cls)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{where}:{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] == "reportlab"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "reportlab":
            found.append(f"{where}:{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = node.value.id if isinstance(node.value, ast.Name) else None
            if base not in OWN and node.attr not in PUBLIC_UNDERSCORE and base != "argparse":
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in ("getattr", "setattr", "hasattr", "delattr") and any(
                    a.startswith("_") and not a.startswith("__") for a in args):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            if name in ("import_module", "__import__") and any(a.split(".")[0] == "reportlab" for a in args):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_outside_the_pdf_layer_touches_reportlab():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if PDF_LAYER not in path.parents:
            found += offences(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert found == []


def test_the_scan_finds_each_way_in():
    """The scan above would see a module that reached ReportLab in any of these ways."""
    planted = {
        "import reportlab.pdfgen.canvas": 1,
        "from reportlab.lib.colors import black": 1,
        "c._code.append('q')": 1,
        "doc._canvas.showPage()": 1,
        "font.face._pdfScale = 1": 1,
        "x = getattr(c, '_preamble')": 1,
        "import importlib\nimportlib.import_module('reportlab.pdfgen')": 1,
        "self._cache = {}\nrow._replace(name='x')\nimport argparse\nargparse._SubParsersAction": 0,
    }
    for source, count in planted.items():
        assert len(offences(source, "planted")) == count, source


def test_a_save_with_its_words_remembered_writes_reportlabs_own_bytes(tmp_path, monkeypatch):
    """render/pdf/saving.py encodes recurring names and words once per save: the PDF must be the
    one ReportLab writes by itself, byte for byte, on a first save and on later ones (the table
    warm), and ReportLab's own formatters must be back in place after each save."""
    from contextlib import nullcontext
    from datetime import datetime, timezone

    from reportlab.pdfbase import pdfdoc

    import papermap.render.pdf.document as document
    from conftest import MONACO
    from papermap.config import load_config
    from papermap.pipeline import build_atlas
    from papermap.render.pdf import saving

    cfg = load_config(None, {"osm": str(MONACO), "bbox": "7.415,43.728,7.435,43.745", "jobs": 1,
                             "points": [str(REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv")]})
    now = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)

    def saved(name: str) -> bytes:
        build_atlas(cfg, tmp_path / name, now=now, use_cache=False)
        assert pdfdoc.format is saving._reportlab_format
        assert pdfdoc.PDFDictionary.format is saving._reportlab_format_dictionary
        return (tmp_path / name).read_bytes()

    saving._words.clear()
    saving._names.clear()
    first, again = saved("first.pdf"), saved("again.pdf")    # the table empty, then warm
    assert saving._names and saving._words
    monkeypatch.setattr(document, "remembered_words", nullcontext)
    reportlab_alone = saved("reportlab.pdf")
    assert first == again == reportlab_alone
