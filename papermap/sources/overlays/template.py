"""The GeoJSON template ``papermap template --format overlays`` prints: an empty FeatureCollection
for lines and areas, with the properties the reader understands and the kinds explained."""
from __future__ import annotations

import json

from papermap.model.overlays import OverlayKinds

PROPERTIES = (
    ("name", "名称（地図の一覧に出ます）", "name (printed in the page's list)", "県道1号 山側"),
    ("kind", "種類（下の一覧から。空欄なら名称・フォルダ名から判断）", "kind (see the list; blank: guessed from the name)",
     "closed_road"),
    ("notes", "備考（時間帯・理由など）", "notes (hours, reason)", "17:00〜翌8:00 通行止"),
    ("as_of", "時点（例 1/3 10:30）", "as of, e.g. 1/3 10:30", "1/3 10:30"),
)


def overlay_template(kinds: OverlayKinds) -> str:
    """An empty FeatureCollection; the help and one example line and area sit in a member that
    readers ignore, ready to be copied into ``features``."""
    props = {key: example for key, _, _, example in PROPERTIES}
    area = dict(props, name="停電エリア 北地区", kind="outage_area", notes="約120戸")
    doc = {
        "type": "FeatureCollection",
        "papermap_template": {
            "about": "papermap 線・区域テンプレート / lines-and-areas template: copy an example into "
                     "'features' once per road or area, coordinates as [longitude, latitude] / "
                     "道路・区域ごとに example を features にコピーし、座標は [経度, 緯度]",
            "properties": {key: f"{ja} / {en}" for key, ja, en, _ in PROPERTIES},
            "kinds": [f"{k.id} = {k.ja} / {k.en} ({'線 line' if k.geometry == 'line' else '区域 area'})"
                      for k in kinds],
            "example_line": {"type": "Feature", "properties": props,
                             "geometry": {"type": "LineString",
                                          "coordinates": [[136.899, 37.390], [136.903, 37.392], [136.908, 37.391]]}},
            "example_area": {"type": "Feature", "properties": area,
                             "geometry": {"type": "Polygon",
                                          "coordinates": [[[136.900, 37.380], [136.906, 37.380], [136.906, 37.384],
                                                           [136.900, 37.384], [136.900, 37.380]]]}},
        },
        "features": [],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
