"""SOURCE_DATE_EPOCH: the same inputs give the same PDF, byte for byte, whatever the day and --jobs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SAMPLE
from pdfcheck import page_texts

EPOCH = "1700000000"   # 2023-11-14 22:13:20 UTC


def build(out: Path, cache: Path, *args: str, epoch: str | None = EPOCH) -> subprocess.CompletedProcess:
    env = dict(os.environ, PAPERMAP_CACHE_DIR=str(cache))
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run([sys.executable, "-m", "papermap", "build", str(SAMPLE / "demo.toml"), "-o", str(out),
                           "--quiet", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_same_epoch_gives_identical_bytes_with_one_job_and_the_default(tmp_path):
    outs = []
    for i, jobs in enumerate([("--jobs", "1"), (), ("--jobs", "1"), ()]):
        out = tmp_path / f"atlas{i}.pdf"
        # each build with a fresh cache but the last, which draws from the cache the third one filled
        result = build(out, tmp_path / f"cache{min(i, 2)}", *jobs)
        assert result.returncode == 0, result.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2] == outs[3]


def test_the_epoch_is_the_printed_date_and_the_pdf_dates(tmp_path):
    out = tmp_path / "atlas.pdf"
    assert build(out, tmp_path / "cache").returncode == 0
    texts = page_texts(out)
    assert all("2023-11-14 22:13" in t for t in texts[:2])    # the overview and the first map page
    data = out.read_bytes()
    assert b"/CreationDate (D:20231114221320+00'00')" in data and b"/ModDate (D:20231114221320+00'00')" in data
    other = tmp_path / "other.pdf"
    assert build(other, tmp_path / "cache", epoch="1800000000").returncode == 0
    assert "2027-01-15 08:00" in page_texts(other)[0] and other.read_bytes() != data


def test_without_the_epoch_the_pdf_is_dated_when_it_was_printed(tmp_path):
    out = tmp_path / "atlas.pdf"
    assert build(out, tmp_path / "cache", epoch=None).returncode == 0
    assert b"D:2000" not in out.read_bytes()   # not ReportLab's invariant 2000-01-01


def test_a_malformed_epoch_is_one_line_naming_it(tmp_path):
    out = tmp_path / "atlas.pdf"
    result = build(out, tmp_path / "cache", epoch="yesterday")
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.strip().splitlines() == [
        "papermap: error: SOURCE_DATE_EPOCH: must be a whole number of seconds since 1970-01-01 UTC, not 'yesterday'"]
