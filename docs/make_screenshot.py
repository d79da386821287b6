"""Take the README's screenshot from the app itself: open an X-ray, classify, grab.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshot.py IMAGE [OUT.png] [--no-heatmap]

Uses the active image model (the shipped ``pneumonia-cnn`` on a fresh install) through
the real analysis process. The PNG is reduced to 256 colours (and then scaled down)
when needed so that it stays under 300 KB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_BYTES = 300_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path)
    parser.add_argument("out", type=Path, nargs="?",
                        default=Path(__file__).with_name("screenshot-image-pane.png"))
    parser.add_argument("--no-heatmap", action="store_true")
    parser.add_argument("--size", default="1400x880")
    args = parser.parse_args()

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
    window.open_image(args.image)
    pane = window.image_pane
    status = {"code": 1}

    def grab() -> None:
        busy = pane.loads.busy or pane.readings.busy
        if busy or pane.image is None:
            QTimer.singleShot(200, grab)
            return
        if pane.prediction.result is None:
            print(f"no reading: {pane.prediction.status.text()}", file=sys.stderr)
            app.quit()
            return
        pane.prediction.heatmap_check.setChecked(not args.no_heatmap)
        app.processEvents()
        image = window.grab().toImage()
        image.save(str(args.out))
        # Over the limit: 256 colours first (text stays sharp), then smaller.
        scale = 1.0
        while args.out.stat().st_size > MAX_BYTES and scale > 0.5:
            smaller = image if scale == 1.0 else image.scaledToWidth(
                int(image.width() * scale), Qt.TransformationMode.SmoothTransformation)
            smaller.convertToFormat(QImage.Format.Format_Indexed8).save(str(args.out))
            scale -= 0.1
        print(f"saved {args.out} ({args.out.stat().st_size // 1024} KB): "
              f"{pane.prediction.label.text()} by {pane.prediction.result.get('model')}")
        status["code"] = 0
        app.quit()

    QTimer.singleShot(300, grab)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    ml.shutdown()
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
