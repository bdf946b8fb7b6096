"""Drawings that recur many times per PDF, kept as forms: drawn once, then placed by reference.

A symbol kind, a number tag of one width, a table row's number badge: on a table of thousands of
rows each recurs hundreds of times, and a reference is a few bytes and one operator to write.

Every form is defined from a recipe, ``draw(document, name, *args)``. The recipe must be
something another process can be sent (a module-level function and picklable arguments):
a forked worker sends, with each sheet, the forms that sheet asked for in order and their recipes
back to the parent, which defines the ones it lacks the same way, in that order, before filing
the sheet (filing.py): just as it would have drawn the sheet itself. This is checked
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
    """The forms of one document and, in a forked worker, what it asked for and how to draw it."""

    def __init__(self, canvas, numbers: Numbers) -> None:
        self._canvas = canvas
        self._numbers = numbers
        self.recipes: dict[str, Recipe] | None = None   # in a worker: every form it defined, by name
        self.asked: dict[str, None] = {}                 # in a worker: this sheet's forms, in order asked
        self._known: set[str] = set()   # forms defined: a table asks for its few forms on every row

    def define(self, doc, name: str, draw: Callable, args: tuple) -> str:
        """The form ``name``; ``draw(doc, name, *args)`` defines it on first use."""
        if self.recipes is not None:
            self.asked[name] = None
        if name in self._known:
            return name
        if not self._canvas.hasForm(name):
            try:
                pickle.dumps((draw, args), protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                raise FormRecipeError(f"the recipe of form {name!r} cannot be sent to a worker process "
                                      f"(use a module-level function and plain arguments): {exc}") from None
            if self.recipes is not None:
                self.recipes[name] = (name, draw, args)
            draw(doc, name, *args)
        self._known.add(name)
        return name

    def place_all(self, placed: Iterable[tuple[str, float, float]]) -> None:
        """Draw each (form, x, y) in order, all in one piece of the page stream. Each distinct form
        goes once through the canvas's doForm, which lists it in the page's resources; the other
        references are written alongside it."""
        c = self._canvas
        listed: dict[str, str] = {}   # form -> its reference, once listed in the page's resources
        ops: list[str] = []
        num = self._numbers
        for name, x, y in placed:
            ops.append(f"q 1 0 0 1 {num[x]} {num[y]} cm")
            do = listed.get(name)
            if do is not None:
                ops.append(do)
                continue
            c.addLiteral("\n".join(ops))
            c.doForm(name)
            listed[name] = f"/{xObjectName(name)} Do Q"
            ops = ["Q"]
        if ops:
            c.addLiteral("\n".join(ops))
