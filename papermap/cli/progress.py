"""Build progress on stderr: a bar with ETA on a terminal, plain lines otherwise, nothing with --quiet.

The build reports through ``progress(message, done=None, total=None)`` (CONTRACTS.md item 2): a
message for each stage, and done/total while it files pages. People at a terminal want to know
how long the pages will take, so counted stages get a tqdm bar with an estimate of the time left;
logs, pipes and the bench (which times the run from the plain ``papermap: overview`` line) get
one plain line per call, as before.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

Progress = Callable[..., None]


class TerminalProgress:
    """Stage messages as lines, counted stages as a bar that estimates the time left.

    tqdm is imported on the first call, so a quiet or piped run never pays for it.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.bar: Any = None        # the tqdm bar of the counted stage under way, if any
        self.stage = ""

    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None:
        if done is None or not total:
            self.close()
            print(f"papermap: {message}", file=self.stream, flush=True)
            return
        if self.bar is None or self.stage != message or self.bar.total != total:
            from tqdm import tqdm

            self.close()
            self.bar = tqdm(total=total, desc=f"papermap: {message}", file=self.stream, dynamic_ncols=True,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                       "[{elapsed} elapsed, {remaining} left]")
            self.stage = message
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        """End the bar under way (a finished bar stays on screen; an interrupted one stops where it was)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextlib.contextmanager
def reporter(quiet: bool) -> Iterator[Progress | None]:
    """The progress callback for a build: None with ``quiet``, a bar if stderr is a terminal, else
    plain ``papermap: MESSAGE [DONE/TOTAL]`` lines."""
    if quiet:
        yield None
    elif sys.stderr.isatty():
        bar = TerminalProgress(sys.stderr)
        try:
            yield bar
        finally:
            bar.close()
    else:
        from papermap.pipeline import stderr_progress

        yield stderr_progress
