"""The model manager shows a model's reliability and asks before activating a model the
chance check warns about."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from medgui.core.models.registry import Registry
from medgui.core.training.metrics import evaluate_probabilities
from medgui.ui.training.model_manager import ModelManagerDialog
from medgui.workers.jobs import ThreadRunner
from tests.ui.test_model_manager import fake_model

CLASSES = ["NORMAL", "PNEUMONIA"]


@pytest.fixture
def dialog(qtbot, tmp_path):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 120)
    score = np.clip(0.5 + (y - 0.5) * 0.7 + rng.normal(0, 0.15, len(y)), 0.01, 0.99)
    good = evaluate_probabilities(y, np.stack([1 - score, score], axis=1), CLASSES, seed=0)
    constant = evaluate_probabilities(y, np.tile([0.4, 0.6], (len(y), 1)), CLASSES, seed=0)
    fake_model(tmp_path, "good", metrics=good)
    fake_model(tmp_path, "constant", metrics=constant)
    fake_model(tmp_path, "old", metrics={"accuracy": 0.9})  # a card from before the check
    registry = Registry(builtin=None)
    registry.activate("good@1")
    runner = ThreadRunner()
    dlg = ModelManagerDialog(registry, runner=runner)
    qtbot.addWidget(dlg)
    dlg.show()
    yield dlg
    runner.wait(10_000)


def test_reliability_diagram_of_the_selected_model(dialog):
    dialog.select("good@1")
    card = dialog.selected()
    assert dialog.reliability.isVisible()
    assert len(dialog.reliability.points) == len(card.metrics["reliability"]["bins"])
    assert f"ECE {card.metrics['ece']:.3f}" in dialog.reliability.caption.text()
    dialog.select("old@1")
    assert not dialog.reliability.isVisible() and dialog.reliability.points == []


def test_activating_a_warned_model_asks_and_no_keeps_the_active_one(dialog, qtbot):
    dialog.select("constant@1")
    assert "This model may be no better than chance" in dialog.card_view.toPlainText()
    box = dialog.activate_selected()
    assert isinstance(box, QMessageBox) and box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert "no better than chance" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert dialog.registry.active("image").ref == "good@1"
    box = dialog.activate_selected()
    with qtbot.waitSignal(dialog.sig_changed):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert dialog.registry.active("image").ref == "constant@1"
    dialog.select("old@1")  # no warnings recorded: activated at once
    assert dialog.activate_selected() is None
    assert dialog.registry.active("image").ref == "old@1"
