"""Output: what a finished build is written as besides the PDF (PNG previews, the page grid as GeoJSON)."""
