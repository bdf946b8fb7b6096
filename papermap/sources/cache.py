"""On-disk cache of downloads, so an atlas can be rebuilt after the network is gone.

Each entry is two files in the cache directory: the body, named by request key, content hash and
file extension (so readers can dispatch on it), and `KEY.meta.json` (url, fetched-at time,
content type, body file name). The meta file is written last and is the commit point, and every
write goes through a temp file plus os.replace, so a crash or Ctrl-C leaves the previous entry
or none, never a half-written one.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from papermap.errors import PapermapError
from papermap._files import WriteError, atomic_write

ENV_VAR = "PAPERMAP_CACHE_DIR"


def default_cache_dir() -> Path:
    """$PAPERMAP_CACHE_DIR if set, else the per-user cache directory of this OS."""
    return Path(os.environ.get(ENV_VAR) or platformdirs.user_cache_path("papermap"))


def describe_age(fetched_at: datetime, now: datetime | None = None) -> str:
    """'from 2026-11-20 14:03, 2 days old' in local time: what a user needs to judge stale data."""
    now = now or datetime.now(timezone.utc)
    seconds = max(0, int((now - fetched_at).total_seconds()))
    if seconds < 60:
        age = "less than a minute"
    elif seconds < 3600:
        age = _plural(seconds // 60, "minute")
    elif seconds < 48 * 3600:
        age = _plural(seconds // 3600, "hour")
    else:
        age = _plural(seconds // 86400, "day")
    return f"from {fetched_at.astimezone():%Y-%m-%d %H:%M}, {age} old"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class CacheEntry:
    """A stored download: `path` is the body file, ready for a reader."""

    path: Path
    url: str
    fetched_at: datetime
    content_type: str

    def age(self, now: datetime | None = None) -> str:
        return describe_age(self.fetched_at, now)


class Cache:
    """A directory of downloads keyed by request; safe to share between runs."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root else default_cache_dir()

    @staticmethod
    def key(method: str, url: str, body: bytes = b"") -> str:
        """Hash of method, URL and request body: the same request finds the same entry."""
        h = hashlib.sha256()
        for part in (method.upper().encode(), url.encode(), body):
            h.update(hashlib.sha256(part).digest())
        return h.hexdigest()[:40]

    def _meta_path(self, key: str) -> Path:
        return self.root / f"{key}.meta.json"

    def get(self, key: str) -> CacheEntry | None:
        """The stored entry, or None if there is none or it is unreadable (treated as absent)."""
        try:
            meta = json.loads(self._meta_path(key).read_text("utf-8"))
            if not isinstance(meta["file"], str) or Path(meta["file"]).name != meta["file"]:
                return None   # a body must lie in the cache folder itself
            path = self.root / meta["file"]
            if path.stat().st_size != meta["size"]:
                return None
            return CacheEntry(path=path, url=meta["url"], content_type=meta["content_type"],
                              fetched_at=datetime.fromisoformat(meta["fetched_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, body: bytes, *, url: str, content_type: str = "", suffix: str = "",
            fetched_at: datetime | None = None) -> CacheEntry:
        """Store `body` under `key`, replacing any older entry only once the new one is complete."""
        fetched_at = fetched_at or datetime.now(timezone.utc)
        name = f"{key}-{hashlib.sha256(body).hexdigest()[:12]}{suffix}"
        old = self.get(key)
        meta = {"url": url, "fetched_at": fetched_at.isoformat(), "content_type": content_type,
                "file": name, "size": len(body)}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write(self.root / name, body)
            atomic_write(self._meta_path(key), json.dumps(meta, indent=1).encode("utf-8"))
            if old is not None and old.path.name != name:
                old.path.unlink(missing_ok=True)
        except (OSError, WriteError) as exc:
            reason = exc.reason if isinstance(exc, WriteError) else exc.strerror or exc
            raise PapermapError(f"{self.root}: cannot write the download cache ({reason}); "
                                f"use --cache-dir or {ENV_VAR} to choose a writable folder") from None
        return CacheEntry(path=self.root / name, url=url, fetched_at=fetched_at, content_type=content_type)
