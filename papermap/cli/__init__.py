"""The ``papermap`` command. Each subcommand lives in its own module with ``register(subparsers)``."""
from __future__ import annotations

import argparse
import gc
import importlib
import sys

from papermap import __version__
from papermap.errors import PapermapError

# one module per subcommand, each with register(subparsers) -> parser whose defaults carry run(args)
SUBCOMMANDS = ["build", "check", "template", "fetch", "serve"]

EXIT_STATUS = """\
exit status:
  0    success
  1    bad input or a failed build: one line on stderr names the file, place and field
  2    usage: an unknown option, a missing or malformed argument
  130  interrupted (Ctrl-C); no half-written file is left behind
"""


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that subcommand is imported (keeps start-up fast)."""
    parser = argparse.ArgumentParser(
        prog="papermap",
        description="Printable relief-map atlases (A4/A3 PDF) from OpenStreetMap data and relief points.",
        epilog="Run 'papermap COMMAND --help' for a command's options.\n\n" + EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS if only is None else [only]:
        importlib.import_module(f"papermap.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # A build makes hundreds of thousands of small objects and frees them by reference counting;
    # the cycle collector's default pace (every 700 allocations) spent ~7 % of a build scanning
    # them. A larger first generation, as mypy sets in its own main, keeps memory the same here.
    gc.set_threshold(200_000, 30, 30)
    argv = sys.argv[1:] if argv is None else argv
    args = make_parser(argv[0] if argv and argv[0] in SUBCOMMANDS else None).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except PapermapError as exc:
        print(f"papermap: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("papermap: interrupted", file=sys.stderr)
        return 130
