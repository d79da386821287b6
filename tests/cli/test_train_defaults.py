"""One set of training defaults: ``TrainingConfig``, ``medgui train`` and the wizard's start values."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields, replace

import pytest

from medgui.cli import build_parser
from medgui.cli.train import command_line, config_from_args
from medgui.core.training import options
from medgui.core.training.config import DEFAULT_ARCHITECTURE, TASKS, TrainingConfig, defaults


def parsed(*argv: str):
    return build_parser().parse_args(["train", *argv])


@pytest.mark.parametrize("task", TASKS)
def test_medgui_train_without_options_is_the_default_config(task):
    config = config_from_args(parsed("--task", task, "--data", "/data/set", "--name", "m"))
    assert config == TrainingConfig(task=task, data="/data/set", name="m")
    assert config.arch == DEFAULT_ARCHITECTURE[task]


@pytest.mark.parametrize("task", TASKS)
def test_wizard_start_values_are_the_default_config(task):
    start = options.DEFAULTS[task]
    assert start == replace(TrainingConfig(task=task, data=""), architecture=DEFAULT_ARCHITECTURE[task])
    assert start == defaults(task)
    assert start.architecture in options.ARCHITECTURES[task]  # the combo box can select it
    assert options.SPLIT_DEFAULT == (70, 15, 15)
    assert [v / 100 for v in options.SPLIT_DEFAULT] == [start.train_fraction, start.val_fraction,
                                                       start.test_fraction]
    assert start.seed == options.SEED_DEFAULT


def test_every_config_field_but_the_derived_one_has_a_train_option():
    """A card's config must be reproducible from the command line, field by field."""
    config = TrainingConfig(
        task="text", data="/t.csv", name="n", notes="why", text_column="body", label_column="dept",
        exclude_classes=("X", "Y"), multi_label="majority", group_pattern=r"(p\d+)_",
        train_fraction=0.55, val_fraction=0.25,
        test_fraction=0.2, seed=7, imbalance="oversample", augment=False, horizontal_flip=True,
        architecture="bigru", epochs=3, batch_size=8, learning_rate=0.005, dropout=0.1, weight_decay=0.01,
        patience=2, restore_best=False, kfold=3, image_size=64, start_from="scratch", normalise="none",
        vocab_size=500, seq_len=40,
        strategy="mirrored", positive_class="dept-a", min_sensitivity=0.8)
    changed = {f.name for f in fields(TrainingConfig)
               if getattr(config, f.name) != getattr(TrainingConfig(task="text", data="/t.csv"), f.name)}
    assert changed == {f.name for f in fields(TrainingConfig)} - {"task", "data"}  # all of them
    assert config_from_args(build_parser().parse_args(command_line(config))) == config


def test_defaults_load_no_tensorflow():
    code = ("import sys; import medgui.cli.train, medgui.core.training.options; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
