"""The Train step as a clinician lives it: the estimate is an upper bound, Cancel leaves
no stale heading, and closing the wizard never throws a run or a trained model away
without asking."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from medgui.ui.training.training_wizard import Pages, TrainingWizard
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.ui import wizard_helpers
from tests.ui.test_training_wizard import make_images, open_folder

pytestmark = pytest.mark.slow  # the stand-in training runs in the analysis process


@pytest.fixture(scope="module")
def ml():
    svc = MLService()
    yield svc
    svc.shutdown()


@pytest.fixture
def make_wizard(qtbot, ml, tmp_path):
    made = []

    def make(kind: str) -> TrainingWizard:
        wiz = TrainingWizard(ml, ThreadRunner())
        wiz.train_kind = kind
        qtbot.addWidget(wiz)
        wiz.show()
        made.append(wiz)
        open_folder(qtbot, wiz, make_images(tmp_path / "xray", {"NORMAL": 8, "PNEUMONIA": 8}))
        for _ in range(3):
            wiz.next()
        assert wiz.currentId() == Pages.MODEL
        wiz.page(Pages.MODEL).epochs.setValue(15)
        wiz.page(Pages.MODEL).patience.setValue(4)
        wiz.next()
        assert wiz.currentId() == Pages.TRAIN
        return wiz

    yield make
    for wiz in made:
        page = wiz.page(Pages.TRAIN)
        if page.running:
            page.cancel()
            qtbot.waitUntil(lambda page=page: not page.running, timeout=30_000)
        wiz.runner.wait(10_000)


def confirm_box(wizard):
    shown = [b for b in wizard.findChildren(QMessageBox, "confirmDiscard") if b.isVisible()]
    assert len(shown) == 1
    return shown[0]


def test_the_estimate_is_an_upper_bound_and_cancel_clears_the_heading(qtbot, make_wizard):
    wizard = make_wizard(wizard_helpers.UNTIL_CANCELLED)
    train = wizard.page(Pages.TRAIN)
    said = []
    wizard.sig_progress_text.connect(said.append)
    qtbot.waitUntil(lambda: "epoch 1 of 15" in train.phase.text(), timeout=60_000)
    assert train.eta.text().startswith("at most about 3 min")
    assert "early stopping" in train.eta.text()
    assert any("epoch 1 of 15" in line for line in said)  # the main window's status bar
    job = train.job
    with qtbot.waitSignal(job.sig_finished, timeout=30_000):
        qtbot.mouseClick(train.cancel_button, Qt.MouseButton.LeftButton)
    assert train.phase.text() == "Training cancelled"
    assert train.eta.text() == ""
    assert "Cancelled" in train.status.text()


def test_closing_or_esc_during_training_asks_before_discarding(qtbot, make_wizard):
    wizard = make_wizard(wizard_helpers.UNTIL_CANCELLED)
    train = wizard.page(Pages.TRAIN)
    qtbot.waitUntil(lambda: "epoch 1" in train.phase.text(), timeout=60_000)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    box = confirm_box(wizard)
    assert "is training" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # Keep
    assert wizard.isVisible() and train.running
    wizard.close()  # the window's close button
    box = confirm_box(wizard)
    assert wizard.isVisible() and train.running
    job = train.job
    with qtbot.waitSignal(job.sig_finished, timeout=30_000):
        box.button(QMessageBox.StandardButton.Discard).click()
    assert not wizard.isVisible()


def test_esc_after_training_asks_before_throwing_the_model_away(qtbot, make_wizard):
    wizard = make_wizard(wizard_helpers.BRIEFLY)
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=60_000)
    staging = Path(wizard.outcome["staging_dir"])
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    box = confirm_box(wizard)
    assert "has not been saved" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert wizard.isVisible() and wizard.outcome is not None and staging.exists()
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    confirm_box(wizard).button(QMessageBox.StandardButton.Discard).click()
    assert not wizard.isVisible() and wizard.outcome is None
    qtbot.waitUntil(lambda: not staging.exists(), timeout=10_000)  # its staging folder goes
