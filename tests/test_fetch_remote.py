"""Relief-point files from URLs: the right extension for the reader, and the cache when the site is down."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from httpserver import Reply, ScriptedServer, block_outside_network

from papermap.sources.cache import Cache
from papermap.sources.http import FetchError, RetryPolicy
from papermap.sources.remote import OfflineMissError, fetch_url

CSV = "名前,緯度,経度\n給水所,37.39,136.90\n".encode()
KML = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'
FAST = RetryPolicy(attempts=2, backoff=0.01, total_time=30, sleep=lambda s: None)


def kmz() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("doc.kml", KML)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    block_outside_network(monkeypatch)


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache")


@pytest.fixture
def warnings() -> list[str]:
    return []


def fetch(url: str, cache: Cache, warnings: list[str], offline: bool = False) -> Path:
    return fetch_url(url, cache=cache, offline=offline, policy=FAST, warn=warnings.append)


@pytest.mark.parametrize("path, reply, suffix", [
    ("/spreadsheets/d/abc/export?format=csv&gid=0", Reply(CSV, content_type="text/csv"), ".csv"),
    ("/spreadsheets/d/abc/pub?output=csv", Reply(CSV, content_type="text/plain"), ".csv"),
    ("/maps/d/kml?mid=xyz&forcekml=1", Reply(KML, content_type="application/vnd.google-earth.kml+xml"), ".kml"),
    ("/maps/d/kml?mid=xyz", Reply(kmz(), content_type="application/vnd.google-earth.kmz"), ".kmz"),
    ("/relief/points.geojson", Reply(b'{"type":"FeatureCollection","features":[]}',
                                     content_type="application/octet-stream"), ".geojson"),
    ("/en/map/42/download", Reply(b'{"type":"umap"}', headers={
        "Content-Disposition": 'attachment; filename="relief_42.umap"'}), ".umap"),
    ("/api/points", Reply(b"[]", content_type="application/json"), ".json"),
    ("/share/points.kml", Reply(kmz(), content_type="application/octet-stream"), ".kmz"),
])
def test_downloaded_file_gets_the_extension_its_reader_needs(
        path: str, reply: Reply, suffix: str, cache: Cache, warnings: list[str]) -> None:
    with ScriptedServer(reply) as srv:
        local = fetch(srv.url(path), cache, warnings)
    assert local.suffix == suffix
    assert local.read_bytes() == reply.body
    assert local.parent == cache.root and warnings == []


def test_web_page_instead_of_data_explains_which_link_to_use(cache: Cache, warnings: list[str]) -> None:
    with ScriptedServer(Reply(b"<html>Sign in</html>", content_type="text/html")) as srv:
        with pytest.raises(FetchError, match=r"web page, not a data file.*export\?format=csv.*forcekml=1"):
            fetch(srv.url("/spreadsheets/d/abc/edit"), cache, warnings)


def test_site_down_falls_back_to_cached_copy_with_its_age(cache: Cache, warnings: list[str]) -> None:
    with ScriptedServer(Reply(CSV, content_type="text/csv"), Reply(status=503)) as srv:
        url = srv.url("/sheet/export?format=csv")
        first = fetch(url, cache, warnings)
        again = fetch(url, cache, warnings)
    assert again == first and again.read_bytes() == CSV
    assert len(warnings) == 1
    assert url in warnings[0] and "HTTP 503" in warnings[0]
    assert re.search(r"using cached copy from \d{4}-\d\d-\d\d \d\d:\d\d, less than a minute old", warnings[0])


def test_unpublished_sheet_also_falls_back_to_cached_copy(cache: Cache, warnings: list[str]) -> None:
    with ScriptedServer(Reply(CSV, content_type="text/csv"), Reply(b"<html>", content_type="text/html")) as srv:
        url = srv.url("/spreadsheets/d/abc/export?format=xlsx")
        assert fetch(url, cache, warnings).read_bytes() == CSV
        assert fetch(url, cache, warnings).read_bytes() == CSV
    assert "web page" in warnings[0] and "using cached copy" in warnings[0]


def test_offline_uses_only_the_cache(cache: Cache, warnings: list[str]) -> None:
    with ScriptedServer(Reply(CSV, content_type="text/csv")) as srv:
        url = srv.url("/points.csv")
        fetch(url, cache, warnings)
        assert fetch(url, cache, warnings, offline=True).read_bytes() == CSV
    assert len(srv.seen) == 1
    assert "offline, using cached copy from" in warnings[0]


def test_offline_with_nothing_cached_says_what_to_do(cache: Cache, warnings: list[str]) -> None:
    with pytest.raises(OfflineMissError, match="no cached copy.*without --offline while online"):
        fetch("https://example.org/points.csv", cache, warnings, offline=True)


def test_failure_without_cached_copy_is_the_download_error(cache: Cache, warnings: list[str]) -> None:
    with ScriptedServer(Reply(status=404)) as srv:
        with pytest.raises(FetchError, match="HTTP 404 Not Found"):
            fetch(srv.url("/gone.csv"), cache, warnings)
    assert not cache.root.exists() or not any(cache.root.iterdir())


def test_non_http_url_is_refused_even_offline(cache: Cache, warnings: list[str]) -> None:
    with pytest.raises(FetchError, match="file:// URLs are not downloaded"):
        fetch("file:///etc/passwd", cache, warnings, offline=True)
