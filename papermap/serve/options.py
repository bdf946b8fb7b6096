"""The build options the volunteer's page offers: one line each, shown and checked from this table.

The page draws its form from ``OPTIONS`` (served at /api/info), and the server checks what comes
back against the same table before ``papermap.Config`` checks it again. An option the Python API
gains (a layout, large print, hiding closed places) becomes one more line here.
"""
from __future__ import annotations

from dataclasses import dataclass

from papermap.errors import InputError

MAX_TITLE = 120


@dataclass(frozen=True)
class Option:
    """One setting of :func:`papermap.build`, as the page shows it (Japanese and English label)."""

    key: str                       # the papermap.build keyword
    kind: str                      # "text", "choice" or "bool"
    ja: str
    en: str
    choices: tuple[tuple[str, str], ...] = ()   # (value, label); the first is the default

    def parse(self, value: object) -> object:
        """The request's value as papermap.build takes it; InputError naming the option if wrong."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise InputError("must be true or false", field=self.key)
            return value
        if not isinstance(value, str):
            raise InputError("must be text", field=self.key)
        if self.kind == "text":
            if len(value) > MAX_TITLE:
                raise InputError(f"is longer than {MAX_TITLE} characters", field=self.key)
            return value.strip() or None
        if value not in {v for v, _ in self.choices}:
            raise InputError(f"must be one of {', '.join(v for v, _ in self.choices)}", field=self.key)
        return int(value) if self.key == "scale" else value

    def as_json(self) -> dict:
        return {"key": self.key, "kind": self.kind, "ja": self.ja, "en": self.en,
                "choices": [{"value": v, "label": label} for v, label in self.choices]}


OPTIONS: tuple[Option, ...] = (
    Option("title", "text", "題名（地図の上に印刷）", "Title (printed on every sheet)"),
    Option("paper", "choice", "用紙", "Paper", (("A4", "A4"), ("A3", "A3"))),
    Option("orientation", "choice", "向き", "Orientation",
           (("portrait", "縦 / portrait"), ("landscape", "横 / landscape"))),
    Option("scale", "choice", "縮尺", "Scale",
           (("10000", "1:10,000（標準 / standard）"), ("5000", "1:5,000（くわしい / detailed）"),
            ("2500", "1:2,500（とてもくわしい / very detailed）"), ("25000", "1:25,000（広い範囲 / wide area）"))),
    Option("mono", "bool", "白黒（コピー機向け）", "Black and white (for the photocopier)"),
    Option("lang", "choice", "言語", "Languages",
           (("ja,en", "日本語 + English"), ("ja", "日本語のみ"), ("en", "English only"))),
    Option("layout", "choice", "形式", "Layout",
           (("atlas", "冊子（全体図・地図・一覧）/ atlas"), ("sheet", "地図と一覧を1枚に / map and list on one sheet"),
            ("auto", "おまかせ / choose for me"))),
    Option("large_print", "bool", "大きな文字（高齢の方に）", "Large print (for elderly readers)"),
    Option("hide", "choice", "載せない地点", "Leave off the paper",
           (("", "すべて載せる / show all"), ("closed", "閉鎖中 / closed"),
            ("closed,unknown", "閉鎖中と状況不明 / closed and unknown"))),
)


def parse_options(body: dict) -> dict:
    """The settings in a build request, checked; options not sent keep the server's defaults."""
    return {o.key: o.parse(body[o.key]) for o in OPTIONS if body.get(o.key) is not None}
