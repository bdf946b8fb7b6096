"""Atomic file writing, shared by every room that writes a file (the PDF, the caches, fetched copies):
build into a temporary file beside the target, then rename, so a crash,
a Ctrl-C or a failed run never leaves a half-written PDF or cache entry behind.

A run killed outright (``kill -9``, power cut) cannot remove its temporary file, so each one is
named after the process that writes it (``.atlas.pdf.papermap-PID-XXXXXXXX.part``) and the next
write into the same folder removes those whose process is gone. The same holds for the scratch
folders of PNG and stream output (``papermap-PID-XXXXXXXX`` in the system's temporary folder).
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from papermap.errors import PapermapError

_TEMP = re.compile(r"\.papermap-(\d+)-[A-Za-z0-9_]+\.part\Z")   # a temporary file beside its target
_SCRATCH = re.compile(r"papermap-(\d+)-[A-Za-z0-9_]+\Z")        # a scratch folder in the temp folder

# what a failed write means to the person at the keyboard, by errno
_CAUSES = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the folder is on a read-only disk",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EISDIR: "it is a folder, not a file",
    errno.EIO: "the disk reported an input/output error",
    errno.EFBIG: "the file is too large for this disk",
}


class WriteError(PapermapError):
    """A file could not be written; prints as one line naming the file and why."""

    def __init__(self, path: Path, exc: OSError | str):
        reason = exc if isinstance(exc, str) else _CAUSES.get(exc.errno, exc.strerror or str(exc))
        self.path, self.reason = path, reason
        super().__init__(f"{path}: cannot write: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.reason)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts too: it is not ours to judge)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sweep(folder: Path) -> None:
    """Remove the temporary files in ``folder`` left by papermap runs that were killed."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = _TEMP.search(entry.name) if entry.name.startswith(".") else None
        if found and not _alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target``, on any error it is removed.

    Raises
    ------
    WriteError
        The folder is missing or read-only, ``target`` is a folder, or the disk is full: one line
        naming ``target``, raised before any work when it can be told then.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(target, f"the folder {folder} does not exist")
    if target.is_dir():
        raise WriteError(target, _CAUSES[errno.EISDIR])
    sweep(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:200]}.papermap-{os.getpid()}-", suffix=".part",
                                   dir=folder)
    except OSError as exc:
        raise WriteError(target, exc) from None
    os.close(fd)
    try:
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; our files are for sharing
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.errno in _CAUSES and exc.filename in (None, tmp, str(target)):  # the disk's answer: one line
            raise WriteError(target, exc) from None
        raise
    except BaseException:  # Ctrl-C included: never leave the temp file behind
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one, never half."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A private temporary folder, removed afterwards; those of killed runs are removed first."""
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            found = _SCRATCH.match(entry.name)
            if found and entry.is_dir(follow_symlinks=False) and not _alive(int(found.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"papermap-{os.getpid()}-") as tmp:
        yield Path(tmp)


def seal_key() -> bytes | None:
    """The secret that seals cache entries, kept outside any cache folder, readable by this user
    alone (the per-user data folder, mode 0600); made on first use. None when it cannot be kept
    safely (the folder is not writable, or the key file is open to others): nothing is sealed then.
    """
    import platformdirs

    path = platformdirs.user_data_path("papermap") / "cache-seal.key"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        sweep(path.parent)
        if not path.exists():   # made whole, then linked in: a killed run leaves no half key
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.papermap-{os.getpid()}-", suffix=".part",
                                       dir=path.parent)   # mode 0600
            try:
                os.write(fd, os.urandom(32))
                os.fsync(fd)
                with contextlib.suppress(FileExistsError):   # another run made it first: use theirs
                    os.link(tmp, path)
            finally:
                os.close(fd)
                os.unlink(tmp)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            key = fh.read(64)
    except OSError:
        return None
    if len(key) != 32 or info.st_mode & 0o077 or (hasattr(os, "geteuid") and info.st_uid != os.geteuid()):
        return None   # others may read or change it: not a secret
    return key


def seal(data: bytes, key: bytes) -> bytes:
    """``data`` with an HMAC-SHA256 tag in front, which only the key's holder can make."""
    import hmac

    return hmac.digest(key, data, "sha256") + data


def unseal(blob: bytes, key: bytes) -> bytes | None:
    """The data ``seal`` sealed with ``key``, or None if the tag does not match (forged, damaged)."""
    import hmac

    tag, data = blob[:32], blob[32:]
    return data if len(tag) == 32 and hmac.compare_digest(tag, hmac.digest(key, data, "sha256")) else None
