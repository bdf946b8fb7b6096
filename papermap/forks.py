"""Work done in forked processes (``--jobs``), for the rooms that have work to spread.

A forked worker inherits everything its job uses (the basemap, the points, the canvas) instead
of having it pickled; only an index goes out and the result comes back. A worker that dies
(killed, out of memory) never loses work: the caller does what is left itself.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

T = TypeVar("T")

_JOBS: dict[int, Callable[[int], object]] = {}   # what workers compute, by key; inherited by fork


def workers(jobs: int) -> int:
    """How many processes ``--jobs`` means (0: all cores)."""
    return jobs or os.cpu_count() or 1


def can_fork(jobs: int, n: int, least: int = 2) -> bool:
    """Whether ``n`` jobs go to forked workers: more than one worker and at least ``least`` jobs,
    where this platform can fork."""
    return workers(jobs) >= 2 and n >= least and "fork" in multiprocessing.get_all_start_methods()


def forked_map(job: Callable[[int], T], n: int, jobs: int) -> Iterator[T]:
    """``job(0)``, ``job(1)``, … in order, each computed by one of ``jobs`` forked workers. If a
    worker dies this stops early, without error, and the caller computes the rest itself."""
    key = _register(job)
    try:
        with ProcessPoolExecutor(min(workers(jobs), n), multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_call, [key] * n, range(n))
    except BrokenProcessPool:
        return
    finally:
        del _JOBS[key]


class Background(Generic[T]):
    """``job()`` begun in a forked worker, so that this process can get on with something else;
    ``result()`` waits for it (and re-raises its error). Run here instead when forking is not on."""

    def __init__(self, job: Callable[[], T], jobs: int):
        self._job = job
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        if can_fork(jobs, 2):
            self._key = _register(lambda _: job())
            self._pool = ProcessPoolExecutor(1, multiprocessing.get_context("fork"))
            self._future = self._pool.submit(_call, self._key, 0)

    def result(self) -> T:
        if self._future is None:
            return self._job()
        try:
            return self._future.result()
        except BrokenProcessPool:
            return self._job()

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc) -> None:
        """Let the worker go, whether or not its result was asked for (the build may have failed)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            del _JOBS[self._key]


def _register(job: Callable[[int], object]) -> int:
    key = max(_JOBS, default=0) + 1
    _JOBS[key] = job
    return key


def _call(key: int, i: int):
    return _JOBS[key](i)
