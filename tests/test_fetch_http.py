"""Downloads against a real local server that misbehaves the way busy servers and bad networks do."""
from __future__ import annotations

import sys

import pytest
from httpserver import Reply, ScriptedServer, block_outside_network

from papermap.settings import USER_AGENT
from papermap.sources.http import FetchError, RetryPolicy, backoff_delay, request

BODY = b'{"elements": []}'


@pytest.fixture(autouse=True)
def _local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    block_outside_network(monkeypatch)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def policy(sleeps: list[float]) -> RetryPolicy:
    return RetryPolicy(attempts=4, backoff=0.5, total_time=60, sleep=sleeps.append)


def test_plain_download_sends_user_agent(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(BODY)) as srv:
        response = request(srv.url("/a.json"), policy=policy)
    assert response.body == BODY and response.status == 200
    assert response.content_type == "application/json"
    assert srv.seen[0].headers["User-Agent"] == USER_AGENT


def test_429_waits_as_long_as_retry_after_says(policy: RetryPolicy, sleeps: list[float]) -> None:
    with ScriptedServer(Reply(b"slow down", status=429, headers={"Retry-After": "7"}), Reply(BODY)) as srv:
        assert request(srv.url(), policy=policy).body == BODY
    assert sleeps == [7.0]
    assert len(srv.seen) == 2


def test_retry_after_is_capped(sleeps: list[float]) -> None:
    capped = RetryPolicy(max_retry_after=30, total_time=600, sleep=sleeps.append)
    with ScriptedServer(Reply(status=429, headers={"Retry-After": "3600"}), Reply(BODY)) as srv:
        request(srv.url(), policy=capped)
    assert sleeps == [30.0]


def test_retry_after_past_the_time_limit_gives_up_at_once(sleeps: list[float]) -> None:
    short = RetryPolicy(total_time=5, sleep=sleeps.append)
    with ScriptedServer(Reply(status=429, headers={"Retry-After": "60"})) as srv:
        with pytest.raises(FetchError) as err:
            request(srv.url(), policy=short)
    assert sleeps == [] and len(srv.seen) == 1
    assert "HTTP 429" in str(err.value) and "time limit" in str(err.value)


def test_gateway_timeout_then_success(policy: RetryPolicy, sleeps: list[float]) -> None:
    with ScriptedServer(Reply(status=504), Reply(status=503), Reply(BODY)) as srv:
        assert request(srv.url(), policy=policy).body == BODY
    assert len(sleeps) == 2 and 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


def test_persistent_5xx_ends_in_one_line_naming_the_server(policy: RetryPolicy, sleeps: list[float]) -> None:
    with ScriptedServer(Reply(b"<html>busy</html>", status=504, content_type="text/html")) as srv:
        with pytest.raises(FetchError) as err:
            request(srv.url(), policy=policy)
    message = str(err.value)
    assert message.startswith(srv.url() + ": HTTP 504")
    assert "gave up after 4 attempts" in message and "\n" not in message
    assert len(srv.seen) == 4 and len(sleeps) == 3


def test_backoff_grows_exponentially_with_jitter() -> None:
    policy = RetryPolicy(backoff=2, max_backoff=10)
    for retry, ceiling in ((1, 2), (2, 4), (3, 8), (4, 10), (9, 10)):
        delays = {backoff_delay(policy, retry) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered, so many clients do not retry in lockstep


def test_dropped_connection_is_retried(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(drop=True), Reply(BODY)) as srv:
        assert request(srv.url(), policy=policy).body == BODY


def test_dropped_connection_every_time_says_so(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(drop=True)) as srv:
        with pytest.raises(FetchError, match="closed the connection without answering"):
            request(srv.url(), policy=policy)


def test_body_cut_short_is_retried(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(BODY[:5], length=len(BODY)), Reply(BODY)) as srv:
        assert request(srv.url(), policy=policy).body == BODY
    assert len(srv.seen) == 2


def test_slow_server_times_out_then_answers(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(BODY, delay=1.0), Reply(BODY)) as srv:
        assert request(srv.url(), timeout=0.2, policy=policy).body == BODY


def test_slow_server_every_time_gives_a_timeout_error(sleeps: list[float]) -> None:
    policy = RetryPolicy(attempts=2, sleep=sleeps.append)
    with ScriptedServer(Reply(BODY, delay=1.0)) as srv:
        with pytest.raises(FetchError, match=r"no answer within 0.2 s \(gave up after 2 attempts"):
            request(srv.url(), timeout=0.2, policy=policy)


def test_announced_oversize_body_is_refused_without_retry(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(b"x" * 5000)) as srv:
        with pytest.raises(FetchError, match="5,000 bytes, larger than the download limit of 1,000 bytes"):
            request(srv.url(), max_bytes=1000, policy=policy)
    assert len(srv.seen) == 1


def test_unannounced_oversize_body_is_cut_off_while_streaming(policy: RetryPolicy) -> None:
    with ScriptedServer(Reply(b"x" * 300_000, send_length=False)) as srv:
        with pytest.raises(FetchError, match="stopped after .* larger than the download limit of 100,000 bytes"):
            request(srv.url(), max_bytes=100_000, policy=policy)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/points.csv", "points.csv",
                                 "javascript:alert(1)"])
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="only http:// and https:// URLs"):
        request(url)


def test_client_errors_are_not_retried_and_show_the_server_text(policy: RetryPolicy) -> None:
    page = b"<html><body><p><strong>Error</strong>: line 1: parse error: unknown type</p></body></html>"
    with ScriptedServer(Reply(page, status=400, content_type="text/html")) as srv:
        with pytest.raises(FetchError, match="HTTP 400 Bad Request: Error : line 1: parse error: unknown type"):
            request(srv.url(), policy=policy)
    assert len(srv.seen) == 1


def test_progress_callback_sees_bytes_so_far(policy: RetryPolicy) -> None:
    calls: list[tuple[int, int | None]] = []
    body = b"y" * 200_000
    with ScriptedServer(Reply(body)) as srv:
        request(srv.url(), policy=policy, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (200_000, 200_000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_terminal_shows_download_progress_on_stderr(policy: RetryPolicy, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with ScriptedServer(Reply(b"z" * 3_000_000)) as srv:
        request(srv.url(), policy=policy)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("\r  127.0.0.1: ") and "of 2.9 MB" in captured.err and captured.err.endswith("\n")


def test_no_progress_output_when_stderr_is_not_a_terminal(policy: RetryPolicy, capsys) -> None:
    with ScriptedServer(Reply(b"z" * 3_000_000)) as srv:
        request(srv.url(), policy=policy)
    assert capsys.readouterr().err == ""


def test_nothing_outside_localhost_is_reachable_in_tests(policy: RetryPolicy) -> None:
    with pytest.raises(FetchError, match="cannot look up the host name"):
        request("https://overpass-api.de/api/interpreter", policy=RetryPolicy(attempts=1))
