"""One vocabulary for a place's status (open / closed / limited / unknown), read from whatever
text a source puts it in: a status column, a name's bracket ("…（開設）"), a description line
("開設中 9:00-16:00") or a folder name. Pure: text in, status out.

Matching is by the longest word found (then the earliest), so 一部再開 is limited, not open, and
未開設 or 営業終了 are closed, not open. A word of doubt (可能性, 予定…) makes any status unknown:
"休止中の可能性あり" is not a closure, and "開設予定" is not open yet.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from papermap.model.points import Point

OPEN, CLOSED, LIMITED, UNKNOWN = "open", "closed", "limited", "unknown"

# status -> words, Japanese as sources write them and English; matched width- and case-insensitively
WORDS: dict[str, tuple[str, ...]] = {
    OPEN: ("開設", "開設中", "開所", "開所中", "営業中", "営業", "提供中", "受付中", "稼働中", "利用可", "利用可能",
           "使用可", "使用可能", "再開", "無事", "通常営業", "open", "available", "operating"),
    CLOSED: ("閉鎖", "閉鎖中", "閉所", "閉店", "提供終了", "営業終了", "受付終了", "終了", "休止", "休止中", "中止",
             "停止", "休業", "未開設", "利用不可", "使用不可", "閉鎖しました", "closed", "ended", "suspended"),
    LIMITED: ("一部", "一部再開", "一部営業", "一部開設", "条件付き", "条件付", "制限", "利用制限", "時間短縮", "短縮営業",
              "限定", "limited", "partial", "partly open", "restricted"),
    UNKNOWN: ("未確認", "不明", "確認中", "状況不明", "unknown", "unconfirmed", "not confirmed"),
}
_DOUBT = re.compile(r"可能性|かも|予定|恐れ|見込み|次第|maybe|possibly|planned", re.I)

_LOOKUP: dict[str, str] = {}
for _status, _words in WORDS.items():
    for _word in _words:
        _LOOKUP[unicodedata.normalize("NFKC", _word).casefold()] = _status
# longest first, so one alternation finds the longest word at each position; English words whole.
# Not after a weekday or 定 ("月曜休業", "定休止" are hours) nor before 時間 ("営業時間" names hours).
_PATTERN = re.compile("(?<![月火水木金土日曜祝定])(?:" + "|".join(
    (r"\b" + re.escape(w) + r"\b") if w.isascii() else re.escape(w)
    for w in sorted(_LOOKUP, key=len, reverse=True)) + ")(?!時間|日時)")
# "状況：" / "status:" before a description line's status word
_LABEL = re.compile(r"^\s*(?:状況|状態|開設状況|営業状況|status)\s*[:：]\s*", re.I)


@lru_cache(maxsize=4096)
def find_status(text: str) -> tuple[str, str] | None:
    """(status, the word that says it) for the longest status word in ``text``; None when there is
    none. A word of doubt anywhere turns the status into unknown."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    best: tuple[int, int, str] | None = None
    for m in _PATTERN.finditer(folded):
        rank = (-len(m.group(0)), m.start(), m.group(0))
        if best is None or rank < best:
            best = rank
    if best is None:
        return None
    status = _LOOKUP[best[2]]
    return (UNKNOWN if _DOUBT.search(folded) else status), best[2]


def stated_status(text: str) -> str | None:
    """The status ``text`` states without doubt, or None ("休止中の可能性あり" states none)."""
    found = find_status(text)
    if found is None or (found[0] == UNKNOWN and _LOOKUP[found[1]] != UNKNOWN):
        return None
    return found[0]


def status_mark(status: str, status_text: str) -> str:
    """The mark a point's symbol carries: closed and limited always; unknown only where the source
    said so (未確認, 不明), since most sources (OSM taps, a list of toilets) state no status at all
    and a "?" on each would hide the few that matter. "" for none (open, or nothing stated)."""
    if status in (CLOSED, LIMITED) or (status == UNKNOWN and stated_status(status_text) == UNKNOWN):
        return status
    return ""


def status_of(text: str) -> str:
    """The status ``text`` says, or unknown when it says none."""
    found = find_status(text)
    return found[0] if found else UNKNOWN


@lru_cache(maxsize=4096)
def leading_status(line: str) -> str | None:
    """The status of a description line that opens with a status word ("開設中 9:00-16:00",
    "状況：閉鎖"); None for a line that only mentions one further on ("閉鎖された道路を迂回"), since
    running text about something else must not close a place."""
    body = _LABEL.sub("", unicodedata.normalize("NFKC", line).casefold(), count=1)
    m = _PATTERN.match(body)
    if not m:
        return None
    found = find_status(body[:max(len(m.group(0)) + 8, 12)])
    return found[0] if found else None


def hide_statuses(points: list[Point], hide: Sequence[str]) -> tuple[list[Point], dict[str, int]]:
    """The points to print, and how many of each hidden status were left off (``--hide``), so the
    build can say so: a point is never dropped without a word."""
    if not hide:
        return points, {}
    kept = [p for p in points if p.status not in hide]
    counts = {s: n for s in hide if (n := sum(p.status == s for p in points))}
    return kept, counts
