"""papermap installs anywhere: a wheel made from the sdist, installed into a fresh venv, works from
any directory; the wheel carries the styles, the licences and every dependency it imports."""
from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
import tomllib
import venv
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import MONACO, MONACO_BBOX, REPO
from pdfcheck import map_page_index, page_count, render

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
POINTS = Path(__file__).parent / "fixtures" / "points"


def _name(requirement: str) -> str:
    """'reportlab>=5.1,<5.2' -> 'reportlab' (normalised as PyPI compares names)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement)[0]).lower()


def _imports(path: Path) -> set[str]:
    """Top-level names of the modules a source file imports (absolute imports only)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_runtime_import_is_a_declared_dependency():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    dists = packages_distributions()
    missing = {}
    for path in sorted((REPO / "papermap").rglob("*.py")):
        for name in _imports(path) - set(sys.stdlib_module_names) - {"papermap"}:
            if not {_name(d) for d in dists.get(name, [name])} & declared:
                missing.setdefault(name, str(path.relative_to(REPO)))
    assert missing == {}, f"imported but not in [project] dependencies: {missing}"


def test_every_package_folder_is_listed_for_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.relative_to(REPO).parts) for p in (REPO / "papermap").rglob("*")
               if p.is_dir() and (p / "__init__.py").is_file()} | {"papermap"}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def _index_reachable() -> str | None:
    """Why the package index cannot be reached, or None if it can (the fresh venv needs the deps)."""
    url = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple"
    try:
        url = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                             capture_output=True, text=True, timeout=30).stdout.strip() or url
    except subprocess.SubprocessError:
        pass
    host = urlparse(url)
    try:
        socket.create_connection((host.hostname, host.port or 443), timeout=10).close()
    except OSError as exc:
        return f"package index {url} unreachable ({exc}): cannot install the wheel's dependencies"
    return None


def _run(cmd: list, cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist, and the wheel built from it (as a release is made), in a fresh folder."""
    if reason := _index_reachable():
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", out, REPO], cwd=out)
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """A fresh venv (no system site-packages) with only the wheel and what it declares."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    wheel = next(dist.glob("papermap-*.whl"))
    _run([env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=env_dir)
    return env_dir / "bin"


def test_wheel_carries_styles_licences_and_pins(dist):
    wheel = next(dist.glob("papermap-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    styles = {p.name for p in (REPO / "styles").iterdir() if p.is_file()}
    assert {"colour.toml", "mono.toml", "categories.toml"} <= styles
    assert {f"papermap/styles/{s}" for s in styles} <= names            # every data file, new ones too
    licences = {n.split("/licenses/", 1)[1] for n in names if "/licenses/" in n}
    assert {"LICENSE", "NOTICE.md", "sample_data/LICENSE-DATA.md"} <= licences
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta
    assert re.search(r"^Requires-Dist: reportlab<5\.2,>=5\.1$", meta, re.M), meta
    sdist = next(dist.glob("papermap-*.tar.gz"))
    assert sdist.is_file()


def test_installed_wheel_works_from_any_directory(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PAPERMAP_CACHE_DIR"] = str(tmp_path / "cache")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def papermap(*args) -> subprocess.CompletedProcess:
        return subprocess.run([installed / "papermap", *map(str, args)], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=600)

    where = _run([installed / "python", "-c", "import papermap, papermap.settings as s; "
                  "print(papermap.__file__); print(s.STYLES_DIR)"], cwd=elsewhere, env=env).stdout.split()
    assert all(str(installed.parent) in w and str(REPO) not in w for w in where), where
    assert papermap("--version").stdout.strip().startswith("papermap ")

    for name, extra in (("colour.pdf", []), ("mono.pdf", ["--mono"])):
        proc = papermap("build", "--osm", MONACO, "--bbox", MONACO_BBOX, "-o", name, "--quiet", *extra)
        assert proc.returncode == 0, proc.stderr
        assert page_count(elsewhere / name) >= 5
    colour, mono = (render(elsewhere / n, map_page_index(elsewhere / n, 3), dpi=40).astype(int)
                    for n in ("colour.pdf", "mono.pdf"))
    assert ((colour.max(axis=2) - colour.min(axis=2)) > 30).mean() > 0.05   # the colour style found...
    assert ((mono.max(axis=2) - mono.min(axis=2)) > 30).mean() < 0.001      # ...and the mono one

    template = papermap("template")
    assert template.returncode == 0 and "water = 給水 / Drinking water" in template.stdout  # categories.toml
    check = papermap("check", POINTS / "ten_rows_three_bad.csv")
    assert check.returncode == 1
    assert check.stdout.splitlines()[-1] == "1 file(s): 7 point(s), 3 unusable, 0 warning(s)"
    own = elsewhere / "own.toml"   # a style file of one's own, by a path relative to where one is
    own.write_text((REPO / "styles" / "mono.toml").read_text(encoding="utf-8"), encoding="utf-8")
    proc = papermap("build", "--osm", MONACO, "--bbox", MONACO_BBOX, "--style", "own.toml", "-o", "own.pdf", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (elsewhere / "own.pdf").read_bytes()[:5] == b"%PDF-"
    unknown = papermap("build", "--osm", MONACO, "--style", "sepia", "-o", "x.pdf")
    assert unknown.returncode == 1 and re.search(r"unknown style 'sepia' \(known: .*colour, mono", unknown.stderr)
