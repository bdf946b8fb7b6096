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
