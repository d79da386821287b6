"""The window after the registry changes, and its Help: what a clinician reads there
must name the models in use now, and the guide must be at hand."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QTextBrowser

from medgui.core.models.registry import Registry
from medgui.ui.main_window import MainWindow
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.ui import record_helpers
from tests.ui.test_model_manager import fake_model
from tests.ui.ui_helpers import close_dialogs, gradient, stop_service, write_png

READING = {"label": "PNEUMONIA", "probabilities": {"NORMAL": 0.2, "PNEUMONIA": 0.8},
           "threshold": 0.5, "positive_class": "PNEUMONIA", "model": "pneumonia-cnn@1",
           "model_name": "pneumonia-cnn", "model_version": 1, "heatmap": None}


@pytest.fixture
def window(qtbot):
    ml, runner = MLService(), ThreadRunner()
    w = MainWindow(ml, runner)
    w.image_pane.auto_classify.setChecked(False)  # no analysis process unless a test asks
    qtbot.addWidget(w)
    w.show()
    yield w
    for top in QApplication.topLevelWidgets():
        if top is not w and top.isVisible() and top.parent() is w:
            top.close()
    close_dialogs()
    runner.wait()
    stop_service(ml)


def manager(window):
    from medgui.ui.training.model_manager import ModelManagerDialog

    window.manager_action.trigger()
    return next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, ModelManagerDialog) and w.isVisible())


def test_activating_then_deleting_a_model_renames_it_in_menu_status_bar_and_reading(
        qtbot, window, tmp_path):
    fake_model(tmp_path, "mine")  # a user's image model, next to the shipped pneumonia-cnn
    path = write_png(tmp_path / "xray.png", gradient())
    window.open_image(path)
    qtbot.waitUntil(lambda: window.image_pane.image is not None, timeout=15_000)
    reading = window.image_pane.prediction
    reading.show_result(READING)  # the reading on screen came from the shipped model
    dialog = manager(window)
    dialog.select("mine@1")
    with qtbot.waitSignal(dialog.sig_changed):
        dialog.activate_button.click()
    assert window.active_model_action.text() == "Image model: mine@1"
    assert window.engine_label.text() == "Model mine@1"
    # The old reading is not left on screen as if it were the new model's.
    assert reading.result is None and "pneumonia-cnn@1" not in reading.model.text()
    assert "the active image model is now mine@1" in reading.status.text()

    box = dialog.delete_selected()
    with qtbot.waitSignal(dialog.sig_changed, timeout=10_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    shipped = Registry().active("image").ref  # the newest shipped version (nothing activated)
    assert shipped.startswith("pneumonia-cnn@")
    assert window.active_model_action.text() == f"Image model: {shipped}"
    assert window.engine_label.text() == f"Model {shipped}"
    assert window.text_model_action.text() == "Text model: specialty-text@2"


@pytest.mark.slow  # the stand-in classifier runs in the analysis process
def test_a_suggestion_by_a_model_no_longer_active_says_so(qtbot, window, tmp_path):
    pane = window.record_pane
    pane.classify_kind = record_helpers.FAKE
    window.tabs.setCurrentWidget(pane)
    pane.new_record()
    qtbot.keyClicks(pane.body_edit, record_helpers.NOTE)
    with qtbot.waitSignal(pane.sig_classified, timeout=60_000):
        qtbot.mouseClick(pane.panel.classify_button, Qt.MouseButton.LeftButton)
    assert pane.panel.model_label.text() == "Model: fake-text@3"
    fake_model(tmp_path, "notes", task="text")
    dialog = manager(window)
    dialog.select("notes@1")
    with qtbot.waitSignal(dialog.sig_changed):
        dialog.activate_button.click()
    assert window.text_model_action.text() == "Text model: notes@1"
    assert "the active text model is now notes@1" in pane.panel.notes.text()
    assert pane.panel.notes.isVisible()


def test_the_training_wizard_leaves_the_window_usable(qtbot, window):
    from medgui.ui.training.training_wizard import TrainingWizard

    window.wizard_action.trigger()
    wizard = next(w for w in QApplication.topLevelWidgets() if isinstance(w, TrainingWizard))
    assert wizard.isVisible() and not wizard.isModal()
    assert wizard.windowModality() == Qt.WindowModality.NonModal
    assert QGuiApplication.modalWindow() is None  # nothing blocks the main window
    wizard.close()


def test_help_has_a_guide_the_shortcuts_and_the_active_models(qtbot, window):
    texts = [a.text().replace("&", "") for a in window.menuBar().actions()[-1].menu().actions()]
    assert texts[:3] == ["User guide", "Keyboard shortcuts", "Active models"]
    window.guide_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "helpDialog" and w.isVisible())
    guide = dialog.findChild(QTextBrowser, "helpGuide").toPlainText()
    assert "Accept as the record's label" in guide and "Using medgui" in guide
    keys = dialog.findChild(QTextBrowser, "helpShortcuts").toPlainText()
    assert "Ctrl+O" in keys and "Ctrl+Return" in keys and "move the record to the trash" in keys
    models = dialog.findChild(QTextBrowser, "helpModels").toPlainText()
    assert Registry().active("image").ref in models and "specialty-text@2" in models
    assert "accuracy" in models  # the card, with its figures
    dialog.close()


def test_about_says_decision_support_once(qtbot, window):
    box = window.show_about()
    said = (box.text() + " " + box.informativeText()).lower()
    assert said.count("not a diagnosis") == 1
    box.close()
