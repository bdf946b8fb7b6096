"""Shared test fixtures: the sample data, the shared real data (skipped when absent), a built demo."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
MONACO = SAMPLE / "monaco.osm.pbf"
MONACO_BBOX = "7.409,43.723,7.449,43.752"
SHARED = (REPO / ".." / "shared" / "realdata").resolve()


def shared_file(rel: str) -> Path:
    """A file of ../shared/realdata, or skip the test with the reason."""
    path = SHARED / rel
    if not path.is_file():
        pytest.skip(f"real data not available: {path} (../shared is absent)")
    return path


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory) -> Path:
    """Downloads and drawn basemaps go to a per-session folder, never the user's cache; the key
    that seals cached fonts to a per-session data folder, never the user's."""
    import os

    folder = tmp_path_factory.mktemp("cache")
    os.environ["PAPERMAP_CACHE_DIR"] = str(folder)
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))
    return folder


@pytest.fixture(scope="session")
def demo_pdf(tmp_path_factory) -> Path:
    """The bundled demo atlas, built once per test session."""
    from papermap.cli import main

    out = tmp_path_factory.mktemp("demo") / "demo.pdf"
    assert main(["build", str(SAMPLE / "demo.toml"), "-o", str(out), "--quiet"]) == 0
    return out
