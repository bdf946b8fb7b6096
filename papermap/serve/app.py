"""The web application of ``papermap serve`` (Starlette): the volunteer's page, the contributor's
page and the JSON API under them.

Rules every route keeps:

- Reading is open; anything that changes something (upload, build, add or mark a point) is a
  POST that needs the join token when the server listens beyond this machine, a same-origin
  ``Origin`` header and the page's CSRF token (a cross-site page can send neither).
- Nothing a request names reaches the file system: uploads, jobs and sheets are looked up by
  server-made ids in memory; static files come from the package through Starlette's StaticFiles.
- Every page works offline: it loads only this server's files (and its Content-Security-Policy
  forbids anything else).
"""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from papermap.config import parse_bbox
from papermap.errors import InputError, PapermapError
from papermap.serve import area
from papermap.serve.builder import Builder
from papermap.serve.options import OPTIONS, parse_options
from papermap.serve.store import PointStore
from papermap.serve.uploads import AUTO, MAX_UPLOAD, Upload, build_file, check_upload

STATIC = files("papermap.serve") / "static"
TOKEN_COOKIE = "papermap_token"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'")


@dataclass
class ServeState:
    """What the server holds while it runs."""

    config: Any                      # the base papermap.Config (CONFIG file and --osm)
    data_dir: Path
    local: bool                      # listening on this machine only: no token needed
    categories: Any
    token: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    uploads: dict[str, Upload] = field(default_factory=dict)
    overview: dict | None = None     # area.overview_map's answer, once drawn
    overview_error: str = ""
    builder: Builder | None = None
    store: PointStore | None = None

    def __post_init__(self) -> None:
        for sub in ("uploads", "jobs"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self.store = PointStore(self.data_dir / "points.sqlite", self.categories)

    @property
    def overview_png(self) -> Path:
        return self.data_dir / "map.png"

    def draw_overview(self) -> None:
        """Draw the page's map in the warm build worker (run in a thread at start)."""
        try:
            self.overview = self.builder.call(area.overview_map, self.config, self.overview_png)
        except PapermapError as exc:
            self.overview_error = str(exc)


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def authorised(state: ServeState, request: Request) -> bool:
    """Whether this request may change things: always on a local-only server, else with the token."""
    if state.local:
        return True
    given = request.headers.get("x-papermap-token") or request.cookies.get(TOKEN_COOKIE) or ""
    return secrets.compare_digest(given.encode(), state.token.encode())


def refused(state: ServeState, request: Request) -> JSONResponse | None:
    """Why a POST is refused (cross-site, no CSRF token, no join token), or None to go ahead."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin != own:
        return error("refused: the request does not come from this server's own page", 403)
    if not secrets.compare_digest(request.headers.get("x-csrf-token", "").encode(), state.csrf.encode()):
        return error("refused: the page is out of date; reload it", 403)
    if not authorised(state, request):
        return error("参加コードが必要です / the join code is needed to change anything (see the printed sheet)", 401)
    return None


def page(state: ServeState, name: str) -> HTMLResponse:
    html = (STATIC / name).read_text(encoding="utf-8").replace("{{csrf}}", state.csrf)
    return HTMLResponse(html)


async def read_json(request: Request, limit: int = 64 * 1024) -> dict:
    body = await read_body(request, limit)
    try:
        value = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError("the request is not JSON") from None
    if not isinstance(value, dict):
        raise InputError("the request must be a JSON object")
    return value


class TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it passes ``limit`` bytes, before it is all read."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def make_app(state: ServeState) -> Starlette:
    """The application for ``state`` (the builder must be set before it serves)."""

    def posting(handler):
        """A state-changing route: checks first, InputError -> 400 with its one line."""
        async def route(request: Request) -> Response:
            why = refused(state, request)
            if why is not None:
                return why
            try:
                return await handler(request)
            except TooLarge:
                return error(f"ファイルが大きすぎます / too large: the limit is {MAX_UPLOAD // 2**20} MB", 413)
            except PapermapError as exc:
                return error(str(exc))
        return route

    async def index(request: Request) -> Response:
        return page(state, "index.html")

    async def contribute(request: Request) -> Response:
        return page(state, "contribute.html")

    async def join(request: Request) -> Response:
        """The QR code's address: sets the token as a cookie, then opens the contributor's page."""
        given = request.query_params.get("t", "")
        if not secrets.compare_digest(given.encode(), state.token.encode()):
            return HTMLResponse("<p>この参加コードは違います / wrong join code</p>", status_code=403)
        response = RedirectResponse("/contribute", status_code=303)
        response.set_cookie(TOKEN_COOKIE, state.token, httponly=True, samesite="strict", max_age=30 * 86400)
        return response

    async def join_sheet(request: Request) -> Response:
        """A printable sheet with the join QR code: only on the server's own machine."""
        from papermap.serve.joining import join_sheet_html

        client = request.client.host if request.client else ""
        if client not in LOCAL_HOSTS and not authorised(state, request):
            return error("the join sheet is shown only on the server's own computer", 403)
        return HTMLResponse(join_sheet_html(state, request.headers.get("host", "")))

    async def info(request: Request) -> Response:
        cfg = state.config
        return JSONResponse({
            "title": cfg.title, "map": state.overview and {"bounds": state.overview["bounds"],
                                                          "extent": state.overview["extent"]},
            "map_error": state.overview_error,
            "defaults": {"paper": cfg.paper, "orientation": cfg.orientation, "scale": str(cfg.scale),
                         "mono": cfg.mono, "lang": ",".join(cfg.lang), "title": cfg.title,
                         "bbox": list(cfg.bbox) if cfg.bbox else None},
            "options": [o.as_json() for o in OPTIONS],
            "categories": [{"id": c.id, "ja": c.ja, "en": c.en, "colour": c.colour} for c in state.categories],
            "can_edit": authorised(state, request), "needs_token": not state.local,
            "upload_limit": MAX_UPLOAD})

    async def overview_png(request: Request) -> Response:
        if state.overview is None:
            return error("the map is still being drawn", 503)
        return FileResponse(state.overview_png, media_type="image/png")

    async def places(request: Request) -> Response:
        q = request.query_params.get("q", "").strip().casefold()
        kind = request.query_params.get("kind", "")
        found = [p for p in (state.overview or {}).get("places", [])
                 if (not q or q in p["name"].casefold()) and (not kind or p["kind"] == kind)]
        return JSONResponse(found[:200])

    async def grid(request: Request) -> Response:
        q = request.query_params
        try:
            bbox = parse_bbox(q.get("bbox", ""))
            opts = parse_options({k: q.get(k) for k in ("paper", "orientation", "scale")})
            cfg = state.config
            return JSONResponse(area.grid_preview(bbox, opts.get("paper", cfg.paper),
                                                  opts.get("orientation", cfg.orientation),
                                                  opts.get("scale", cfg.scale), cfg.overlap_mm))
        except PapermapError as exc:
            return error(str(exc))

    async def upload(request: Request) -> Response:
        data = await read_body(request, MAX_UPLOAD)
        up = check_upload(state.data_dir / "uploads", request.query_params.get("name", "points"), data,
                          state.categories)
        if up.stored.is_file():
            state.uploads[up.id] = up
        return JSONResponse(up.as_json())

    async def start_build(request: Request) -> Response:
        body = await read_json(request)
        settings = parse_options(body)
        if body.get("bbox") is not None:
            settings["bbox"] = parse_bbox(body["bbox"])
        chosen = []
        for item in body.get("uploads") or []:
            up = state.uploads.get(str(item.get("id")) if isinstance(item, dict) else "")
            if up is None:
                raise InputError("an uploaded file is no longer on the server: upload it again", field="uploads")
            chosen.append((up, str(item.get("category") or AUTO)))
        include = body.get("contributed", True) is not False
        from papermap.api import Config, settings_of

        base = settings_of(state.config)

        Config(**(base | settings))      # checked now, so a wrong setting is a 400, not a failed job

        def prepare(folder: Path):
            points = list(state.config.points)
            points += [build_file(up, cat, folder, i, state.categories) for i, (up, cat) in enumerate(chosen, 1)]
            if include and state.store.points():
                path = folder / "contributed.csv"
                path.write_text(state.store.to_csv(), encoding="utf-8")
                points.append(path)
            return Config(**(base | settings | {"points": points}))

        job = state.builder.submit(None, prepare)
        return JSONResponse(job_json(job), status_code=202)

    def job_of(request: Request):
        return state.builder.jobs.get(request.path_params["job"])

    def job_json(job) -> dict:
        return {"id": job.id, "state": job.state, "message": job.message, "done": job.done, "total": job.total,
                "position": state.builder.position(job.id), "error": job.error, "result": job.result,
                "pdf": f"/api/builds/{job.id}/atlas.pdf" if job.state == "done" else None,
                "sheets": [f"/api/builds/{job.id}/sheets/{i}.png" for i in range(1, len(job.sheets()) + 1)]
                if job.state == "done" else []}

    async def build_status(request: Request) -> Response:
        job = job_of(request)
        return error("no such build", 404) if job is None else JSONResponse(job_json(job))

    async def build_pdf(request: Request) -> Response:
        job = job_of(request)
        if job is None or job.state != "done":
            return error("no such atlas", 404)
        name = re.sub(r"[^\w-]+", "-", job.config.title or "atlas").strip("-")[:60] or "atlas"
        return FileResponse(job.pdf, media_type="application/pdf", filename=f"{name}.pdf")

    async def build_sheet(request: Request) -> Response:
        job = job_of(request)
        n = request.path_params["n"]
        sheets = job.sheets() if job is not None and job.state == "done" else []
        if not 1 <= n <= len(sheets):
            return error("no such sheet", 404)
        return FileResponse(sheets[n - 1], media_type="image/png")

    async def list_points(request: Request) -> Response:
        return JSONResponse(state.store.to_geojson())

    async def add_point(request: Request) -> Response:
        body = await read_json(request)
        point = state.store.add(body, str(body.get("who") or ""))
        return JSONResponse(point, status_code=201)

    async def mark_point(request: Request) -> Response:
        body = await read_json(request)
        values = {k: body[k] for k in ("status", "hours", "notes", "name", "category") if k in body}
        point = state.store.mark(request.path_params["point"], values, str(body.get("who") or ""),
                                 verified=body.get("verified") is True)
        return JSONResponse(point)

    async def history(request: Request) -> Response:
        return JSONResponse(state.store.history(request.path_params["point"]))

    async def export_csv(request: Request) -> Response:
        return Response(state.store.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="contributed-points.csv"'})

    async def export_geojson(request: Request) -> Response:
        return Response(json.dumps(state.store.to_geojson(), ensure_ascii=False), media_type="application/geo+json",
                        headers={"content-disposition": 'attachment; filename="contributed-points.geojson"'})

    async def font(request: Request) -> Response:
        """IPAexGothic, the font the PDFs embed, as the pages' web font: no tofu on a machine
        without Japanese fonts, and no font download from the internet."""
        from papermap.render.pdf import font_path

        return FileResponse(font_path(), media_type="font/ttf", headers={"cache-control": "max-age=86400"})

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "map": state.overview is not None,
                             "worker": bool(state.builder and state.builder.worker_alive)})

    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["content-security-policy"] = CSP
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "same-origin"
        return response

    return Starlette(middleware=[Middleware(BaseHTTPMiddleware, dispatch=headers)], routes=[
        Route("/", index),
        Route("/contribute", contribute),
        Route("/join", join),
        Route("/join-sheet", join_sheet),
        Route("/api/health", health),
        Route("/api/font.ttf", font),
        Route("/api/info", info),
        Route("/api/map.png", overview_png),
        Route("/api/places", places),
        Route("/api/grid", grid),
        Route("/api/uploads", posting(upload), methods=["POST"]),
        Route("/api/builds", posting(start_build), methods=["POST"]),
        Route("/api/builds/{job:str}", build_status),
        Route("/api/builds/{job:str}/atlas.pdf", build_pdf),
        Route("/api/builds/{job:str}/sheets/{n:int}.png", build_sheet),
        Route("/api/points", list_points),
        Route("/api/points", posting(add_point), methods=["POST"]),
        Route("/api/points/{point:int}", posting(mark_point), methods=["POST"]),
        Route("/api/points/{point:int}/history", history),
        Route("/api/points.csv", export_csv),
        Route("/api/points.geojson", export_geojson),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ])
