"""A run that is killed, or that meets a full or read-only disk, leaves nothing broken: no half PDF,
no worker alive, no stray temporary file after the next run, and the next run succeeds."""
from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from conftest import MONACO, REPO, SAMPLE

from papermap import _files
from papermap.cli import main
from papermap.render import artcache

RUNS = REPO / "tests" / "fixtures" / "runs"
EPOCH = "1700000000"


# -- processes ---------------------------------------------------------------------------------
def _tagged(tag: str) -> list[int]:
    """Live (not zombie) processes whose environment carries ``tag``: a run and its forks."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"PAPERMAP_TEST_TAG={tag}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def _gone(tag: str, within: float = 10.0) -> list[int]:
    """The tagged processes still alive after waiting up to ``within`` seconds for them to go."""
    end = time.monotonic() + within
    while (alive := _tagged(tag)) and time.monotonic() < end:
        time.sleep(0.05)
    return alive


def _env(tag: str, cache: Path, data: Path, tmp: Path) -> dict[str, str]:
    return dict(os.environ, PAPERMAP_CACHE_DIR=str(cache), XDG_DATA_HOME=str(data), TMPDIR=str(tmp),
                SOURCE_DATE_EPOCH=EPOCH, PAPERMAP_TEST_TAG=tag)


needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists() or "fork" not in
                                __import__("multiprocessing").get_all_start_methods(),
                                reason="needs /proc and fork")

PARENT = textwrap.dedent("""
    import sys, time
    from papermap import forks
    def job(i):
        time.sleep(600)
    if sys.argv[1] == "pool":
        list(forks.forked_map(job, 4, 2))
    else:
        with forks.Background(lambda: job(0), 2) as b:
            b.result()
""")


@needs_proc
@pytest.mark.parametrize("kind", ["pool", "background"])
def test_workers_die_with_their_parent(tmp_path, kind):
    tag = f"{os.getpid()}-{kind}-{random.random()}"
    proc = subprocess.Popen([sys.executable, "-c", PARENT, kind], env=dict(os.environ, PAPERMAP_TEST_TAG=tag))
    try:
        end = time.monotonic() + 60
        while len(_tagged(tag)) < 2 and time.monotonic() < end:   # the parent and its worker(s)
            time.sleep(0.05)
        assert len(_tagged(tag)) >= 2
    finally:
        proc.kill()
        proc.wait()
    assert _gone(tag) == []


# -- killed at random moments ------------------------------------------------------------------
def _strays(*folders: Path) -> list[Path]:
    strays = []
    for folder in folders:
        if folder.is_dir():
            strays += [p for p in folder.rglob("*") if ".papermap-" in p.name or p.name.startswith("papermap-")]
    return strays


@needs_proc
def test_a_build_killed_at_random_moments_leaves_nothing_broken(tmp_path):
    """20 builds killed with SIGKILL at delays spread over a whole build, each followed by a build
    that must succeed: the output is the old complete file throughout, no worker outlives its
    parent, no temporary file is left after the next run, the cache is valid or drawn again, and
    every PDF is byte for byte the one a clean build makes."""
    cache, data, tmp = tmp_path / "cache", tmp_path / "data", tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out" / "atlas.pdf"
    out.parent.mkdir()
    args = [sys.executable, "-m", "papermap", "build", str(SAMPLE / "demo.toml"), "-o", str(out), "--quiet",
            "--jobs", "2"]

    def complete(tag: str) -> float:
        start = time.monotonic()
        result = subprocess.run(args, env=_env(tag, cache, data, tmp), cwd=REPO, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        return time.monotonic() - start

    span = complete("first")           # how long a build takes here: the kills are spread over it
    reference = out.read_bytes()
    rng = random.Random(18)
    for trial in range(20):
        if trial % 3 == 0:             # every third build draws the basemap afresh, caching it
            for entry in (cache / "art").glob("*"):
                entry.unlink()
        tag = f"{os.getpid()}-{trial}-{rng.random()}"
        proc = subprocess.Popen(args, env=_env(tag, cache, data, tmp), cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, span))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _gone(tag) == [], f"trial {trial}: workers outlived their parent"
        assert out.read_bytes() == reference, f"trial {trial}: the old PDF was touched"
        complete(f"{tag}-next")
        assert out.read_bytes() == reference
        assert _strays(out.parent, cache, data, tmp) == [], f"trial {trial}"
        art = cache / "art"
        for entry in art.glob("*.art"):
            assert artcache.load(art, entry.stem) is not None
        for entry in art.glob("*.qr"):
            assert artcache.load(art, entry.stem, ".qr") is not None


# -- disks that refuse ---------------------------------------------------------------------------
def _build(out: Path, *extra: str) -> list[str]:
    return ["build", "--osm", str(MONACO), "--bbox", "7.42,43.73,7.425,43.735", "--quiet", "--no-cache",
            "--jobs", "1", "-o", str(out), *extra]


def _error_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("papermap: error")]


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    from papermap.render.pdf import document

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(document.Document, "finish", full)
    out = tmp_path / "atlas.pdf"
    assert main(_build(out)) == 1
    assert _error_lines(capsys) == [f"papermap: error: {out}: cannot write: no space left on the disk"]
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_folder_is_one_line(tmp_path, monkeypatch, capsys):
    def refused(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "atlas.pdf"
    assert main(_build(out)) == 1
    assert _error_lines(capsys) == [f"papermap: error: {out}: cannot write: the folder is on a read-only disk"]


@pytest.mark.parametrize("make", ["folder", "missing"])
def test_an_output_that_is_a_folder_or_in_a_missing_folder_is_one_line(tmp_path, capsys, make):
    out = tmp_path if make == "folder" else tmp_path / "no" / "atlas.pdf"
    assert main(_build(out)) == 1
    lines = _error_lines(capsys)
    assert len(lines) == 1 and str(out) in lines[0]
    assert ("folder, not a file" if make == "folder" else "does not exist") in lines[0]


@pytest.mark.parametrize("make", ["folder", "missing"])
def test_template_into_a_folder_or_a_missing_folder_is_one_line(tmp_path, capsys, make):
    out = tmp_path if make == "folder" else tmp_path / "no" / "water.csv"
    assert main(["template", "-o", str(out)]) == 1
    lines = _error_lines(capsys)
    assert len(lines) == 1 and str(out) in lines[0]


def test_temp_files_of_dead_runs_are_swept_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".atlas.pdf.papermap-{dead}-abc123.part"
    live = tmp_path / f".atlas.pdf.papermap-{os.getpid()}-def456.part"
    other = tmp_path / ".notes.part"                       # not papermap's: never touched
    for p in (stale, live, other):
        p.write_bytes(b"half")
    _files.atomic_write(tmp_path / "grid.json", b"{}")
    assert not stale.exists() and live.exists() and other.exists()


# -- bounds ------------------------------------------------------------------------------------------
def test_an_area_needing_too_many_pages_fails_at_once_naming_it(tmp_path, capsys):
    out = tmp_path / "atlas.pdf"
    osm = RUNS / "two_towns.osm"
    assert main(["build", "--osm", str(osm), "-o", str(out), "--quiet", "--no-cache"]) == 1
    assert _error_lines(capsys) == [
        f"papermap: error: {osm}: bbox: the extract's extent 7.00000,43.00000,9.50100,45.50100 at 1:10,000 "
        "needs 16,080 pages, more than the limit of 5,000: map a smaller bbox or use a larger scale number"]
    assert main(["build", "--osm", str(osm), "-o", str(out), "--quiet", "--no-cache", "--bbox", "7,43,7.5,43.5",
                 "--scale", "1000"]) == 1
    assert "bbox: 7.00000,43.00000,7.50000,43.50000 at 1:1,000 needs" in _error_lines(capsys)[0]
    assert not out.exists()
