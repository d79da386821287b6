"""The evaluation page shows the linear baseline next to a text model, in red when it is better."""

from __future__ import annotations

import pytest

from medgui.ui.style import ERROR_STYLE
from medgui.ui.training.training_wizard import Pages, TrainingWizard
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService

CLASSES = ["cardio", "neuro", "ortho"]


def evaluation(model_f1: float, model_ci: list[float], base_f1: float, beats: bool) -> dict:
    per_class = {c: {"precision": 0.8, "recall": 0.8, "f1": 0.8, "support": 10} for c in CLASSES}
    return {
        "n": 30, "classes": CLASSES, "accuracy": 0.8, "accuracy_ci": [0.7, 0.9], "macro_f1": model_f1,
        "macro_f1_ci": model_ci, "per_class": per_class, "confusion_matrix": [[8, 1, 1], [1, 8, 1], [1, 1, 8]],
        "auc": None, "baseline": {"name": "TF-IDF + LR", "n": 30, "accuracy": 0.9, "accuracy_ci": [0.8, 0.97],
                                  "macro_f1": base_f1, "macro_f1_ci": [base_f1 - 0.08, min(1.0, base_f1 + 0.05)],
                                  "beats_model": beats},
    }


@pytest.fixture
def wizard(qtbot):
    runner, ml = ThreadRunner(), MLService()  # no process starts: nothing is submitted
    wiz = TrainingWizard(ml, runner)
    qtbot.addWidget(wiz)
    yield wiz
    runner.wait(10_000)
    ml.shutdown()


def show(wizard: TrainingWizard, ev: dict):
    wizard.outcome = {"evaluation": ev, "kfold": None}
    page = wizard.page(Pages.EVALUATE)
    page.initializePage()
    return page


def test_baseline_is_shown_next_to_the_model_without_warning_when_level(wizard):
    page = show(wizard, evaluation(0.86, [0.80, 0.92], 0.88, beats=False))
    text = page.baseline.text()
    assert not page.baseline.isHidden()
    assert "Baseline" in text and "macro-F1 0.880" in text and "accuracy 0.900" in text
    assert "95 % CI 0.800" in text and "beats" not in text
    assert page.baseline.styleSheet() == ""
    assert "0.860" in page.summary.text()  # the model's own figure stays where it was


def test_a_better_baseline_is_a_red_warning(wizard):
    page = show(wizard, evaluation(0.62, [0.50, 0.72], 0.90, beats=True))
    assert "The baseline beats this model" in page.baseline.text()
    assert page.baseline.styleSheet() == ERROR_STYLE
    # The next run, level again, clears the warning.
    page = show(wizard, evaluation(0.90, [0.85, 0.95], 0.90, beats=False))
    assert "beats" not in page.baseline.text() and page.baseline.styleSheet() == ""


def test_image_models_have_no_baseline_line(wizard):
    ev = evaluation(0.9, [0.85, 0.95], 0.9, beats=False)
    del ev["baseline"]
    page = show(wizard, ev)
    assert page.baseline.isHidden() and page.baseline.text() == ""
