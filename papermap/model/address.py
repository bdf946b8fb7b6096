"""Addresses as text that compares: one spelling for the many ways people write the same place.

Japanese addresses come as 三丁目五番地十二, ３丁目５番１２号, 3-5-12 or 3丁目5の12; a French one as
"17, Avenue de l'Annonciade" or "Avenue de l’Annonciade 17". ``fold`` turns each into one key
("本町3丁目5-12", "17avenuedelannonciade") so a point's address can be looked up among the OSM
extract's ``addr:*`` tags and place names (model/geocode.py) without a network geocoder.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"([〇零一二三四五六七八九十百千]+)(?=丁目|丁(?!目)|番地|番|号|条|線|地割)")
_KANJI_TAIL = re.compile(r"(?:(?<=番地)|(?<=番)|(?<=の)|(?<=-))([〇零一二三四五六七八九十百千]+)(?![^号\s,、])")
_DASHES = re.compile(r"(?<=\d)\s*[-‐‑‒–—―−－ーｰ]\s*(?=\d)")
_BANCHI = re.compile(r"(\d+)\s*番地?\s*の?\s*(\d+)\s*号?")   # 5番地12, 5番12号, 5番地の12
_NO = re.compile(r"(?<=\d)の(?=\d)")                           # 5の12
_TAIL = re.compile(r"(\d+)\s*(?:番地|番|号)(?![町丁通])")        # a lone 5番地 / 12号, not 一番町
_CHOME = re.compile(r"(\d+)丁(?!目)")                           # 3丁 (short for 3丁目)
_THREE = re.compile(r"(?<=[^\d\s-])(\d+)-(\d+)-(\d+)(?!\d|-)")  # 本町3-5-12 is 本町3丁目5-12
_STRIP = re.compile(r"[^\w-]+|_")
_LOOSE_DASH = re.compile(r"-(?!\d)|(?<!\d)-")


def kanji_number(text: str) -> int:
    """二十三 -> 23, 百五 -> 105, 三〇五 -> 305 (digit by digit when there is no unit)."""
    if not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            digit = _DIGITS[ch]
    return total + (digit or 0)


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """An address in one spelling: half-width digits, kanji numerals before 丁目/番/号/条 as digits,
    番地・番・号・の as hyphens ("3丁目5-12"), 本町3-5-12 as 本町3丁目5-12. Other text is kept."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _KANJI_NUMBER.sub(lambda m: str(kanji_number(m[1])), text)
    text = _KANJI_TAIL.sub(lambda m: str(kanji_number(m[1])), text)
    text = _CHOME.sub(r"\1丁目", text)
    text = _DASHES.sub("-", text)
    text = _NO.sub("-", text)
    text = _BANCHI.sub(r"\1-\2", text)
    text = _TAIL.sub(r"\1", text)
    return _THREE.sub(r"\1丁目\2-\3", text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """``normalise``, then accents, case, spaces and punctuation dropped (a hyphen between digits kept):
    the key two spellings of one name or address share ("Lycée Albert-1er" and "lycee albert 1er"
    differ only in that hyphen, which is kept only between digits)."""
    text = unicodedata.normalize("NFKD", normalise(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).casefold()
    return _LOOSE_DASH.sub("", _STRIP.sub("", text))


_NUMBER_AFTER = re.compile(r"\d+(?:-\d+)*")
_NUMBER_BEFORE = re.compile(r"(\d+(?:-\d+)*)[a-z]*$")


def numbers_beside(folded: str, start: int, end: int) -> list[str]:
    """House-number candidates next to a street or area found at ``folded[start:end]``: the number
    after it ("本町3丁目" + "5-12", "avenue…" + "17") and its shorter forms ("5"), then the number
    before it ("17" + "avenue…"), most specific first."""
    found: list[str] = []
    after = _NUMBER_AFTER.match(folded, end)
    if after:
        parts = after[0].split("-")
        found += ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    before = _NUMBER_BEFORE.search(folded[:start])
    if before:
        found.append(before[1])
    return found
