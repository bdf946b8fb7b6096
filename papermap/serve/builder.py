"""Builds for the web page: one warm worker process, a queue in front of it, progress for the page.

Why a process of its own: a build forks page workers (papermap/forks.py), which is only safe from
a single-threaded process, and the web server is threaded. A crash of any kind inside a build
(an error, a segfault, the kernel's OOM killer) then ends at most that process: the job is marked
failed, a new worker is started, the server and the other jobs carry on.

Why one worker: the builds already use every core for their pages; two at once would only share
them and double the memory. Jobs wait in a bounded queue and the page shows their place in it.

Why warm: the worker keeps papermap's imports, the fonts and every drawn basemap it has used
(``keep_art_in_memory``), and each basemap page's content already compressed (``keep_streams``),
so a rebuild after the points change draws and compresses only the points and tables; and it
keeps its page workers from build to build (``papermap.crew``), so none is forked cold.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import secrets
import sys
import threading
import time
import traceback
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from papermap import forks
from papermap.crew import Crew
from papermap.errors import PapermapError

PREVIEW_DPI = 50        # an A4 sheet is 413 x 585 pixels: a readable thumbnail, ~0.1 s a sheet
MAX_WAITING = 20        # builds queued beyond this are refused: the page says "try again later"
ART_IN_MEMORY = 4       # drawn basemaps the worker keeps (one per area, scale, paper…)
STREAMS_IN_MEMORY_MB = 128   # their pages' compressed content streams, kept too (render/pdf/kept.py)


@dataclass
class Job:
    """One build as the page sees it. ``state``: queued, running, done or failed."""

    id: str
    folder: Path
    config: Any                       # a checked papermap.Config
    state: str = "queued"
    message: str = "waiting for the builds before it"
    done: int | None = None
    total: int | None = None
    error: str = ""
    result: dict = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    pdf_seconds: float | None = None  # from the worker taking the job to the PDF written
    shared_jobs: int = 0              # of its sheets' jobs, those the worker's crew drew (papermap/crew.py)

    @property
    def pdf(self) -> Path:
        return self.folder / "atlas.pdf"

    def sheets(self) -> list[Path]:
        return sorted(self.folder.glob("sheet-*.png"))


# ------------------------------------------------------------------ in the worker process ----

def keep_art_in_memory(size: int = ART_IN_MEMORY) -> None:
    """Put an in-memory layer over the on-disk basemap cache (papermap.render.artcache), in this
    process only: a warm rebuild then skips unpickling and decompressing the drawn basemap.

    The artcache keeps its own on-disk behaviour; this wraps its ``load`` and ``store``. (The
    pipeline reads the art through ``artcache.load``, so no change to the pipeline is needed.)
    """
    from papermap.render import artcache

    disk_load, disk_store = artcache.load, artcache.store
    kept: OrderedDict[tuple, Any] = OrderedDict()

    def remember(key: tuple, value: Any) -> None:
        kept[key] = value
        kept.move_to_end(key)
        while len(kept) > size:
            kept.popitem(last=False)

    def load(folder: Path, key: str, suffix: str = ".art"):
        if (folder, key, suffix) in kept:
            kept.move_to_end((folder, key, suffix))
            return kept[(folder, key, suffix)]
        value = disk_load(folder, key, suffix)
        if value is not None:
            remember((folder, key, suffix), value)
        return value

    def store(folder: Path, key: str, art, suffix: str = ".art") -> None:
        disk_store(folder, key, art, suffix)
        remember((folder, key, suffix), art)

    artcache.load, artcache.store = load, store


def _member_build(config: Any, now: datetime) -> None:
    """A crew member's copy of a job's build (papermap/crew.py): into a scratch folder, since a
    member shares the parent's sheets and never gets as far as writing a PDF."""
    from papermap._files import scratch_folder
    from papermap.api import build

    with scratch_folder() as tmp:
        build(tmp / "atlas.pdf", config, now=now)


def run_job(job: dict, events: Any, team: Crew | None = None) -> None:
    """Build one job's PDF and the PNG preview of every sheet, reporting progress as events;
    ``team`` shares the drawing of the sheets."""
    from papermap.api import build
    from papermap.output.png import write_pngs
    from papermap.pipeline import build_time

    job_id, folder = job["id"], Path(job["folder"])
    started = time.perf_counter()

    def progress(message: str, done: int | None = None, total: int | None = None) -> None:
        events.put((job_id, "progress", {"message": message, "done": done, "total": total}))

    try:
        now = build_time()    # one print time for the parent and its crew
        if team is not None:
            team.begin(partial(_member_build, job["config"], now))
        try:
            report = build(folder / "atlas.pdf", job["config"], progress=progress, now=now)
        finally:
            if team is not None:
                team.end()
        pdf_seconds = time.perf_counter() - started
        progress("previews")
        sheets = write_pngs(folder / "atlas.pdf", folder / "sheet.png", PREVIEW_DPI,
                            lambda _m, d=None, t=None: progress("previews", d, t))
        events.put((job_id, "done", {
            "pages": [{"number": p.number, "bbox": p.bbox} for p in report.pages],
            "sheets": len(sheets), "points": report.points, "placed": report.placed,
            "outside": report.outside, "pdf_seconds": pdf_seconds,
            "shared_jobs": team.shared if team is not None else 0,   # sheets drawn by the crew
            # the job's folder is the server's business: the page names files as they were uploaded
            "warnings": [w.replace(f"{folder}{os.sep}", "") for w in report.warnings]}))
    except PapermapError as exc:
        events.put((job_id, "failed", {"error": str(exc)}))
    except Exception as exc:  # noqa: BLE001 - any bug in a build fails that build, never the worker
        traceback.print_exc(file=sys.stderr)
        events.put((job_id, "failed", {"error": f"internal error: {type(exc).__name__}: {exc}"}))


def worker_main(jobs: Any, events: Any) -> None:
    """The worker process: warm up, then build jobs one by one until told to stop (None)."""
    import papermap.api  # noqa: F401 - imported once here, not on every build
    import papermap.pipeline  # noqa: F401
    from papermap.render.pdf import keep_streams, load_font as register

    gc.set_threshold(200_000, 30, 30)   # as the CLI sets it (papermap/cli/__init__.py): a build is the same work
    keep_art_in_memory()
    keep_streams(STREAMS_IN_MEMORY_MB)
    register(None)
    team = None
    if forks.can_fork(0, 2):   # page workers kept from build to build: forked now, before any thread
        gc.freeze()            # what they inherit stays out of their collections (forks.forked_map)
        team = Crew(forks.workers(0) - 1)
        gc.unfreeze()
    events.put((None, "ready", {}))
    parent = os.getppid()
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:   # the server was killed: do not linger as an orphan
                return
            continue
        if job is None:
            return
        if job.get("task") == "call":   # a small task run in the warm worker (e.g. the overview map)
            try:
                events.put((job["id"], "done", {"value": job["fn"](*job["args"])}))
            except PapermapError as exc:
                events.put((job["id"], "failed", {"error": str(exc)}))
            except Exception as exc:  # noqa: BLE001
                traceback.print_exc(file=sys.stderr)
                events.put((job["id"], "failed", {"error": f"internal error: {type(exc).__name__}: {exc}"}))
            continue
        run_job(job, events, team)


# ------------------------------------------------------------------ in the server process ----

class Builder:
    """The queue of builds and the worker that runs them, seen from the web server's threads.

    Parameters
    ----------
    jobs_dir : Path
        Where each job gets a folder of its own (named by the job's random id).
    """

    def __init__(self, jobs_dir: Path) -> None:
        self.jobs_dir = jobs_dir
        self.jobs: dict[str, Job] = {}
        self._waiting: deque[str] = deque()
        self._calls: dict[str, dict] = {}
        self._lock = threading.Condition()
        self._ctx = multiprocessing.get_context("spawn")   # a clean process: no threads inherited
        self._stopping = False
        self._worker: Any = None
        self._thread = threading.Thread(target=self._run, name="papermap-builds", daemon=True)
        self._thread.start()

    # -- public --

    def submit(self, config: Any, prepare: Any = None) -> Job:
        """Queue a build of ``config``; ``prepare(folder)`` first fills the job's folder (points
        files) and returns the config to build. Raises PapermapError when the queue is full."""
        with self._lock:
            if len(self._waiting) >= MAX_WAITING:
                raise PapermapError(f"{MAX_WAITING} builds are already waiting: try again in a few minutes")
            job_id = secrets.token_hex(16)
            folder = self.jobs_dir / job_id
            folder.mkdir(parents=True)
            if prepare is not None:
                config = prepare(folder)
            job = Job(job_id, folder, config)
            self.jobs[job_id] = job
            self._waiting.append(job_id)
            self._lock.notify_all()
            return job

    def call(self, fn: Any, *args: Any, timeout: float = 600.0) -> Any:
        """``fn(*args)`` run in the warm worker between builds (``fn`` must be importable)."""
        call_id = "call-" + secrets.token_hex(8)
        with self._lock:
            self._calls[call_id] = {"state": "queued", "fn": fn, "args": args}
            self._waiting.appendleft(call_id)
            self._lock.notify_all()
            if not self._lock.wait_for(lambda: self._calls[call_id]["state"] in ("done", "failed"), timeout):
                raise PapermapError("the build worker did not answer in time")
            call = self._calls.pop(call_id)
        if call["state"] == "failed":
            raise PapermapError(call["error"])
        return call["value"]

    @property
    def worker_alive(self) -> bool:
        """Whether the build worker is running (the health check says so)."""
        return self._worker is not None and self._worker.is_alive()

    def position(self, job_id: str) -> int:
        """How many builds run or wait before this one (0: it is running or finished)."""
        with self._lock:
            return list(self._waiting).index(job_id) + 1 if job_id in self._waiting else 0

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job is done or failed (for the benchmark and tests)."""
        with self._lock:
            self._lock.wait_for(lambda: self.jobs[job_id].state in ("done", "failed"), timeout)
            return self.jobs[job_id]

    def stop(self) -> None:
        """Stop the worker (after its current job) and the dispatching thread."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._thread.join(timeout=30)
        self._end_worker()

    # -- the dispatching thread --

    def _start_worker(self) -> None:
        self._jobs_q, self._events = self._ctx.Queue(), self._ctx.Queue()
        self._worker = self._ctx.Process(target=worker_main, args=(self._jobs_q, self._events),
                                         name="papermap-build-worker")   # not daemonic: it forks page workers
        self._worker.start()

    def _end_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if worker.is_alive():
            self._jobs_q.put(None)
            worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()
            worker.join(timeout=10)

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._waiting or self._stopping)
                if self._stopping:
                    return
                item = self._waiting[0]
            try:
                if self._worker is None or not self._worker.is_alive():
                    self._start_worker()
                self._dispatch(item)
            except Exception as exc:  # noqa: BLE001 - the queue keeps going whatever one job did
                traceback.print_exc(file=sys.stderr)
                self._finish(item, "failed", {"error": f"internal error: {type(exc).__name__}: {exc}"})
            with self._lock:
                self._waiting.popleft()
                self._lock.notify_all()

    def _dispatch(self, item: str) -> None:
        """Hand one job or call to the worker and follow its events until it ends, or the worker dies."""
        with self._lock:
            if item in self._calls:
                call = self._calls[item]
                message = {"task": "call", "id": item, "fn": call["fn"], "args": call["args"]}
            else:
                job = self.jobs[item]
                job.state, job.message = "running", "starting"
                message = {"id": item, "folder": str(job.folder), "config": job.config}
        self._jobs_q.put(message)
        while True:
            try:
                job_id, kind, data = self._events.get(timeout=0.5)
            except queue.Empty:
                if self._worker is not None and not self._worker.is_alive():
                    self._finish(item, "failed", {"error": "the build stopped unexpectedly (its process "
                                                  f"ended with code {self._worker.exitcode}); the server "
                                                  "is fine: try again or with fewer points"})
                    self._worker = None
                    return
                continue
            if job_id != item:
                continue        # "ready", or a stray event of an earlier job
            if kind == "progress":
                with self._lock:
                    job = self.jobs[item]
                    job.message, job.done, job.total = data["message"], data["done"], data["total"]
                    self._lock.notify_all()
                continue
            self._finish(item, kind, data)
            return

    def _finish(self, item: str, state: str, data: dict) -> None:
        with self._lock:
            if item in self._calls:
                self._calls[item].update(state=state, **data)
            else:
                job = self.jobs[item]
                job.state, job.done, job.total = state, None, None
                job.error = data.get("error", "")
                job.message = "finished" if state == "done" else "failed"
                job.pdf_seconds = data.pop("pdf_seconds", None)
                job.shared_jobs = data.pop("shared_jobs", 0)
                job.result = data
            self._lock.notify_all()
