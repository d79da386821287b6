"""Reading input files safely, and writing files so that a crash or a full disk never
leaves a half-written one.

Reading: only *regular* files are opened (:func:`open_regular`). A named pipe would block
the reader forever, a device may never end, a socket cannot be opened at all; all three
are refused at once, before ``open``, with a reason naming what the path is. Text is
decoded by :func:`decode_text`, which never guesses silently (see there).
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFileError(OSError):
    """The path exists but is not a regular file (a pipe, device or socket).

    ``strerror`` says what it is, e.g. "is a named pipe (FIFO), not a regular file".
    """


def _refuse_unless_regular(mode: int, path: str | os.PathLike[str]) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
    kind = next((name for test, name in _KINDS if test(mode)), "not an ordinary file")
    raise NotRegularFileError(errno.EINVAL, f"is {kind}, not a regular file", os.fspath(path))


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """``os.stat(path)``, raising unless it is a regular file (symbolic links followed).

    Raises
    ------
    FileNotFoundError, PermissionError, IsADirectoryError, NotRegularFileError
    """
    info = os.stat(path)
    _refuse_unless_regular(info.st_mode, path)
    return info


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading in binary mode; anything else is refused.

    The type is checked with ``stat`` *before* opening (opening some devices has side
    effects, opening a FIFO blocks until a writer appears) and again with ``fstat`` on
    the descriptor, opened non-blocking, in case the path was swapped in between.
    """
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    try:
        _refuse_unless_regular(os.fstat(fd).st_mode, path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a regular file ignores it; keep reads ordinary
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


# -- text -------------------------------------------------------------------------------

class TextFileError(ValueError):
    """A file's content is not text medgui will accept; ``str()`` says why and what to do."""


# UTF-32-LE's mark starts with UTF-16-LE's: test the longer ones first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAVE_AS_UTF8 = "open it in a text editor, save it as UTF-8 and try again"
# Bytes per character at most (UTF-8, UTF-32, GB18030), plus a mark and a cut sequence.
_MAX_BYTES_PER_CHAR = 4
_SLACK_BYTES = 8
_SNIFF_CHARS = 100_000


def _decode(data: bytes, encoding: str, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    # Not final when the bytes are a prefix: a character cut at the end is dropped.
    return decoder.decode(data, final=complete)


def _gb2312_row(ch: str) -> int:
    """The GB2312 row (lead byte) of a non-ASCII character; 0 when GB2312 lacks it."""
    try:
        return ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 0


def _plausible_gb18030(text: str) -> bool:
    """Whether a successful GB18030 decode is Chinese text rather than mojibake.

    GB18030 maps almost every byte pair with a high first byte to some character, so a
    strict decode "succeeds" on much that is not Chinese. What it turns other encodings
    into, and the rule that refuses it:

    * Windows-1252/Latin-1 with an accented letter before an ASCII letter ("Müller"
      reads "M黮ler"): a rare ideograph outside GB2312, among mostly Latin letters.
      Rules: 95 % of the non-ASCII characters in GB2312; CJK characters at least a
      quarter of the letters.
    * Other byte pairs: private-use (GBK's user areas), unassigned or control
      characters. Rule: none of those.
    * EUC-JP (Japanese): kana, which shares GB2312's rows. Rule: no kana.
    * Windows-1251 (Cyrillic): mostly GB2312's rare second-level ideographs.
      Rule: at most a third of the ideographs from the second level.
    * EUC-KR (Korean): common ideographs, but in space-separated words, which Chinese
      does not write. Rule: fewer than one space between ideographs per 5 ideographs.

    What passes is taken as Chinese; anything else is refused and the user re-saves the
    file as UTF-8 (a refusal costs a minute, a garbled record misleads). The rules read
    the first :data:`_SNIFF_CHARS` characters: mojibake shows from the start.
    """
    text = text[:_SNIFF_CHARS]
    rows = [_gb2312_row(ch) for ch in text if ord(ch) > 0x7F]
    if not rows:
        return True
    if any(unicodedata.category(ch) in ("Co", "Cn", "Cc", "Cs") or 0x3040 <= ord(ch) <= 0x30FF
           for ch in text if ord(ch) > 0x7F):
        return False
    if sum(row > 0 for row in rows) < 0.95 * len(rows):
        return False
    letters = sum(ch.isalpha() for ch in text)
    hanzi = sum(0xB0 <= row <= 0xF7 for row in rows)
    if hanzi < 0.25 * letters:
        return False
    if sum(0xD8 <= row <= 0xF7 for row in rows) > hanzi / 3:
        return False
    spaced = sum(1 for a, gap, b in zip(text, text[1:], text[2:], strict=False)
                 if gap == " " and ord(a) > 0x2E7F and ord(b) > 0x2E7F)
    return spaced * 5 < hanzi


def decode_text(data: bytes, *, complete: bool = True) -> tuple[str, str]:
    """Decode the bytes of a text file; returns ``(text, encoding)``.

    The order: a byte order mark (UTF-8, UTF-16 or UTF-32, either byte order) decides;
    otherwise UTF-8; otherwise GB18030 (a superset of GBK and GB2312) when the result
    is plausibly Chinese (:func:`_plausible_gb18030`). There is no silent fallback to
    a Western code page: which one was meant cannot be known, and text stored garbled
    in a clinical record is worse than a refusal. A NUL character is refused (binary
    data, or UTF-16 without a mark). ``complete=False`` says ``data`` is a prefix of
    the file: a character cut at its end is dropped instead of being an error.

    Raises
    ------
    TextFileError
        With a message that says why and what to do.
    """
    encoding = ""
    for mark, name in _BOMS:
        if data.startswith(mark):
            encoding, data = name, data[len(mark):]
            break
    if encoding:
        try:
            text = _decode(data, encoding, complete)
        except UnicodeDecodeError as exc:
            raise TextFileError(
                f"the file starts with a {encoding.upper()} byte order mark but is not "
                f"{encoding.upper()} text (byte {exc.start + len(mark)}); {_SAVE_AS_UTF8}"
            ) from None
    else:
        try:
            text, encoding = _decode(data, "utf-8", complete), "utf-8"
        except UnicodeDecodeError as utf8_error:
            try:
                text, encoding = _decode(data, "gb18030", complete), "gb18030"
            except UnicodeDecodeError:
                text = ""
            if encoding != "gb18030" or not _plausible_gb18030(text):
                raise TextFileError(
                    "the file is not UTF-8 text (the first byte that is not UTF-8 is byte "
                    f"{utf8_error.start}), nor Chinese GB18030 text; it may be in an older "
                    f"Windows encoding, which cannot be told reliably: {_SAVE_AS_UTF8}") from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise TextFileError(
            f"the file contains a NUL character (line {line}), so it is not plain text: it "
            f"may be a binary file, or UTF-16 text without a byte order mark; {_SAVE_AS_UTF8}")
    return text, encoding


@dataclass(frozen=True)
class TextFile:
    """A text file as read: its text, the encoding found and whether it was cut short."""

    text: str
    encoding: str
    truncated: bool = False


def read_text(path: str | os.PathLike[str], max_chars: int | None = None) -> TextFile:
    """Read and decode a regular text file; refuse an empty or blank one.

    Parameters
    ----------
    path
        The file; pipes, devices and sockets are refused (:func:`open_regular`).
    max_chars
        Keep at most this many characters; only about ``4 * max_chars`` bytes are read,
        so a huge file costs no more than a file of that size. ``truncated`` says whether
        the file held more.

    Raises
    ------
    OSError
        The file cannot be opened (``NotRegularFileError`` for a pipe, device or socket).
    TextFileError
        Its content is not text medgui accepts (see :func:`decode_text`), or it is blank.
    """
    with open_regular(path) as handle:
        return read_text_from(handle, max_chars)


def read_text_from(handle: BinaryIO, max_chars: int | None = None) -> TextFile:
    """:func:`read_text` from an open binary stream (standard input, say)."""
    if max_chars is None:
        data, more = handle.read(), False
    else:
        limit = _MAX_BYTES_PER_CHAR * max_chars + _SLACK_BYTES
        data = handle.read(limit + 1)
        data, more = data[:limit], len(data) > limit
    text, encoding = decode_text(data, complete=not more)
    truncated = more
    if max_chars is not None and len(text) > max_chars:
        text, truncated = text[:max_chars], True
    if not text.strip():
        if truncated:
            raise TextFileError(f"the first {max_chars:,} characters of the file are blank; "
                                "remove the empty space at its start and try again")
        raise TextFileError("the file is empty (nothing but white space)")
    return TextFile(text, encoding, truncated)


# -- writing ------------------------------------------------------------------------

def _atomic_replace(path: Path, mode: str, write: Callable[[Any], object], encoding: str | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        newline = "" if encoding is not None else None
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Callable[[TextIO], object], encoding: str = "utf-8") -> None:
    """Call ``write(handle)`` on a temporary file beside ``path``, sync it, then move it
    into place with ``os.replace``: readers see the old file or the new one, never a mix."""
    _atomic_replace(path, "w", write, encoding)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as :func:`atomic_write` does (synced, then ``os.replace``)."""
    _atomic_replace(path, "wb", lambda handle: handle.write(data), None)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write(path, lambda handle: handle.write(text), encoding)
