"""`medgui classify-image`: output contract, errors, exit status, folders, CSV."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from medgui.cli import main
from medgui.core.models.registry import Registry
from tests.core.ml import tiny_image_model as tiny


@pytest.fixture
def tiny_model():
    card = tiny.register(tiny.trained("seed_cnn", 32))
    Registry().activate(card.ref)
    return card.ref


@pytest.fixture
def folder(tmp_path):
    """Nested folder: two positives, one negative, a broken PNG and a text file."""
    x, y = tiny.synthetic(4, 32, seed=21)
    root = tmp_path / "scans"
    tiny.write_png(root / "b" / "neg.png", x[0])
    tiny.write_png(root / "a" / "pos1.png", x[1])
    tiny.write_png(root / "a" / "deeper" / "pos2.png", x[3])
    (root / "notes.txt").write_text("not an image, and not named like one")
    return root


def test_json_lines_for_a_folder_all_good(folder, tiny_model, capsys):
    status = main(["classify-image", str(folder), "--json", "--no-progress"])
    out = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in out]
    assert status == 0
    assert [r["path"] for r in rows] == [
        str(folder / "a" / "deeper" / "pos2.png"), str(folder / "a" / "pos1.png"), str(folder / "b" / "neg.png")
    ]
    assert [r["label"] for r in rows] == ["PNEUMONIA", "PNEUMONIA", "NORMAL"]
    for r in rows:
        assert set(r) == {"path", "label", "reliable", "reason", "probabilities", "calibrated", "model"}
        assert r["calibrated"] is False  # the tiny model has no calibration map
        assert r["model"] == tiny_model
        assert sum(r["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)


def test_bad_inputs_give_error_objects_and_exit_1(folder, tiny_model, capsys):
    broken = folder / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    missing = folder / "nope.png"
    status = main(["classify-image", str(folder / "b"), str(broken), str(missing), "--json"])
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert status == 1
    assert rows[0]["label"] == "NORMAL"
    assert set(rows[1]) == {"path", "error"} and rows[1]["path"] == str(broken)
    assert "broken.png" in rows[1]["error"]
    assert set(rows[2]) == {"path", "error"} and "not found" in rows[2]["error"]
    assert "2 of 3 inputs could not be classified" in captured.err
    assert "3/3" in captured.err  # the progress bar ran on stderr


def test_table_and_csv(folder, tiny_model, tmp_path, capsys):
    out_csv = tmp_path / "out.csv"
    status = main(["classify-image", str(folder / "a"), "--csv", str(out_csv), "--no-progress"])
    text = capsys.readouterr().out
    assert status == 0
    assert "P(PNEUMONIA)" in text.splitlines()[0]
    assert text.count("PNEUMONIA ") >= 2
    with open(out_csv, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["path", "label", "p_NORMAL", "p_PNEUMONIA", "model", "error", "warnings", "reliable", "reason"]
    assert len(rows) == 3 and all(r[1] == "PNEUMONIA" and r[4] == tiny_model and r[5] == "" for r in rows[1:])
    assert float(rows[1][2]) + float(rows[1][3]) == pytest.approx(1.0, abs=1e-5)


def test_unknown_model_and_empty_folder_fail_cleanly(folder, tiny_model, tmp_path, capsys):
    assert main(["classify-image", str(folder), "--model", "nosuch@3", "--no-progress"]) == 1
    assert "nosuch@3" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["classify-image", str(tmp_path / "empty")]) == 1
    assert "no image files" in capsys.readouterr().err


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as exc:
        main(["classify-image"])
    assert exc.value.code == 2


def test_help_does_not_import_tensorflow():
    code = (
        "import sys; from medgui.cli import build_parser; build_parser(); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
