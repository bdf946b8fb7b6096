"""Built-in styles and category tables: data, installed as the package ``papermap.styles``.

The folder stays at the top of the checkout where volunteers edit it; pyproject.toml maps it
into the package so a wheel carries it and ``importlib.resources`` finds it from any directory.
This file only makes the folder a package (an editable install cannot map a folder without one).
"""
