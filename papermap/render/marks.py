"""What a symbol says beyond its kind: the letter code that tells apart kinds sharing a shape, and
the status marks (closed crossed out, limited half-filled badge, unknown "?" badge).

Every mark is black on white with a white casing, so it reads the same in colour, in mono and on
a grey photocopy; none relies on colour. Marks are drawn as paths except the letter code, so a
mark is as large as its symbol allows and never a tiny glyph. The legend draws these same forms.
"""
from __future__ import annotations

from papermap.layout.legend import STATUS_MARKS   # open needs no mark: the plain symbol is open
from papermap.render.pdf import BLACK, WHITE, Document, text_width
from papermap.settings import MIN_FONT_PT

CROSS_PT = 2.2        # the closed cross's black stroke; a white casing of CASING_PT each side
CASING_PT = 0.9
BADGE = 0.44          # a badge's radius, of the symbol's half-width
MIN_BADGE_PT = 3.2    # and at least this, so the legend's smaller symbols keep a legible badge


def badge_centre(size_pt: float) -> tuple[float, float, float]:
    """(x, y, radius) of a status badge on a ``size_pt`` symbol, from the symbol's centre: at the
    top-right corner, reaching a little past the symbol's box into its white halo."""
    half = size_pt / 2
    r = max(BADGE * half, MIN_BADGE_PT)
    return half - 0.75 * r, half - 0.75 * r, r


def status_form(doc: Document, status: str, size_pt: float) -> str:
    """The form of ``status``'s mark over a ``size_pt`` symbol centred on the origin."""
    if status not in STATUS_MARKS:
        raise ValueError(f"no mark for status {status!r} (marks: {', '.join(STATUS_MARKS)})")
    return doc.form(f"status-{status}-{size_pt:.2f}", _status, status, size_pt)


def _status(doc: Document, name: str, status: str, size_pt: float) -> None:
    half = size_pt / 2 + 1
    doc.begin_form(name, (-half - 2, -half - 2, half + 2, half + 2))
    doc.line_cap(1)
    doc.line_join(1)
    if status == "closed":
        _cross(doc, size_pt / 2)
    else:
        x, y, r = badge_centre(size_pt)
        doc.fill(WHITE)
        doc.stroke(BLACK)
        doc.line_width(max(0.6, r * 0.16))
        doc.circle(x, y, r, stroke=True, fill=True)
        if status == "limited":
            _half_disc(doc, x, y, r * 0.62)
        else:
            _question(doc, x, y, r)
    doc.end_form()


def _cross(doc: Document, h: float) -> None:
    """Two strokes corner to corner across the whole symbol: casing first, then black."""
    reach = h * 0.98
    for colour, width in ((WHITE, CROSS_PT + 2 * CASING_PT), (BLACK, CROSS_PT)):
        doc.stroke(colour)
        doc.line_width(width)
        doc.line(-reach, -reach, reach, reach)
        doc.line(-reach, reach, reach, -reach)


def _half_disc(doc: Document, x: float, y: float, r: float) -> None:
    """The left half of a disc filled, the right half open: "partly"."""
    p = doc.path()
    p.moveTo(x, y + r)
    p.arcTo(x - r, y - r, x + r, y + r, startAng=90, extent=180)
    p.close()
    doc.fill(BLACK)
    doc.draw_path(p, stroke=False, fill=True)
    doc.line_width(max(0.5, r * 0.22))
    doc.circle(x, y, r, stroke=True, fill=False)


def _question(doc: Document, x: float, y: float, r: float) -> None:
    """A question mark as strokes: a hook, a short stem, a dot."""
    k = r * 0.52
    doc.line_width(max(0.7, r * 0.26))
    p = doc.path()
    p.arc(x - k * 0.75, y + k * 0.05, x + k * 0.75, y + k * 1.15, startAng=160, extent=-230)
    p.lineTo(x, y - k * 0.25)
    doc.draw_path(p)
    doc.fill(BLACK)
    doc.circle(x, y - k * 0.85, max(0.45, r * 0.16), stroke=False, fill=True)


def code_size(size_pt: float) -> float:
    """The letter code's font size on a ``size_pt`` symbol: never under the 7 pt minimum."""
    return max(MIN_FONT_PT, size_pt * 0.4)


def code_form(doc: Document, code: str, size_pt: float) -> str:
    """The form of ``code`` on a white tag at the top-left corner of a ``size_pt`` symbol."""
    return doc.form(f"code-{size_pt:.2f}-" + "-".join(f"{ord(c):x}" for c in code), _code_tag, code, size_pt)


def _code_tag(doc: Document, name: str, code: str, size_pt: float) -> None:
    size = code_size(size_pt)
    w = text_width(code, size) + 2.0
    h = size * 0.95
    half = size_pt / 2
    x0, y0 = -half - 0.5, half - h + 0.5
    doc.begin_form(name, (x0 - 1, y0 - 1, x0 + w + 1, y0 + h + 1))
    doc.fill(WHITE)
    doc.stroke(BLACK)
    doc.line_width(0.5)
    doc.round_rect(x0, y0, w, h, min(1.2, h / 4), stroke=True, fill=True)
    doc.text(x0 + 1.0, y0 + (h - size * 0.72) / 2, code, size)
    doc.end_form()

