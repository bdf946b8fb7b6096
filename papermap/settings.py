"""Fixed numbers of the printed product, in one place (paper, print limits, defaults)."""
from importlib import resources
from pathlib import Path

MM = 72.0 / 25.4  # PDF points per millimetre

PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0),
            "A2": (420.0, 594.0), "A1": (594.0, 841.0), "A0": (841.0, 1189.0)}   # A2-A0: print shops

DEFAULT_SCALE = 10_000
DEFAULT_PAPER = "A4"
DEFAULT_ORIENTATION = "portrait"
DEFAULT_OVERLAP_MM = 10.0
DEFAULT_STYLE = "colour"
DEFAULT_LANG = ("ja", "en")

MARGIN_MM = 10.0          # printer-safe margin (>= 8 mm on every office printer we know)
MIN_FONT_PT = 7.0         # nothing on paper is smaller than this
MIN_LINE_PT = 0.25        # thinnest line that survives a photocopy
PRINT_RESOLUTION_MM = 0.1 # geometry detail below this is invisible on paper: simplify to it

PACKAGE_DIR = Path(__file__).resolve().parent
# The built-in styles and category tables: the checkout's top-level styles/ folder, which
# pyproject.toml installs as the package papermap.styles, so it is found from any directory in a
# wheel, an sdist or the editable install alike. Installed packages are plain folders (wheels are
# unpacked), so the resource is a real path that style files and cache keys can name.
STYLES_DIR = Path(str(resources.files("papermap.styles")))

USER_AGENT = "papermap/0.1 (printable relief maps; https://github.com/papermap)"

# --- LIMITS: what an input may ask for before it is refused with a clear error -------------------
# Each limit is far above any real relief map or config, and far below what would hang a laptop at
# a shelter. The readers use the libraries' own limits where they have them (csv.field_size_limit,
# zipfile's sizes, defusedxml's entity refusal) and check the rest themselves.
MAX_INPUT_BYTES = 256 * 1024 * 1024    # a relief-points file
MAX_OSM_JSON_BYTES = 512 * 1024 * 1024 # an Overpass JSON extract (the download limit of `papermap fetch`)
MAX_CONFIG_BYTES = 1024 * 1024         # a config or categories TOML file (real ones are a few KB)
MAX_NESTING = 64                       # KML folders and TOML tables/arrays (JSON: its parser's own ~1,000)
MAX_CSV_FIELD_BYTES = 1024 * 1024      # one CSV cell (csv.field_size_limit)
MAX_FEATURES = 1_000_000               # rows / features / placemarks / elements in one points file
MAX_KMZ_UNPACKED_BYTES = 200 * 1024 * 1024  # the .kml inside a KMZ, as actually decompressed (zip bombs)
MAX_QR_URL_BYTES = 1000                # qr_url (UTF-8): with placeholders filled in it still fits a QR code
MAX_TITLE_CHARS = 200                  # the title printed on every sheet
MAX_PAGES = 5_000                      # map-page windows of one atlas (a prefecture at 1:10,000 is
                                       # ~2,000); the drawn basemap of each is held in memory, so
                                       # this also bounds a build's memory (~0.1-1 MB a window)
