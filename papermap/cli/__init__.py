"""The ``papermap`` command. Each subcommand lives in its own module with ``register(subparsers)``."""
from __future__ import annotations

import argparse
import importlib
import sys

from papermap.errors import PapermapError

# one module per subcommand, each with register(subparsers) -> parser whose defaults carry run(args)
SUBCOMMANDS = ["build", "fetch"]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papermap",
        description="Printable relief-map atlases (A4/A3 PDF) from OpenStreetMap data and relief points.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"papermap.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except PapermapError as exc:
        print(f"papermap: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("papermap: interrupted", file=sys.stderr)
        return 130
