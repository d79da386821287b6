from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from medgui.ui.app import install_exception_hooks
from medgui.ui.main_window import MainWindow
from medgui.workers import jobs
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.ui.ui_helpers import close_dialogs, error_dialogs, gradient, stop_service, write_png

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    ml = MLService()
    runner = ThreadRunner()
    w = MainWindow(ml, runner)
    w.image_pane.auto_classify.setChecked(False)  # no analysis process in these tests
    qtbot.addWidget(w)
    w.show()
    yield w
    close_dialogs()
    runner.wait()
    stop_service(ml)


def wait_shown(qtbot, window: MainWindow, path: Path) -> None:
    qtbot.waitUntil(lambda: window.image_pane.image is not None
                    and window.image_pane.image.path == path, timeout=15000)


def test_file_open_action_opens_and_remembers_the_image(qtbot, window, tmp_path, monkeypatch):
    path = write_png(tmp_path / "a.png", gradient())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.open_action.trigger()
    wait_shown(qtbot, window, path)
    assert window.image_pane.file_label.text() == "a.png"
    assert window.recent_files() == [str(path)]


def test_cancelled_open_dialog_changes_nothing(qtbot, window, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    window.open_action.trigger()
    assert window.image_pane.image is None and window.recent_files() == []


def test_recent_menu_lists_newest_first_prunes_missing_and_opens(qtbot, window, tmp_path):
    paths = [write_png(tmp_path / f"img{i}.png", gradient() + i) for i in range(3)]
    for path in paths:
        window.open_image(path)
        wait_shown(qtbot, window, path)
    window._rebuild_recent_menu()
    entries = [a.data() for a in window.recent_menu.actions() if a.data()]
    assert entries == [str(p) for p in reversed(paths)]
    paths[1].unlink()
    window.recent_menu.aboutToShow.emit()
    entries = [a for a in window.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(paths[2]), str(paths[0])]
    assert window.recent_files() == [str(paths[2]), str(paths[0])]
    entries[1].trigger()  # reopen the oldest one from the menu
    wait_shown(qtbot, window, paths[0])
    assert window.recent_files()[0] == str(paths[0])


def test_recent_list_keeps_ten(qtbot, window, tmp_path):
    for i in range(12):
        window.add_recent(str(write_png(tmp_path / f"r{i}.png", gradient())))
    assert len(window.recent_files()) == 10
    assert window.recent_files()[0].endswith("r11.png")


def test_dropping_a_file_opens_it(qtbot, window, tmp_path):
    path = write_png(tmp_path / "dropped.png", gradient())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt delivers a drop only to the widget that accepted the drag's entry.
    with warnings.catch_warnings():  # PySide6 flags the only constructor Qt 6 has
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(50, 50), *args)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(50, 50), *args)
    QApplication.sendEvent(window, event)
    assert event.isAccepted()
    wait_shown(qtbot, window, path)
    assert window.image_pane.file_label.text() == "dropped.png"


def test_view_menu_actions_drive_the_viewer(qtbot, window, tmp_path):
    path = write_png(tmp_path / "v.png", gradient())
    window.open_image(path)
    wait_shown(qtbot, window, path)
    view = window.image_pane.view
    fitted = view.zoom_factor()
    window.zoom_in_action.trigger()
    assert view.zoom_factor() > fitted
    window.fit_action.trigger()
    assert view.zoom_factor() == pytest.approx(fitted, rel=1e-3)
    window.invert_action.trigger()
    assert view.inverted and window.image_pane.controls.invert.isChecked()
    window.reset_action.trigger()
    assert not view.inverted and not window.invert_action.isChecked()


def test_about_says_decision_support(qtbot, window):
    box = window.show_about()
    assert isinstance(box, QMessageBox)
    assert "not a diagnosis" in box.informativeText()
    assert "0." in box.text()  # the version


def test_status_bar_waits_for_the_engine_and_panes_can_be_added(qtbot, window):
    assert window.engine_label.text() == "Loading analysis engine…"
    assert window.models_menu.title() == "&Models"
    index = window.add_pane(QLabel("records"), "Records")
    assert window.tabs.tabText(index) == "Records" and window.tabs.tabText(0) == "Images"


def test_geometry_is_restored(qtbot, tmp_path):
    ml, runner = MLService(), ThreadRunner()
    first = MainWindow(ml, runner)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 560)  # the offscreen screen is 800 x 600
    qtbot.waitUntil(lambda: first.width() == 760)
    first.close()
    second = MainWindow(ml, runner)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (760, 560)


def test_uncaught_errors_in_threads_reach_a_dialog(qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(jobs, "_reporter", None)  # the workers' reporter, installed below
    install_exception_hooks(QApplication.instance())
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=5000)
    assert "ZeroDivisionError" in error_dialogs()[0].text()
    assert "Traceback" in error_dialogs()[0].detailedText()
    close_dialogs()


def test_app_window_appears_without_tensorflow(tmp_path):
    """The real start-up path: the window shows and TensorFlow is not in the GUI process."""
    env = dict(os.environ, MEDGUI_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen",
               MEDGUI_HOME=str(tmp_path / "home"))
    image = write_png(tmp_path / "start.png", gradient())
    out = subprocess.run([sys.executable, "-m", "medgui", str(image)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    probe = [line for line in out.stdout.splitlines() if line.startswith("medgui-startup-probe")]
    assert out.returncode == 0, out.stderr
    assert len(probe) == 2, out.stdout + out.stderr
    assert "engine_started=True" in probe[1], out.stdout + out.stderr
    assert "visible=True" in probe[0]
    assert "viewer=" in probe[1]
    assert "tensorflow_in_gui=False" in probe[1]


def test_building_the_window_does_not_import_tensorflow():
    code = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from medgui.ui.main_window import MainWindow
        from medgui.workers.jobs import ThreadRunner
        from medgui.workers.ml_service import MLService
        w = MainWindow(MLService(warmup_tasks=("image",)), ThreadRunner())
        w.show()
        app.processEvents()
        print("tensorflow" in sys.modules, "keras" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert out.stdout.split() == ["False", "False"], out.stderr


# -- end to end: the real window, the real analysis process, a real (tiny) model ------

TINY_MODEL = textwrap.dedent("""
    import tempfile
    from pathlib import Path
    import keras
    from medgui.core.ml.image.cnn import build_image_model
    from medgui.core.models.card import ModelCard
    from medgui.core.models.registry import Registry
    keras.utils.set_random_seed(3)
    model = build_image_model("compact_cnn", 2, input_size=32, width=8, dropout=0.0)
    card = ModelCard(name="ui-tiny", task="image", classes=["NORMAL", "PNEUMONIA"],
                     architecture="compact_cnn", threshold=0.5, positive_class="PNEUMONIA",
                     preprocessing={"size": 32})
    with tempfile.TemporaryDirectory() as staging:
        model.save(Path(staging) / "model.keras")
        card = Registry().register(Path(staging), card)
    Registry().activate(card.ref)
    print(card.ref)
""")


@pytest.mark.slow
def test_open_a_file_in_the_real_window_and_read_the_prediction(qtbot, tmp_path, medgui_home):
    # The model is built in a child process so TensorFlow stays out of this one.
    made = subprocess.run([sys.executable, "-c", TINY_MODEL], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, MEDGUI_HOME=str(medgui_home)))
    assert made.returncode == 0, made.stderr
    ref = made.stdout.strip().splitlines()[-1]
    assert ref == "ui-tiny@1"

    ml = MLService(warmup_tasks=("image",))
    runner = ThreadRunner()
    window = MainWindow(ml, runner)
    qtbot.addWidget(window)
    window.show()
    pane = window.image_pane
    results: list[dict] = []
    try:
        with qtbot.waitSignal(ml.sig_ready, timeout=180000):
            ml.start()
        assert window.engine_label.text() == f"Model {ref}"

        path = write_png(tmp_path / "xray.png", (gradient(96, 96) * 1.3).astype(np.uint8))
        window.open_image(path)  # auto-classify is on by default
        qtbot.waitUntil(lambda: pane.readings.busy, timeout=15000)
        pane.readings.current.sig_result.connect(results.append)
        qtbot.waitUntil(lambda: pane.prediction.result is not None, timeout=120000)
        result = results[0]
        assert result["path"] == str(path)
        panel = pane.prediction
        assert panel.label.text() == result["label"]
        assert result["label"] in ("NORMAL", "PNEUMONIA")
        for cls, p in result["probabilities"].items():
            assert panel.prob_labels[cls].text() == f"{100 * p:.1f} %"
        assert panel.model.text() == f"Model: {ref}"
        assert "50.0 %" in panel.threshold.text()
        assert panel.heatmap_check.isEnabled()
        panel.heatmap_check.setChecked(True)
        assert pane.view.heatmap_item.isVisible()
        assert not panel.busy.isVisible()
        # The reading came from the analysis process, not this one (whether TensorFlow
        # is importable here depends on the other tests: see the subprocess tests above).
        assert ml.running and ml.pid() != os.getpid()

        # A newer request supersedes the one in flight; cancelling the last one leaves
        # the pane idle, without a reading and without an error.
        first = pane.classify()
        second = pane.classify()
        second.cancel()
        with qtbot.waitSignals([first.sig_finished, second.sig_finished], timeout=60000):
            pass
        assert pane.prediction.result is None
        assert pane.prediction.status.text() == "Classification cancelled."
        assert not pane.prediction.cancel_button.isVisible()
    finally:
        runner.wait()
        stop_service(ml)


def test_models_menu_opens_the_manager_listing_the_shipped_model(qtbot, window):
    window.manager_action.trigger()
    from medgui.ui.training.model_manager import ModelManagerDialog

    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ModelManagerDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    refs = [card.ref for card in dialogs[0].cards]
    assert {"pneumonia-cnn@1", "pneumonia-cnn@2"} <= set(refs)
    dialogs[0].close()


def test_models_menu_starts_the_training_wizard_on_its_first_page(qtbot, window):
    from medgui.ui.training.training_wizard import Pages, TrainingWizard

    window.wizard_action.trigger()
    wizards = [w for w in QApplication.topLevelWidgets() if isinstance(w, TrainingWizard)]
    assert len(wizards) == 1 and wizards[0].isVisible()
    assert wizards[0].currentId() == Pages.TASK
    wizards[0].reject()


def test_records_tab_is_part_of_the_window(qtbot, window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Images", "Records"]
    window.tabs.setCurrentIndex(1)
    assert window.tabs.currentWidget() is window.record_pane
