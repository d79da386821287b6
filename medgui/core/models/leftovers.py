"""Leftovers of imports and deletions killed part-way, and when they may be removed.

An import unpacks into ``<root>/.incoming-HOST-PID-*`` and a deletion renames the version
to ``<root>/.deleting-HOST-PID-*`` before removing it; a process killed in between
(SIGKILL, a crash, a power cut) leaves that folder behind, possibly hundreds of MB.
``clean`` removes the ones not in use: their owner (this host, that pid) no longer runs,
or, where that cannot be told (another host sharing the folder, Windows, a name from an
older medgui), nothing in them changed for ``STALE_AFTER_S``.

Training works in ``<tmp>/medgui-train-*`` (the trained model waits there until it is
saved or discarded); a run that crashed or was killed leaves it behind. ``clean_training``
removes those at the next start: the ones a live process has claimed (``claim``, a
``<folder>.owner`` file beside it naming the host and pid) are kept, the others once
nothing in them changed for ``TRAINING_STALE_AFTER_S``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

STALE_AFTER_S = 3600  # a leftover whose owner cannot be checked is removed after an hour
KINDS = ("incoming", "deleting")
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_OWNER = re.compile(r"\.(?:incoming|deleting)-([0-9a-f]{8})-([0-9]{1,10})-")
TRAINING_PREFIX = "medgui-train-"
TRAINING_STALE_AFTER_S = 600  # an unclaimed training folder untouched this long is left over
_CLAIM = re.compile(r"([0-9a-f]{8})-([0-9]{1,10})")


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


# -- training working folders --------------------------------------------------------------
def _claim_file(folder: Path) -> Path:
    return folder.with_name(folder.name + ".owner")


def claim(folder: Path) -> None:
    """Mark the training folder ``folder`` as held by this process (its model awaits saving)."""
    with contextlib.suppress(OSError):  # unclaimed, it is still kept for TRAINING_STALE_AFTER_S
        _claim_file(Path(folder)).write_text(f"{_HOST}-{os.getpid()}", encoding="utf-8")


def _claimed(folder: Path) -> bool | None:
    """True: a live process here holds it; False: its holder is gone; None: cannot tell."""
    try:
        owner = _CLAIM.fullmatch(_claim_file(folder).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None
    if owner is None or owner.group(1) != _HOST:
        return None
    return _pid_alive(int(owner.group(2)))


def clean_training(root: Path | None = None, keep: Iterable[Path] = (),
                   stale_after_s: float = TRAINING_STALE_AFTER_S) -> list[Path]:
    """Remove ``medgui-train-*`` folders under ``root`` (default: the temporary folder) that
    no run uses any more; ``keep`` are in use by the caller. Returns what was removed."""
    root = Path(root) if root is not None else Path(tempfile.gettempdir())
    kept = {Path(k).resolve() for k in keep}
    removed: list[Path] = []
    try:
        entries = [e for e in root.iterdir() if e.name.startswith(TRAINING_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        if entry.name.endswith(".owner"):
            if not entry.with_name(entry.name[: -len(".owner")]).exists():
                with contextlib.suppress(OSError):
                    entry.unlink()  # its folder is gone (saved or discarded)
            continue
        if not entry.is_dir() or entry.is_symlink() or entry.resolve() in kept:
            continue
        held = _claimed(entry)
        if held or (held is None and time.time() - _newest_change(entry) < stale_after_s):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        with contextlib.suppress(OSError):
            _claim_file(entry).unlink(missing_ok=True)
        removed.append(entry)
    return removed
