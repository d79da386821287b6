"""Screenshots of a reading the applicability gate withholds: 'Not applicable', then 'Show anyway'.

    QT_QPA_PLATFORM=offscreen python docs/make_gate_screenshots.py [OUT_FOLDER] [--image FILE]

Opens a picture in the real app and classifies it with the active image model (the
shipped ``pneumonia-cnn`` on a fresh install) through the real analysis process. The
default picture is the shipped sample film turned on its side (written to a temporary
file): its gate says "a chest film turned on its side". Saves
``screenshot-not-applicable.png`` and, after pressing 'Show anyway',
``screenshot-show-anyway.png``, each reduced to 256 colours when over 300 KB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

MAX_BYTES = 300_000
ROOT = Path(__file__).resolve().parents[1]


def turned_sample() -> Path:
    import cv2
    import numpy as np

    film = cv2.imread(str(ROOT / "resources/samples/kermany_normal_IM-0117-0001.jpeg"), cv2.IMREAD_GRAYSCALE)
    path = Path(tempfile.mkdtemp(prefix="medgui-gate-shot-")) / "chest-film-on-its-side.png"
    cv2.imwrite(str(path), np.ascontiguousarray(np.rot90(film)))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, nargs="?", default=Path(__file__).parent)
    ap.add_argument("--image", type=Path)
    ap.add_argument("--size", default="1400x880")
    args = ap.parse_args()
    os.environ.setdefault("MEDGUI_HOME", tempfile.mkdtemp(prefix="medgui-shots-"))

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from medgui.ui.main_window import MainWindow
    from medgui.workers.jobs import ThreadRunner
    from medgui.workers.ml_service import MLService

    app = QApplication([])
    ml = MLService(warmup_tasks=("image",))
    window = MainWindow(ml, ThreadRunner())
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    ml.start()
    window.open_image(args.image or turned_sample())
    pane = window.image_pane
    status = {"code": 1}

    def save(name: str) -> None:
        out = args.out / name
        image = window.grab().toImage()
        image.save(str(out))
        scale = 1.0
        while out.stat().st_size > MAX_BYTES and scale > 0.5:
            smaller = image if scale == 1.0 else image.scaledToWidth(
                int(image.width() * scale), Qt.TransformationMode.SmoothTransformation)
            smaller.convertToFormat(QImage.Format.Format_Indexed8).save(str(out))
            scale -= 0.1
        print(f"saved {out} ({out.stat().st_size // 1024} KB)")

    def grab() -> None:
        busy = pane.loads.busy or pane.readings.busy
        if busy or pane.image is None or pane.prediction.result is None:
            QTimer.singleShot(200, grab)
            return
        panel = pane.prediction
        if panel.result.get("reliable") is not False:
            print(f"the gate let this image through: {panel.label.text()}", file=sys.stderr)
            app.quit()
            return
        app.processEvents()
        save("screenshot-not-applicable.png")
        panel.show_anyway_button.click()
        for _ in range(5):
            app.processEvents()
        save("screenshot-show-anyway.png")
        print(f"reason: {panel.not_applicable.text()}")
        status["code"] = 0
        app.quit()

    QTimer.singleShot(300, grab)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    ml.shutdown()
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
