"""papermap serve, the API under the pages: builds, queue, safety, contributed points that survive
a killed server. Real servers bind 127.0.0.1 on a free port and are always stopped; the token
rules of a server open to the network are tested in-process (no test binds beyond loopback)."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import MONACO, REPO

BBOX = [7.409, 43.723, 7.449, 43.752]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real ``papermap serve`` process on 127.0.0.1, talked to with urllib like a browser would."""

    def __init__(self, data: Path, port: int | None = None):
        self.data, self.port = data, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "papermap", "serve", "--osm", str(MONACO), "--host", "127.0.0.1",
             "--port", str(self.port), "--data", str(data)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if self.get("/api/health")["map"]:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.proc.stdout.read())
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError("server did not start")
        self.csrf = re.search(r'name="csrf" content="([^"]+)"', self.get("/", raw=True).decode()).group(1)

    def get(self, path: str, raw: bool = False):
        with urllib.request.urlopen(self.url + path, timeout=60) as r:
            body = r.read()
        return body if raw else json.loads(body)

    def post(self, path: str, body, content_type: str = "application/json", origin: str | None = None,
             csrf: str | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if content_type == "application/json" else body
        req = urllib.request.Request(self.url + path, data=data, method="POST", headers={
            "Content-Type": content_type, "Origin": origin or self.url, "X-CSRF-Token": csrf or self.csrf})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def build(self, **body) -> dict:
        status, job = self.post("/api/builds", {"bbox": BBOX} | body)
        assert status == 202, job
        while job["state"] in ("queued", "running"):
            time.sleep(0.3)
            job = self.get(f"/api/builds/{job['id']}")
        return job

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()


@contextmanager
def running_server(data: Path):
    server = Server(data)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve")) as s:
        yield s


def csv_points(name: str, n: int = 2, bad: bool = False) -> bytes:
    rows = ["id,category,name,lat,lon,status"]
    rows += [f"{name}-{i},water,{name} {i},{43.730 + i * 0.002:.4f},{7.420 + i * 0.002:.4f},open" for i in range(n)]
    if bad:
        rows.append(f"{name}-bad,water,{name} bad,north,7.42,open")
    return ("\n".join(rows) + "\n").encode()


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_upload_shows_the_bad_row_as_check_prints_it(server, tmp_path):
    status, up = server.post("/api/uploads?name=water.csv", csv_points("Well", bad=True), "text/csv")
    assert status == 200
    assert up["points"] == 2 and up["unusable"] == 1
    path = tmp_path / "water.csv"
    path.write_bytes(csv_points("Well", bad=True))
    checked = subprocess.run([sys.executable, "-m", "papermap", "check", "water.csv"], cwd=tmp_path,
                             capture_output=True, text=True).stdout.splitlines()
    assert up["lines"] == [line for line in checked if line.startswith("water.csv:")]


def test_two_builds_at_once_each_get_their_own_pdf(server):
    ids = {}
    for who in ("Alpha", "Bravo"):
        status, up = server.post(f"/api/uploads?name={who}.csv", csv_points(who), "text/csv")
        ids[who] = up["id"]
    jobs = {}

    def build(who: str) -> None:
        jobs[who] = server.build(title=f"Atlas {who}", uploads=[{"id": ids[who], "category": "auto"}],
                                 contributed=False)

    threads = [threading.Thread(target=build, args=(w,)) for w in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for who, other in (("Alpha", "Bravo"), ("Bravo", "Alpha")):
        job = jobs[who]
        assert job["state"] == "done", job
        text = pdf_text(server.get(job["pdf"], raw=True))
        assert f"Atlas {who}" in text and f"{who} 1" in text
        assert f"Atlas {other}" not in text and f"{other} 1" not in text
        assert len(job["sheets"]) == job["result"]["sheets"] >= 2
        assert server.get(job["sheets"][0], raw=True)[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_page_offers_layout_large_print_and_hide_and_the_build_follows_them(server):
    keys = {o["key"] for o in server.get("/api/info")["options"]}
    assert {"layout", "large_print", "hide"} <= keys
    status, up = server.post("/api/uploads?name=Wells.csv", csv_points("Wells"), "text/csv")
    job = server.build(title="One sheet", uploads=[{"id": up["id"], "category": "auto"}], contributed=False,
                       layout="sheet", large_print=False, hide="closed")
    assert job["state"] == "done", job
    doc = pdfium.PdfDocument(server.get(job["pdf"], raw=True))
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    # the layout asked for: a map page carries its own numbered list
    assert any("ページ / Page" in t and "名称 / Name" in t for t in pages)
    assert "Wells" in "".join(pages)


def test_a_per_file_category_puts_every_row_in_it(server):
    _, up = server.post("/api/uploads?name=mixed.csv", csv_points("Kiosk"), "text/csv")
    job = server.build(uploads=[{"id": up["id"], "category": "toilet"}], contributed=False, lang="en")
    assert job["state"] == "done", job
    assert "Toilet" in pdf_text(server.get(job["pdf"], raw=True))


def test_a_failing_build_leaves_the_server_healthy(server):
    failed = server.build(bbox=[8.0, 44.0, 8.1, 44.1])       # valid, but outside the extract
    assert failed["state"] == "failed" and "outside the extract" in failed["error"]
    status, refused = server.post("/api/builds", {"scale": "123"})
    assert status == 400 and "scale" in refused["error"]
    assert server.get("/api/health") == {"ok": True, "map": True, "worker": True}
    assert server.build(contributed=False)["state"] == "done"


def test_cross_site_posts_are_refused(server):
    point = {"category": "water", "lat": 43.73, "lon": 7.42}
    assert server.post("/api/points", point, origin="http://evil.example")[0] == 403
    assert server.post("/api/points", point, csrf="guessed")[0] == 403
    assert server.post("/api/builds", {}, origin="null")[0] == 403


def test_paths_from_requests_never_reach_the_files(server):
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
                 "/api/builds/..%2F..%2Fpoints.sqlite/atlas.pdf", "/api/builds/x/sheets/0.png"):
        with pytest.raises(urllib.error.HTTPError) as err:
            server.get(path, raw=True)
        assert err.value.code == 404
    before = set(server.data.parent.iterdir())
    status, up = server.post("/api/uploads?name=../../../evil.csv", csv_points("Evil"), "text/csv")
    assert status == 200 and up["name"] == "evil.csv"
    assert set(server.data.parent.iterdir()) == before
    assert not list(REPO.glob("**/evil.csv"))


def test_a_server_killed_mid_edit_loses_nothing_committed(tmp_path):
    saved, stop = [], threading.Event()
    with running_server(tmp_path) as server:
        def edit(n: int) -> None:
            """Add and close points until the server dies; ``saved`` gets what it answered."""
            try:
                while not stop.is_set():
                    status, point = server.post("/api/points", {"category": "water", "name": f"w{n}-{len(saved)}",
                                                                "lat": 43.73, "lon": 7.42, "who": f"writer {n}"})
                    if status != 201:
                        return
                    saved.append(point["id"])
                    if server.post(f"/api/points/{point['id']}", {"status": "closed"})[0] == 200:
                        saved.append(-point["id"])
            except (OSError, http.client.HTTPException):
                return          # the server was killed mid-request: that edit was never acknowledged

        writers = [threading.Thread(target=edit, args=(n,)) for n in range(3)]
        for w in writers:
            w.start()
        while len(saved) < 30:
            time.sleep(0.05)
        server.stop(signal.SIGKILL)                 # kill -9 the whole server mid-edit
        stop.set()
        for w in writers:
            w.join(timeout=60)
    acknowledged = list(saved)
    with running_server(tmp_path) as again:
        points = {f["id"]: f["properties"] for f in again.get("/api/points")["features"]}
        for pid in acknowledged:
            assert abs(pid) in points
            if pid < 0:
                assert points[-pid]["status"] == "closed"
                assert [h["action"] for h in again.get(f"/api/points/{-pid}/history")] == ["added", "changed"]


# ------------------------------------------------------------------ in-process ----

@pytest.fixture
def open_app(tmp_path):
    """The app as a server on the network would run it (token needed), without binding anything."""
    from starlette.testclient import TestClient

    from papermap.api import Config
    from papermap.model.categories import load_categories
    from papermap.serve.app import ServeState, make_app

    state = ServeState(Config(osm=MONACO), tmp_path, local=False, categories=load_categories())
    client = TestClient(make_app(state), base_url="http://192.0.2.1:8000")
    client.headers.update({"Origin": "http://192.0.2.1:8000", "X-CSRF-Token": state.csrf})
    return state, client


def test_off_localhost_changes_need_the_join_token(open_app):
    state, client = open_app
    point = {"category": "water", "lat": 43.73, "lon": 7.42}
    assert client.post("/api/points", json=point).status_code == 401
    assert client.post("/api/uploads?name=a.csv", content=csv_points("A")).status_code == 401
    assert client.get("/api/points").status_code == 200                     # reading is open
    assert client.get("/api/info").json()["can_edit"] is False
    assert client.post("/api/points", json=point, headers={"X-Papermap-Token": state.token}).status_code == 201
    assert client.get("/join?t=wrong").status_code == 403
    joined = client.get(f"/join?t={state.token}", follow_redirects=False)    # what the QR code opens
    assert joined.status_code == 303 and joined.headers["location"] == "/contribute"
    assert client.post("/api/points", json=point).status_code == 201        # the cookie now carries it
    assert client.get("/join-sheet").status_code == 200


def test_uploads_over_the_limit_are_refused(open_app, monkeypatch):
    import papermap.serve.app as app_module

    state, client = open_app
    monkeypatch.setattr(app_module, "MAX_UPLOAD", 1000)
    answer = client.post("/api/uploads?name=big.csv", content=csv_points("Big", n=100),
                         headers={"X-Papermap-Token": state.token})
    assert answer.status_code == 413 and "too large" in answer.json()["error"]
    assert list((state.data_dir / "uploads").iterdir()) == []


def test_contributed_points_export_as_papermap_reads_them(tmp_path):
    from papermap.model.categories import load_categories
    from papermap.serve.store import PointStore
    from papermap.serve.uploads import read_upload

    categories = load_categories()
    store = PointStore(tmp_path / "p.sqlite", categories)
    a = store.add({"category": "bath", "name": "大宮湯", "lat": 43.731, "lon": 7.421, "hours": "15:00-21:00"}, "aiko")
    store.mark(a["id"], {"status": "closed"}, "ben")
    store.mark(a["id"], {}, "chika", verified=True)
    with pytest.raises(Exception, match="category"):
        store.add({"category": "spaceport", "lat": 1, "lon": 1}, "x")
    result = read_upload("contributed.csv", store.to_csv().encode(), categories)
    assert result.problems == []
    (p,) = result.points
    assert (p.category, p.name, p.hours, p.status) == ("bath", "大宮湯", "15:00-21:00", "closed")
    assert [(h["who"], h["action"]) for h in store.history(a["id"])] == [
        ("aiko", "added"), ("ben", "changed"), ("chika", "verified")]
    feature = store.to_geojson()["features"][0]
    assert feature["geometry"]["coordinates"] == [7.421, 43.731] and feature["properties"]["status"] == "closed"


def test_the_grid_preview_follows_scale_and_paper():
    from papermap.serve.area import grid_preview

    def pages(**kw) -> int:
        return len(grid_preview(tuple(BBOX), **({"paper": "A4", "orientation": "portrait", "scale": 10000,
                                                 "overlap_mm": 10} | kw))["features"])

    assert pages(scale=5000) > pages() > pages(paper="A3") >= 1
    grid = grid_preview(tuple(BBOX), "A4", "portrait", 10000, 10)
    w = min(f["properties"]["bbox"][0] for f in grid["features"])
    e = max(f["properties"]["bbox"][2] for f in grid["features"])
    assert w <= BBOX[0] and e >= BBOX[2]


def test_no_page_refers_to_an_outside_address():
    """Every file the pages load is served from the package; http(s) URLs appear only where no
    browser fetches them (an XML namespace, comments, Leaflet's unused attribution link)."""
    not_fetched = {"http://www.w3.org/2000/svg", "https://leafletjs.com",
                   "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",
                   "https://bugzilla.mozilla.org/show_bug.cgi?id=888319"}
    static = REPO / "papermap" / "serve" / "static"
    found = set()
    for path in static.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            found |= set(re.findall(r"https?://[^\s\"'()<>`]+", path.read_text(encoding="utf-8")))
    assert found - not_fetched == set()
    assert (static / "vendor" / "leaflet" / "LICENSE").is_file()


def test_other_commands_do_not_import_the_web_framework():
    code = ("import sys; from papermap.cli import make_parser; make_parser(); "
            "print(any(m.split('.')[0] in ('starlette', 'uvicorn') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"
