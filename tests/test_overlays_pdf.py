"""Lines and areas reach the paper: each fixture file is drawn where it lies, listed with its name
and its kind in the page's legend; in mono every kind still differs after a photocopy, and
none looks like a basemap road or railway."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from papermap.config import load_config
from papermap.layout.frame import Rect, sheet_layout
from papermap.layout.furniture import page_ranges
from papermap.layout.overlays import lay_out_overlays, project_overlays
from papermap.layout.viewport import Viewport
from papermap.model.basemap import utm_epsg
from papermap.model.categories import load_categories
from papermap.model.overlays import Overlay, load_overlay_kinds
from papermap.model.style import load_style
from papermap.pipeline import build_atlas
from papermap.render.mapops import _stroke
from papermap.render.overlays import overlay_ops
from papermap.render.pdf import Document
from papermap.settings import MM
from papermap.sources.overlays import read_for_check

from conftest import MONACO, MONACO_BBOX
from pdfcheck import page_texts, photocopy, render

FIX = Path(__file__).parent / "fixtures" / "overlays"
# every Monaco fixture, as --overlays takes it (the GPX track's kind given on the command line)
FILES = ["noto_roads.kml", "outage.kml", "closures.geojson", "detour.gpx#passable_road", "damage.csv",
         "evacuation.gpkg", "flood_utm32.zip", "restrictions.fgb"]
KINDS = load_overlay_kinds()
DPI = 72


def build(out: Path, overlays: list[str], mono: bool = False):
    cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "osm_points": False, "mono": mono,
                             "overlays": [str(FIX / f) for f in overlays]})
    return build_atlas(cfg, out)


@pytest.fixture(scope="module")
def atlases(tmp_path_factory):
    """The same area without overlays, with every fixture in colour, and in mono."""
    folder = tmp_path_factory.mktemp("overlays")
    out = {}
    for name, files, mono in (("base", [], False), ("colour", FILES, False), ("mono", FILES, True)):
        out[name] = (folder / f"{name}.pdf", build(folder / f"{name}.pdf", files, mono))
    return out


def sheets_of(path: Path) -> tuple[list[str], dict[int, list[int]]]:
    """Each sheet's text, and for map page n the sheet indices from its map sheet to the next."""
    texts = page_texts(path)
    maps = [i for i, t in enumerate(texts) if "ページ / Page" in t]
    return texts, {n: list(range(i, (maps + [len(texts)])[n])) for n, i in enumerate(maps, 1)}


def where_on_paper(report, lon: float, lat: float) -> tuple[int, float, float]:
    """The map page that shows (lon, lat) best (furthest from its edges) and its pixel there."""
    w, s, e, n = (float(v) for v in MONACO_BBOX.split(","))
    x, y = Transformer.from_crs(4326, utm_epsg((w + e) / 2, (s + n) / 2), always_xy=True).transform(lon, lat)
    page = max(report.pages, key=lambda p: min(x - p.window[0], p.window[2] - x, y - p.window[1], p.window[3] - y))
    m = sheet_layout("A4", "portrait").map
    vp = Viewport(page.window, (m.x * MM, m.y * MM, m.x1 * MM, m.y1 * MM))
    (px, py), = vp.to_pt(np.array([[x, y]]))
    return page.number, px * DPI / 72, (297 * MM - py) * DPI / 72


def first_overlay(spec: str) -> Overlay:
    _, overlays = read_for_check(str(FIX / spec), load_categories())
    return overlays[0]


@pytest.mark.parametrize("spec", FILES)
def test_each_file_is_drawn_where_it_lies_listed_and_in_the_legend(atlases, spec):
    base_pdf, _ = atlases["base"]
    pdf, report = atlases["colour"]
    overlay = first_overlay(spec)
    geom = overlay.geom
    # halfway along a line; a third of the way round an area's boundary (its label sits inside)
    spot = geom.interpolate(0.5, normalized=True) if KINDS.by_id[overlay.kind].geometry == "line" \
        else getattr(geom, "geoms", [geom])[0].exterior.interpolate(0.3, normalized=True)
    number, px, py = where_on_paper(report, spot.x, spot.y)
    texts, sheets = sheets_of(pdf)
    base_texts, base_sheets = sheets_of(base_pdf)
    here = render(pdf, sheets[number][0], DPI).astype(int)
    before = render(base_pdf, base_sheets[number][0], DPI).astype(int)
    r = 6
    window = (slice(int(py) - r, int(py) + r + 1), slice(int(px) - r, int(px) + r + 1))
    changed = np.abs(here[window] - before[window]).max(axis=2) > 40
    assert changed.mean() > 0.05, f"{spec}: nothing drawn at page {number} ({px:.0f}, {py:.0f})"
    listing = " ".join(texts[i] for i in sheets[number][1:])
    assert overlay.name in listing and "線・区域" in listing
    kind = KINDS.by_id[overlay.kind]
    assert kind.ja in texts[sheets[number][0]] and kind.en in texts[sheets[number][0]]   # the page's legend


def test_the_listing_shows_label_kind_notes_and_as_of(atlases):
    pdf, report = atlases["colour"]
    assert report.redrawn == 0    # every overlay text was reserved: no page had to be drawn twice
    texts = " ".join(page_texts(pdf))
    for words in ("記号", "種類 / Kind", "時点 / As of", "県道1号 山側", "緊急車両・一般車両 通行可能", "1/3 10:30", "9-15 03:00",
                  "17:00〜翌8:00 通行止"):
        assert words in texts


def kinds_on(report, page) -> set[str]:
    """The overlay kinds whose fixtures cross ``page`` (as read, projected to the map's CRS)."""
    w, s, e, n = (float(v) for v in MONACO_BBOX.split(","))
    to_map = Transformer.from_crs(4326, utm_epsg((w + e) / 2, (s + n) / 2), always_xy=True)
    window = shapely.box(*page.window)
    found = set()
    for spec in FILES:
        for o in read_for_check(str(FIX / spec), load_categories())[1]:
            if shapely.transform(o.geom, lambda a: np.column_stack(to_map.transform(a[:, 0], a[:, 1]))).intersects(window):
                found.add(o.kind)
    return found


def test_the_overview_shows_the_overlays_too(atlases):
    base_pdf, _ = atlases["base"]
    pdf, report = atlases["colour"]
    diff = np.abs(render(pdf, 0, DPI).astype(int) - render(base_pdf, 0, DPI).astype(int)).max(axis=2) > 40
    m = sheet_layout("A4", "portrait").map
    inside = diff[int((297 - m.y1) * MM):int((297 - m.y) * MM), int(m.x * MM):int(m.x1 * MM)]
    assert inside.mean() > 0.005
    overview = " ".join(page_texts(pdf)[:2])   # the footer's index, or the index sheet after it
    for kind in ("closed_road", "outage_area", "hazard_zone"):
        pages = [p.number for p in report.pages if kind in kinds_on(report, p)]
        assert pages and f"{KINDS.by_id[kind].en} → {page_ranges(pages)}" in overview, kind


def test_nothing_changes_without_overlays(atlases, tmp_path):
    base_pdf, report = atlases["base"]
    assert not any("overlay" in w or "線・区域" in w for w in report.warnings)
    assert not any("線・区域" in t for t in page_texts(base_pdf))


# ---------------------------------------------------------------- mono ----

SAMPLE = Rect(0, 0, 60, 20)   # mm: one kind, or one basemap line, per sample sheet


def _samples(path: Path) -> list[str]:
    """A sheet per overlay kind as a page draws it, then per basemap road class, railway and tunnel."""
    style = load_style("mono")
    vp = Viewport((0, 0, 60, 20), (0, 0, SAMPLE.w * MM, SAMPLE.h * MM))
    doc = Document(path, (SAMPLE.w * MM, SAMPLE.h * MM))
    names = []
    from shapely.geometry import LineString, box

    for kind in KINDS:
        geom = LineString([(2, 10), (58, 10)]) if kind.geometry == "line" else box(5, 3, 55, 17)
        page = lay_out_overlays(project_overlays([Overlay("x", kind.id, geom)], KINDS, lambda a: a), vp)
        doc.literal(overlay_ops(page, SAMPLE, mono=True))
        doc.end_sheet()
        names.append(kind.id)
    path_ops = f"{2 * MM:.1f} {10 * MM:.1f} m {58 * MM:.1f} {10 * MM:.1f} l"
    for name, spec in [*style.roads(), ("railway", style["railway"]), ("tunnel", style["tunnel"])]:
        if "casing" in spec:
            doc.literal(_stroke(path_ops, spec["casing"], spec["width_mm"] + 2 * spec["casing_mm"]))
        doc.literal(_stroke(path_ops, spec.get("fill", spec.get("stroke")), spec["width_mm"], spec.get("dash_mm")))
        doc.end_sheet()
        names.append(f"basemap {name}")
    doc.finish()
    return names


def test_in_mono_no_two_kinds_look_alike_and_none_like_a_basemap_road(tmp_path):
    """Compared as a grey photocopy sees them, only where either has ink: identical drawings differ
    by 0, the basemap's own service and pedestrian roads by ~4, tertiary and secondary by ~25."""
    names = _samples(tmp_path / "samples.pdf")
    clean = [render(tmp_path / "samples.pdf", i, dpi=150, grey=True).astype(float) for i in range(len(names))]
    copied = [photocopy(img.astype(np.uint8)).astype(float) for img in clean]

    def unlike(i: int, j: int) -> float:
        ink = (clean[i] < 245) | (clean[j] < 245)
        return float(np.abs(copied[i] - copied[j])[ink].mean())

    n = len(list(KINDS))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if i < n and (j < n or KINDS.by_id[names[i]].geometry == "line"):
                assert unlike(i, j) > 20, f"{names[i]} looks like {names[j]} in mono ({unlike(i, j):.1f})"


def test_a_page_with_only_a_line_or_area_on_it_is_a_page(tmp_path):
    """Open sea at 1:2,500 makes no page of its own; a tsunami hazard zone out there does, and is
    listed there, never told to lie 'outside every map page' while it is inside the area."""
    zone = {"type": "Feature", "properties": {"name": "沖合 津波警戒区域", "kind": "hazard_zone"},
            "geometry": {"type": "Polygon", "coordinates": [[[7.4455, 43.7240], [7.4480, 43.7240], [7.4480, 43.7255],
                                                             [7.4455, 43.7255], [7.4455, 43.7240]]]}}
    path = tmp_path / "offshore.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [zone]}), encoding="utf-8")

    def atlas(overlays: list[str]):
        cfg = load_config(None, {"osm": str(MONACO), "bbox": MONACO_BBOX, "osm_points": False, "scale": 2500,
                                 "overlays": overlays})
        out = tmp_path / f"{len(overlays)}.pdf"
        return out, build_atlas(cfg, out, use_cache=False)

    _, plain = atlas([])
    pdf, report = atlas([str(path)])
    added = [p for p in report.pages if (p.row, p.col) not in {(q.row, q.col) for q in plain.pages}]
    assert len(added) >= 1
    assert not any("outside every map page" in w for w in report.warnings)
    texts, sheets = sheets_of(pdf)
    listed = [n for n, idx in sheets.items() if any("沖合 津波警戒区域" in texts[i] for i in idx[1:])]
    assert listed and set(listed) <= {p.number for p in added}



def test_a_layout_that_does_not_draw_lines_and_areas_says_so(tmp_path):
    """Lines and areas are drawn on atlas pages; the sheet layout leaves them off, and says how many
    (never silently)."""
    import papermap
    from conftest import MONACO, SAMPLE

    report = papermap.build(tmp_path / "sheet.pdf", osm=MONACO, bbox=(7.409, 43.723, 7.449, 43.752),
                            osm_points=False, overlays=[SAMPLE / "overlays-demo.kml"], layout="sheet")
    said = [w for w in report.warnings if "drawn only in the atlas layout" in w]
    assert len(said) == 1 and "the sheet layout leaves them off" in said[0]
    atlas = papermap.build(tmp_path / "atlas.pdf", osm=MONACO, bbox=(7.409, 43.723, 7.449, 43.752),
                           osm_points=False, overlays=[SAMPLE / "overlays-demo.kml"])
    assert not [w for w in atlas.warnings if "drawn only in the atlas layout" in w]
