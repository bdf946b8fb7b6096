"""Plain data the rest of papermap works on: basemap layers, relief points, categories, styles."""
