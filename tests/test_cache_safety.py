"""Caches hold data, not code: nothing planted in the cache folder runs, and a damaged entry is
drawn again, never a crash and never a different map."""
from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
import zlib
from pathlib import Path

from conftest import REPO, SAMPLE
from papermap.render import artcache

EPOCH = "1700000000"


class _Planted:
    """A pickle that, if ever loaded, creates the marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def build(out: Path, cache: Path, data: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PAPERMAP_CACHE_DIR=str(cache), SOURCE_DATE_EPOCH=EPOCH, XDG_DATA_HOME=str(data))
    return subprocess.run([sys.executable, "-m", "papermap", "build", str(SAMPLE / "demo.toml"), "-o", str(out),
                           "--quiet"], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_planted_pickles_never_run_and_the_build_still_succeeds(tmp_path):
    cache, data = tmp_path / "cache", tmp_path / "data"
    clean = tmp_path / "clean.pdf"
    assert build(clean, cache, data).returncode == 0
    entries = sorted((cache / "art").iterdir()) + sorted((cache / "fonts").iterdir())
    assert {p.suffix for p in entries} == {".art", ".qr", ".sealed"}
    markers = []
    for i, path in enumerate(entries):
        marker = tmp_path / f"ran-{i}"
        markers.append(marker)
        payload = pickle.dumps(_Planted(marker))
        # as each store once was: the art compressed, the font raw; and as the font is now, sealed
        # by someone without the key (a tag of their own making)
        path.write_bytes(zlib.compress(payload) if path.suffix != ".sealed" else b"\0" * 32 + payload)
    legacy = cache / "fonts" / (entries[-1].stem + ".pickle")   # the old font cache's name
    legacy.write_bytes(pickle.dumps(_Planted(tmp_path / "ran-legacy")))
    markers.append(tmp_path / "ran-legacy")

    again = tmp_path / "again.pdf"
    result = build(again, cache, data)
    assert result.returncode == 0, result.stderr
    assert not [m for m in markers if m.exists()]
    assert again.read_bytes() == clean.read_bytes()
    # and the planted entries were replaced by good ones
    art = cache / "art"
    key = next(art.glob("*.art")).stem
    assert artcache.load(art, key) is not None and artcache.load(art, key, ".qr")


def test_damaged_or_mistyped_entries_are_drawn_again(tmp_path):
    cache, data = tmp_path / "cache", tmp_path / "data"
    clean = tmp_path / "clean.pdf"
    assert build(clean, cache, data).returncode == 0
    art_file = next((cache / "art").glob("*.art"))
    qr_file = next((cache / "art").glob("*.qr"))
    good = json.loads(zlib.decompress(art_file.read_bytes()))
    good["art"]["cells"][0]["ops"] = 12345                      # a number where the drawing is
    cases = [art_file.read_bytes()[:1000],                         # cut short
             zlib.compress(json.dumps(good).encode()),             # wrong type
             zlib.compress(b'{"version": 2, "art": [' * 5000)]     # nested past the parser's depth
    for damaged in cases:
        art_file.write_bytes(damaged)
        qr_file.write_bytes(zlib.compress(b'{"version": 2, "qr": {"x": ["0207"]}}'))  # a module of 7
        out = tmp_path / "again.pdf"
        result = build(out, cache, data)
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == clean.read_bytes()
        assert artcache.load(art_file.parent, art_file.stem) is not None


def test_the_font_seal_key_is_private_to_the_user(tmp_path):
    cache, data = tmp_path / "cache", tmp_path / "data"
    assert build(tmp_path / "a.pdf", cache, data).returncode == 0
    key = data / "papermap" / "cache-seal.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32
    assert not (cache / "fonts" / key.name).exists() and len(list((cache / "fonts").glob("*.sealed"))) == 1
