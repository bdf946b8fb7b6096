"""papermap: printable relief-map atlases from OpenStreetMap data and relief points.

The public API is deliberately tiny: :func:`build` (and the ``papermap`` command).
Data flows one way: sources -> model -> layout -> render -> output.
"""
from papermap.errors import PapermapError

__version__ = "0.1.0"


def build(config, out_path, **kwargs):
    """Build an atlas PDF from a :class:`papermap.config.Config` (see ``papermap build --help``)."""
    from papermap.pipeline import build_atlas

    return build_atlas(config, out_path, **kwargs)


__all__ = ["build", "PapermapError", "__version__"]
