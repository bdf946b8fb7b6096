"""Match a source's own column / property names (Japanese or English) to Point's fields."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from papermap.model.categories import fold
from papermap.sources.points.text import is_clock_time

# canonical field -> accepted names, most specific first: when a row has several, the first
# non-empty one wins (営業時間 beats a bare 時間, which some sheets use for a timestamp)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "番号", "通し番号", "no", "no.", "ref"),
    "name": ("名称", "名前", "施設名", "拠点名", "name", "title"),
    "name_en": ("name_en", "name:en", "名称_英字", "名称_英語", "英語名", "名称(英語)", "english name", "name (english)"),
    "category": ("種別", "カテゴリ", "カテゴリー", "分類", "サブジャンル", "ジャンル", "category", "type", "kind"),
    "lat": ("緯度", "lat", "latitude", "y"),
    "lon": ("経度", "lon", "lng", "long", "longitude", "x"),
    "hours": ("営業時間", "opening_hours", "hours", "水提供時間", "提供時間", "給水時間", "利用時間", "時間"),
    "status": ("状態", "状況", "営業状況", "開設状況", "status", "営業"),
    "notes": ("備考", "詳細", "詳細内容", "その他情報", "その他注意事項等", "注意事項", "notes", "note", "メモ",
              "memo", "comment"),
    "description": ("description", "説明", "内容", "desc"),
    "contact": ("連絡先", "施設連絡先", "電話番号", "電話", "tel", "phone", "contact", "contact:phone"),
    "address": ("住所", "所在地", "所在地_連結表記", "address", "addr:full", "addr"),
    "capacity": ("収容人数", "想定収容人数", "収容人員", "収容可能人数", "定員", "capacity"),
    "verified": ("確認日時", "確認日", "verified", "last_verified", "更新日時", "更新日", "updated", "updated_at",
                 "タイムスタンプ", "timestamp"),
}


def _key(header: str) -> str:
    """Header as compared: width/case folded, a trailing "(…)" note dropped, spaces removed."""
    folded = fold(header)
    return re.sub(r"\s+", " ", _drop_note(folded) or folded).strip()


def _drop_note(text: str) -> str:
    """``text`` without a trailing "(…)" (no closing bracket inside) and the spaces before it.

    With str methods, not a pattern ending in ``\\s*$``: that retried at every space of a header
    with 40,000 of them (16 s).
    """
    body = text.rstrip()
    if not body.endswith((")", "）")):
        return text
    inside_from = max(body.rfind(")", 0, -1), body.rfind("）", 0, -1)) + 1
    opens = [i for i in (body.find("(", inside_from, -1), body.find("（", inside_from, -1)) if i >= 0]
    return body[:min(opens)].rstrip() if opens else text


_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _names in ALIASES.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(_key(_name), (_field, _rank))
        _LOOKUP.setdefault(fold(_name), (_field, _rank))


@lru_cache(maxsize=1024)
def _hit(header: str) -> tuple[str, int] | None:
    """(Point field, rank among its names) for a header; each new header set asks again, so it is remembered."""
    return _LOOKUP.get(fold(header)) or _LOOKUP.get(_key(header))


def field_for(header: str) -> str | None:
    """The Point field a column feeds, or None for a column we keep only in ``extra``."""
    hit = _hit(header)
    return hit[0] if hit else None


@dataclass(frozen=True)
class Columns:
    """Which column feeds which Point field, worked out once for a set of headers and used for every row."""

    headers: tuple[str, ...]
    direct: tuple[tuple[str, int], ...]              # (field, column): the field's only column
    ranked: tuple[tuple[str, tuple[int, ...]], ...]  # fields with a choice to make: their columns, most specific first
    named: tuple[tuple[str, int], ...]               # (header, column) for each header, in order
    feeding: frozenset[int]                           # the columns that feed some field
    others: tuple[tuple[str, int], ...]               # the (header, column)s that feed nothing

    def split(self, cells: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """A row's stripped cells as (fields by Point field name, everything else kept as extra).

        Of several columns feeding one field, the first non-empty one wins; a clock time under an
        hours-like header ("時間: 14:05") is a timestamp, not opening hours, and feeds nothing.
        Cells beyond the headers are ignored; a short row has only the headers it reaches.
        """
        if len(cells) < len(self.headers):  # its own plan: a repeated header's last column may be missing
            return columns_for(self.headers[:len(cells)]).split(cells)
        fields = {name: cells[i] for name, i in self.direct}
        passed_over: set[int] = set()  # feeding columns whose value is not used, so it stays in extra (a set:
        # a file whose 20,000 columns all feed "name" made a list lookup quadratic)
        for name, columns in self.ranked:
            chosen: str | None = None  # "" while only empty columns have been seen
            for i in columns:
                value = cells[i]
                if name == "hours" and is_clock_time(value):
                    passed_over.add(i)
                elif not chosen:
                    chosen = value
                elif value:
                    passed_over.add(i)
            if chosen is not None:
                fields[name] = chosen
        # a column that feeds nothing, or lost to a more specific one, keeps its value in extra (in column order)
        kept = self.others
        if passed_over:
            kept = tuple((h, i) for h, i in self.named if i not in self.feeding or i in passed_over)
        return fields, {h: cells[i] for h, i in kept if cells[i]}


@lru_cache(maxsize=64)
def columns_for(headers: tuple[str, ...]) -> Columns:
    """The Columns of a file's headers (remembered: a file asks once, a GeoJSON's features all ask).

    A repeated header counts once, where it first appears, with the value of its last column,
    as it would in a dict.
    """
    named = {h: i for i, h in enumerate(headers)}
    by_field: dict[str, list[tuple[int, int]]] = {}
    for header, i in named.items():
        hit = _hit(header)
        if hit:
            by_field.setdefault(hit[0], []).append((hit[1], i))
    direct, ranked = [], []
    for name, found in by_field.items():
        if len(found) == 1 and name != "hours":  # hours always chooses: a clock time is not opening hours
            direct.append((name, found[0][1]))
        else:
            ranked.append((name, tuple(i for _, i in sorted(found, key=lambda item: item[0]))))
    feeding = frozenset(i for found in by_field.values() for _, i in found)
    return Columns(headers, tuple(direct), tuple(ranked), tuple(named.items()), feeding,
                   tuple((h, i) for h, i in named.items() if i not in feeding))


def split_record(record: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """A record's values as (fields by Point field name, everything else kept as extra)."""
    values = {str(h): ("" if raw is None else str(raw).strip()) for h, raw in record.items()}
    return columns_for(tuple(values)).split(tuple(values.values()))
