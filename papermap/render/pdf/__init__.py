"""The PDF layer: the only package in papermap that imports ReportLab.

Everything else in render draws through a :class:`Document` (document.py): colours as
:class:`Colour` values, text as :class:`Run` values or single texts, recurring drawings as forms
made from picklable recipes, sheets filed in order from forked workers (filing.py). Text is
measured with :func:`text_width`, which layout takes as its ``measure``.
"""
from papermap.render.pdf.colour import BLACK, WHITE, Colour, colour_op
from papermap.render.pdf.document import Document, num
from papermap.render.pdf.filing import Task
from papermap.render.pdf.fonts import FONT, font_path, has_glyph, register as load_font, text_width
from papermap.render.pdf.forms import FormRecipeError
from papermap.render.pdf.kept import keep_streams
from papermap.render.pdf.text import Numbers, Run

__all__ = ["BLACK", "WHITE", "Colour", "colour_op", "Document", "FONT", "FormRecipeError", "Numbers", "Run", "Task",
           "font_path", "has_glyph", "keep_streams", "load_font", "num", "text_width"]
