"""Drawings that recur many times per PDF, kept as forms: drawn once, then placed by reference.

A symbol kind, a number tag of one width, a table row's number badge: on a table of thousands of
rows each recurs hundreds of times, and a reference is a few bytes and one operator to write.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.pdfdoc import xObjectName
from reportlab.pdfgen.canvas import Canvas

from papermap.render.text import Numbers

# Set in a page worker (render/workers.py): each form the worker defines, as (name, draw, args), so
# that the parent can define the same form from the same recipe before filing the worker's pages.
RECIPES: list[tuple[str, Callable, tuple]] | None = None


def define(c: Canvas, name: str, draw: Callable, *args) -> str:
    """The form ``name`` in ``c``'s document; ``draw(c, name, *args)`` defines it on first use."""
    if not c.hasForm(name):
        draw(c, name, *args)
        if RECIPES is not None:
            RECIPES.append((name, draw, args))
    return name


def place_all(c: Canvas, placed: Iterable[tuple[str, float, float]]) -> None:
    """Draw each (form, x, y) in order, all in one piece of the page stream. Each distinct form
    goes once through the canvas's doForm, which lists it in the page's resources; the other
    references are written alongside it."""
    listed: set[str] = set()
    ops: list[str] = []
    num = Numbers()
    for name, x, y in placed:
        ops.append(f"q 1 0 0 1 {num[x]} {num[y]} cm")
        if name in listed:
            ops.append(f"/{xObjectName(name)} Do Q")
            continue
        c.addLiteral("\n".join(ops))
        c.doForm(name)
        listed.add(name)
        ops = ["Q"]
    if ops:
        c.addLiteral("\n".join(ops))


def rounded_box(c: Canvas, w: float, h: float, radius: float, fill: Color, border_pt: float = 0.0) -> str:
    """The form of a ``w`` x ``h`` rounded box with its lower-left corner at the origin, filled
    and, when ``border_pt`` is set, outlined in black; defined in ``c``'s document on first use."""
    w, h = round(w, 2), round(h, 2)
    return define(c, f"box-{w}-{h}-{radius}-{fill.hexval()[2:]}-{border_pt}", _box, w, h, radius, fill, border_pt)


def _box(c: Canvas, name: str, w: float, h: float, radius: float, fill: Color, border_pt: float) -> None:
    pad = border_pt / 2 + 0.5
    c.beginForm(name, -pad, -pad, w + pad, h + pad)
    c.setFillColor(fill)
    c.setStrokeColor(black)
    c.setLineWidth(border_pt or 1)
    c.roundRect(0, 0, w, h, radius, stroke=1 if border_pt else 0, fill=1)
    c.endForm()
