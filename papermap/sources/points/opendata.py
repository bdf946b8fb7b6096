"""The national 自治体標準オープンデータセット (the Digital Agency's standard municipal open data) by its headers.

An official list says what it is only in its title, which the CSV does not carry, so a file of
designated emergency evacuation sites read by name keywords came out as "other". Each schema has
columns no other file has; those tell the kind of the whole file. The 指定緊急避難場所一覧 also says,
per site, which hazards it is safe for (one flag column per hazard); people must not run to a
flood-only site in a tsunami, so the flags are printed in the table's notes.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from papermap.model.categories import fold

# the eight hazard kinds of the Disaster Countermeasures Basic Act, as the schema's flag columns
# name them ("災害種別_洪水" or a bare "洪水"), with the words printed for them
HAZARDS: tuple[tuple[str, str], ...] = (
    ("洪水", "洪水"),
    ("崖崩れ、土石流及び地滑り", "崖崩れ・土石流・地滑り"),
    ("高潮", "高潮"),
    ("地震", "地震"),
    ("津波", "津波"),
    ("大規模な火事", "大規模な火事"),
    ("内水氾濫", "内水氾濫"),
    ("火山現象", "火山現象"),
)
# the flag values that mean "suitable": the schema says 1, Excel-made lists use circles
_YES = frozenset({"1", "○", "〇", "◎", "●", "◯", "true", "yes", "y", "有", "あり", "可", "対象"})
_PUNCT = re.compile(r"[\s、,，・･/／]+")
_PREFIX = re.compile(r"^(災害種別|対象災害|対応災害)[_＿:：\s]*")


def _bare(header: str) -> str:
    """A header compared without width, case, the schema's "災害種別_" prefix and punctuation."""
    return _PUNCT.sub("", _PREFIX.sub("", fold(header)))


_HAZARD_BY_KEY = {_bare(name): label for name, label in HAZARDS}


@dataclass(frozen=True)
class Schema:
    """A recognised official list: the kind of every row and, for evacuation sites, the hazard columns."""

    title: str                                  # the schema's name, "指定緊急避難場所一覧"
    category: str                               # our category id (styles/categories.toml)
    hazards: tuple[tuple[str, int], ...] = ()   # (printed hazard word, column)

    def hazard_note(self, cells: Sequence[str]) -> str:
        """ "災害種別: 洪水・地震・津波" for the hazards a row's flags mark, "" when it marks none."""
        marked = [label for label, i in self.hazards if i < len(cells) and fold(cells[i]) in _YES]
        return f"災害種別: {'・'.join(marked)}" if marked else ""

    def enrich(self, fields: dict[str, str], extra: dict[str, str], cells: Sequence[str]) -> None:
        """Add the row's hazards to its notes (the table prints them) and to ``extra["hazards"]``."""
        note = self.hazard_note(cells)
        if note:
            fields["notes"] = "\n".join(filter(None, (note, fields.get("notes", ""))))
            extra["hazards"] = note.split(": ", 1)[1]


# (schema, category, headers any one of which marks it), most specific first: a list of evacuation
# sites links to shelters at the same address and the other way round, so that column decides first
_MARKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("指定緊急避難場所一覧", "evacuation_site", ("指定避難所との住所同一",)),
    ("指定避難所一覧", "designated_shelter", ("指定緊急避難場所との住所同一",)),
    ("AED設置箇所一覧", "aed", ("小児対応設備の有無", "パッドの有効期限", "AED設置箇所")),
    ("公衆無線LANアクセスポイント一覧", "wifi", ("ssid", "アクセスポイント名", "公衆無線lan")),
    ("公衆トイレ一覧", "toilet", ("男性トイレ総数", "女性トイレ総数", "バリアフリートイレ数", "多機能トイレ数",
                            "オストメイト設置数", "車椅子使用者用トイレ有無")),
    ("医療機関一覧", "medical", ("診療科目", "病床数", "医療機関の種類", "診療日")),
)
# every standard schema names its columns this way; without one of these it is not an official list
_STANDARD = frozenset(fold(h) for h in ("全国地方公共団体コード", "名称_カナ", "名称_英字", "所在地_連結表記"))


def recognise(headers: Sequence[str]) -> Schema | None:
    """The official schema a file's headers follow, or None for any other file.

    Hazard flag columns alone mark an evacuation-site list; a list with the standard columns,
    a capacity and no other mark is a shelter list (避難所一覧).
    """
    folded = [fold(h) for h in headers]
    if not _STANDARD.intersection(folded):
        return None
    hazards = tuple((_HAZARD_BY_KEY[_bare(h)], i) for i, h in enumerate(headers) if _bare(h) in _HAZARD_BY_KEY)
    for title, category, marks in _MARKS:
        if any(fold(m) in folded for m in marks):
            return Schema(title, category, hazards)
    if hazards:
        return Schema("指定緊急避難場所一覧", "evacuation_site", hazards)
    if {"想定収容人数", "収容人数"}.intersection(folded):
        return Schema("避難所一覧", "designated_shelter")
    return None
