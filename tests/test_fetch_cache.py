"""The download cache: entries survive crashes, and their age is told the way a user reads it."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from papermap.errors import PapermapError
from papermap.sources import cache as cache_module
from papermap._files import atomic_write
from papermap.sources.cache import Cache, describe_age

NOW = datetime(2026, 11, 22, 14, 3, tzinfo=timezone.utc)


def test_put_then_get_keeps_body_url_type_and_extension(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = Cache.key("GET", "https://example.org/export?format=csv")
    stored = cache.put(key, b"name,lat,lon\n", url="https://example.org/export?format=csv",
                       content_type="text/csv", suffix=".csv")
    entry = cache.get(key)
    assert entry == stored
    assert entry.path.suffix == ".csv" and entry.path.read_bytes() == b"name,lat,lon\n"
    assert entry.content_type == "text/csv" and entry.url.endswith("format=csv")


def test_keys_differ_by_method_url_and_body() -> None:
    keys = {Cache.key("GET", "http://a/x"), Cache.key("POST", "http://a/x"), Cache.key("GET", "http://a/y"),
            Cache.key("POST", "http://a/x", b"data=1"), Cache.key("POST", "http://a/x", b"data=2")}
    assert len(keys) == 5


def test_newer_copy_replaces_older_and_leaves_no_stray_files(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("k", b"old", url="u", suffix=".kmz")
    cache.put("k", b"new", url="u", suffix=".kml")
    assert cache.get("k").path.read_bytes() == b"new"
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".kml"]


def test_interrupted_write_keeps_the_previous_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path)
    cache.put("k", b"good copy", url="u")
    before = sorted(tmp_path.iterdir())

    def ctrl_c(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module.os, "replace", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        cache.put("k", b"half of a new cop", url="u")
    monkeypatch.undo()
    assert sorted(tmp_path.iterdir()) == before  # no temp file, no new body
    assert cache.get("k").path.read_bytes() == b"good copy"


def test_body_damaged_behind_our_back_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    entry = cache.put("k", b"0123456789", url="u")
    entry.path.write_bytes(b"01234")
    assert cache.get("k") is None


def test_unreadable_meta_is_a_miss(tmp_path: Path) -> None:
    (tmp_path / "k.meta.json").write_text("{not json")
    assert Cache(tmp_path).get("k") is None


def test_unwritable_cache_dir_says_how_to_choose_another(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(PapermapError, match="cannot write the download cache.*--cache-dir or PAPERMAP_CACHE_DIR"):
        Cache(blocker / "cache").put("k", b"x", url="u")


def test_cache_dir_comes_from_option_then_env_then_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERMAP_CACHE_DIR", str(tmp_path / "env"))
    assert Cache(tmp_path / "opt").root == tmp_path / "opt"
    assert Cache().root == tmp_path / "env"
    monkeypatch.delenv("PAPERMAP_CACHE_DIR")
    assert Cache().root.name.lower() == "papermap"


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "area.osm.json"
    target.write_bytes(b"old")
    atomic_write(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert os.listdir(tmp_path) == ["area.osm.json"]


@pytest.mark.parametrize("ago, age", [
    (timedelta(seconds=20), "less than a minute old"),
    (timedelta(minutes=1), "1 minute old"),
    (timedelta(minutes=59), "59 minutes old"),
    (timedelta(hours=5), "5 hours old"),
    (timedelta(hours=47), "47 hours old"),
    (timedelta(days=2, hours=3), "2 days old"),
    (timedelta(seconds=-30), "less than a minute old"),  # clock skew
])
def test_age_reads_naturally(ago: timedelta, age: str) -> None:
    fetched = NOW - ago
    assert describe_age(fetched, NOW) == f"from {fetched.astimezone():%Y-%m-%d %H:%M}, {age}"
