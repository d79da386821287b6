"""The commands against odd and hostile input files (issue 12: J, K, H).

A named pipe given as an input must be refused at once with the file named, never
waited on: each command runs on a thread with a time limit, so a hang fails the test
(the pipe's writing end is then opened to release the blocked reader).
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading

import pytest

from medgui.cli import main
from medgui.core.models.registry import Registry
from medgui.core.records.store import RecordStore
from medgui.core.text.tokens import MAX_TEXT_CHARS, truncation_warning
from tests.core.ml import tiny_image_model
from tests.core.ml import tiny_text_model as tiny_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="named pipes in the file system are POSIX"),
]

CARDIO = "The patient was seen today with a murmur and stable history of angina. "


@pytest.fixture
def text_model():
    return tiny_text.register(tiny_text.trained()[0]).ref


@pytest.fixture
def image_model():
    card = tiny_image_model.register(tiny_image_model.trained("seed_cnn", 32))
    Registry().activate(card.ref)
    return card.ref


def run_within(argv, fifo, timeout=60.0):
    """``main(argv)`` on a thread; fail if it is still running after ``timeout`` s."""
    outcome: dict = {}

    def target():
        try:
            outcome["status"] = main(argv)
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # the reader gets EOF
        thread.join(30)
        pytest.fail(f"medgui {argv[0]} blocked on the named pipe {fifo} for {timeout} s")
    assert "error" not in outcome, outcome
    return outcome["status"]


# -- J: named pipes ----------------------------------------------------------------------

def test_classify_text_refuses_a_fifo_at_once(tmp_path, capsys, text_model):
    fifo = tmp_path / "note.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(CARDIO, encoding="utf-8")
    status = run_within(["classify-text", "--json", "--model", text_model, str(fifo), str(good)], fifo)
    out = capsys.readouterr()
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert status == 1
    assert rows[0] == {"path": str(fifo), "error": f"{fifo}: is a named pipe (FIFO), not a regular "
                       "file; give a saved text file, or - for standard input"}
    assert rows[1]["label"] == "cardiology"
    assert "1 of 2" in out.err


def test_classify_image_refuses_a_fifo_at_once(tmp_path, capsys, image_model):
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    status = run_within(["classify-image", "--json", "--no-progress", str(fifo)], fifo)
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert rows[0]["path"] == str(fifo)
    assert "named pipe (FIFO), not a regular file" in rows[0]["error"] and str(fifo) in rows[0]["error"]


def test_classify_image_folder_scan_is_not_blocked_by_a_fifo(tmp_path, capsys, image_model):
    folder = tmp_path / "scans"
    x, _ = tiny_image_model.synthetic(1, 32, seed=3)
    tiny_image_model.write_png(folder / "one.png", x[0])
    fifo = folder / "incoming"  # no suffix: the scan would sniff its first bytes
    os.mkfifo(fifo)
    status = run_within(["classify-image", "--json", "--no-progress", str(folder)], fifo)
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert [r["path"] for r in rows] == [str(folder / "one.png")]


def test_records_import_names_a_fifo_as_such(tmp_path, capsys):
    fifo = tmp_path / "notes.csv"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("fine", encoding="utf-8")
    assert run_within(["records", "import", str(good), str(fifo)], fifo) == 1
    err = capsys.readouterr().err
    assert f"{fifo}: is a named pipe (FIFO), not a regular file" in err
    assert "no such file" not in err and "nothing was imported" in err
    with RecordStore() as store:
        assert store.records() == []


# -- K: a size limit for text -------------------------------------------------------------

def test_a_huge_text_is_cut_with_a_warning(tmp_path, capsys, text_model):
    huge = tmp_path / "huge.txt"
    with huge.open("w", encoding="utf-8") as handle:
        for _ in range(20_000_000 // len(CARDIO)):  # 20 MB
            handle.write(CARDIO)
    one_line = tmp_path / "one-line.txt"
    one_line.write_text("murmur " * 300 + "x" * 5_000_000, encoding="utf-8")  # no spaces at all
    normal = tmp_path / "normal.txt"
    normal.write_text(CARDIO, encoding="utf-8")
    status = main(["classify-text", "--json", "--model", text_model, str(huge), str(one_line), str(normal)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert rows[0]["label"] == "cardiology" and rows[0]["warnings"] == [truncation_warning()]
    assert f"{MAX_TEXT_CHARS:,}" in rows[0]["warnings"][0]
    assert rows[1]["warnings"] == [truncation_warning()] and rows[1]["label"] == "cardiology"
    assert "warnings" not in rows[2]  # nothing to say: the usual shape


def test_a_huge_text_on_standard_input_is_cut_with_a_warning(capsys, monkeypatch, text_model):
    data = (CARDIO * (3 * MAX_TEXT_CHARS // len(CARDIO))).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["classify-text", "--model", text_model, "-"]) == 0
    out = capsys.readouterr().out
    assert "cardiology" in out and truncation_warning() in out


def test_the_classifier_caps_text_it_is_given_directly(text_model):
    from medgui.core.ml.text.classify import get_text_classifier

    clf = get_text_classifier(text_model)
    text = CARDIO * (MAX_TEXT_CHARS // len(CARDIO) + 50)
    result = clf.classify(text, top_k=2)
    assert result["warnings"] == [truncation_warning()]
    assert result["label"] == "cardiology" and result["truncated"] is True
    assert max(tok["end"] for tok in result["tokens"]) <= MAX_TEXT_CHARS
    assert all(text[t["start"]:t["end"]] == t["text"] for t in result["tokens"][-5:])
    assert clf.classify(CARDIO)["warnings"] == []


# -- H: encodings in classify-text ----------------------------------------------------------

def test_classify_text_reads_utf16_and_gb18030_and_refuses_legacy(tmp_path, capsys, text_model):
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text(CARDIO, encoding="utf-16")
    latin = tmp_path / "latin.txt"
    latin.write_bytes((CARDIO + "Müller").encode("cp1252"))
    nul = tmp_path / "nul.txt"
    nul.write_bytes(CARDIO.encode() + b"\x00")
    status = main(["classify-text", "--json", "--model", text_model, str(utf16), str(latin), str(nul)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert rows[0]["label"] == "cardiology"
    assert "not UTF-8" in rows[1]["error"] and "NUL" in rows[2]["error"]
