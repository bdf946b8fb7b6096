#!/usr/bin/env python3
"""papermap's own benchmark (`make bench`): time real `papermap build` processes on fixed jobs.

Every timed run is a fresh process (interpreter start, imports, reading the extract, drawing, writing
the PDF), measured with `/usr/bin/time -v` when present (as the peer benchmark in
../shared/bench/peers does, so the figures compare) or else with the child's own rusage. The figure
per case is the median of --runs processes. Targets are printed as ratios between figures measured
in this same run, never against stored absolute times, because the shared VMs vary by ~30 %.

    python bench/run_bench.py [--runs 3] [--quick] [--only peers-job,refresh] [--peers] [--out DIR]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

REPO = Path(__file__).resolve().parents[1]
MONACO = REPO / "sample_data" / "monaco.osm.pbf"
MONACO_BBOX = (7.409, 43.723, 7.449, 43.752)  # the peers' job (../shared/bench/peers/job.py)
SEA_BBOX = (7.440, 43.724, 7.448, 43.728)      # open sea south-east of Monaco: one near-empty page
REALDATA = REPO.parent / "shared" / "realdata" / "osm"
# Areas worth mapping inside the shared extracts; an extract not listed is mapped to its extent.
REALDATA_BBOX = {"kumamoto-chuo-roads.overpass.json": (130.686, 32.769, 130.764, 32.830)}
OSM_SUFFIXES = (".osm.pbf", ".osm", ".osm.bz2", ".json")
PEERS_DIR = REPO.parent / "shared" / "bench" / "peers"
PEERS_PY = Path("/tmp/peers-venv/bin/python")
PEERS_ONLY = "mapnik-prep,mapnik,mapnik+labels"
TIME_BIN = Path("/usr/bin/time")
TIME_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
# The first progress line of drawing: the basemap art when drawn afresh, else the PDF pages from cached art.
DRAW_START = re.compile(r"^papermap: (drawing the basemap|overview)\b")
CATEGORIES = (("water", "給水所"), ("bath", "入浴施設"), ("laundry", "洗濯所"), ("toilet", "仮設トイレ"),
              ("supplies", "物資配布所"), ("shelter", "避難所"), ("medical", "救護所"),
              ("charging", "充電所"))
POINTS_HEADER = ("id", "category", "name", "lat", "lon", "hours", "status")
CASES = ("peers-job", "peers-job-5000", "peers-job-2500", "points-10", "points-1000", "points-10000",
         "points-address-1000",
         "refresh", "serve-refresh", "realdata", "empty-sea", "overlays", "pages-1000")
FLAGS_OF_INTEREST = ("--points", "--no-osm-points", "--cache-dir", "--jobs")

BBox = tuple[float, float, float, float]


# ---------------------------------------------------------------- pure helpers (tested) ----

def median(values: Iterable[float | None]) -> float | None:
    """Median of the values that were measured; None when none were (a failed or unparsed run)."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table; numbers right-aligned so columns of figures read down easily."""
    rows = [[_cell(v) for v in r] for r in rows]
    numeric = [all(_is_number(r[i]) for r in rows) and bool(rows) for i in range(len(headers))]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if num else c.ljust(w)
                                 for c, w, num in zip(cells, widths, numeric)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else ("-" * (w + 2))
                          for w, num in zip(widths, numeric)) + "|"
    return "\n".join([line(headers), rule] + [line(r) for r in rows])


def _cell(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _is_number(text: str) -> bool:
    return text == "–" or re.fullmatch(r"-?[\d,]+(\.\d+)?", text) is not None


def generate_points(n: int, bbox: BBox, seed: int) -> list[dict[str, str]]:
    """n relief points spread uniformly over bbox, categories cycling, Japanese names; same seed, same points."""
    rng = random.Random(seed)
    w, s, e, nn = bbox
    rows = []
    for i in range(n):
        cat, ja = CATEGORIES[i % len(CATEGORIES)]
        rows.append({"id": f"b{seed}-{i + 1}", "category": cat, "name": f"{ja} {i + 1}",
                     "lat": f"{rng.uniform(s, nn):.6f}", "lon": f"{rng.uniform(w, e):.6f}",
                     "hours": "9:00-17:00", "status": "open"})
    return rows


# streets of the sample extract with addr:* tags, and one no extract has: most addresses are found, some are not
MONACO_STREETS = ("Avenue de l'Annonciade", "Boulevard Rainier III", "Avenue Princesse Grace", "Rue du Portier",
                  "Quai Jean-Charles Rey", "Avenue de la Madone", "Avenue Hector Otto", "Rue Imaginaire")


def generate_address_points(n: int, seed: int) -> list[dict[str, str]]:
    """n relief points with an address and no coordinates (placed by the build from the extract)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        cat, ja = CATEGORIES[i % len(CATEGORIES)]
        rows.append({"id": f"a{seed}-{i + 1}", "category": cat, "name": f"{ja} {i + 1}",
                     "address": f"{rng.randint(1, 40)} {rng.choice(MONACO_STREETS)}, 98000 Monaco",
                     "hours": "9:00-17:00", "status": "open"})
    return rows


def points_csv(rows: Iterable[dict[str, str]], header: Sequence[str] = POINTS_HEADER) -> str:
    """The CSV text papermap's points reader accepts (header id,category,name,lat,lon,hours,status)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


# names whose keywords give the generated overlays their kinds (styles/overlays.toml)
OVERLAY_LINES = ("通行可能", "通行止", "夜間通行止", "避難経路")
OVERLAY_AREAS = ("停電", "浸水", "土砂災害警戒区域", "給水区域")


def generate_overlays(lines: int, areas: int, bbox: BBox, seed: int) -> dict:
    """A GeoJSON FeatureCollection of ``lines`` named lines (8 vertices, a few hundred metres long)
    and ``areas`` named quadrilaterals spread over bbox, kinds cycling; same seed, same file."""
    rng = random.Random(seed)
    w, s, e, n = bbox
    features = []
    for i in range(lines + areas):
        lon, lat = rng.uniform(w, e), rng.uniform(s, n)
        if i < lines:
            coords = [[lon, lat]]
            for _ in range(7):
                lon, lat = lon + rng.uniform(-0.0008, 0.0008), lat + rng.uniform(-0.0006, 0.0006)
                coords.append([round(lon, 6), round(lat, 6)])
            geometry = {"type": "LineString", "coordinates": coords}
            name = f"{OVERLAY_LINES[i % len(OVERLAY_LINES)]} {i + 1}"
        else:
            d = rng.uniform(0.0005, 0.002)
            ring = [[lon, lat], [lon + d, lat + d * 0.1], [lon + d * 0.9, lat + d * 0.8],
                    [lon - d * 0.1, lat + d * 0.7]]
            geometry = {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring + ring[:1]]]}
            name = f"{OVERLAY_AREAS[i % len(OVERLAY_AREAS)]} {i + 1}"
        features.append({"type": "Feature", "properties": {"name": name, "notes": "bench"}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def bbox_arg(bbox: BBox) -> str:
    """W,S,E,N as `papermap build --bbox` takes it."""
    return ",".join(f"{v:g}" for v in bbox)


# ---------------------------------------------------------------- measuring ----

@dataclass
class Run:
    """One fresh `papermap build` process."""
    wall: float
    rss_mb: float | None
    returncode: int
    stderr: str
    draw_s: float | None  # from the first drawing progress line to exit: drawing + writing the PDF


@dataclass
class CaseResult:
    name: str
    what: str
    runs: list[Run] = field(default_factory=list)
    pages: int = 0               # map pages + the overview (point-table sheets not counted)
    pdf_bytes: int = 0
    min_map_page_bytes: int | None = None  # smallest map page as a standalone PDF
    min_map_page_own_bytes: int | None = None  # what the smallest map page adds to the atlas
    error: str | None = None
    skipped: str | None = None

    @property
    def wall(self) -> float | None:
        return median(r.wall for r in self.runs)

    @property
    def map_pages(self) -> int:
        return max(self.pages - 1, 0)

    def per_map_page(self, seconds: float | None) -> float | None:
        return seconds / self.map_pages if seconds is not None and self.map_pages else None

    @property
    def draw_per_page(self) -> float | None:
        return self.per_map_page(median(r.draw_s for r in self.runs))

    @property
    def bytes_per_page(self) -> float | None:
        return self.pdf_bytes / self.pages if self.pages else None


def run_process(cmd: list[str], timeout: float) -> Run:
    """Run cmd once, timing wall clock and reading peak RSS; stderr is read live to timestamp drawing."""
    use_time = TIME_BIN.exists()
    full = ([str(TIME_BIN), "-v"] if use_time else []) + cmd
    t0 = time.perf_counter()
    # own session, so a timeout kills papermap and its page workers, not just /usr/bin/time
    proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env=dict(os.environ, PYTHONHASHSEED="0"), start_new_session=True)
    killer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
    killer.start()
    lines, draw_at = [], None
    assert proc.stderr is not None
    for line in proc.stderr:
        if draw_at is None and DRAW_START.match(line):
            draw_at = time.perf_counter()
        lines.append(line)
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over every earlier run)
    _, status, usage = os.wait4(proc.pid, 0)
    end = time.perf_counter()
    killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = "".join(lines)
    rss_mb = usage.ru_maxrss / 1024.0
    if use_time:
        m = TIME_RSS.search(stderr)
        rss_mb = int(m.group(1)) / 1024.0 if m else None
        stderr = re.split(r"\n?(?:Command exited with|Command terminated by|\tCommand being timed:)", stderr)[0]
    if end - t0 >= timeout:
        stderr += f"\nbench: killed after {timeout:.0f} s (--timeout)"
    return Run(end - t0, rss_mb, proc.returncode, stderr, end - draw_at if draw_at else None)


def compile_package() -> None:
    """papermap's modules compiled to .pyc, as an installed package has them. A run does not write
    them itself when PYTHONDONTWRITEBYTECODE is set (as on some CI machines), and every run would
    then compile the whole package again, a cost no installed papermap pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "papermap")], check=True,
                   stdout=subprocess.DEVNULL)


def pdf_page_sizes(path: Path) -> list[tuple[int, bool]]:
    """Bytes of each page saved as a standalone PDF (what pdfseparate gives the peers), and whether
    it is a map page (its header box says "Page"; point-table sheets say "List", the overview "Overview")."""
    src = pdfium.PdfDocument(path)
    sizes = []
    for i in range(len(src)):
        one = pdfium.PdfDocument.new()
        one.import_pages(src, [i])
        buf = io.BytesIO()
        one.save(buf)
        text = src[i].get_textpage().get_text_range()
        sizes.append((len(buf.getvalue()), "ページ / Page" in text))
    return sizes


def page_own_bytes(path: Path) -> list[int]:
    """Bytes each page adds to the atlas: the PDF objects only that page uses (its content stream,
    its page dictionary, resources no other page shares). Shared objects, such as the one embedded
    font subset and the symbol forms, are counted once for the file, not for every page."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, PDFStream

    with open(path, "rb") as fh:
        doc = PDFDocument(PDFParser(fh))
        starts = {}
        for xref in doc.xrefs:
            for objid in xref.get_objids():
                stream, pos, _ = xref.get_pos(objid)
                if stream is None:
                    starts[objid] = pos
        ends = sorted(starts.values()) + [path.stat().st_size]
        size = {objid: ends[ends.index(pos) + 1] - pos for objid, pos in starts.items()}

        def reach(value, seen: set[int]) -> None:
            if isinstance(value, PDFObjRef):
                if value.objid not in seen:
                    seen.add(value.objid)
                    reach(doc.getobj(value.objid), seen)
            elif isinstance(value, PDFStream):
                reach(value.attrs, seen)
            elif isinstance(value, dict):
                for key, item in value.items():
                    if key != "Parent":
                        reach(item, seen)
            elif isinstance(value, list):
                for item in value:
                    reach(item, seen)

        used = []
        for page in PDFPage.create_pages(doc):
            seen = {page.pageid}
            reach(page.attrs, seen)
            used.append(seen)
    users: dict[int, int] = {}
    for seen in used:
        for objid in seen:
            users[objid] = users.get(objid, 0) + 1
    return [sum(size.get(o, 0) for o in seen if users[o] == 1) for seen in used]


def build_flags() -> set[str]:
    """The options `papermap build` has today: the pipeline is changing, so the bench adapts."""
    out = subprocess.run([sys.executable, "-m", "papermap", "build", "--help"], capture_output=True,
                         text=True, cwd=REPO, check=True).stdout
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", out))


# ---------------------------------------------------------------- the cases ----

@dataclass(frozen=True)
class Job:
    """What to build; the output PDF and cache dir are chosen per run."""
    osm: Path
    bbox: BBox | None
    scale: int
    points: tuple[Path, ...] = ()


class Bench:
    """Runs the builds of one benchmark session with the same options, flags and output folder."""

    def __init__(self, flags: set[str], out: Path, runs: int, jobs: int | None, timeout: float):
        self.flags, self.out, self.runs, self.jobs, self.timeout = flags, out, runs, jobs, timeout

    def argv(self, job: Job, pdf: Path, cache: Path | None) -> list[str]:
        cmd = [sys.executable, "-m", "papermap", "build", "--osm", str(job.osm), "--paper", "A4",
               "--orientation", "portrait", "--scale", str(job.scale), "--title", "papermap bench",
               "-o", str(pdf)]
        if job.bbox:
            cmd += ["--bbox", bbox_arg(job.bbox)]
        for p in job.points:
            cmd += ["--points", str(p)]
        if cache is not None:
            cmd += ["--cache-dir", str(cache)]
        if self.jobs is not None and "--jobs" in self.flags:
            cmd += ["--jobs", str(self.jobs)]
        return cmd

    def fresh_cache(self, name: str, i: int) -> Path | None:
        """An empty cache dir per run, so that every build but a refresh's is a cold, full build."""
        if "--cache-dir" not in self.flags:
            return None
        path = self.out / name / f"cache-{i}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def timed(self, res: CaseResult, job: Job, cache: Path | None, pdf: Path) -> bool:
        """One timed build into res; False (with res.error set) when it failed."""
        pdf.parent.mkdir(parents=True, exist_ok=True)
        run = run_process(self.argv(job, pdf, cache), self.timeout)
        if run.returncode != 0:
            tail = "\n".join(run.stderr.strip().splitlines()[-8:])
            res.error = f"exit {run.returncode}: {tail}"
            return False
        res.runs.append(run)
        return True

    def finish(self, res: CaseResult, pdf: Path) -> CaseResult:
        sizes = pdf_page_sizes(pdf)
        maps = [size for size, is_map in sizes if is_map]
        res.pages, res.pdf_bytes = len(maps) + 1, pdf.stat().st_size
        res.min_map_page_bytes = min(maps) if maps else None
        own = [b for b, (_, is_map) in zip(page_own_bytes(pdf), sizes) if is_map]
        res.min_map_page_own_bytes = min(own) if own else None
        return res

    def warm_up(self) -> None:
        """One untimed build first: fills the OS file cache, which would otherwise land on whichever
        case runs first."""
        progress("warm-up build (untimed)")
        job = Job(MONACO, MONACO_BBOX, 10000)
        run_process(self.argv(job, self.out / "warm-up.pdf", self.fresh_cache("warm-up", 0)), self.timeout)

    def case(self, name: str, what: str, job: Job) -> CaseResult:
        res = CaseResult(name, what)
        pdf = self.out / name / "atlas.pdf"
        for i in range(self.runs):
            progress(f"{name} run {i + 1}/{self.runs}")
            if not self.timed(res, job, self.fresh_cache(name, i), pdf):
                return res
        return self.finish(res, pdf)

    def refresh(self, job_a: Job, job_b: Job) -> list[CaseResult]:
        """Cold build with points A into an empty cache, then points B on that warm cache, per round.

        A fresh cache each round keeps every refresh equally warm: basemap cached, the new points not.
        """
        cold = CaseResult("refresh-cold", "refresh, first build: empty cache, points A")
        warm = CaseResult("refresh", "refresh: same basemap cache, changed points B")
        pdf_a, pdf_b = self.out / "refresh" / "a.pdf", self.out / "refresh" / "b.pdf"
        for i in range(self.runs):
            progress(f"refresh round {i + 1}/{self.runs}")
            cache = self.fresh_cache("refresh", i)
            if not self.timed(cold, job_a, cache, pdf_a):
                warm.skipped = "its first build failed"
                return [cold, warm]
            if not self.timed(warm, job_b, cache, pdf_b):
                return [self.finish(cold, pdf_a), warm]
        return [self.finish(cold, pdf_a), self.finish(warm, pdf_b)]


# One warm `papermap serve` build path (papermap.serve.builder: its worker process) in one
# process: the first build (points A) warms it, then the refresh (points B) is timed from submit
# to the PDF written; previews are timed apart. Prints JSON on stdout.
SERVE_REFRESH = """
import json, sys, time
from pathlib import Path
from papermap.api import Config
from papermap.serve.builder import Builder
osm, bbox, a, b, jobs_dir, cache = sys.argv[1:7]
bbox = tuple(float(v) for v in bbox.split(","))
builder = Builder(Path(jobs_dir))
try:
    def build(points):
        cfg = Config(osm=osm, bbox=bbox, scale=10000, paper="A4", orientation="portrait",
                     title="papermap bench", points=[points], cache_dir=cache)
        t0 = time.perf_counter()
        job = builder.wait(builder.submit(cfg).id)
        if job.state != "done":
            raise SystemExit(job.error)
        return job.pdf_seconds, time.perf_counter() - t0, job.pdf, job.shared_jobs
    first = build(a)
    pdf_s, total_s, pdf, shared = build(b)
    print(json.dumps({"first": first[1], "pdf_s": pdf_s, "with_previews_s": total_s, "pdf": str(pdf),
                      "shared_jobs": shared}))
finally:
    builder.stop()
"""


def serve_refresh(bench: "Bench", job_a: Job, job_b: Job) -> list[CaseResult]:
    """A points refresh through the server's warm build path, and a cold CLI build of the same
    atlas (points B, empty cache) to compare it with, one of each per round: this machine's speed
    drifts over seconds, and a ratio of two figures taken side by side cancels the drift that the
    medians of two separate series would keep (the target is the median of the rounds' ratios)."""
    cold = CaseResult("serve-refresh-cold", "cold CLI build of the serve-refresh atlas (points B)")
    warm = CaseResult("serve-refresh", "papermap serve: points B rebuilt in the warm worker after points A")
    cold_pdf = bench.out / "serve-refresh-cold" / "atlas.pdf"
    for i in range(bench.runs):
        progress(f"serve-refresh round {i + 1}/{bench.runs}")
        if not bench.timed(cold, job_b, bench.fresh_cache("serve-refresh-cold", i), cold_pdf):
            warm.skipped = "its cold CLI build failed"
            return [cold, warm]
        folder = bench.out / "serve-refresh" / f"run-{i}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "cache").mkdir()
        p = subprocess.run([sys.executable, "-c", SERVE_REFRESH, str(job_a.osm), bbox_arg(job_a.bbox),
                            str(job_a.points[0]), str(job_b.points[0]), str(folder / "jobs"), str(folder / "cache")],
                           capture_output=True, text=True, cwd=REPO, timeout=bench.timeout)
        if p.returncode != 0:
            warm.error = f"exit {p.returncode}: {p.stderr.strip()[-800:]}"
            return [bench.finish(cold, cold_pdf), warm]
        got = json.loads(p.stdout.strip().splitlines()[-1])
        warm.runs.append(Run(got["pdf_s"], None, 0, "", None))
        progress(f"serve-refresh: cold CLI {cold.runs[-1].wall:.3f} s; warm PDF {got['pdf_s']:.3f} s "
                 f"({got['pdf_s'] / cold.runs[-1].wall:.3f}×; {got['shared_jobs']} jobs drawn by its crew), "
                 f"with sheet previews {got['with_previews_s']:.3f} s")
    return [bench.finish(cold, cold_pdf), bench.finish(warm, Path(got["pdf"]))]


def paired_ratio(a: CaseResult, b: CaseResult) -> float | None:
    """The median of a's run i over b's run i: for cases whose runs were taken in pairs."""
    if len(a.runs) != len(b.runs) or not a.runs:
        return None
    return median(x.wall / y.wall for x, y in zip(a.runs, b.runs))


FLOOR_IMPORTS = "import papermap.pipeline, papermap.cli.build, pyproj, reportlab.pdfgen.canvas"


def import_floor(runs: int, timeout: float) -> float | None:
    """Median wall of a process that only imports what every build imports (Python, numpy, pyproj,
    shapely, reportlab, papermap) and exits: no build, cold or refresh, can be faster than this."""
    walls = []
    for _ in range(runs):
        run = run_process([sys.executable, "-c", FLOOR_IMPORTS], timeout)
        walls.append(run.wall if run.returncode == 0 else None)
    return median(walls)


def largest_extract() -> Path | None:
    """The biggest shared real extract: the most realistic load papermap can be given offline."""
    files = [p for p in REALDATA.glob("*") if p.is_file() and p.name.endswith(OSM_SUFFIXES)] \
        if REALDATA.is_dir() else []
    return max(files, key=lambda p: p.stat().st_size, default=None)


def run_cases(bench: Bench, only: set[str]) -> list[CaseResult]:
    """Every selected case in a fixed order; cases the pipeline can't do yet are skipped with the reason."""
    results: list[CaseResult] = []
    for scale, name in ((10000, "peers-job"), (5000, "peers-job-5000"), (2500, "peers-job-2500")):
        if name in only:
            results.append(bench.case(name, f"Monaco, peers' bbox, 1:{scale:,}, A4 portrait",
                                      Job(MONACO, MONACO_BBOX, scale)))
    has_points = "--points" in bench.flags
    no_points = "`papermap build` has no --points option yet"
    pts_dir = bench.out / "points"
    pts_dir.mkdir(parents=True, exist_ok=True)

    def points_file(n: int, seed: int) -> Path:
        path = pts_dir / f"points-{n}-seed{seed}.csv"
        path.write_text(points_csv(generate_points(n, MONACO_BBOX, seed)), encoding="utf-8")
        return path

    for n in (10, 1000, 10000):
        name = f"points-{n}"
        if name not in only:
            continue
        what = f"peers-job + {n:,} relief points (CSV)"
        if has_points:
            results.append(bench.case(name, what, Job(MONACO, MONACO_BBOX, 10000, (points_file(n, 1),))))
        else:
            results.append(CaseResult(name, what, skipped=no_points))
    if "points-address-1000" in only:
        what = "peers-job + 1,000 relief points with only an address (placed from the extract)"
        if has_points:
            path = pts_dir / "points-address-1000.csv"
            header = ("id", "category", "name", "address", "hours", "status")
            path.write_text(points_csv(generate_address_points(1000, 1), header), encoding="utf-8")
            results.append(bench.case("points-address-1000", what, Job(MONACO, MONACO_BBOX, 10000, (path,))))
        else:
            results.append(CaseResult("points-address-1000", what, skipped=no_points))
    if "refresh" in only:
        if has_points:
            if "--cache-dir" not in bench.flags:
                progress("refresh: no --cache-dir option; both builds run with papermap's default cache")
            results += bench.refresh(Job(MONACO, MONACO_BBOX, 10000, (points_file(1000, 1),)),
                                     Job(MONACO, MONACO_BBOX, 10000, (points_file(1000, 2),)))
        else:
            results.append(CaseResult("refresh", "daily refresh with changed points", skipped=no_points))
    if "serve-refresh" in only:
        results += serve_refresh(bench, Job(MONACO, MONACO_BBOX, 10000, (points_file(1000, 1),)),
                                 Job(MONACO, MONACO_BBOX, 10000, (points_file(1000, 2),)))
    if "realdata" in only:
        extract = largest_extract()
        if extract is None:
            results.append(CaseResult("realdata", "largest real extract", skipped=f"no extract in {REALDATA}"))
        else:
            bbox = REALDATA_BBOX.get(extract.name)
            where = bbox_arg(bbox) if bbox else "its extent"
            results.append(bench.case("realdata", f"{extract.name}, {where}, 1:10,000",
                                      Job(extract, bbox, 10000)))
    if "overlays" in only:
        what = "peers-job + 200 lines and 100 areas (GeoJSON)"
        if has_points:   # a GeoJSON given as points brings its lines and areas too
            path = pts_dir / "overlays-200-100.geojson"
            path.write_text(json.dumps(generate_overlays(200, 100, MONACO_BBOX, 1), ensure_ascii=False),
                            encoding="utf-8")
            results.append(bench.case("overlays", what, Job(MONACO, MONACO_BBOX, 10000, (path,))))
        else:
            results.append(CaseResult("overlays", what, skipped=no_points))
    if "pages-1000" in only:
        # a big atlas: the Kumamoto roads at 1:1,000 give about a thousand map pages, an overview
        # of sections with a sheet each and a long name index: time per page should stay flat
        # against the 4-page peers-job and the peak memory bounded
        kumamoto = REALDATA / "kumamoto-chuo-roads.overpass.json"
        if not kumamoto.is_file():
            results.append(CaseResult("pages-1000", "about 1,000 map pages", skipped=f"no {kumamoto}"))
        else:
            results.append(bench.case("pages-1000", f"{kumamoto.name}, {bbox_arg(REALDATA_BBOX[kumamoto.name])}, "
                                      "1:1,000 (about 1,000 pages)",
                                      Job(kumamoto, REALDATA_BBOX[kumamoto.name], 1000)))
    if "empty-sea" in only:
        res = bench.case("empty-sea", f"all-sea bbox {bbox_arg(SEA_BBOX)}, 1:10,000",
                         Job(MONACO, SEA_BBOX, 10000))
        if res.error and "nothing to map" in res.error:
            res.error, res.skipped = None, "papermap refuses an all-sea area (\"nothing to map\")"
        results.append(res)
    return results


# ---------------------------------------------------------------- peers ----

def run_peers(runs: int, out: Path, timeout: float) -> dict[str, dict] | None:
    """The Mapnik peers, right after papermap's cases so both see the same machine state."""
    env = dict(os.environ, PEERS_OUT=str(out / "peers"))
    cmd = [str(PEERS_PY), str(PEERS_DIR / "run_peers.py"), "--runs", str(runs), "--only", PEERS_ONLY]
    progress(f"peers: {' '.join(cmd[1:])}")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=PEERS_DIR, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"peers: run_peers.py did not finish in {timeout:.0f} s")
        return None
    results = out / "peers" / "results.json"
    if p.returncode != 0 or not results.exists():
        print(f"peers: run_peers.py failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
        return None
    rows = json.loads(results.read_text())["rows"]
    return {r["peer"]: r for r in rows if not r.get("failed")}


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either side was not measured."""
    return a / b if a is not None and b else None


# ---------------------------------------------------------------- report ----

def git(*args: str) -> str:
    """git's output in the repo, empty without git or outside a checkout (a tarball)."""
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout.strip()
    except OSError:
        return ""


def machine_lines(flags: set[str], jobs: int | None) -> list[str]:
    """Where and what was measured: figures from different machines or commits don't compare."""
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    mem = "unknown"
    if Path("/proc/meminfo").exists():
        m = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        mem = f"{int(m.group(1)) / 1024 ** 2:.1f} GiB" if m else mem
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (+ uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    have = ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in FLAGS_OF_INTEREST)
    return [
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}, {mem} RAM",
        f"- papermap commit {commit}{dirty}; Python {sys.version.split()[0]}",
        f"- build options: {have}" + (f"; passing --jobs {jobs}" if jobs is not None and "--jobs" in flags else ""),
        f"- timing: {'/usr/bin/time -v' if TIME_BIN.exists() else 'wait4 rusage'} + wall clock, "
        "each run a fresh process",
    ]


def results_table(results: list[CaseResult]) -> str:
    """One row per case that ran; skipped and failed cases are listed under the table instead."""
    rows = []
    for r in results:
        if r.skipped or r.error:
            continue
        walls = ", ".join(f"{x.wall:.2f}" for x in r.runs)
        rows.append([r.name, f"{r.map_pages} + 1", f"{r.wall:.3f}", walls, r.per_map_page(r.wall),
                     r.draw_per_page, median(x.rss_mb for x in r.runs),
                     round(r.bytes_per_page) if r.bytes_per_page else None, r.min_map_page_bytes,
                     r.min_map_page_own_bytes])
    return format_table(["case", "pages (map + overview)", "wall s (median)", "runs", "wall s / map page",
                         "draw s / map page", "peak RSS MB", "PDF bytes / page", "smallest map page B",
                         "its own B"], rows)


def find(results: list[CaseResult], name: str) -> CaseResult | None:
    """The named case when it ran and succeeded: targets use only real measurements."""
    return next((r for r in results if r.name == name and not r.skipped and not r.error), None)


def targets(results: list[CaseResult], peers: dict[str, dict] | None) -> str:
    """Each target as a ratio of two figures from this run, so machine speed cancels out."""
    job, sea = find(results, "peers-job"), find(results, "empty-sea")
    p10, p10k = find(results, "points-10"), find(results, "points-10000")
    cold, warm = find(results, "refresh-cold"), find(results, "refresh")
    big = find(results, "peers-job-2500")
    prep, labels = (peers or {}).get("mapnik-prep"), (peers or {}).get("mapnik+labels")
    rows: list[list[object]] = []

    def add(what: str, value: float | None, limit: float, unit: str = "×", strict: bool = False) -> None:
        ok = None if value is None else (value < limit if strict else value <= limit)
        fmt = (lambda v: f"{v:,.0f} B") if unit == "B" else (lambda v: f"{v:.2f}×")
        rows.append([what, fmt(value) if value is not None else None, f"{'<' if strict else '≤'} {fmt(limit)}",
                     {True: "met", False: "MISSED", None: "not measured"}[ok]])

    e2e = None
    if job and prep and labels:
        e2e = ratio(job.wall, prep["wall_s"] + labels["wall_s"])
    add("end to end: peers-job wall / (mapnik-prep + mapnik+labels wall)", e2e, 1.0)
    add("drawing per page: papermap draw s/map page / mapnik+labels render s/page",
        ratio(job.draw_per_page, labels.get("render_s_per_page")) if job and labels else None, 2.0)
    add("bytes per page: papermap / mapnik+labels",
        ratio(job.bytes_per_page, labels.get("bytes_per_page")) if job and labels else None, 1.0)
    empty = sea or job
    where = "empty-sea" if sea else "peers-job"
    add(f"empty page: smallest map page ({where}), bytes it adds to the atlas",
        float(empty.min_map_page_own_bytes) if empty and empty.min_map_page_own_bytes else None, 10240, "B")
    add(f"empty page: smallest map page ({where}), standalone PDF (font subset included)",
        float(empty.min_map_page_bytes) if empty and empty.min_map_page_bytes else None, 10240, "B")
    add("refresh wall / first build wall", ratio(warm.wall, cold.wall) if cold and warm else None, 0.3)
    served, served_cold = find(results, "serve-refresh"), find(results, "serve-refresh-cold")
    add("serve refresh (warm worker, to the PDF) / cold CLI build of the same atlas",
        paired_ratio(served, served_cold) if served and served_cold else None, 0.15)
    add("10,000 points wall / 10 points wall", ratio(p10k.wall, p10.wall) if p10 and p10k else None, 2.0,
        strict=True)
    add("flat per page: draw s/map page 1:2,500 / 1:10,000",
        ratio(big.draw_per_page, job.draw_per_page) if big and job else None, 1.25)
    thousand = find(results, "pages-1000")
    add("flat per page: draw s/map page 1,000 pages / 4 pages (peers-job)",
        ratio(thousand.draw_per_page, job.draw_per_page) if thousand and job else None, 1.25)
    return format_table(["target", "measured", "goal", "status"], rows)


def peers_table(peers: dict[str, dict]) -> str:
    """The peers' own figures, so each ratio in the targets can be checked by hand."""
    rows = [[name, r["wall_s"], ", ".join(f"{w:.2f}" for w in r["walls"]), r.get("render_s_per_page"),
             r.get("wall_incl_prep_s"), r["rss_mb"], r.get("pages") or None,
             round(r["bytes_per_page"]) if r.get("bytes_per_page") else None]
            for name, r in peers.items()]
    return format_table(["peer", "wall s (median)", "runs", "render s / page", "wall + prep s",
                         "peak RSS MB", "pages", "PDF bytes / page"], rows)


def progress(msg: str) -> None:
    """Progress on stderr, so stdout stays a clean markdown report."""
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per case (median is reported)")
    ap.add_argument("--quick", action="store_true", help="one run per case and no warm-up, for smoke tests")
    ap.add_argument("--only", default="", help=f"comma-separated cases out of {','.join(CASES)}")
    ap.add_argument("--peers", action="store_true",
                    help=f"also run the Mapnik peers ({PEERS_ONLY}) and print ratios")
    ap.add_argument("--jobs", type=int, help="pass --jobs N to papermap when it has the option")
    ap.add_argument("--out", type=Path, help="keep outputs here (default: a temp dir, removed afterwards)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before one build is killed")
    a = ap.parse_args(argv)
    unknown = set(filter(None, a.only.split(","))) - set(CASES)
    if unknown:
        ap.error(f"unknown case(s) {', '.join(sorted(unknown))}; cases: {', '.join(CASES)}")
    if a.out and a.out.resolve().is_relative_to(REPO):
        ap.error(f"--out must be outside the repository ({REPO})")
    if a.quick:
        a.runs = 1
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    return a


def main(argv: Sequence[str] | None = None) -> int:
    a = parse_args(argv)
    only = set(filter(None, a.only.split(","))) or set(CASES)
    out = a.out or Path(tempfile.mkdtemp(prefix="papermap-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        flags = build_flags()
        print("# papermap benchmark\n")
        print("\n".join(machine_lines(flags, a.jobs)))
        print(f"- {a.runs} run(s) per case; outputs in {out}{'' if a.out else ' (removed at exit)'}\n")
        bench = Bench(flags, out, a.runs, a.jobs, a.timeout)
        compile_package()
        if not a.quick:
            bench.warm_up()
        results = run_cases(bench, only)
        peers = None
        if a.peers:
            if PEERS_PY.exists():
                peers = run_peers(a.runs, out, a.timeout * 4)
            else:
                print(f"peers: not set up ({PEERS_PY} missing). Set them up once with "
                      f"`bash {os.path.relpath(PEERS_DIR, REPO)}/setup.sh` (~3 min, needs apt and pip); "
                      "continuing without them.\n")
        print(results_table(results))
        print("\nwall: whole process incl. interpreter start and imports. draw: from papermap's first drawing "
              "progress line (\"drawing the basemap\", else \"overview\") to exit: drawing every page and "
              "writing the PDF, after reading and projecting the OSM data (reading --points files falls "
              "inside it); divided by map pages only. "
              "PDF bytes / page: file size over all pages, overview included. Smallest map page: that page "
              "saved alone as a PDF (like pdfseparate).")
        for r in results:
            if r.skipped:
                print(f"\n- skipped {r.name} ({r.what}): {r.skipped}")
            elif r.error:
                print(f"\n- FAILED {r.name} ({r.what}):\n```\n{r.error}\n```")
        if peers:
            print(f"\n## Peers (same session, {a.runs} run(s) each)\n")
            print(peers_table(peers))
        print("\n## Targets (ratios within this run)\n")
        print(targets(results, peers))
        floor = import_floor(a.runs, a.timeout)
        if floor is not None:
            print(f"\nImport floor: a process that only imports the build's modules takes {floor:.3f} s "
                  "(median), the least any build can take.")
            cold, warm = find(results, "refresh-cold"), find(results, "refresh")
            if cold and warm and cold.wall and cold.wall > floor:
                print(f"That floor alone is {floor / cold.wall:.2f}× the first build, so no one-shot refresh "
                      f"can go below it; above the floor, the refresh does "
                      f"{ratio(warm.wall - floor, cold.wall - floor):.2f}× the work of the first build.")
        failed = any(r.error for r in results) or (a.peers and PEERS_PY.exists() and not peers)
        return 1 if failed else 0
    finally:
        if not a.out:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
