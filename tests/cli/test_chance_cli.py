"""The chance check on the command line: warnings printed, warned models not activated
silently, small-data guidance, and the start-from / intensity options."""

from __future__ import annotations

import numpy as np

from medgui.cli import build_parser, main
from medgui.cli.train import _metrics_text, command_line, config_from_args, data_advice
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.config import TrainingConfig
from medgui.core.training.datasets import scan_folder
from medgui.core.training.metrics import evaluate_probabilities
from tests.dataset_factory import image_folder

CONSTANT = evaluate_probabilities(np.array([0] * 20 + [1] * 30), np.tile([0.3, 0.7], (50, 1)),
                                  ["NORMAL", "PNEUMONIA"], seed=0)


def _register(tmp_path, name, metrics):
    staging = tmp_path / f"staging-{name}"
    staging.mkdir()
    (staging / "model.keras").write_bytes(b"placeholder")
    card = ModelCard(name=name, task="image", classes=["NORMAL", "PNEUMONIA"], architecture="tiny",
                     metrics=metrics)
    return Registry().register(staging, card)


def test_activate_refuses_a_model_no_better_than_chance_unless_forced(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "builtin"))
    good = _register(tmp_path, "good", {"accuracy": 0.9, "warnings": []})
    bad = _register(tmp_path, "constant", CONSTANT)
    assert main(["models", "activate", good.ref]) == 0
    capsys.readouterr()
    assert main(["models", "activate", bad.ref]) == 1
    err = capsys.readouterr().err
    assert "constant@1 is not activated" in err and "No better than chance: AUC 0.50" in err
    assert "--force" in err
    assert Registry().active("image").ref == "good@1"  # unchanged
    assert main(["models", "activate", bad.ref, "--yes"]) == 0
    assert Registry().active("image").ref == "constant@1"
    assert main(["models", "activate", good.ref, "--force"]) == 0


def test_evaluation_text_leads_with_the_warnings_and_the_baseline():
    text = _metrics_text(CONSTANT)
    first = text.splitlines()[0]
    assert first.startswith("WARNING: No better than the majority-class baseline")
    assert "WARNING: No better than chance: AUC 0.50" in text
    assert "majority-class baseline (always 'PNEUMONIA'): accuracy 0.600" in text
    assert "calibration: ECE" in text


def test_small_grouped_data_gets_kfold_ci_and_grouping_advice(tmp_path):
    data = image_folder(tmp_path / "data", per_class=12, patients=4)
    scan = scan_folder(data, "image")
    config = TrainingConfig(task="image", data=str(data))
    advice = data_advice(config, scan)
    text = "\n".join(advice)
    assert "With 24 examples a single train/test split is noisy: turn on k-fold" in text
    # 15 % of 24 is 4 test examples: 1.96 * sqrt(0.85 * 0.15 / 4) = 0.35.
    assert "about 4 examples: an accuracy of 85% measured on it is only known to within about ±35 " in text
    assert "Too few to evaluate: NORMAL (12 in all, about 2 in the test split)" in text
    assert "look grouped by patient" in text and r"--group-pattern '^([Pp]erson\d+(?=_))'" in text
    grouped = TrainingConfig(task="image", data=str(data), group_pattern=r"(person\d+)_", kfold=5)
    text = "\n".join(data_advice(grouped, scan))
    assert "k-fold" not in text and "grouped by patient" not in text


def test_start_from_and_intensity_options_round_trip():
    args = build_parser().parse_args(["train", "--task", "image", "--data", "/d", "--name", "m",
                                      "--start-from", "scratch", "--normalise", "none"])
    config = config_from_args(args)
    assert (config.start_from, config.normalise) == ("scratch", "none")
    argv = command_line(config)
    assert argv[argv.index("--start-from") + 1] == "scratch" and argv[argv.index("--normalise") + 1] == "none"
    assert config_from_args(build_parser().parse_args(argv)) == config
    default = config_from_args(build_parser().parse_args(["train", "--task", "image", "--data", "/d"]))
    assert (default.start_from, default.normalise) == ("xray", "clahe")
    assert "--start-from" not in command_line(default)
