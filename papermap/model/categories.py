"""Relief-point categories, loaded from styles/categories.toml so volunteers can change them without code."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from papermap.errors import InputError
from papermap.settings import STYLES_DIR
from papermap.settings import MAX_CONFIG_BYTES  # separate from STYLES_DIR, whose lookup is packaging's

OTHER = "other"
MONO_FILLS = ("black", "white", "grey", "hatch", "dots", "cross_hatch")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# "風呂｜天然温泉 …" / "給水|…": a short category word, then a bar, then the real name
_PREFIX = re.compile(r"^\s*([^｜|]{1,8}?)\s*[｜|]\s*(\S.*)$", re.S)
# "天然温泉 尾道みなと館（お風呂）": a trailing bracket that may hold only category words
_SUFFIX = re.compile(r"^(.*\S)\s*[（(]([^（()）]{1,20})[)）]\s*$", re.S)

Condition = tuple[str, str, str]  # (key, "=" or "!=", value or "*")


def fold(text: str) -> str:
    """Width- and case-insensitive form for matching (ＡＢＣ == abc, ｶﾅ == カナ)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True)
class Category:
    """One kind of relief point and how it is drawn and recognised."""

    id: str
    ja: str
    en: str
    shape: str
    colour: str
    mono: str
    osm: tuple[tuple[Condition, ...], ...] = ()
    keywords: tuple[str, ...] = ()
    code: str = ""                   # letter code drawn on the symbol, for kinds that share a shape
    names: tuple[str, ...] = ()      # whole names that mean this kind ("GS"), too short for keywords

    def label(self, lang: str = "ja") -> str:
        return self.en if lang == "en" else self.ja

    def matches_tags(self, tags: Mapping[str, str]) -> bool:
        """True if any OSM rule holds for these tags (all of a rule's conditions must hold)."""
        return any(all(_holds(cond, tags) for cond in rule) for rule in self.osm)


def _holds(cond: Condition, tags: Mapping[str, str]) -> bool:
    key, op, value = cond
    present = key in tags and (value == "*" or tags[key] == value)
    return present if op == "=" else not present


def _parse_rule(rule: str, where: str) -> tuple[Condition, ...]:
    conditions = []
    for part in rule.split(";"):
        m = re.fullmatch(r"\s*([^=!\s]+)\s*(!?=)\s*(\S+)\s*", part)
        if not m:
            raise InputError(f"OSM rule {rule!r} is not key=value, key=* or key!=value", where=where, field="osm")
        conditions.append((m.group(1), m.group(2), m.group(3)))
    return tuple(conditions)


class Categories:
    """The ordered category list plus the rules that put a point into one of them."""

    def __init__(self, categories: Iterable[Category]):
        self.ordered: list[Category] = list(categories)
        self.by_id: dict[str, Category] = {c.id: c for c in self.ordered}
        self._labels: dict[str, str] = {}
        for c in self.ordered:
            for text in (c.id, c.ja, c.en):
                self._labels.setdefault(fold(text), c.id)
        self._keywords = [(fold(k), c.id, i) for i, c in enumerate(self.ordered) for k in c.keywords]
        self._exact_keywords = {k: cid for k, cid, _ in reversed(self._keywords)}
        self._names = {fold(n): c.id for c in reversed(self.ordered) for n in c.names}
        # for_tags depends only on the tags its rules name: an extract's POIs repeat a few of those
        # combinations (amenity=toilets…) a thousand times, so each is worked out once
        self._rule_keys = sorted({key for c in self.ordered for rule in c.osm for key, _, _ in rule})
        self._by_tags: dict[tuple[tuple[str, str], ...], str | None] = {}

    def __iter__(self) -> Iterator[Category]:
        return iter(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)

    def __contains__(self, category_id: object) -> bool:
        return category_id in self.by_id

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.ordered]

    def match_text(self, text: str, short_ok: bool = False) -> str | None:
        """The category whose keyword occurs in ``text``: longest keyword first, then earliest, then list order.

        Longest first so that 清水公園トイレ is a toilet, not water; one-character keywords
        only count where ``short_ok`` (folder names, name prefixes), never in running text.
        """
        folded = fold(text)
        best: tuple[int, int, int] | None = None
        found = None
        for keyword, cid, order in self._keywords:
            if len(keyword) < 2 and not short_ok:
                continue
            pos = folded.find(keyword)
            if pos >= 0:
                rank = (-len(keyword), pos, order)
                if best is None or rank < best:
                    best, found = rank, cid
        return found

    def resolve(self, value: str, category_map: Mapping[str, str] | None = None) -> str | None:
        """A source's own category or folder name to our id: explicit map, then id/label, then keywords."""
        if not value.strip():
            return None
        key = fold(value)
        for src, dst in (category_map or {}).items():
            if fold(src) == key:
                return dst
        return self._labels.get(key) or self.match_text(value, short_ok=True)

    def split_prefix(self, name: str) -> tuple[str | None, str]:
        """Strip the category words volunteers put into names, since the map symbol already says it:
        ``風呂｜天然温泉 …`` -> ("bath", "天然温泉 …"), ``大宮湯（お風呂）`` -> ("bath", "大宮湯")."""
        cid = None
        m = _PREFIX.match(name)
        if m and (cid := self.match_text(m.group(1), short_ok=True)):
            name = m.group(2).strip()
        m = _SUFFIX.match(name)
        if m:
            words = [fold(w) for w in re.split(r"[・/／、,]", m.group(2)) if w.strip()]
            found = [self._labels.get(w) or self._exact_keywords.get(w) for w in words]
            if words and len(set(found)) == 1 and found[0] and cid in (None, found[0]):
                return found[0], m.group(1).strip()
        return cid, name

    def classify(
        self,
        folder_names: Iterable[str],
        name: str,
        description: str,
        explicit: str | None = None,
        category_map: Mapping[str, str] | None = None,
        clean_name: str = "",
    ) -> str:
        """Our category for a point. An explicit value decides alone (unknown -> other); otherwise the
        first folder (innermost first) that names a category, then the name's prefix, the whole name
        (``clean_name``: without its bracket, "GS(赤：無事)" -> "GS"), the name, the description."""
        if explicit is not None and explicit.strip():
            return self.resolve(explicit, category_map) or OTHER
        for folder in folder_names:
            cid = self.resolve(folder, category_map)
            if cid:
                return cid
        if self._names and (cid := self._names.get(fold(clean_name or name))):
            return cid
        prefix_cid, _ = self.split_prefix(name)
        return prefix_cid or self.match_text(name) or self.match_text(description) or OTHER

    def for_tags(self, tags: Mapping[str, str]) -> str | None:
        """The first category (in list order) whose OSM rules hold for these tags."""
        key = tuple((k, tags[k]) for k in self._rule_keys if k in tags)
        try:
            return self._by_tags[key]
        except KeyError:
            found = self._by_tags[key] = next((c.id for c in self.ordered if c.matches_tags(tags)), None)
            return found

    def check_map(self, category_map: Mapping[str, str] | None) -> None:
        """Refuse a config that maps a source name to a category we do not have."""
        for src, dst in (category_map or {}).items():
            if dst not in self.by_id:
                raise InputError(f"{src!r} is mapped to unknown category {dst!r} (known: {', '.join(self.ids)})",
                                 field="category_map")


def load_categories(path: str | Path | None = None, merge: bool = False) -> Categories:
    """Read and check the category table; every mistake is reported with the file and category.

    With ``merge``, ``path`` adds to the built-in table instead of replacing it: a category with a
    built-in id replaces that one in place, a new one comes before "other" (a map's own layers,
    as 紙マップ's per-map layer settings, on top of the defaults)."""
    default = STYLES_DIR / "categories.toml"
    path = Path(path) if path else default
    files = (path, default) if merge and path != default else (path,)
    try:   # an unreadable or oversized file has no key: _read says what is wrong with it
        key = None if any(f.stat().st_size > MAX_CONFIG_BYTES for f in files) else \
            (merge, *((str(f), f.read_bytes()) for f in files))
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    categories = _load(path, default, merge)
    if key is not None:
        _LOADED.clear()   # one table at a time is all a build or a warm server uses
        _LOADED[key] = categories
    return categories


# The last table read, by the files' contents: a warm server (papermap serve) builds again and
# again with the same categories, and a Categories remembers how it matched OSM tags.
_LOADED: dict[tuple, Categories] = {}


def _load(path: Path, default: Path, merge: bool) -> Categories:
    table = _table(path)
    if merge and path != default:
        own = {raw.get("id"): raw for raw in table if isinstance(raw, dict)}
        base = _table(default)
        merged = [own.pop(raw["id"], raw) for raw in base]
        merged[-1:-1] = [raw for raw in table if not isinstance(raw, dict) or raw.get("id") in own]
        table = merged
    return _categories(table, path)


def _table(path: Path) -> list:
    """The [[category]] tables of one file, as found."""
    table = _read(path).get("category", [])
    if not isinstance(table, list):
        raise InputError("'category' must be [[category]] tables", file=str(path), field="category")
    return table


def _categories(table: list, path: Path) -> Categories:
    categories = []
    for n, raw in enumerate(table, 1):
        if not isinstance(raw, dict):
            raise InputError("must be a [[category]] table", file=str(path), where=f"category {n}")
        where = f"category {n} {str(raw.get('id', ''))[:40]!r}"
        for key, value in raw.items():
            wanted = _TEXT_LISTS.get(key, str)
            ok = isinstance(value, str) if wanted is str else (
                isinstance(value, list) and all(isinstance(v, str) for v in value))
            if not ok:
                described = "text in quotes" if wanted is str else "a list of texts in quotes"
                raise InputError(f"must be {described}", file=str(path), where=where, field=str(key)[:40])
        missing = [k for k in ("id", "ja", "en", "shape", "colour", "mono") if not raw.get(k)]
        if missing:
            raise InputError(f"missing {', '.join(missing)}", file=str(path), where=where)
        if raw["mono"] not in MONO_FILLS:
            raise InputError(f"mono must be one of {', '.join(MONO_FILLS)}", file=str(path), where=where, field="mono")
        if not _HEX.match(raw["colour"]):
            raise InputError("colour must be #rrggbb", file=str(path), where=where, field="colour")
        if len(raw.get("code", "")) > MAX_CODE:
            raise InputError(f"code must be at most {MAX_CODE} characters (it is drawn on the symbol)",
                             file=str(path), where=where, field="code")
        rules = tuple(_parse_rule(r, where) for r in raw.get("osm", []))
        categories.append(Category(raw["id"], raw["ja"], raw["en"], raw["shape"], raw["colour"], raw["mono"],
                                   rules, tuple(raw.get("keywords", [])), raw.get("code", ""),
                                   tuple(raw.get("names", []))))
    _check_distinct(categories, path)
    return Categories(categories)


_TEXT_LISTS = {"osm": list, "keywords": list, "names": list}  # every other key of a category holds one text
MAX_CODE = 2


def _read(path: Path) -> dict:
    """The parsed TOML; unreadable, binary, oversized or over-nested files are InputErrors."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InputError(f"larger than {MAX_CONFIG_BYTES:,} bytes: not a categories file", file=str(path))
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read categories: {exc.strerror or exc}", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}): not a categories file", file=str(path)) from None
    except ValueError as exc:  # TOMLDecodeError, or an integer of more than 4,300 digits
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from exc
    except RecursionError:
        raise InputError("not valid TOML: nested too deeply", file=str(path)) from None


def _check_distinct(categories: list[Category], path: Path) -> None:
    """Two categories that print alike would make the map lie, so ids and (shape, letter code) are
    unique: kinds that share a shape differ by the code drawn on it, in colour and in mono."""
    for what, key in (("id", lambda c: c.id), ("shape and code", lambda c: (c.shape, c.code))):
        seen: dict[object, str] = {}
        for c in categories:
            if key(c) in seen:
                raise InputError(f"same {what} as {seen[key(c)]!r}", file=str(path), where=f"category {c.id!r}")
            seen[key(c)] = c.id
    if OTHER not in {c.id for c in categories}:
        raise InputError(f"needs an {OTHER!r} category for points that match nothing", file=str(path))
