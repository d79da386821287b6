"""Zip archives checked before anything is extracted: model exports and Keras files.

An archive is data from elsewhere. Before one byte is written, every entry's name must
be a safe relative name (see ``schema.path_problem``), no name may appear twice (names
differing only in case count as one: they collide on Windows and macOS) or as both a
file and a folder, nothing may be encrypted, and the sizes the archive declares must
stay within the limits below. Extraction then counts the bytes it writes, so an entry
holding more or less data than its header declares is refused too.

Limits (``ArchiveLimits``; the defaults suit model exports, whose largest shipped model
is a few MB and whose largest plausible one, a big CNN, a few hundred MB):

* at most 1000 entries;
* at most 512 MiB unpacked in all;
* no entry over 1 MiB compressed more than 200:1, nor the whole archive (when it
  unpacks to over 1 MiB): model weights barely compress, a zip bomb reaches 1000:1;
* names as in ``path_problem``: parts of at most 255 bytes, at most 1024 bytes in all.

Every refusal is an ``ArchiveError`` whose message names the rule on one line; callers
add the archive's name.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from medgui.core.models.schema import path_problem, printable


class ArchiveError(ValueError):
    """An archive was refused; ``str()`` is one line naming the rule it broke."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 1000
    max_total_bytes: int = 512 << 20
    max_ratio: int = 200
    ratio_from_bytes: int = 1 << 20  # smaller entries may compress as they like


LIMITS = ArchiveLimits()
_SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what medgui and Keras write
_CHUNK = 1 << 20
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError, NotImplementedError)


def quoted(name: str, limit: int = 80) -> str:
    """An entry name for a message: quoted, control characters escaped, cut to ``limit``."""
    text = printable(name)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def checked_files(zf: zipfile.ZipFile, limits: ArchiveLimits = LIMITS) -> list[zipfile.ZipInfo]:
    """The file entries of ``zf`` (folders left out) once every rule above holds.

    Raises
    ------
    ArchiveError
        naming the first rule broken.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveError(f"holds {len(infos)} entries, more than the {limits.max_entries} allowed")
    seen: set[str] = set()
    files: dict[str, str] = {}  # folded name -> name, for files
    folders: set[str] = set()  # folded names of folders, declared or implied
    for info in infos:
        name = info.filename
        is_dir = name.endswith("/")
        rel = name[:-1] if is_dir else name
        problem = path_problem(rel)
        if problem:
            raise ArchiveError(f"holds an unsafe file name {quoted(name)}: {problem}")
        key = unicodedata.normalize("NFC", rel).casefold()
        seen_key = key + "/" if is_dir else key
        if seen_key in seen:
            raise ArchiveError(f"holds {quoted(rel)} twice (names differing only in case count as one)")
        seen.add(seen_key)
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{quoted(rel)} is encrypted; medgui model exports never are")
        if info.compress_type not in _SUPPORTED:
            raise ArchiveError(f"{quoted(rel)} uses a compression method medgui does not read "
                               f"({info.compress_type})")
        parts = key.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        if is_dir:
            folders.add(key)
        else:
            files[key] = rel
            if info.file_size > limits.ratio_from_bytes and \
                    info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise ArchiveError(
                    f"{quoted(rel)[1:-1]} is compressed more than {limits.max_ratio}:1 "
                    f"({info.file_size // max(info.compress_size, 1)}:1), the mark of a zip bomb")
    both = sorted(set(files) & folders)
    if both:
        raise ArchiveError(f"holds {quoted(files[both[0]])} both as a file and as a folder")
    entries = [i for i in infos if not i.filename.endswith("/")]
    total = sum(i.file_size for i in entries)
    if total > limits.max_total_bytes:
        raise ArchiveError(f"unpacks to {math.ceil(total / (1 << 20))} MB, more than the "
                           f"{limits.max_total_bytes >> 20} MB allowed")
    packed = sum(i.compress_size for i in entries)
    if total > limits.ratio_from_bytes and total > limits.max_ratio * max(packed, 1):
        raise ArchiveError(f"is compressed more than {limits.max_ratio}:1 overall "
                           f"({total // max(packed, 1)}:1), the mark of a zip bomb")
    return entries


def read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The data of one entry checked by :func:`checked_files`, at most ``limit`` bytes
    (more is read only to say so); ``ArchiveError`` if it is damaged."""
    try:
        with zf.open(info) as src:
            return src.read(limit + 1)
    except _DAMAGED as exc:
        raise ArchiveError(f"is damaged or crafted: {quoted(info.filename)[1:-1]}: {printable(exc)}") from exc


def extract(zf: zipfile.ZipFile, entries: list[zipfile.ZipInfo], into: Path) -> dict[str, str]:
    """Write ``entries`` (from :func:`checked_files`) under the existing folder ``into``;
    return each one's sha256. An entry yielding more or fewer bytes than its header
    declares, or failing its CRC, raises ``ArchiveError``; ``OSError`` (a full disk)
    passes through. Files are created exclusively: nothing already there is written
    through, a link included."""
    digests = {}
    for info in entries:
        target = into.joinpath(*info.filename.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        written = 0
        where = quoted(info.filename)[1:-1]
        try:
            with zf.open(info) as src, open(target, "xb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > info.file_size:
                        raise ArchiveError(f"is damaged or crafted: {where} holds more than the "
                                           f"{info.file_size} bytes its header declares")
                    digest.update(chunk)
                    dst.write(chunk)
        except ArchiveError:
            raise
        except _DAMAGED as exc:
            raise ArchiveError(f"is damaged or crafted: {where}: {printable(exc)}") from exc
        if written != info.file_size:
            raise ArchiveError(f"is damaged or crafted: {where} holds {written} bytes, not the "
                               f"{info.file_size} its header declares")
        digests[info.filename] = digest.hexdigest()
    return digests
