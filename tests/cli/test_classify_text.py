"""``medgui classify-text``: JSON shape, standard input, errors and exit status."""

from __future__ import annotations

import io
import json
import sys

import pytest

from medgui.cli import main
from tests.core.ml.tiny_text_model import CLASSES, register, trained

pytestmark = pytest.mark.slow

CARDIO = "The patient was seen today with a murmur and stable history of angina"
ORTHO = "The patient was seen today with a knee fracture and a cast plan"


@pytest.fixture
def tiny_model():
    return register(trained()[0]).ref


def run_json(capsys, *args):
    status = main(["classify-text", "--json", *args])
    out = capsys.readouterr()
    return status, [json.loads(line) for line in out.out.splitlines()], out.err


def test_json_one_object_per_file_with_every_class(tmp_path, capsys, tiny_model):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(CARDIO, encoding="utf-8")
    b.write_text(ORTHO, encoding="utf-8")
    status, rows, _ = run_json(capsys, "--model", tiny_model, "--top-k", "2", str(a), str(b))
    assert status == 0
    assert [r["path"] for r in rows] == [str(a), str(b)]
    assert [r["label"] for r in rows] == ["cardiology", "orthopedics"]
    for row in rows:
        assert set(row) == {"path", "label", "probabilities", "calibrated", "model", "reliable", "reason", "top"}
        assert row["calibrated"] is False  # the tiny model has no calibration map
        assert set(row["probabilities"]) == set(CLASSES) and row["model"] == tiny_model
        assert row["reliable"] is True and len(row["top"]) == 2


def test_stdin_dash(capsys, monkeypatch, tiny_model):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ORTHO.encode("utf-8"))))
    status, rows, _ = run_json(capsys, "--model", tiny_model, "-")
    assert status == 0 and rows[0]["path"] == "-" and rows[0]["label"] == "orthopedics"


def test_unreadable_inputs_are_error_objects_and_exit_1(tmp_path, capsys, tiny_model):
    good, latin1, empty = tmp_path / "good.txt", tmp_path / "latin1.txt", tmp_path / "empty.txt"
    good.write_text(CARDIO, encoding="utf-8")
    latin1.write_bytes("Patient \xe9tait vu pour murmure".encode("latin-1"))
    empty.write_text("  \n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    status, rows, err = run_json(capsys, "--model", tiny_model, str(good), str(latin1), str(empty), str(missing), str(tmp_path))
    assert status == 1
    assert rows[0]["label"] == "cardiology"
    assert [set(r) for r in rows[1:]] == [{"path", "error"}] * 4
    assert "UTF-8" in rows[1]["error"] and "empty" in rows[2]["error"]
    assert "no such file" in rows[3]["error"] and "folder" in rows[4]["error"]
    assert "4 of 5" in err


def test_unreliable_text_is_a_result_with_null_label(tmp_path, capsys, tiny_model):
    short = tmp_path / "short.txt"
    short.write_text("murmur", encoding="utf-8")
    status, rows, _ = run_json(capsys, "--model", tiny_model, str(short))
    assert status == 0
    assert rows[0]["label"] is None and rows[0]["reliable"] is False and "Cannot classify" in rows[0]["reason"]
    assert set(rows[0]["probabilities"]) == set(CLASSES)


def test_table_output_and_usage_errors(tmp_path, capsys, tiny_model):
    a = tmp_path / "a.txt"
    a.write_text(CARDIO, encoding="utf-8")
    assert main(["classify-text", "--model", tiny_model, str(a)]) == 0
    out = capsys.readouterr()
    assert "cardiology" in out.out and str(a) in out.out and tiny_model in out.err
    assert main(["classify-text", "--top-k", "0", str(a)]) == 2
    assert main(["classify-text", "-", "-"]) == 2


def test_unknown_model_fails_with_one_line(tmp_path, capsys):
    a = tmp_path / "a.txt"
    a.write_text(CARDIO, encoding="utf-8")
    assert main(["classify-text", "--model", "nope@3", str(a)]) == 1
    err = capsys.readouterr().err
    assert "no model 'nope@3'" in err and "Traceback" not in err
