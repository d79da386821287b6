"""``medgui train`` and ``medgui evaluate``: the command-line contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from medgui.cli import main
from medgui.core.models.registry import Registry
from tests.dataset_factory import image_folder, text_table, write_image

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_shipped_models(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "builtin"))


@pytest.mark.slow
def test_train_registers_and_evaluate_reports_plain_metrics(tmp_path, capsys):
    pytest.importorskip("tensorflow")
    data = image_folder(tmp_path / "data", per_class=16, patients=8)
    status = main(["train", "--task", "image", "--data", str(data), "--name", "cxr", "--arch", "seed_cnn",
                   "--epochs", "2", "--batch-size", "8", "--image-size", "32", "--seed", "2",
                   "--group-pattern", r"(person\d+)_", "--activate", "--lr", "0.002"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.splitlines()[-1] == "cxr@1"
    assert "accuracy:" in out and "confusion matrix" in out
    assert "32 usable image examples in 2 classes" in err and "train [" in err
    assert Registry().active("image").ref == "cxr@1"
    card = Registry().get("cxr@1")
    assert card.training["seed"] == 2 and card.preprocessing["size"] == 32 and card.metrics["n"] > 0

    status = main(["evaluate", "--model", "cxr", "--data", str(data), "--json", "--no-progress"])
    out, err = capsys.readouterr()
    metrics = json.loads(out)
    assert status == 0 and metrics["model"] == "cxr@1" and metrics["n"] == 32
    assert set(metrics) >= {"accuracy", "macro_f1", "auc", "auc_ci", "per_class", "confusion_matrix",
                            "sensitivity", "specificity", "threshold", "warnings", "majority_baseline",
                            "reliability", "ece"}
    assert isinstance(metrics["warnings"], list)  # the chance check's verdict, [] when fine
    assert sum(map(sum, metrics["confusion_matrix"])) == 32
    assert metrics["per_class"]["NORMAL"]["support"] == 16


def test_train_refuses_bad_data_with_one_line(tmp_path, capsys):
    data = image_folder(tmp_path / "data", per_class=5)
    write_image(data / "RARE" / "r.png", True, np.random.default_rng(0))
    status = main(["train", "--task", "image", "--data", str(data), "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 1 and not out
    assert err.splitlines()[-1].startswith("medgui: error: ") and "RARE" in err and "exclude" in err
    assert Registry().list() == []
    table = text_table(tmp_path / "notes.csv")
    status = main(["train", "--task", "text", "--data", str(table), "--no-progress"])
    assert status == 1 and "--text-column" in capsys.readouterr().err
    status = main(["train", "--task", "image", "--data", str(data), "--val", "0.5", "--test", "0.5"])
    assert status == 2


def test_help_lists_commands_without_importing_tensorflow():
    code = ("import sys; from medgui.cli import command_names; names = command_names(); "
            "print(sorted(names & {'train', 'evaluate', 'models'})); print('tensorflow' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.stdout.split("\n")[:2] == ["['evaluate', 'models', 'train']", "False"], proc.stderr
