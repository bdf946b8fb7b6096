"""Every network wait has a total deadline, and a failed download is one error, fetched once.
Local servers only (tests/httpserver.py)."""
from __future__ import annotations

import pickle
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from httpserver import Reply, ScriptedServer, block_outside_network

from papermap import forks
from papermap.config import load_config
from papermap.model.categories import load_categories
from papermap.sources.http import FetchError, RetryPolicy, request
from papermap.sources.relief import read_sources


@pytest.fixture(autouse=True)
def _local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    block_outside_network(monkeypatch)


@contextmanager
def hang_guard(seconds: int, what: str) -> Iterator[None]:
    """An AssertionError after ``seconds``: a guard against a hang only, never a timing assertion."""
    def hang(signum, frame):
        raise AssertionError(what)

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_dripping_server_is_cut_off_at_the_deadline() -> None:
    """100,000 bytes at one per 20 ms would take over half an hour; every byte comes well within the
    5 s read timeout, so only the total limit can end it. Reading whole 64 KB chunks, the old code
    looked at the limit after the first 1,300 s."""
    policy = RetryPolicy(attempts=1, total_time=1.0, sleep=lambda s: None)
    with hang_guard(60, "still downloading 60 s after a 1 s limit"):
        with ScriptedServer(Reply(b"x" * 100_000, drip=0.02)) as srv:
            with pytest.raises(FetchError, match="time limit ran out") as info:
                request(srv.url(), timeout=5.0, policy=policy)
    assert "bytes" in info.value.reason  # it says how much had arrived


def test_server_trickling_its_headers_is_cut_off_at_the_deadline() -> None:
    """4,000 header bytes at one per 20 ms take 80 s, each well within the 5 s read timeout: only the
    total limit can end the wait for the answer's headers."""
    policy = RetryPolicy(attempts=1, total_time=1.0, sleep=lambda s: None)
    with hang_guard(60, "still waiting for headers 60 s after a 1 s limit"):
        with ScriptedServer(Reply(b"{}", header_drip=0.02)) as srv:
            with pytest.raises(FetchError, match="status line and headers.*time limit ran out"):
                request(srv.url(), timeout=5.0, policy=policy)


def test_headers_trickling_within_the_deadline_give_the_answer() -> None:
    policy = RetryPolicy(attempts=1, total_time=60.0, sleep=lambda s: None)
    with ScriptedServer(Reply(b'{"ok": 1}', header_drip=0.0005)) as srv:
        assert request(srv.url(), timeout=5.0, policy=policy).body == b'{"ok": 1}'


def test_dripping_server_within_the_deadline_gives_the_whole_body() -> None:
    policy = RetryPolicy(attempts=1, total_time=30.0, sleep=lambda s: None)
    with ScriptedServer(Reply(b"0123456789", drip=0.01)) as srv:
        assert request(srv.url(), timeout=5.0, policy=policy).body == b"0123456789"


def test_download_errors_survive_pickling_whole() -> None:
    err = pickle.loads(pickle.dumps(FetchError("http://127.0.0.1/x.csv", "HTTP 404 Not Found")))
    assert (type(err), err.url, err.reason) == (FetchError, "http://127.0.0.1/x.csv", "HTTP 404 Not Found")


def test_failing_url_source_read_in_a_forked_reader_is_fetched_once(tmp_path) -> None:
    """The build reads sources in a forked worker; its error used to break the pool on the way back,
    and the build then fetched the URL again itself."""
    if not forks.can_fork(2, 2):
        pytest.skip("no fork on this platform")
    with ScriptedServer(Reply(b"gone", status=404, content_type="text/plain")) as srv:
        cfg_file = tmp_path / "atlas.toml"
        cfg_file.write_text(f'osm = "x.osm.pbf"\ncache_dir = "cache"\n[[sources]]\nurl = "{srv.url("/w.csv")}"\n')
        cfg = load_config(cfg_file, {})
        with forks.Background(partial(read_sources, cfg, load_categories()), 2) as reading:
            with pytest.raises(FetchError, match="HTTP 404"):
                reading.result()
        assert len(srv.seen) == 1
