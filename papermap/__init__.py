"""papermap: printable relief-map atlases from OpenStreetMap data and relief points.

The public API: :func:`build` an atlas (what the ``papermap build`` command runs), a checked
:class:`Config`, the :class:`Report` a build returns with its :class:`Page` list, and the errors
a user can act on. Data flows one way: sources -> model -> layout -> render -> output.
"""
__version__ = "0.1.0"

from papermap.api import Config, Page, Report, Settings, build  # noqa: E402  (after __version__: the CLI reads it)
from papermap.errors import InputError, PapermapError  # noqa: E402

__all__ = ["build", "Config", "Settings", "Report", "Page", "PapermapError", "InputError", "__version__"]
