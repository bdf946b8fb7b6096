"""Basemap geometry to PDF content-stream operators: each layer style becomes one path.

Drawing the whole layer as one path (not one object per feature) is what keeps pages fast
and small. Only geometry crossing the page window is touched; it is clipped to the window.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from papermap.layout.viewport import Viewport
from papermap.model.style import Style
from papermap.render.pdf import Colour, colour_op
from papermap.settings import MM, MIN_LINE_PT

if TYPE_CHECKING:
    from papermap.model.basemap import Basemap


def _fill_op(hex_colour: str) -> str:
    return colour_op(Colour.hex(hex_colour))


def _stroke_op(hex_colour: str) -> str:
    return colour_op(Colour.hex(hex_colour), stroke=True)


def width_pt(mm: float) -> float:
    return max(MIN_LINE_PT, mm * MM)


def path_ops(geoms: np.ndarray, vp: Viewport, close: bool) -> str:
    """One PDF path (m/l/h operators) for all parts of ``geoms``, in sheet points."""
    if len(geoms) == 0:
        return ""
    parts = shapely.get_parts(geoms)
    if close:  # exterior counter-clockwise, holes clockwise: non-zero fill keeps holes and overlaps
        parts = shapely.get_rings(shapely.orient_polygons(parts))
    if len(parts) == 0:
        return ""
    xy, idx = shapely.get_coordinates(parts, return_index=True)
    if len(xy) == 0:
        return ""
    pt = np.round(vp.to_pt(xy), 1)
    first = np.r_[True, idx[1:] != idx[:-1]]
    ops = np.where(first, "m", "l")
    if close:
        last = np.r_[idx[1:] != idx[:-1], True]
        ops = np.where(last, "l h", ops)
    return "\n".join(f"{x:g} {y:g} {o}" for x, y, o in zip(pt[:, 0].tolist(), pt[:, 1].tolist(), ops.tolist()))


def _visible(basemap: Basemap, name: str, vp: Viewport, mask: np.ndarray | None = None) -> np.ndarray:
    layer = basemap.layers[name]
    idx = layer.query(vp.window)
    if mask is not None:
        idx = idx[mask[idx]]
    if len(idx) == 0:
        return np.empty(0, dtype=object)
    clipped = shapely.clip_by_rect(layer.geoms[idx], *vp.clip_window())
    return clipped[~shapely.is_empty(clipped)]


def _stroke(path: str, colour: str, w_mm: float, dash_mm: list | None = None, cap: int = 1) -> str:
    if not path:
        return ""
    dash = f"[{' '.join(f'{d * MM:.2f}' for d in dash_mm)}] 0 d" if dash_mm else "[] 0 d"
    return f"{_stroke_op(colour)} {width_pt(w_mm):.2f} w {cap} J 1 j {dash}\n{path}\nS"


def _fill(path: str, fill: str, stroke: str | None = None, stroke_mm: float = 0.0) -> str:
    if not path:
        return ""
    if stroke:
        return f"{_fill_op(fill)} {_stroke_op(stroke)} {width_pt(stroke_mm):.2f} w 1 j [] 0 d\n{path}\nB"
    return f"{_fill_op(fill)}\n{path}\nf"


def hatch_lines(box: tuple[float, float, float, float], step: float) -> list[str]:
    """Path operators of 45° lines ``step`` apart covering ``box`` (x0, y0, x1, y1), to clip."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    lines = []
    x = x0 - h
    while x < x1:
        lines.append(f"{x:.1f} {y0:.1f} m {x + h:.1f} {y1:.1f} l")
        x += step
    return lines


def _hatch(path: str, spec: dict, vp: Viewport) -> str:
    """Diagonal hatch inside the polygons of ``path``: water stays water on a grey photocopy."""
    if not path or "hatch_mm" not in spec:
        return ""
    lines = hatch_lines(vp.frame_pt, spec["hatch_mm"] * MM)
    return (f"q\n{path}\nW n\n{_stroke_op(spec['hatch'])} {width_pt(spec['hatch_line_mm']):.2f} w 0 J [] 0 d\n"
            + "\n".join(lines) + "\nS\nQ")


def page_ops(basemap: Basemap, style: Style, vp: Viewport) -> str:
    """PDF operators drawing every basemap layer inside the frame, clipped to it."""
    x0, y0, x1, y1 = vp.frame_pt
    out = [f"q\n{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re W n",
           f"{_fill_op(style['land'])} {x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re f"]

    sea = path_ops(_visible(basemap, "sea", vp), vp, close=True)
    out += [_fill(sea, style["sea"]["fill"]), _hatch(sea, style["sea"], vp)]
    out.append(_fill(path_ops(_visible(basemap, "green", vp), vp, close=True), style["green"]["fill"]))
    water = path_ops(_visible(basemap, "water", vp), vp, close=True)
    w = style["water"]
    out += [_fill(water, w["fill"]), _hatch(water, w, vp), _stroke(water, w["stroke"], w["stroke_mm"])]
    s = style["sea"]
    out.append(_stroke(path_ops(_visible(basemap, "coastline", vp), vp, close=False), s["coast"], s["coast_mm"]))
    ww = style["waterway"]
    out.append(_stroke(path_ops(_visible(basemap, "waterways", vp), vp, close=False), ww["stroke"], ww["width_mm"]))
    b = style["building"]
    out.append(_fill(path_ops(_visible(basemap, "buildings", vp), vp, close=True), b["fill"], b["stroke"], b["stroke_mm"]))
    r = style["railway"]
    rail = path_ops(_visible(basemap, "railways", vp), vp, close=False)
    out += [_stroke(rail, r["casing"], r["width_mm"] + 2 * r["casing_mm"], cap=0),
            _stroke(rail, r["stroke"], r["width_mm"], r.get("dash_mm"), cap=0)]

    roads = basemap.layers["roads"]
    classes = roads.attrs.get("cls", np.empty(0, dtype=object))
    tunnel = roads.attrs.get("tunnel", np.empty(0, dtype=object)).astype(bool)
    t = style["tunnel"]
    out.append(_stroke(path_ops(_visible(basemap, "roads", vp, tunnel), vp, close=False),
                       t["stroke"], t["width_mm"], t["dash_mm"], cap=0))
    paths = {cls: path_ops(_visible(basemap, "roads", vp, (classes == cls) & ~tunnel), vp, close=False)
             for cls, _ in style.roads()}
    for cls, spec in style.roads():
        if "casing" in spec:
            out.append(_stroke(paths[cls], spec["casing"], spec["width_mm"] + 2 * spec["casing_mm"]))
    for cls, spec in style.roads():
        out.append(_stroke(paths[cls], spec["fill"], spec["width_mm"], spec.get("dash_mm")))
    out.append("Q")
    return "\n".join(p for p in out if p)
