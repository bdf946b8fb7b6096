"""papermap serve's warm worker keeps each basemap page's content stream compressed from build to
build (render/pdf/kept.py): a rebuild after the points change prints the very same pages, one
process or many, and compresses no basemap again."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest
from conftest import MONACO, MONACO_BBOX, REPO
from papermap.config import load_config
from papermap.pipeline import build_atlas
from papermap.render.pdf import keep_streams
from papermap.render.pdf import filing
from papermap.render.pdf.kept import KEPT, KeptStreams
from pdfcheck import page_count, page_texts, render

RELIEF = REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def kept():
    """Streams kept, as in serve's worker; off and empty again afterwards (the CLI's default)."""
    keep_streams(64)
    yield KEPT
    keep_streams(0)
    assert len(KEPT) == 0


def build(tmp_path, name: str, jobs: int, cache: str = "cache"):
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)], "jobs": jobs,
                             "cache_dir": str(tmp_path / cache)})
    build_atlas(cfg, tmp_path / name, now=NOW)
    return tmp_path / name


def kept_parts(monkeypatch) -> list[bool]:
    """For every kept run filed from now on, whether it came compressed afresh (True) or was
    named by its digest and taken from the store (False); by the parent or a worker alike."""
    fresh: list[bool] = []
    real = filing._file

    def recording(doc, sheet):
        fresh.extend(data is not None for digest, data in sheet.parts if digest)
        real(doc, sheet)

    monkeypatch.setattr(filing, "_file", recording)
    return fresh


def test_pages_look_the_same_with_streams_kept(tmp_path, kept):
    kept.budget = 0
    plain = build(tmp_path, "plain.pdf", jobs=1)
    keep_streams(64)
    warm = build(tmp_path, "kept.pdf", jobs=1)
    assert len(kept) >= 5                 # the overview and every map page's basemap
    assert page_texts(warm) == page_texts(plain)
    for i in range(page_count(plain)):
        assert np.array_equal(render(warm, i, dpi=40), render(plain, i, dpi=40)), f"sheet {i + 1} differs"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rebuild_compresses_no_basemap_again_and_prints_the_same(tmp_path, kept, monkeypatch, jobs):
    fresh = kept_parts(monkeypatch)
    first = build(tmp_path, "first.pdf", jobs).read_bytes()
    assert len(fresh) >= 5 and all(fresh)     # the overview and every map page, compressed once
    drawn, fresh[:] = len(fresh), []
    again = build(tmp_path, "again.pdf", jobs).read_bytes()
    assert again == first
    assert len(fresh) == drawn and not any(fresh)


def test_one_process_and_workers_make_the_same_pdf_with_streams_kept(tmp_path, kept):
    one = build(tmp_path, "one.pdf", jobs=1, cache="c1").read_bytes()
    keep_streams(0)        # start the workers' build with none kept
    keep_streams(64)
    assert len(kept) == 0
    two = build(tmp_path, "two.pdf", jobs=2, cache="c2").read_bytes()
    assert one == two


def test_the_store_stays_within_its_budget_and_lets_the_oldest_go():
    store = KeptStreams()
    store.budget = 100
    packs = {bytes([i]): bytes(40) for i in range(6)}
    for digest, packed in packs.items():
        store.put(digest, packed)
    assert len(store) == 5                # a document may fill twice the budget, no more
    assert store.get(bytes([0])) == bytes(40)   # used again: the most recent now
    store.trim()                          # the next document begins
    assert len(store) == 2 and store.has(bytes([0])) and store.has(bytes([4]))
    store.budget = 0
    store.put(b"x", b"y")
    assert not store.has(b"x")            # off: nothing is kept
