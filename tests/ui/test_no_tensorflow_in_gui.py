"""The GUI process never imports TensorFlow or Keras: not to start, not to read, not to train.

In a fresh interpreter (``sys.modules`` of its own): import the main window, build it,
open the training wizard and scan a dataset on its Check page, open the model manager
and show a card, and open an image in the Images pane. Training and inference belong to
the analysis process, which this test does not start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.ui.ui_helpers import gradient, write_png

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path

    import medgui.ui.main_window as main_window
    from PySide6.QtWidgets import QApplication, QWizard

    def wait_for(condition, what, timeout=60.0):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.01)

    image, dataset = Path(sys.argv[1]), Path(sys.argv[2])
    app = QApplication([])
    from medgui.ui.training.model_manager import ModelManagerDialog
    from medgui.ui.training.training_wizard import Pages, TrainingWizard
    from medgui.workers.jobs import ThreadRunner
    from medgui.workers.ml_service import MLService

    ml, runner = MLService(), ThreadRunner()
    window = main_window.MainWindow(ml, runner)
    window.image_pane.auto_classify.setChecked(False)  # a reading would start the engine
    window.show()
    app.processEvents()
    after_window = "tensorflow" in sys.modules or "keras" in sys.modules

    window.wizard_action.trigger()
    wizard = next(w for w in app.topLevelWidgets() if isinstance(w, TrainingWizard))
    wizard.next()
    wizard.page(Pages.DATA).path.setText(str(dataset))
    wizard.next()
    wait_for(lambda: wizard.scan is not None, "the dataset scan")
    scanned = dict(wizard.scan.counts)
    on_page = Pages(wizard.currentId()).name

    window.manager_action.trigger()
    manager = next(w for w in app.topLevelWidgets() if isinstance(w, ModelManagerDialog))
    card_shown = bool(manager.cards) and manager.cards[0].ref in manager.card_view.toPlainText()

    window.open_image(image)
    wait_for(lambda: window.image_pane.image is not None, "the image")
    wait_for(lambda: window.image_pane.view.ready, "the image viewer")
    shown = window.image_pane.view.pixels.shape

    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras"))
    print(json.dumps({
        "after_window": after_window, "heavy": heavy, "engine_started": ml.running,
        "scanned": scanned, "on_page": on_page, "card_shown": card_shown,
        "image_shape": list(shown), "pyqtgraph": "pyqtgraph" in sys.modules,
        "pydicom_or_cv2": "cv2" in sys.modules,
    }))
    wizard.reject()
    manager.close()
    window.close()
    runner.wait()
    ml.shutdown()
""")


def test_window_wizard_manager_and_an_image_leave_tensorflow_out(tmp_path):
    image = write_png(tmp_path / "xray.png", gradient(40, 56))
    dataset = tmp_path / "data"
    for k, cls in enumerate(("NORMAL", "PNEUMONIA")):
        for i in range(3):  # all different: duplicates would be left out of the scan
            write_png(dataset / cls / f"{cls.lower()}_{i}.png", gradient(16 + i, 16 + k))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MEDGUI_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(image), str(dataset)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # The steps really ran in that process ...
    assert result["scanned"] == {"NORMAL": 3, "PNEUMONIA": 3}
    assert result["on_page"] == "CHECK"
    assert result["card_shown"]
    assert result["image_shape"] == [40, 56]
    assert result["pyqtgraph"] and result["pydicom_or_cv2"]
    assert not result["engine_started"]
    # ... and none of them imported TensorFlow or Keras.
    assert not result["after_window"]
    assert result["heavy"] == []
