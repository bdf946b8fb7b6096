"""Map styles are data (``styles/*.toml``); this module loads and checks them."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from papermap import settings
from papermap.errors import InputError

ROAD_ORDER = ("path", "service", "pedestrian", "minor", "tertiary", "secondary", "primary", "motorway")


@dataclass(frozen=True)
class Style:
    name: str
    path: Path
    data: dict
    mono: bool = False   # black and white: symbols told apart by mono fill and pattern, not colour

    def __getitem__(self, key: str) -> dict:
        return self.data[key]

    def roads(self) -> list[tuple[str, dict]]:
        """Road classes in draw order (minor first)."""
        return [(cls, self.data["roads"][cls]) for cls in ROAD_ORDER if cls in self.data["roads"]]


REQUIRED = ("land", "sea", "water", "waterway", "green", "building", "railway", "tunnel", "roads", "labels", "frame")


def load_style(name_or_path: str, mono: bool = False) -> Style:
    """A style by name (``colour``, ``mono``) from ``styles/``, or a path to a TOML file."""
    if mono and name_or_path in ("colour", "color"):
        name_or_path = "mono"
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = settings.STYLES_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in settings.STYLES_DIR.glob("*.toml") if p.stem != "categories"))
        raise InputError(f"unknown style '{name_or_path}' (known: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML ({exc})", file=str(path)) from None
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise InputError(f"style is missing {', '.join(missing)}", file=str(path))
    if data["labels"].get("font_pt", 0) < settings.MIN_FONT_PT:
        raise InputError(f"labels.font_pt must be at least {settings.MIN_FONT_PT}", file=str(path), field="labels.font_pt")
    mono_flag = data.get("mono", False)
    if not isinstance(mono_flag, bool):
        raise InputError("mono must be true or false", file=str(path), field="mono")
    return Style(name=data.get("name", path.stem), path=path, data=data, mono=mono_flag)
