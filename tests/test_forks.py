"""Work spread over forked processes (papermap.forks): every result, in order, whatever happens to a worker."""
from __future__ import annotations

import os

import pytest

from papermap.errors import InputError
from papermap.forks import HERE, LOST, Background, farthest_free, forked_map, mates, shared_map
from papermap.render.artcache import parallel_map

PARENT = os.getpid()


def in_a_worker() -> bool:
    return os.getpid() != PARENT


def _square_unless_in_a_worker(dies_at: int, x: int) -> int:
    if x == dies_at and in_a_worker():
        os._exit(1)
    return x * x


@pytest.mark.parametrize("dies_at", [-1, 0, 5])
def test_parallel_map_gives_every_result_in_order_even_when_a_worker_dies(dies_at):
    assert parallel_map(_square_unless_in_a_worker, (dies_at,), list(range(9)), 2) == [x * x for x in range(9)]


def test_forked_map_runs_in_workers_that_inherit_what_the_job_uses():
    big = {i: str(i) for i in range(10_000)}      # inherited by fork, never pickled
    assert list(forked_map(lambda i: (in_a_worker(), big[i * 1000]), 5, 2)) == [(True, str(i * 1000)) for i in range(5)]


def run_shared(job, n: int, jobs: int, here_takes: float = 0.02, groups: list[int] | None = None) -> list:
    """shared_map's answers, doing each job given back here slowly, as a real caller draws its share."""
    import time

    out = []
    for i, result in enumerate(shared_map(job, n, jobs, mates=mates(groups))):
        if result is HERE:
            time.sleep(here_takes)
        out.append(result)
    return out


def test_shared_map_gives_each_job_once_in_order_here_or_from_a_worker():
    got = run_shared(lambda i: (in_a_worker(), i * i), 30, 3)
    assert got[0] is HERE                       # this process starts at the near end at once
    assert all(r is HERE or r == (True, i * i) for i, r in enumerate(got))
    assert sum(r is not HERE for r in got) >= 10   # two workers took from the far end meanwhile


def test_a_worker_leaves_a_job_to_whoever_began_its_group():
    # the parent takes job 0 before any worker exists; job 1 lays out what job 0 did (a table, its map page)
    assert run_shared(lambda i: i, 2, 2, here_takes=0.3, groups=[1, 1]) == [HERE, HERE]
    assert run_shared(lambda i: i, 2, 2, here_takes=0.3) == [HERE, 1]      # without groups a worker takes it
    # a group nobody began goes to a worker whole, from the far end
    assert run_shared(lambda i: i, 4, 2, here_takes=0.3, groups=[0, 0, 1, 1]) == [HERE, HERE, 2, 3]


def test_mates_are_the_other_jobs_of_each_group():
    assert mates(None) is None
    assert mates([-1, 1, 1, 2, 2, -2]) == ((), (2,), (1,), (4,), (3,), ())
    owner = [-1, -1, 0, 0, 0, 0]        # the parent has taken jobs 0 and 1 (page 1's map)
    assert farthest_free(owner, 1, 6, 1, mates([-1, 1, 1, 2, 2, -2])) == 5
    owner[5] = owner[4] = 1
    assert farthest_free(owner, 1, 6, 1, mates([-1, 1, 1, 2, 2, -2])) == 3   # 4's mate is its own
    owner[3] = 1
    assert farthest_free(owner, 1, 6, 1, mates([-1, 1, 1, 2, 2, -2])) is None   # 2's mate is the parent's
    assert farthest_free(owner, 1, 6, 1) == 2                                 # without groups it would take it


def test_shared_map_says_which_jobs_a_dead_worker_took():
    got = run_shared(lambda i: os._exit(1) if in_a_worker() and i == 7 else i, 12, 2, here_takes=0.1)
    assert got[7] is LOST                       # the worker came down to 7 and died with it
    # what it had done before may have died with it (still on its way), never anything it had not taken
    assert all(r is HERE or r == i or (r is LOST and i > 7) for i, r in enumerate(got) if i != 7)


def test_an_error_in_shared_work_reaches_the_caller_whole():
    def fails(i):
        if in_a_worker():
            raise InputError("bad row", file="x.csv", where=str(i), field="lat")
        return i

    with pytest.raises(InputError) as err:
        run_shared(fails, 6, 2, here_takes=0.2)
    assert (err.value.file, err.value.field) == ("x.csv", "lat")


def test_background_work_comes_back_from_its_own_process():
    with Background(lambda: (in_a_worker(), "read"), 2) as job:
        assert job.result() == (True, "read")
    with Background(lambda: (in_a_worker(), "read"), 1) as job:   # --jobs 1: done here
        assert job.result() == (False, "read")


def test_an_error_in_background_work_reaches_the_caller_whole():
    def fails():
        raise InputError("file not found", file="gone.csv", where="3", field="lat")

    with Background(fails, 2) as job, pytest.raises(InputError) as err:
        job.result()
    assert (err.value.file, err.value.where, err.value.field, str(err.value)) == \
        ("gone.csv", "3", "lat", "gone.csv: 3: lat: file not found")


def test_background_work_whose_worker_dies_is_done_here():
    def dies_in_a_worker():
        if in_a_worker():
            os._exit(1)
        return "done here"

    with Background(dies_in_a_worker, 2) as job:
        assert job.result() == "done here"



def test_a_failed_build_never_prints_a_traceback_at_exit(tmp_path):
    """The points are read by a worker that is done when the build fails on the bbox; Python's exit
    must not then print a traceback under papermap's one-line error (it did, from the exit hook of
    concurrent.futures, in about one run in three)."""
    import subprocess
    import sys

    from conftest import MONACO, REPO

    args = [sys.executable, "-m", "papermap", "build", "--osm", str(MONACO), "--bbox", "135.7,34.9,135.8,35.0",
            "--points", str(REPO / "tests" / "fixtures" / "points" / "monaco_relief.csv"), "--jobs", "2",
            "-o", str(tmp_path / "out.pdf"), "--quiet"]
    for _ in range(8):
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "outside the extract" in proc.stderr
