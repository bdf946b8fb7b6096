"""Page workers kept from build to build (papermap.crew, papermap serve's warm worker): each build's
jobs shared with the parent, every result in order, whatever a member does; and a real refresh
shared with the crew prints the very PDF one process prints."""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import pytest
from conftest import MONACO, MONACO_BBOX, REPO
from papermap import crew, forks
from papermap.config import load_config
from papermap.errors import InputError
from papermap.forks import HERE, LOST
from papermap.pipeline import build_atlas
from papermap.render.pdf import keep_streams
from papermap.render.pdf.kept import KEPT

PARENT = os.getpid()
RELIEF = REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def team():
    c = crew.Crew(1)
    yield c
    c.end()
    c.close()


# -- a toy build: what a member runs is a module-level call, as serve's is ----------------------

def _job(dies_at: int, raises_at: int, k: int):
    """A member's job k: who did it, and whether it may fork; it dies or fails at k on cue."""
    if k == dies_at:
        os._exit(1)
    if k == raises_at:
        raise InputError("row 5 is wrong", file="points.csv", where="5", field="lat")
    time.sleep(0.005)
    return ("member", k, forks.can_fork(2, 10))


def _toy_build(n: int, fingerprint: bytes, dies_at: int = -1, raises_at: int = -1) -> None:
    """A member's copy of the build: here it goes straight to the jobs."""
    crew.serve(partial(_job, dies_at, raises_at), n, fingerprint)


def _declining_build(n: int, marker: str) -> None:
    """Declines while ``marker`` is missing, leaving it to be made after the parent's build; then
    serves (in the rehearsal, every job drawn for itself: each leaves a file)."""
    if not Path(marker).exists():
        crew.decline(partial(Path(marker).write_text, "loaded"))
    crew.serve(partial(_rehearsed, marker), n, b"fp")


def _rehearsed(marker: str, k: int):
    Path(f"{marker}.{k}").write_text("drawn")
    return ("member", k, False)


def share(team: crew.Crew, call, n: int, fingerprint: bytes = b"fp", here_takes: float = 0.02) -> list:
    """One build: the crew handed ``call``, the parent doing its share slowly, as a real one draws."""
    team.begin(call)
    out = []
    try:
        for result in team.map(lambda k: None, n, fingerprint):
            if result is HERE:
                time.sleep(here_takes)
            out.append(result)
    finally:
        team.end()
    return out


def test_a_member_takes_jobs_from_the_far_end_and_every_result_comes_in_order(team):
    for _ in range(2):                  # the same member serves build after build
        got = share(team, partial(_toy_build, 30, b"fp"), 30)
        assert got[0] is HERE           # the parent starts at the near end at once
        assert all(r is HERE or r == ("member", i, False) for i, r in enumerate(got))
        assert got[-1] == ("member", 29, False)   # the member began at the far end
        assert team.shared == sum(r is not HERE for r in got) >= 5


def test_a_member_never_forks_workers_of_its_own(team):
    got = share(team, partial(_toy_build, 12, b"fp"), 12)
    assert [r[2] for r in got if r is not HERE] and not any(r[2] for r in got if r is not HERE)
    assert forks.can_fork(2, 10) == ("fork" in __import__("multiprocessing").get_all_start_methods())


def test_a_member_whose_jobs_differ_from_the_parents_takes_none(team):
    got = share(team, partial(_toy_build, 12, b"another layout"), 12)
    assert got == [HERE] * 12 and team.shared == 0
    got = share(team, partial(_toy_build, 11, b"fp"), 12)     # nor when their number differs
    assert got == [HERE] * 12


def test_a_member_that_dies_costs_its_jobs_and_the_next_build_has_a_new_one(team):
    got = share(team, partial(_toy_build, 12, b"fp", dies_at=7), 12, here_takes=0.1)
    assert got[7] is LOST               # the member came down to 7 and died with it
    assert all(r is HERE or r == ("member", i, False) or (r is LOST and i > 7) for i, r in enumerate(got) if i != 7)
    got = share(team, partial(_toy_build, 12, b"fp"), 12)     # begin() forked a new member
    assert any(r == ("member", i, False) for i, r in enumerate(got)) and LOST not in got


def test_an_error_in_a_members_job_reaches_the_parent_whole_and_the_crew_carries_on(team):
    with pytest.raises(InputError, match="row 5 is wrong") as err:
        share(team, partial(_toy_build, 12, b"fp", raises_at=5), 12, here_takes=0.1)
    assert err.value.file == "points.csv"
    got = share(team, partial(_toy_build, 12, b"fp"), 12)
    assert any(r is not HERE for r in got)


def test_a_member_that_declines_loads_what_was_missing_then_rehearses_the_build(team, tmp_path):
    marker = tmp_path / "basemap"
    got = share(team, partial(_declining_build, 6, str(marker)), 6)
    assert got == [HERE] * 6            # it declined: the parent did it all
    deadline = time.monotonic() + 10
    while not all(Path(f"{marker}.{k}").exists() for k in range(6)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.read_text() == "loaded"                      # made once the parent's build was over
    assert all(Path(f"{marker}.{k}").exists() for k in range(6))   # then every job drawn, for itself
    got = share(team, partial(_declining_build, 6, str(marker)), 6, here_takes=0.1)
    assert got[-1] == ("member", 5, False)                     # the next build it shares


# -- a real refresh ------------------------------------------------------------------------

def _member_atlas(settings: dict) -> None:
    """The member's copy of the test's build (as serve's worker hands one to its crew)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        build_atlas(load_config(None, settings), Path(tmp) / "atlas.pdf", now=NOW)


def test_a_refresh_shared_with_the_crew_prints_the_pdf_one_process_prints(tmp_path, monkeypatch):
    from papermap import pipeline

    real = pipeline._draw_job

    def slow_here(*args):   # the parent draws its share slowly: the member is sure to take some
        if os.getpid() == PARENT:
            time.sleep(0.15)
        real(*args)

    keep_streams(64)                    # as in serve's worker, before its crew is forked
    team = crew.Crew(1)
    try:
        settings = {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)], "jobs": 2,
                    "cache_dir": str(tmp_path / "cache")}
        first = build_atlas(load_config(None, settings), tmp_path / "first.pdf", now=NOW)   # draws the basemap
        monkeypatch.setattr(pipeline, "_draw_job", slow_here)
        shared = []
        for name in ("shared.pdf", "again.pdf"):
            team.begin(partial(_member_atlas, settings))
            try:
                build_atlas(load_config(None, settings), tmp_path / name, now=NOW)
            finally:
                team.end()
            shared.append(team.shared)
        monkeypatch.setattr(pipeline, "_draw_job", real)
        team.begin(partial(_member_atlas, settings | {"jobs": 1}))
        try:       # --jobs 1 means one process, crew or not
            one = build_atlas(load_config(None, settings | {"jobs": 1}), tmp_path / "one.pdf", now=NOW)
        finally:
            team.end()
        assert team.shared == 0
        assert one.sheets == first.sheets >= 6
        assert shared[0] >= 1 and shared[1] >= 1        # the member drew some of the sheets
        expected = (tmp_path / "one.pdf").read_bytes()
        for name in ("shared.pdf", "again.pdf"):
            assert (tmp_path / name).read_bytes() == expected, name
    finally:
        team.end()
        team.close()
        keep_streams(0)
        assert len(KEPT) == 0


def test_a_member_whose_streams_are_kept_otherwise_takes_none_of_a_real_build(tmp_path, team):
    keep_streams(64)                    # on here, off in the member forked before: pages filed otherwise
    try:
        settings = {"osm": str(MONACO), "bbox": MONACO_BBOX, "points": [str(RELIEF)], "jobs": 2,
                    "cache_dir": str(tmp_path / "cache")}
        build_atlas(load_config(None, settings), tmp_path / "first.pdf", now=NOW)
        team.begin(partial(_member_atlas, settings))
        try:
            build_atlas(load_config(None, settings), tmp_path / "shared.pdf", now=NOW)
        finally:
            team.end()
        assert team.shared == 0
        assert (tmp_path / "shared.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
    finally:
        keep_streams(0)
