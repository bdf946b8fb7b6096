"""The ReportLab versions this layer is tested with.

The document files pages drawn by forked workers and writes text from the font's subset codes by
reading and setting ReportLab's own page accumulators and font state (document.py). Those are not
ReportLab's public interface, so a version outside the tested range could write a broken PDF
without an error: it is refused with a clear message instead.
"""
from __future__ import annotations

from papermap.errors import PapermapError

TESTED = ((5, 1), (5, 1))   # lowest and highest (major, minor) tested, inclusive


def check_reportlab(version: str | None = None) -> None:
    """Raise PapermapError unless ``version`` (default: the installed ReportLab) is in ``TESTED``."""
    if version is None:
        from reportlab import Version as version
    try:
        got = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        got = (0, 0)
    if not TESTED[0] <= got <= TESTED[1]:
        low, high = (".".join(map(str, v)) for v in TESTED)
        span = f"{low}.x" if low == high else f"{low}.x to {high}.x"
        raise PapermapError(f"ReportLab {version} is installed, but papermap is tested with ReportLab {span} "
                            f"only: pip install 'reportlab>={low},<{TESTED[1][0]}.{TESTED[1][1] + 1}'")
