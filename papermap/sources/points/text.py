"""Turn the free text volunteers type (HTML, names with hours in brackets, dates) into plain fields."""
from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime
from functools import lru_cache

from papermap.model.status import stated_status, status_of

_BLOCK_TAGS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
_DROP_CONTENT = {"script", "style"}


# One linear pass over the markup. html.parser.HTMLParser was quadratic on unclosed constructs
# ("<a<a<a…" or "<!--<!--…": 40 KB took seconds), so tags are matched by a pattern that can
# never scan past the next "<" and never gives back what it took (possessive *+: "<aaaa…" with
# no ">" was quadratic in backtracking between name and attributes), and a comment by one str.find.
_MARKUP = re.compile(r"<(?:!--|(/?)([a-zA-Z][a-zA-Z0-9]*+)([^<>]*+)>|[!?][^<>]*+>)")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


_HUGE_CHARREF = re.compile(r"&#0*[1-9][0-9]{7,};?")  # past U+10FFFF whatever the digits say


def unescape(text: str) -> str:
    """html.unescape, except that a decimal character reference of thousands of digits ("&#999…")
    is the replacement character it means, instead of the ValueError int() gives past 4,300 digits."""
    return html.unescape(_HUGE_CHARREF.sub("\ufffd", text) if "&#" in text else text)


class _TextExtractor:
    """Keeps the text, turns <br> and block ends into newlines, keeps link targets visible."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._hrefs: list[str | None] = []
        self._link_text: list[int] = []
        self._skip = 0

    def feed(self, value: str) -> None:
        pos = 0
        while (m := _MARKUP.search(value, pos)) is not None:
            self.handle_data(unescape(value[pos:m.start()]))
            pos = m.end()
            if m.group(0) == "<!--":
                end = value.find("-->", pos)
                pos = len(value) if end < 0 else end + 3
            elif m.group(2):
                tag = m.group(2).lower()
                if m.group(1):
                    self.handle_endtag(tag)
                else:
                    self.handle_starttag(tag, m.group(3))
        self.handle_data(unescape(value[pos:]))

    def handle_starttag(self, tag: str, attrs: str) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _DROP_CONTENT:
            self._skip += 1
        elif tag == "a":
            href = _HREF.search(attrs)
            self._hrefs.append(unescape(next(g for g in href.groups() if g is not None)) if href else None)
            self._link_text.append(len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _DROP_CONTENT:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._hrefs:
            href, start = self._hrefs.pop() or "", self._link_text.pop()
            target = href.removeprefix("tel:").removeprefix("mailto:")
            if href.startswith(("http://", "https://", "tel:", "mailto:")) and target not in "".join(self.parts[start:]):
                self.parts.append(f" ({target})")  # the link text alone would hide the address on paper

    def handle_data(self, data: str) -> None:
        if data and not self._skip:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text from an HTML description: <br> -> newline, tags dropped, entities unescaped, URLs kept."""
    if not value:
        return ""
    if "<" not in value:
        return tidy(unescape(value))
    parser = _TextExtractor()
    parser.feed(value)
    return tidy("".join(parser.parts))


_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_UNTIDY = re.compile(r"[\t\u3000\xa0\n]|  ")


def tidy(text: str) -> str:
    """Trim each line, collapse runs of spaces and blank lines (ideographic spaces included)."""
    if text == text.strip() and not _UNTIDY.search(text):
        return text                      # most values: nothing to do
    return tidy_lines(text)


def tidy_lines(text: str) -> str:
    """``tidy`` without its shortcut: line by line."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def umap_to_text(value: str) -> str:
    """uMap's wiki markup to plain text: [[url|label]] -> label (url), {{image}} dropped, **bold** unmarked."""
    # no pattern may scan past the next opening bracket: "{{{{…" or "[[[[…" would make it quadratic
    value = re.sub(r"\{\{\{?[^{}]*\}?\}\}", "", value)
    value = re.sub(r"\[\[([^|\[\]]+)\|([^\[\]]+)\]\]", r"\2 (\1)", value)
    value = re.sub(r"\[\[([^\[\]]+)\]\]", r"\1", value)
    value = re.sub(r"\*\*?([^*\n]+)\*\*?", r"\1", value)
    value = re.sub(r"^#+\s*", "", value, flags=re.M)
    return html_to_text(value)


# --- hours and status in names: 風呂｜大宮湯（15:00-21:00/月水金休み） ---------------------------

# (?<!\d) before \d+h: one try per run of digits, not one per digit (a 40,000-digit cell took 18 s)
_TIME = re.compile(r"\d{1,2}\s*:\s*\d{2}|\d{1,2}\s*時|24時間|いつでも|終日|深夜|休み|定休|休業日|(?<!\d)\d+h\b", re.I)
_PART_SPLIT = re.compile(r"(?<!\d)[/／]|[/／](?!\d)|[,，、]")  # a slash between digits is a date (7/13)


@lru_cache(maxsize=4096)
def has_time(text: str) -> bool:
    """Does this look like opening hours (6:00-9:30, 10時～, 24時間, 月曜休み)?"""
    return bool(_TIME.search(unicodedata.normalize("NFKC", text)))


@lru_cache(maxsize=4096)
def parse_status(text: str) -> str:
    """The source's status words to one of Point's STATUSES (model/status.py has the vocabulary)."""
    return status_of(text)


_HOURS_RANGE = re.compile(r"\d{1,2}\s*(?::\s*\d{2}|時)(?:\s*\d{1,2}分)?\s*[-~〜～–ー]\s*"
                          r"\d{1,2}(?:\s*(?::\s*\d{2}|時))?(?:\s*\d{1,2}分)?|24時間")


@lru_cache(maxsize=4096)
def split_hours(text: str) -> tuple[str, str]:
    """(the text without its opening hours, the hours) for status words with hours in the same
    text: "開設中 9:00-16:00" -> ("開設中", "9:00-16:00"). ("text", "") when it has no time range."""
    value = unicodedata.normalize("NFKC", text)
    found = [m.group(0).strip() for m in _HOURS_RANGE.finditer(value)]
    if not found:
        return text, ""
    rest = tidy(_HOURS_RANGE.sub(" ", value)).strip(" ,、/")
    return rest, ", ".join(found)


def split_name(name: str) -> tuple[str, str, str, str]:
    """Split a trailing bracket off a name when it carries hours or a closure.

    Returns (name, hours, status_text, notes). The bracket's parts (split at / , 、) that look
    like hours become the hours, a status stated without doubt ("7/13から閉鎖", "開設", "赤：無事")
    the status, the rest notes.
    A bracket with neither stays in the name: "(大和町)" tells two places apart.
    """
    name = name.strip()
    if not name.endswith((")", "）")):
        return name, "", "", ""  # most names: no trailing bracket, nothing to match
    bracket = _trailing_bracket(name)
    if bracket is None or not bracket[0].strip():
        return name, "", "", ""
    head, inside = bracket
    parts = [p.strip() for p in _PART_SPLIT.split(inside) if p.strip()]
    status = [p for p in parts if stated_status(p) is not None]
    hours = [p for p in parts if has_time(p) and p not in status]
    for i, part in enumerate(status):   # "開設中 9:00-16:00": the status, and hours beside it
        words, part_hours = split_hours(part)
        if part_hours:
            status[i] = words
            hours.append(part_hours)
    if not hours and not status:
        return name, "", "", ""
    notes = [p for p in parts if p not in hours and p not in status and not has_time(p)
             and stated_status(p) is None]
    return (head.strip(), normalise_hours(", ".join(hours)), ", ".join(status), ", ".join(notes))


def _trailing_bracket(name: str) -> tuple[str, str] | None:
    """(text before, text inside) of the bracket that ends ``name``, which may hold brackets one level
    deep ("（月(祝)休み）"); None if there is none or it is nested deeper.

    One scan back from the end: the pattern this replaces retried from every bracket of a name
    such as "(a)(a)(a)…" and was quadratic.
    """
    if not name.endswith((")", "）")):
        return None
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        c = name[i]
        if c in ")）":
            depth += 1
            if depth > 2:
                return None
        elif c in "(（":
            depth -= 1
            if depth == 0:
                return name[:i], name[i + 1:-1]
            if depth < 0:
                return None
    return None


@lru_cache(maxsize=4096)
def normalise_hours(text: str) -> str:
    """Full-width digits and colons to ASCII so hours print the same everywhere (１０：００ -> 10:00)."""
    return tidy(unicodedata.normalize("NFKC", text))


_CLOCK_ONLY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?\s*([AP]M)?$", re.I)


@lru_cache(maxsize=4096)
def is_clock_time(text: str) -> bool:
    """A lone clock reading ("4:00:00 PM") is a timestamp someone logged, not opening hours."""
    return bool(_CLOCK_ONLY.match(unicodedata.normalize("NFKC", text).strip()))


# --- dates ------------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",  # Google Sheets / My Maps (US order)
)
_JA_DATE = re.compile(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日(?:\D*?(\d{1,2})[:時](\d{1,2})?)?")


@lru_cache(maxsize=4096)
def parse_datetime(text: str) -> datetime | None:
    """A verification date in the forms volunteers use; None when it has no year (07/09) or is unreadable."""
    value = unicodedata.normalize("NFKC", text).strip().replace("Z", "+00:00")
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    m = _JA_DATE.search(value)
    if m:
        y, mo, d, h, mi = (int(g) if g else 0 for g in m.groups())
        try:
            return datetime(y, mo, d, h, mi)
        except ValueError:
            return None
    return None


# --- contact ------------------------------------------------------------------------------------

_PHONE = re.compile(r"(?<!\d)(0\d{1,4}-\d{1,4}-\d{3,4}|0120-?\d{3}-?\d{3}|0\d{9,10})(?!\d)")


def find_phone(text: str) -> str:
    """The first Japanese phone number in free text ("連絡先：0848-20-8222"), or ""."""
    m = _PHONE.search(unicodedata.normalize("NFKC", text))
    return m.group(1) if m else ""
