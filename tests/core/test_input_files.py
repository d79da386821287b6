"""Reading input files: only regular files, bounded reads, honest decoding (issue 12)."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from medgui.core.errors import ImageLoadError
from medgui.core.fileio import (
    NotRegularFileError,
    TextFileError,
    decode_text,
    open_regular,
    read_text,
    read_text_from,
)
from medgui.core.imaging.loader import is_probably_image, load_image

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets, /dev: POSIX")


def _within(fn, fifo: Path, timeout: float = 30.0):
    """``fn()`` on a thread; a call still blocked after ``timeout`` s fails the test
    (the FIFO's writing end is opened to release it first)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(10)
        pytest.fail(f"opening {fifo} blocked for {timeout} s")
    return outcome


@posix_only
def test_fifo_device_and_socket_are_refused_with_what_they_are(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome = _within(lambda: open_regular(fifo), fifo)
    assert isinstance(outcome.get("error"), NotRegularFileError)
    assert outcome["error"].strerror == "is a named pipe (FIFO), not a regular file"
    assert outcome["error"].filename == str(fifo)
    with pytest.raises(NotRegularFileError, match="character device"):
        open_regular("/dev/null")
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        with pytest.raises(NotRegularFileError, match="socket"):
            read_text(sock_path)
    with pytest.raises(IsADirectoryError):
        open_regular(tmp_path)
    regular = tmp_path / "plain.txt"
    regular.write_bytes(b"chest pain")
    with open_regular(regular) as handle:
        assert handle.read() == b"chest pain"


@posix_only
@pytest.mark.parametrize("name", ["scan.png", "scan.dcm", "scan"])
def test_image_loader_refuses_a_fifo_at_once(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    outcome = _within(lambda: load_image(fifo), fifo)
    error = outcome.get("error")
    assert isinstance(error, ImageLoadError), outcome
    assert error.path == fifo and "named pipe (FIFO), not a regular file" in str(error)
    # A folder scan offers files by content when they have no known suffix.
    assert _within(lambda: is_probably_image(tmp_path / "scan"), fifo) == {"value": False}


def test_large_text_is_read_only_as_far_as_needed(tmp_path):
    path = tmp_path / "huge.txt"
    line = "Chest pain radiating to the left arm; troponin raised. "
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(20_000_000 // len(line)):
            handle.write(line)
    with path.open("rb") as handle:
        note = read_text_from(handle, 1_000)
        consumed = handle.tell()
    assert note.truncated and len(note.text) == 1_000
    assert note.text == (line * 20)[:1_000]
    assert consumed <= 4 * 1_000 + 9  # a few kB read of 20 MB
    small = tmp_path / "small.txt"
    small.write_text("short note", encoding="utf-8")
    assert read_text(small, 1_000) == read_text(small)
    assert not read_text(small, 1_000).truncated


def test_a_prefix_cut_inside_a_character_is_not_an_error(tmp_path):
    path = tmp_path / "cjk.txt"
    path.write_text("患" * 5_000, encoding="utf-8")  # 3 bytes a character
    note = read_text(path, 1_000)
    assert note.truncated and note.text == "患" * 1_000
    utf32 = tmp_path / "cjk32.txt"
    utf32.write_text("患" * 5_000, encoding="utf-32")
    assert read_text(utf32, 1_000).text == "患" * 1_000


def test_decode_text_names_the_encoding_and_refuses_guesses():
    assert decode_text("患者 ok".encode("gb18030")) == ("患者 ok", "gb18030")
    assert decode_text("naïve".encode("utf-16")) == ("naïve", "utf-16-le")
    assert decode_text(b"plain") == ("plain", "utf-8")
    with pytest.raises(TextFileError, match="byte 3"):
        decode_text("Café".encode("cp1252"))
    with pytest.raises(TextFileError, match="byte order mark but is not"):
        decode_text(b"\xff\xfe" + b"\x00\xd8")  # a lone UTF-16 surrogate
