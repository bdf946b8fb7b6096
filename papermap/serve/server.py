"""Start and stop everything ``papermap serve`` runs: the build worker, the page's map, uvicorn."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TextIO

from papermap.errors import PapermapError
from papermap.serve.app import LOCAL_HOSTS, ServeState, make_app
from papermap.serve.builder import Builder
from papermap.serve.joining import join_urls, terminal_text


def make_state(config: Path | None, osm: str | None, host: str, data: Path) -> ServeState:
    """The checked configuration, the data folder and the build worker (started, warming up)."""
    from papermap.api import Config
    from papermap.model.categories import load_categories

    cfg = Config(config, osm=osm)
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PapermapError(f"cannot make the data folder {data}: {exc.strerror or exc}") from None
    state = ServeState(cfg, data.resolve(), host in LOCAL_HOSTS, load_categories())
    state.builder = Builder(state.data_dir / "jobs")
    return state


def serve(config: Path | None, osm: str | None, host: str, port: int, data: Path, out: TextIO) -> int:
    """Run the server until Ctrl-C; returns the exit status."""
    import uvicorn

    state = make_state(config, osm, host, data)
    try:
        threading.Thread(target=state.draw_overview, name="papermap-map", daemon=True).start()
        print(f"papermap serve: http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/ "
              f"(data in {state.data_dir})", file=out, flush=True)
        if not state.local:
            print(terminal_text(join_urls(host, port, state.token), state.token), file=out, flush=True)
        uvicorn.run(make_app(state), host=host, port=port, log_level="warning")
    finally:
        state.builder.stop()
    return 0
