"""Work done in forked processes (``--jobs``), for the rooms that have work to spread.

A forked worker inherits everything its job uses (the basemap, the points, the canvas) instead
of having it pickled; only an index goes out and the result comes back. A worker that dies
(killed, out of memory) never loses work: the caller does what is left itself.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
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
    ``result()`` waits for it (and re-raises its error). Run here instead when forking is not on.

    The worker is a plain forked process with a pipe back, not a ProcessPoolExecutor: an executor
    let go without waiting (the build failed, the result is not wanted) left its wake-up pipe
    closed under Python's exit hook, which then printed a traceback after papermap's one-line error.
    """

    def __init__(self, job: Callable[[], T], jobs: int):
        self._job = job
        self._process = None
        if can_fork(jobs, 2):
            context = multiprocessing.get_context("fork")
            self._pipe, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_send_result, args=(job, sender), daemon=True)
            self._process.start()
            sender.close()          # the worker's end: a worker that dies shows as the end of the pipe

    def result(self) -> T:
        if self._process is None:
            return self._job()
        try:
            ok, value = self._pipe.recv()
        except (EOFError, OSError):  # the worker died (killed, out of memory): do the job here
            return self._job()
        if not ok:
            raise value
        return value

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc) -> None:
        """Let the worker go, whether or not its result was asked for (the build may have failed)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._pipe.close()
            self._process = None


def _send_result(job: Callable[[], object], pipe) -> None:
    """In the worker: ``job()``'s result, or its error, back through ``pipe``."""
    try:
        message = (True, job())
    except BaseException as exc:   # any error goes back whole, to be raised in the caller
        message = (False, exc)
    try:
        pipe.send(message)
    except Exception as exc:        # a result or error that cannot be pickled: say so instead
        pipe.send((False, TypeError(f"the background job's result cannot be sent back: {exc}")))
    finally:
        pipe.close()


def _register(job: Callable[[int], object]) -> int:
    key = max(_JOBS, default=0) + 1
    _JOBS[key] = job
    return key


def _call(key: int, i: int):
    return _JOBS[key](i)
