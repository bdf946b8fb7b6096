"""Match a source's own column / property names (Japanese or English) to Point's fields."""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from papermap.model.categories import fold
from papermap.sources.points.text import is_clock_time

# canonical field -> accepted names, most specific first: when a row has several, the first
# non-empty one wins (営業時間 beats a bare 時間, which some sheets use for a timestamp)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "番号", "通し番号", "no", "no.", "ref"),
    "name": ("名称", "名前", "施設名", "拠点名", "name", "title"),
    "name_en": ("name_en", "name:en", "英語名", "名称(英語)", "english name", "name (english)"),
    "category": ("種別", "カテゴリ", "カテゴリー", "分類", "category", "type", "kind"),
    "lat": ("緯度", "lat", "latitude", "y"),
    "lon": ("経度", "lon", "lng", "long", "longitude", "x"),
    "hours": ("営業時間", "opening_hours", "hours", "水提供時間", "提供時間", "給水時間", "利用時間", "時間"),
    "status": ("状態", "状況", "営業状況", "開設状況", "status", "営業"),
    "notes": ("備考", "詳細", "詳細内容", "その他情報", "その他注意事項等", "注意事項", "notes", "note", "メモ",
              "memo", "comment"),
    "description": ("description", "説明", "内容", "desc"),
    "contact": ("連絡先", "施設連絡先", "電話番号", "電話", "tel", "phone", "contact", "contact:phone"),
    "verified": ("確認日時", "確認日", "verified", "last_verified", "更新日時", "更新日", "updated", "updated_at",
                 "タイムスタンプ", "timestamp"),
}


def _key(header: str) -> str:
    """Header as compared: width/case folded, a trailing "(…)" note dropped, spaces removed."""
    folded = fold(header)
    stripped = re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", folded)
    return re.sub(r"\s+", " ", stripped or folded).strip()


_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _names in ALIASES.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(_key(_name), (_field, _rank))
        _LOOKUP.setdefault(fold(_name), (_field, _rank))


@lru_cache(maxsize=1024)
def _hit(header: str) -> tuple[str, int] | None:
    """(Point field, rank among its names) for a header; every row asks again, so it is remembered."""
    return _LOOKUP.get(fold(header)) or _LOOKUP.get(_key(header))


def field_for(header: str) -> str | None:
    """The Point field a column feeds, or None for a column we keep only in ``extra``."""
    hit = _hit(header)
    return hit[0] if hit else None


@lru_cache(maxsize=64)
def _plan(headers: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """For each Point field a file's headers feed: those headers, most specific first."""
    by_field: dict[str, list[tuple[int, str]]] = {}
    for header in headers:
        hit = _hit(header)
        if hit:
            by_field.setdefault(hit[0], []).append((hit[1], header))
    return tuple((name, tuple(h for _, h in sorted(found, key=lambda item: item[0])))
                 for name, found in by_field.items())


def split_record(record: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """A row's values as (fields by Point field name, everything else kept as extra)."""
    values = {str(h): ("" if raw is None else str(raw).strip()) for h, raw in record.items()}
    fields: dict[str, str] = {}
    used: set[str] = set()
    for name, headers in _plan(tuple(values)):
        # a clock time under an hours-like header ("時間: 14:05") is a timestamp, not opening hours
        found = [h for h in headers if not (name == "hours" and is_clock_time(values[h]))]
        if not found:
            continue
        chosen = next((h for h in found if values[h]), None)
        fields[name] = values[chosen] if chosen else ""
        used.update(h for h in found if h == chosen or not values[h])
    # a column that feeds nothing, or lost to a more specific one, keeps its value in extra
    extra = {h: v for h, v in values.items() if v and h not in used}
    return fields, extra
