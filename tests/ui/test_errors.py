"""The error policy: expected problems inline where they happened, once; unexpected ones,
and worker errors nobody handled, in one dialog with the details."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from medgui.ui.app import install_exception_hooks
from medgui.ui.imaging.image_pane import ImagePane
from medgui.ui.style import ERROR_COLOR, ERROR_STYLE
from medgui.workers import jobs
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.ui.ui_helpers import close_dialogs, error_dialogs, gradient, stop_service, write_png

UI = Path(__file__).resolve().parents[2] / "medgui" / "ui"


@pytest.fixture
def hooks(monkeypatch):
    """The app's hooks, installed as at start-up and removed after the test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(jobs, "_reporter", None)
    yield install_exception_hooks(QApplication.instance())
    close_dialogs()


def test_a_worker_error_nobody_handles_is_shown_with_its_details(qtbot, hooks):
    runner = ThreadRunner()
    job = runner.submit(lambda progress, cancelled: {}["no such key"], kind="preload")
    with qtbot.waitSignal(job.sig_finished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=5000)
    (box,) = error_dialogs()
    assert "preload" in box.windowTitle()
    assert "KeyError" in box.text() and "no such key" in box.text()
    assert "Traceback" in box.detailedText()
    runner.wait()


def test_the_same_failure_twice_opens_one_dialog(qtbot, hooks):
    runner = ThreadRunner()
    finished = []
    for _ in range(2):
        job = runner.submit(lambda progress, cancelled: 1 / 0, kind="scan")
        job.sig_finished.connect(lambda: finished.append(1))
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=10000)
    assert len(error_dialogs()) == 1
    runner.wait()


def test_no_hard_coded_error_colour_in_the_views():
    offenders = [str(p.relative_to(UI)) for p in UI.rglob("*.py")
                 if p.name != "style.py" and re.search(ERROR_COLOR, p.read_text(), re.I)]
    assert offenders == []


@pytest.mark.slow
def test_no_model_installed_is_said_in_the_reading_panel_without_a_dialog(
        qtbot, hooks, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "no-shipped-models"))
    ml, runner = MLService(), ThreadRunner()
    pane = ImagePane(ml, runner)  # classifies every image it opens
    qtbot.addWidget(pane)
    pane.show()
    failures = []
    pane.sig_model_failed.connect(failures.append)
    try:
        for i in range(2):
            path = write_png(tmp_path / f"chest{i}.png", gradient() // (i + 1))
            pane.open_path(path)
            qtbot.waitUntil(lambda p=path: pane.image is not None and pane.image.path == p,
                            timeout=15000)
            status = pane.prediction.status  # "Classifying…" until the answer comes
            qtbot.waitUntil(lambda s=status: not pane.readings.busy and "Classifying" not in s.text(),
                            timeout=180000)
            assert "no image model is installed" in status.text()
            assert status.text().count("no image model is installed") == 1
            assert status.styleSheet() == ERROR_STYLE
            assert error_dialogs() == []
            assert pane.last_error.type == "ModelLoadError"
        assert len(failures) == 2  # the window's model status says it too
    finally:
        runner.wait()
        stop_service(ml)
