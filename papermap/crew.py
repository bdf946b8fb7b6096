"""Page workers kept from one build to the next by a long-lived process: papermap serve's build
worker (``--jobs``, like forks.shared_map, whose results and protocol they share).

Why: a worker forked when a build's sheets begin (forks.shared_map) starts cold. Every page it
inherited is shared with the parent until one of them writes to it, and in CPython nearly
everything touched is written to (reference counts, the interpreter's inline caches), so both
pay a page fault, most often a page copy, on first touch: on a warm refresh of the peers' job
(a fifth of a second), the parent and its worker drew the sheets only 1.1-1.3x faster than one
process alone, though two independent processes do not slow each other down on the same
machine. A crew member is forked once, when the build worker starts; after its first build its
pages are its own, and so are the parent's, and a refresh takes 15-25 % less time than with a
worker forked for it (serve's builds, alternated, same machine).

How: each build, the parent hands every member the same call (``begin``): the member runs the
whole build itself, reading the same files with the same settings and print time, which is
deterministic, so it lays out the very sheets the parent does, meanwhile, on the other core.
When a member reaches the sheets it does not draw the PDF: it waits for the parent to publish
the build's jobs (``map``) and takes them from the far end, as a shared_map worker does, sending
each back; the parent files them. A member whose jobs differ (their count, or the fingerprint
of the texts the sheets print) takes none. A member never draws a basemap or reads an extract:
without a cached drawing it declines the build (``Declined``) and, once the parent has drawn
and cached it, loads it for the builds to come. A member that dies costs time, not pages (LOST,
as in shared_map); the next build forks a new one.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Iterator
from functools import partial

from papermap import forks

_WAITING = -1    # the build's jobs are not published yet
_OVER = -2       # no jobs to take: between builds, or the build is over
_TOOK = -1       # owner of a job the parent took (as forks.gather marks it)
_CAPACITY = 1 << 15   # jobs one build can share (settings.MAX_PAGES pages make fewer)

_CURRENT: Crew | None = None     # in the parent: the crew that shares the build under way
_MEMBER: tuple[Crew, int] | None = None   # in a member: its crew and its number (1, 2, …)


class Declined(BaseException):
    """Raised in a member that will not do this build (it would have to draw a basemap);
    ``after()`` runs once the parent's build is over (e.g. to load the basemap it cached)."""

    def __init__(self, after: Callable[[], object] | None = None):
        super().__init__("declined")
        self.after = after


class _Served(BaseException):
    """Ends a member's run of a build once it has no more jobs to take (a BaseException, so
    that no ``except Exception`` on the way up stops it)."""


def member() -> bool:
    """Whether this process is a crew member (it never forks, and it shares, never saves)."""
    return _MEMBER is not None


def current() -> Crew | None:
    """The crew sharing the build under way in this process, if any."""
    return _CURRENT


def decline(after: Callable[[], object] | None = None) -> None:
    """In a member: give up this build (``after()`` runs when the parent's is over); else nothing."""
    if _MEMBER is not None:
        raise Declined(after)


class Crew:
    """``size`` members forked now, to share the sheets of the builds this process runs.

    Make it before this process starts threads of its own (a multiprocessing queue's feeder
    thread counts), as the members are forks of it. A member that died is forked anew by the
    next ``begin``, later in the process's life, as forks.shared_map forks its workers.
    """

    def __init__(self, size: int, window: int = 64) -> None:
        ctx = self._ctx = multiprocessing.get_context("fork")
        self._window = window
        self._owner = ctx.RawArray("h", _CAPACITY)   # who took each job: 0 nobody, _TOOK the parent, w a member
        self._front = ctx.RawValue("l", 0)            # the job the parent is at
        self._count = ctx.RawValue("l", _OVER)        # the build's job count, or _WAITING / _OVER
        self._serial = ctx.RawValue("l", 0)           # which build: a member's results name it
        self._print = ctx.RawArray("c", 32)           # the fingerprint of the build's jobs
        self._lock = ctx.Lock()
        self._results = ctx.Queue()
        self._calls: list = [None] * size            # the parent's end of each member's pipe
        self._procs: list = [None] * size
        self._mine = 0                                # in a member: the build it is running
        self._rehearsing = False                      # in a member: drawing a build it declined, to warm up
        self.shared = 0                               # jobs the members drew in the last build
        for w in range(size):
            self._spawn(w)

    # -- the parent's side ------------------------------------------------------------------
    def begin(self, call: Callable[[], object]) -> None:
        """A build begins: every member runs ``call()`` (a picklable copy of the parent's own
        build), and this crew shares the build's sheets (``map``) until ``end``."""
        global _CURRENT
        self.shared = 0
        with self._lock:
            self._serial.value += 1
            self._count.value = _WAITING
        for w, proc in enumerate(self._procs):
            if proc is None or not proc.is_alive():
                self._spawn(w)
            try:
                self._calls[w].send((self._serial.value, call))
            except (OSError, ValueError):   # it died just now: it takes no jobs, map() copes
                pass
        _CURRENT = self

    def end(self) -> None:
        """The build is over (however it ended): members stop waiting for its jobs."""
        global _CURRENT
        with self._lock:
            self._count.value = _OVER
        _CURRENT = None

    def map(self, job: Callable[[int], object], n: int, fingerprint: bytes) -> Iterator[object]:
        """What forks.shared_map yields for jobs 0..n-1 (``HERE``, a member's result or
        ``LOST``), the members taking jobs they laid out themselves when their fingerprint of
        the jobs is ``fingerprint``."""
        if n > _CAPACITY:
            yield from (forks.HERE for _ in range(n))
            return
        serial = self._serial.value
        with self._lock:
            self._owner[:n] = [0] * n
            if n:
                self._owner[0] = _TOOK   # the first job is this process's: it starts at once
            self._front.value = 0
            self._print.raw = fingerprint[:32].ljust(32, b"\0")
            self._count.value = n
        try:
            for result in forks.gather(n, self._owner, self._front, self._lock, self._procs,
                                       partial(self._receive, serial)):
                self.shared += result is not forks.HERE and result is not forks.LOST
                yield result
        finally:
            with self._lock:
                self._count.value = _OVER

    def close(self) -> None:
        """Let the members go."""
        for conn in self._calls:
            if conn is not None:
                conn.close()
        for proc in self._procs:
            if proc is not None:
                proc.join(timeout=2)
                if proc.is_alive():
                    proc.kill()
                    proc.join()
        self._results.close()
        self._results.join_thread()

    def _receive(self, serial: int, waiting: dict[int, object], timeout: float) -> bool:
        """One result of this build into ``waiting`` (a late one of an earlier build is dropped);
        an error a job raised in the member is raised here."""
        try:
            got, k, ok, value = self._results.get(timeout=timeout)
        except queue.Empty:
            return False
        if got == serial:
            if not ok:
                raise value
            waiting[k] = value
        return True

    def _spawn(self, w: int) -> None:
        mine, theirs = self._ctx.Pipe()
        proc = self._ctx.Process(target=self._member_main, args=(w + 1, theirs, os.getpid()), daemon=True)
        proc.start()
        theirs.close()
        self._calls[w], self._procs[w] = mine, proc

    # -- a member's side --------------------------------------------------------------------
    def serve(self, job: Callable[[int], object], n: int, fingerprint: bytes, mates: forks.Mates = None) -> None:
        """In a member that has laid out its build: take jobs until none are left, then raise
        _Served. Takes none when the parent's jobs are not the ones laid out here, and none of
        whose ``mates`` (forks.mates) the parent took; in a rehearsal, draws them all for itself."""
        me, serial = _MEMBER[1], self._mine
        if self._rehearsing:
            for k in range(n):
                if self._serial.value != serial:   # a new build: be ready for it instead
                    break
                job(k)
            raise _Served
        while True:      # the parent publishes the jobs when it reaches them too
            with self._lock:
                if self._serial.value != serial or self._count.value == _OVER:
                    raise _Served
                if self._count.value != _WAITING:
                    break
            time.sleep(0.001)
        if self._count.value != n or self._print.raw != fingerprint[:32].ljust(32, b"\0"):
            raise _Served
        while True:
            with self._lock:
                if self._serial.value != serial or self._count.value == _OVER:
                    raise _Served
                at = self._front.value
                k = forks.farthest_free(self._owner, at, min(n, at + self._window), me, mates)
                if k is not None:
                    self._owner[k] = me
            if k is None:
                if at + self._window >= n:
                    raise _Served
                time.sleep(0.002)     # the window is full: wait for the parent to move on
                continue
            try:
                self._results.put((serial, k, True, job(k)))
            except BaseException as exc:   # any error goes back whole, to be raised in the parent
                self._results.put((serial, k, False, exc))
                raise _Served from None

    def _member_main(self, me: int, calls, parent: int) -> None:
        """A member: run each build it is handed up to its sheets, then share them."""
        global _MEMBER, _CURRENT
        forks.die_with_parent(parent)
        _MEMBER, _CURRENT = (self, me), None
        forks.never_fork()   # its queue's feeder thread makes forking unsafe; it needs no workers
        while True:
            try:
                serial, call = calls.recv()
            except (EOFError, OSError):
                return
            self._mine = serial
            try:
                call()
            except _Served:
                pass
            except Declined as declined:   # once the parent has drawn and cached what was missing,
                self._wait_over(serial)       # the member loads it and rehearses the build: its first
                self._rehearse(declined.after, call)   # shared build is then as warm as the next
            except Exception:   # noqa: BLE001 - the parent runs the same build, and reports its errors
                pass

    def _wait_over(self, serial: int) -> None:
        while self._serial.value == serial and self._count.value != _OVER:
            time.sleep(0.01)

    def _rehearse(self, after: Callable[[], object] | None, call: Callable[[], object]) -> None:
        """In a member that declined a build: ``after()``, then the build once more, its sheets
        drawn and dropped, so that its first shared build does not start cold (a page copy on
        first touch of each page, caches empty). Only a head start: any failure just ends it."""
        self._rehearsing = True
        try:
            if after is not None:
                after()
            call()
        except (Exception, _Served, Declined):   # noqa: BLE001
            pass
        finally:
            self._rehearsing = False


def serve(job: Callable[[int], object], n: int, fingerprint: bytes, mates: forks.Mates = None) -> None:
    """In a member: share this build's jobs with the parent (see ``Crew.serve``); never returns."""
    assert _MEMBER is not None, "serve() is for crew members"
    team, _ = _MEMBER
    team.serve(job, n, fingerprint, mates)
