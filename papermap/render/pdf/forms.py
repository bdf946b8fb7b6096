"""Drawings that recur many times per PDF, kept as forms: drawn once, then placed by reference.

A symbol kind, a number tag of one width, a table row's number badge: on a table of thousands of
rows each recurs hundreds of times, and a reference is a few bytes and one operator to write.

Every form is defined from a recipe, ``draw(document, name, *args)``. The recipe must be
something another process can be sent (a module-level function and picklable arguments):
a forked worker sends the recipes of the forms it defined back to the parent, which defines
the ones it lacks the same way before filing the worker's sheets (filing.py). This is checked
when the form is first defined, in every build, so a recipe that cannot travel fails the same
way with one job as with many.
"""
from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable

from reportlab.pdfbase.pdfdoc import xObjectName

from papermap.render.pdf.text import Numbers

Recipe = tuple[str, Callable, tuple]   # (name, draw, args)


class FormRecipeError(TypeError):
    """A form's recipe cannot be sent to another process (a lambda, a closure, an open file...)."""


class Forms:
    """The forms of one document and, in a forked worker, the recipes of those it defined."""

    def __init__(self, canvas) -> None:
        self._canvas = canvas
        self.recipes: list[Recipe] | None = None   # a list while a worker records them

    def define(self, doc, name: str, draw: Callable, args: tuple) -> str:
        """The form ``name``; ``draw(doc, name, *args)`` defines it on first use."""
        if not self._canvas.hasForm(name):
            try:
                pickle.dumps((draw, args), protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                raise FormRecipeError(f"the recipe of form {name!r} cannot be sent to a worker process "
                                      f"(use a module-level function and plain arguments): {exc}") from None
            draw(doc, name, *args)
            if self.recipes is not None:
                self.recipes.append((name, draw, args))
        return name

    def place_all(self, placed: Iterable[tuple[str, float, float]]) -> None:
        """Draw each (form, x, y) in order, all in one piece of the page stream. Each distinct form
        goes once through the canvas's doForm, which lists it in the page's resources; the other
        references are written alongside it."""
        c = self._canvas
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
