"""Page furniture worked out as plain numbers: scale bar, neighbour tabs, bilingual wording."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from papermap.layout.frame import TAB_MM, Rect

SCALE_BAR_STEPS_M = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000)

WORDS = {
    "page": {"ja": "ページ", "en": "Page"},
    "overview": {"ja": "全体図", "en": "Overview"},
    "data_as_of": {"ja": "地図データ", "en": "Map data as of"},
    "printed": {"ja": "印刷", "en": "Printed"},
    "source": {"ja": "出典", "en": "Source"},
    "attribution": {"ja": "© OpenStreetMap contributors (ODbL)", "en": "© OpenStreetMap contributors (ODbL)"},
    "scale": {"ja": "縮尺", "en": "Scale"},
    "list": {"ja": "一覧", "en": "List"},
    "points_on_page": {"ja": "地図ページ {n} の地点", "en": "Points on map page {n}"},
    "index": {"ja": "種類別の地図ページ", "en": "Map pages by kind of point"},
    "section": {"ja": "区域", "en": "Section"},
    "index_page": {"ja": "索引", "en": "Index"},
    "section_pages": {"ja": "区域 {n} の地図ページ", "en": "Map pages of section {n}"},
    "name_index": {"ja": "地名・通り名の索引（ページ 区画）", "en": "Index of places and streets (page, grid cell)"},
    "point_index": {"ja": "種類別の地点の索引（ページ 区画）", "en": "Index of points by kind (page, grid cell)"},
    "no_data": {"ja": "データなし", "en": "no data"},
    "no_basemap": {"ja": "背景地図なし（座標の格子のみ）", "en": "No basemap available: coordinate grid only"},
    # point tables
    "name": {"ja": "名称", "en": "Name"},
    "hours": {"ja": "時間", "en": "Hours"},
    "status": {"ja": "状況・備考", "en": "Status, notes"},
    "verified": {"ja": "確認日時", "en": "Checked"},
    "phone": {"ja": "電話", "en": "Phone"},
    "address": {"ja": "住所", "en": "Address"},
    "capacity": {"ja": "収容 {n}", "en": "capacity {n}"},
    "approx": {"ja": "位置は推定", "en": "approx."},
    "address_only": {"ja": "住所のみの地点（地図に載せられなかったもの）", "en": "Address only (not on the map)"},
    "address_only_note": {"ja": "地図データの中に場所を見つけられませんでした。住所でお探しください。",
                          "en": "Their place was not found in the map data: look them up by address."},
    "open": {"ja": "開設中", "en": "open"},
    "closed": {"ja": "閉鎖", "en": "closed"},
    "limited": {"ja": "一部・条件付き", "en": "limited"},
    "unknown": {"ja": "状況不明", "en": "status unknown"},
    "unverified": {"ja": "未確認", "en": "not checked"},
}

ARROWS = {"N": "↑", "S": "↓", "W": "←", "E": "→", "NW": "↖", "NE": "↗", "SW": "↙", "SE": "↘"}


def say(key: str, langs: Sequence[str], sep: str = " / ", words: Mapping[str, Mapping[str, str]] = WORDS,
        **values) -> str:
    """The phrase in each chosen language, joined with ``sep`` (once if they are the same). A layer
    with sheets of its own passes its own ``words`` (layout/overlays.py), so a build without that
    layer reserves none of its glyphs."""
    texts = []
    for lang in langs:
        text = words[key][lang].format(**values)
        if text not in texts:
            texts.append(text)
    return sep.join(texts)


@dataclass(frozen=True)
class ScaleBar:
    metres: int
    length_mm: float
    segments: int

    def label(self, value_m: float) -> str:
        return f"{value_m / 1000:g} km" if self.metres >= 1000 else f"{value_m:g} m"


def scale_bar(scale: int, max_mm: float = 45.0) -> ScaleBar:
    """The longest round distance whose bar fits in ``max_mm`` at 1:scale."""
    best = SCALE_BAR_STEPS_M[0]
    for metres in SCALE_BAR_STEPS_M:
        if metres * 1000.0 / scale <= max_mm:
            best = metres
    segments = 5 if str(best).startswith(("5", "1")) else 4
    return ScaleBar(best, best * 1000.0 / scale, segments)


@dataclass(frozen=True)
class Tab:
    text: str
    x: float      # centre, mm
    y: float
    angle: float  # degrees


def neighbour_tabs(map_rect: Rect, neighbours: dict[str, int]) -> list[Tab]:
    """Labels in the band around the map frame pointing to the neighbouring page numbers."""
    half = TAB_MM / 2
    cx, cy = map_rect.x + map_rect.w / 2, map_rect.y + map_rect.h / 2
    spots = {
        "N": (cx, map_rect.y1 + half, 0.0), "S": (cx, map_rect.y - half, 0.0),
        "W": (map_rect.x - half, cy, 90.0), "E": (map_rect.x1 + half, cy, -90.0),
        "NW": (map_rect.x + 12, map_rect.y1 + half, 0.0), "NE": (map_rect.x1 - 12, map_rect.y1 + half, 0.0),
        "SW": (map_rect.x + 12, map_rect.y - half, 0.0), "SE": (map_rect.x1 - 12, map_rect.y - half, 0.0),
    }
    # side tabs are turned to run along the edge; an up-arrow turned with them points outward
    return [Tab(f"{'↑' if d in ('W', 'E') else ARROWS[d]} {n}", *spots[d])
            for d, n in sorted(neighbours.items()) if d in spots]


def page_ranges(numbers) -> str:
    """Page numbers as short runs: [1, 2, 3, 5, 7, 8] -> "1–3, 5, 7–8"."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(f"{a}–{b}" if b > a else f"{a}" for a, b in runs)
