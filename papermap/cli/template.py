"""``papermap template``: an empty, commented points file for mapping parties to fill in."""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from papermap._files import atomic_write
from papermap.model.categories import Categories, load_categories

# (column, Japanese help, English help, example value); the headers are names the reader recognises
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("id", "番号（任意・重ならないこと）", "your own id (optional, unique)", "1"),
    ("category", "種別（下の一覧から）", "category (see the list below)", "water"),
    ("name", "名称", "name", "尾道西公園"),
    ("name_en", "英語名（任意）", "name in English (optional)", "Onomichi Nishi Park"),
    ("lat", "緯度（例 34.4085）", "latitude, e.g. 34.4085", "34.4085"),
    ("lon", "経度（例 133.1752）", "longitude, e.g. 133.1752", "133.1752"),
    ("hours", "営業時間（例 7:00-21:00）", "opening hours, e.g. 7:00-21:00", "7:00-21:00"),
    ("status", "状態（営業中 / 閉鎖 / 空欄）", "status: open, closed or blank", "営業中"),
    ("notes", "備考（持ち物・注意）", "notes (what to bring, limits)", "容器を持参 / bring a container"),
    ("contact", "連絡先（電話番号）", "phone or contact", "0848-00-0000"),
    ("verified", "確認日時（例 2018-07-10 09:00）", "when last checked, e.g. 2018-07-10 09:00",
     "2018-07-10 09:00"),
)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "template",
        help="print an empty relief-point template (CSV or GeoJSON) to fill in",
        description="Print a ready-to-fill relief-point file with every column explained in Japanese and "
                    "English. Fill it in with a spreadsheet, then run 'papermap check' on it.",
    )
    p.add_argument("--format", choices=("csv", "geojson", "overlays"), default="csv",
                   help="file format (default: csv); overlays: GeoJSON for lines and areas (roads, outage areas…)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of standard output (CSV gets a BOM so Excel reads it as UTF-8)")
    p.set_defaults(run=run)
    return p


def _category_lines(categories: Categories) -> list[str]:
    return [f"{c.id} = {c.ja} / {c.en}" for c in categories]


def csv_template(categories: Categories) -> str:
    """Comment lines (skipped by the reader) explaining each column, the header, a commented-out example."""
    lines = ["# papermap 支援拠点テンプレート / relief-point template",
             "# 1行に1か所。#で始まる行は読み飛ばされます。 / One place per row; lines starting with # are ignored.",
             "# 列 / columns:"]
    lines += [f"#   {col}: {ja} / {en}" for col, ja, en, _ in COLUMNS]
    lines.append("# 種別 / categories:")
    lines += [f"#   {line}" for line in _category_lines(categories)]
    lines.append("# 最後の行は記入例です（先頭の # を消すと使えます） / the last line is an example "
                 "(remove the leading # to use it)")
    lines.append(_csv_row([col for col, *_ in COLUMNS]))
    lines.append("#" + _csv_row([example for *_, example in COLUMNS]))
    return "\n".join(lines) + "\n"


def _csv_row(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def geojson_template(categories: Categories) -> str:
    """An empty FeatureCollection; the help and an example feature sit in a member readers ignore."""
    example = {"type": "Feature",
               "geometry": {"type": "Point", "coordinates": [float(COLUMNS[5][3]), float(COLUMNS[4][3])]},
               "properties": {col: ex for col, _, _, ex in COLUMNS if col not in ("lat", "lon")}}
    doc = {
        "type": "FeatureCollection",
        "papermap_template": {
            "about": "papermap 支援拠点テンプレート / relief-point template: copy 'example' into 'features' "
                     "once per place / 場所ごとに example を features にコピーして記入",
            "properties": {col: f"{ja} / {en}" for col, ja, en, _ in COLUMNS if col not in ("lat", "lon")},
            "categories": _category_lines(categories),
            "example": example,
        },
        "features": [],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    categories = load_categories()
    if args.format == "overlays":   # lines and areas (sources/overlays/template.py)
        from papermap.model.overlays import load_overlay_kinds
        from papermap.sources.overlays.template import overlay_template
        text = overlay_template(load_overlay_kinds())
    else:
        text = csv_template(categories) if args.format == "csv" else geojson_template(categories)
    if args.output:
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        atomic_write(Path(args.output), text.encode(encoding))   # a missing folder or full disk: one line
    else:
        sys.stdout.write(text)
    return 0
