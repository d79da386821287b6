"""The GUI event loop's longest stall while images are opened and classified.

    python benchmarks/bench_gui_stall.py [--images DIR] [--count N] [--dicom PATH]

A ``QTimer`` ticking every 5 ms records the gaps between its ticks while the real main
window (offscreen) opens and classifies ``--count`` chest X-rays through the real
``MLService`` (analysis process, the active image model with Grad-CAM). Reported: the
longest gap and the 99th percentile, during the analysis engine's start-up (TensorFlow
import in the other process) and during open + classify. A gap of 5 ms is a perfect
loop; a stall is a gap well above it. Target: longest stall < 50 ms. On a shared,
loaded machine the gaps include time the GUI thread waited for a core, so the GUI
thread's own CPU time between ticks is reported too (its own work), and a first
"idle" phase shows the machine's scheduling noise with nothing to do.

Also measured: re-windowing a 2000 x 2000 16-bit image (set the window, repaint), the
cost of one step of a right-drag.

When no image model is installed (the shipped one not yet trained), an untrained
``compact_cnn`` of the default size stands in: its speed is the same.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IMAGES = ROOT.parent / "shared" / "data" / "xray" / "fullres-sample"

STANDIN = """
import tempfile
from pathlib import Path
from medgui.core.ml.image.cnn import build_image_model
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
model = build_image_model("compact_cnn", 2, input_size=224)
card = ModelCard(name="standin", task="image", classes=["NORMAL", "PNEUMONIA"],
                 architecture="compact_cnn", threshold=0.5, positive_class="PNEUMONIA",
                 preprocessing={"size": 224})
with tempfile.TemporaryDirectory() as staging:
    model.save(Path(staging) / "model.keras")
    card = Registry().register(Path(staging), card)
Registry().activate(card.ref)
"""


def ensure_model() -> str:
    from medgui.core.errors import ModelLoadError
    from medgui.core.models.registry import Registry

    try:
        return Registry().active("image").ref
    except ModelLoadError:
        home = tempfile.mkdtemp(prefix="medgui-bench-")
        os.environ["MEDGUI_HOME"] = home
        subprocess.run([sys.executable, "-c", STANDIN], cwd=ROOT, check=True,
                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        return Registry().active("image").ref + " (untrained stand-in)"


class GapMeter:
    """Records the gaps between ticks of a 5 ms timer, per named phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: dict[str, list[float]] = {}
        self.busy: dict[str, list[float]] = {}
        self.phase = "idle"
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.setdefault(self.phase, []).append((now - self.last) * 1e3)
        # CPU time the GUI thread itself spent between two ticks: its own work, apart
        # from time it waited for a core on a busy machine.
        self.busy.setdefault(self.phase, []).append((cpu - self.last_cpu) * 1e3)
        self.last, self.last_cpu = now, cpu

    def set_phase(self, phase: str) -> None:
        self._tick()
        self.phase = phase

    def report(self, phase: str) -> str:
        gaps = sorted(self.gaps.get(phase, []))
        if not gaps:
            return f"{phase}: no ticks"
        p99 = gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))]
        busy = max(self.busy.get(phase, [0.0]))
        return (f"{phase}: longest stall {gaps[-1]:.1f} ms, p99 {p99:.1f} ms, "
                f"median {statistics.median(gaps):.1f} ms over {len(gaps)} ticks; "
                f"longest GUI-thread CPU between ticks {busy:.1f} ms")


def wait_until(app, condition, timeout: float) -> None:  # noqa: ANN001
    from PySide6.QtCore import QEventLoop

    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise SystemExit("timed out")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def rewindow_ms(app) -> list[float]:  # noqa: ANN001
    import numpy as np

    from medgui.ui.imaging.image_view import ImageView

    view = ImageView()
    view.resize(1000, 1000)
    view.show()
    rng = np.random.default_rng(0)
    img = rng.integers(0, 4096, (2000, 2000), dtype=np.uint16).astype(np.float32)
    view.set_image(img, window=(2048.0, 4096.0))
    app.processEvents()
    times = []
    for i in range(30):
        t = time.perf_counter()
        view.set_window(1000.0 + 20 * i, 1500.0 + 10 * i)
        view.graphics.viewport().repaint()
        times.append((time.perf_counter() - t) * 1e3)
    view.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--dicom", type=Path, help="also open and classify this DICOM file")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    model = ensure_model()
    images = sorted(p for p in args.images.rglob("*") if p.suffix.lower() in (".jpeg", ".jpg", ".png"))
    images = images[: args.count] + ([args.dicom] if args.dicom else [])
    if not images:
        raise SystemExit(f"no images under {args.images}")

    from PySide6.QtWidgets import QApplication

    from medgui.ui.main_window import MainWindow
    from medgui.workers.jobs import ThreadRunner
    from medgui.workers.ml_service import MLService

    app = QApplication([])
    ml = MLService(warmup_tasks=("image",))
    window = MainWindow(ml, ThreadRunner())
    window.resize(1400, 900)
    window.show()
    pane = window.image_pane
    from medgui.ui.app import preload_decoders

    preload_decoders()  # as the app does on a thread right after its window shows
    meter = GapMeter()
    meter.set_phase("idle (the machine's own scheduling noise)")
    idle_end = time.perf_counter() + 3.0
    wait_until(app, lambda: time.perf_counter() > idle_end, 10)
    ready = []
    ml.sig_ready.connect(ready.append)
    startup_phase = "engine start-up (TensorFlow import + model load in the other process)"
    meter.set_phase(startup_phase)
    t0 = time.perf_counter()
    ml.start()
    wait_until(app, lambda: bool(ready), 300)
    startup_s = time.perf_counter() - t0
    meter.set_phase("open + classify")
    per_image = []
    for path in images:
        t = time.perf_counter()
        window.open_image(path)
        wait_until(app, lambda p=path: pane.prediction.result is not None
                   and pane.prediction.result.get("path") == str(p), 120)
        per_image.append((time.perf_counter() - t) * 1e3)
    meter.set_phase("done")
    ml.shutdown()
    rewindow = rewindow_ms(app)

    print(f"model: {model}; {len(images)} images from {args.images}")
    print(f"engine ready after {startup_s:.1f} s")
    for phase in ("idle (the machine's own scheduling noise)", startup_phase, "open + classify"):
        print("  " + meter.report(phase))
    print(f"open + classify per image (with Grad-CAM): median {statistics.median(per_image):.0f} ms, "
          f"max {max(per_image):.0f} ms")
    print(f"re-window 2000 x 2000 16-bit (set window + repaint): median "
          f"{statistics.median(rewindow):.1f} ms, max {max(rewindow):.1f} ms")
    print(f"1-min load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
