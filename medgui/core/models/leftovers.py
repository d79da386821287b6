"""Leftovers of imports and deletions killed part-way, and when they may be removed.

An import unpacks into ``<root>/.incoming-HOST-PID-*`` and a deletion renames the version
to ``<root>/.deleting-HOST-PID-*`` before removing it; a process killed in between
(SIGKILL, a crash, a power cut) leaves that folder behind, possibly hundreds of MB.
``clean`` removes the ones not in use: their owner (this host, that pid) no longer runs,
or, where that cannot be told (another host sharing the folder, Windows, a name from an
older medgui), nothing in them changed for ``STALE_AFTER_S``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import time
from pathlib import Path

STALE_AFTER_S = 3600  # a leftover whose owner cannot be checked is removed after an hour
KINDS = ("incoming", "deleting")
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_OWNER = re.compile(r"\.(?:incoming|deleting)-([0-9a-f]{8})-([0-9]{1,10})-")


def prefix(kind: str) -> str:
    """The start of the name of a folder this process works in (``kind`` in ``KINDS``)."""
    return f".{kind}-{_HOST}-{os.getpid()}-"


def clean(root: Path) -> list[Path]:
    """Remove the leftovers directly under ``root`` that are not in use; return them."""
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(tuple(f".{kind}-" for kind in KINDS)) or _in_use(entry):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                continue
        removed.append(entry)
    return removed


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process there: let the age decide
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def _in_use(path: Path) -> bool:
    """Whether the import or deletion that made ``path`` may still be running."""
    owner = _OWNER.match(path.name)
    if owner and owner.group(1) == _HOST and not _pid_alive(int(owner.group(2))):
        return False
    return time.time() - _newest_change(path) < STALE_AFTER_S


def _newest_change(path: Path, most: int = 2000) -> float:
    """The latest modification time of ``path`` and what it holds (the first ``most``)."""
    try:
        newest = path.lstat().st_mtime
        if path.is_dir() and not path.is_symlink():
            for n, (folder, dirs, files) in enumerate(os.walk(path)):
                for name in dirs + files:
                    newest = max(newest, os.lstat(os.path.join(folder, name)).st_mtime)
                if n > most:
                    break
    except OSError:
        return time.time()  # vanishing or unreadable: treat as in use now
    return newest
