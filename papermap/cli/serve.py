"""``papermap serve``: the volunteer's web page and the contributor's phone page, on this machine
or a shelter's Wi-Fi. The web framework is imported only when the command runs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from papermap.cli import EXIT_STATUS
from papermap.errors import InputError

EXAMPLE = """\
examples:
  papermap serve --osm area.osm.pbf                   only this computer: http://127.0.0.1:8000
  papermap serve town.toml --host 0.0.0.0 --data ~/shelter
                                                      phones on the same Wi-Fi join with the
                                                      printed QR code (editing needs its code)
"""


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "serve", help="a local web page to build atlases and collect points from phones",
        description="Serve the volunteer's page (pick an area, upload point files, build, download the PDF)\n"
                    "and the contributor's page for phones (add and mark points). Works with no internet.",
        epilog=EXAMPLE + "\n" + EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", nargs="?", type=Path, help="TOML config file (optional), as for build")
    p.add_argument("--osm", metavar="FILE", help="OSM extract: .osm.pbf, .osm, .osm.bz2 or Overpass .json")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0: every "
                        "network, then editing and building need the join code printed at start)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--data", type=Path, default=Path("papermap-data"), metavar="DIR",
                   help="folder for contributed points (SQLite), uploads and builds (default: ./papermap-data)")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from papermap.serve.server import serve

    if not 0 < args.port < 65536:
        raise InputError(f"port {args.port} is not between 1 and 65535", field="port")
    return serve(args.config, args.osm, args.host, args.port, args.data, out=sys.stdout)
