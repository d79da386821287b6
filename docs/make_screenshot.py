"""Take the README's screenshots from the app itself: open an X-ray, classify, grab.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshot.py IMAGE [OUT.png]
        [--scenario reading|borderline|measure|overlay] [--size WxH] [--no-heatmap]

Uses the active image model (the shipped ``pneumonia-cnn`` on a fresh install) through
the real analysis process: every reading shown is the model's own. Scenarios, after the
reading has arrived:

- ``reading``: the reading with its heatmap (the README's main picture);
- ``borderline``: the reading without the heatmap (give it an image the model reads
  near its threshold to show the borderline state);
- ``measure``: a distance across the chest and an angle, drawn with the measuring
  tool at fixed fractions of the image (mm when the file gives its pixel spacing);
- ``overlay``: the corner overlay (identity masked, as by default), heatmap off.

The screenshots in docs/ were made with::

    S=resources/samples/chest_cr_siim_jpeg_baseline.dcm
    python docs/make_screenshot.py $S docs/screenshot-reading-1024x640.png --size 1024x640
    python docs/make_screenshot.py $S docs/screenshot-layout-1366x768.png --size 1366x768
    python docs/make_screenshot.py $S docs/screenshot-layout-1920x1080.png --size 1920x1080
    python docs/make_screenshot.py $S docs/screenshot-measure.png --scenario measure
    python docs/make_screenshot.py $S docs/screenshot-overlay.png --scenario overlay
    python docs/make_screenshot.py KERMANY/NORMAL/NORMAL2-IM-0781-0001.jpeg \\
        docs/screenshot-borderline.png --scenario borderline --size 1024x640

The PNG is reduced to 256 colours (and then scaled down) when needed so that it stays
under 300 KB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

MAX_BYTES = 300_000
SCENARIOS = ("reading", "borderline", "measure", "overlay")


def apply_scenario(pane: Any, scenario: str, heatmap: bool) -> None:
    """Put the pane in the state the screenshot shows (after the reading arrived)."""
    view = pane.view
    pane.prediction.heatmap_check.setChecked(heatmap and scenario == "reading")
    if scenario == "measure":
        h, w = view.pixels.shape[:2]
        # A transverse line above the domes, and the angle at the costophrenic recess on
        # the image's left: illustrative positions, fixed fractions of the image.
        view.measure.set_mode("distance")
        for fx, fy in ((0.16, 0.62), (0.86, 0.62)):
            view.measure.click(fx * w, fy * h)
        view.measure.set_mode("angle")
        for fx, fy in ((0.10, 0.45), (0.14, 0.71), (0.35, 0.63)):
            view.measure.click(fx * w, fy * h)
        view.measure.set_mode("")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path)
    parser.add_argument("out", type=Path, nargs="?",
                        default=Path(__file__).with_name("screenshot-image-pane.png"))
    parser.add_argument("--scenario", choices=SCENARIOS, default="reading")
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
        apply_scenario(pane, args.scenario, not args.no_heatmap)
        for _ in range(5):  # let the reading area fit itself, then paint
            app.processEvents()
        pane.fit_head()
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
        state = pane.prediction.state
        print(f"saved {args.out} ({args.out.stat().st_size // 1024} KB, {args.size}): "
              f"{pane.prediction.label.text()} ({state.kind if state else '-'}) by "
              f"{pane.prediction.result.get('model')}; "
              f"measurements: {[m.text for m in pane.view.measure.measurements]}")
        status["code"] = 0
        app.quit()

    QTimer.singleShot(300, grab)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    ml.shutdown()
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
