"""Work done in forked processes (``--jobs``), for the rooms that have work to spread.

A forked worker inherits everything its job uses (the basemap, the points, the canvas) instead
of having it pickled; only an index goes out and the result comes back. A worker that dies
(killed, out of memory) never loses work: the caller does what is left itself.

A worker never outlives the process that forked it: on Linux the kernel kills it the moment its
parent dies (``prctl(PR_SET_PDEATHSIG)``), elsewhere a watchdog thread notices that it has been
handed to another parent. Without this, pool workers of a parent killed with ``kill -9`` slept
on forever: each holds the write end of the others' task pipe, so none of them ever sees it close.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

T = TypeVar("T")

_JOBS: dict[int, Callable[[int], object]] = {}   # what workers compute, by key; inherited by fork


def workers(jobs: int) -> int:
    """How many processes ``--jobs`` means (0: all cores)."""
    return jobs or os.cpu_count() or 1


_FORKING = True   # False in a process that must not fork (papermap/crew.py's members)


def can_fork(jobs: int, n: int, least: int = 2) -> bool:
    """Whether ``n`` jobs go to forked workers: more than one worker and at least ``least`` jobs,
    where this platform can fork and this process may."""
    return (_FORKING and workers(jobs) >= 2 and n >= least
            and "fork" in multiprocessing.get_all_start_methods())


def never_fork() -> None:
    """From now on this process does every job itself (it has threads that make a fork unsafe)."""
    global _FORKING
    _FORKING = False


def forked_map(job: Callable[[int], T], n: int, jobs: int) -> Iterator[T]:
    """``job(0)``, ``job(1)``, … in order, each computed by one of ``jobs`` forked workers. If a
    worker dies this stops early, without error, and the caller computes the rest itself."""
    key = _register(job)
    # the parent's objects out of the cycle collector's reach while workers run: a collection in
    # a worker would otherwise write to every object it inherited, copying their memory pages
    # (CPython's advice for fork without exec; ~12 % fewer page copies on a warm refresh)
    gc.freeze()
    try:
        with ProcessPoolExecutor(min(workers(jobs), n), multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            yield from pool.map(_call, [key] * n, range(n))
    except BrokenProcessPool:
        return
    finally:
        gc.unfreeze()
        del _JOBS[key]


Mates = tuple[tuple[int, ...], ...] | None   # for each job, the other jobs of its group (``mates``)


def mates(groups: Sequence[int] | None) -> Mates:
    """For each job, the other jobs of its group (``groups[i]``: job i's): jobs that lay out the
    same thing, a map page and its table. A worker that took one of a group and then a mate
    reuses the layout; one that takes a mate another process began lays it out again, which
    where the parent and a worker meet made the last job the longest, and the other side wait."""
    if groups is None:
        return None
    members: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    return tuple(tuple(j for j in members[g] if j != i) for i, g in enumerate(groups))


def farthest_free(owner, at: int, end: int, me: int, mates: Mates = None) -> int | None:
    """The last job in ``at``..``end - 1`` nobody took and whose mates nobody else took (``owner``:
    0 nobody, else who), for worker ``me``; None when there is none."""
    for k in range(end - 1, at - 1, -1):
        if owner[k] == 0 and (mates is None or all(owner[j] in (0, me) for j in mates[k])):
            return k
    return None


HERE = object()   # shared_map's answer when this process does the job itself: its share
LOST = object()   # … or a job whose worker died before sending it


def shared_map(job: Callable[[int], T], n: int, jobs: int, window: int = 64,
               mates: Mates = None) -> Iterator[object]:
    """``job(0)``, ``job(1)``, … in order, shared between this process and ``jobs - 1`` forked
    workers. For each i in turn this yields a worker's result, or ``HERE``: do job i now, here.

    Why the caller does its share: it has to take every result in order anyway, and it is warm
    (a worker pays its fork and its first touch of every inherited page); with two cores, one
    worker and the caller beat two workers and a caller that only waits. The caller takes jobs
    from the near end, the workers from the far end of a window of ``window`` jobs ahead of it,
    so they meet in the middle and at most ``window`` results wait here at a time.

    A job a worker took and did not deliver (it died: killed, out of memory) is yielded as
    ``LOST``, to be done here too. An error raised by a job in a worker is raised here.
    ``mates`` (see ``mates``): a worker leaves a job to whoever took one of its mates.
    """
    ctx = multiprocessing.get_context("fork")
    key = _register(job)
    owner = ctx.RawArray("h", n)            # who took each job: 0 nobody, -1 this process, w a worker
    front = ctx.RawValue("l", 0)            # the job this process is at
    lock = ctx.Lock()
    results = ctx.Queue()
    if n:
        owner[0] = -1   # the first job is this process's before any worker exists: it starts at once
    gc.freeze()   # see forked_map
    procs = [ctx.Process(target=_share, args=(key, n, window, owner, front, lock, results, w + 1, os.getpid(), mates),
                         daemon=True) for w in range(min(workers(jobs), n) - 1)]
    try:
        for p in procs:
            p.start()
        yield from gather(n, owner, front, lock, procs, partial(_receive, results))
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
        results.close()
        results.join_thread()
        gc.unfreeze()
        del _JOBS[key]


def gather(n: int, owner, front, lock, procs: list, receive: Callable[[dict[int, object], float], bool]
           ) -> Iterator[object]:
    """This process's side of sharing jobs 0..n-1 with ``procs`` (worker w is ``procs[w - 1]``,
    None when there is none): for each job in order, ``HERE`` when it takes it (``owner`` -1),
    else the result its worker sent (``receive(waiting, timeout)`` files results by job), or
    ``LOST`` when that worker died first. ``front`` tells the workers where this process is."""
    waiting: dict[int, object] = {}
    for i in range(n):
        if not lock.acquire(timeout=10):   # a worker killed while it held the lock: go on alone
            for p in procs:
                if p is not None:
                    p.kill()
            owner[i] = -1
        else:
            front.value = i
            if owner[i] == 0:
                owner[i] = -1
            lock.release()
        taker = owner[i]
        if taker == -1:
            yield HERE
            continue
        proc = procs[taker - 1]
        while i not in waiting and proc is not None and proc.is_alive():
            receive(waiting, 0.2)
        if i not in waiting:     # its worker died before it could send it (or as it did)
            while receive(waiting, 0.05):   # the last words of a dead worker are still queued
                pass
        yield waiting.pop(i, LOST)


def _receive(results, waiting: dict[int, object], timeout: float) -> bool:
    """One result from a shared_map worker into ``waiting`` (False when none came in time); an
    error a job raised in the worker is raised here."""
    try:
        k, ok, value = results.get(timeout=timeout)
    except queue.Empty:
        return False
    if not ok:
        raise value
    waiting[k] = value
    return True


def _share(key: int, n: int, window: int, owner, front, lock, results, me: int, parent: int,
           mates: Mates = None) -> None:
    """A shared_map worker: take the farthest job not taken within the window, do it, send it."""
    die_with_parent(parent)
    job = _JOBS[key]
    while True:
        with lock:
            at = front.value
            k = farthest_free(owner, at, min(n, at + window), me, mates)
            if k is not None:
                owner[k] = me
        if k is None:
            if at + window >= n:
                return            # nothing left that is not taken
            time.sleep(0.002)     # the window is full: wait for this process to move on
            continue
        try:
            results.put((k, True, job(k)))
        except BaseException as exc:   # any error goes back whole, to be raised in the caller
            results.put((k, False, exc))
            return


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
            self._process = context.Process(target=_send_result, args=(job, sender, os.getpid()), daemon=True)
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


def die_with_parent(parent: int) -> None:
    """In a forked worker: end this process when ``parent`` dies, however it dies.

    On Linux the kernel does it (PR_SET_PDEATHSIG with SIGKILL): at once, even while the worker
    is busy inside C code that holds the GIL. Elsewhere a daemon thread polls ``getppid()``, which
    changes when the parent is gone. Either way the parent may have died before this ran, which
    the check at the end catches.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            armed = libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0   # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            armed = False
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        threading.Event().wait(0.5)
    os.kill(os.getpid(), signal.SIGKILL)   # as the kernel would: no exit handlers, no flushing


def _send_result(job: Callable[[], object], pipe, parent: int) -> None:
    """In the worker: ``job()``'s result, or its error, back through ``pipe``."""
    die_with_parent(parent)
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
