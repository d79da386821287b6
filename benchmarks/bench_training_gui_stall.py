"""The GUI's longest event-loop stall while the wizard scans and trains.

Walks the training wizard (offscreen) over a dataset folder with the real analysis
process, and measures the gaps between the ticks of a 5 ms QTimer in the GUI thread:
during the scan (a ThreadRunner thread), and during training (from pressing Next on
the Model page, through the process start and TensorFlow import, to the result).

    python benchmarks/bench_training_gui_stall.py                      # synthetic data
    python benchmarks/bench_training_gui_stall.py --data ../shared/data/xray/kermany224-train \\
        --per-class 150 --epochs 3 --image-size 96 --screenshots docs

``--per-class`` links that many files of each class into a temporary folder so the run
stays short. ``--screenshots DIR`` also saves the Check, Train and Evaluate pages as
``DIR/screenshot-wizard-{check,train,evaluate}.png``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class StallMeter:
    """Records the gaps between the ticks of a 5 ms timer."""

    def __init__(self, interval_ms: int = 5, context=lambda: "") -> None:  # noqa: ANN001
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.context = context  # what the GUI showed when a long gap ended
        self.long: list[tuple[float, float, str, float]] = []
        self.gaps: list[float] = []
        self._last = self._t0 = time.perf_counter()
        self._cpu = time.thread_time()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = now - self._last
        self.gaps.append(gap)
        if gap > 0.1:
            # GUI-thread CPU time spent in the gap: near the gap, our code was busy; near
            # zero, the thread was waiting (for the GIL, or for a core on a loaded machine).
            self.long.append((now - self._t0, gap, self.context(), cpu - self._cpu))
        self._last, self._cpu = now, cpu

    def start(self) -> None:
        self.gaps.clear()
        self.long.clear()
        self._last = self._t0 = time.perf_counter()
        self._cpu = time.thread_time()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0.0]
        return {"ticks": len(self.gaps), "max_ms": gaps[-1] * 1000,
                "p99_ms": gaps[int(0.99 * (len(gaps) - 1))] * 1000,
                "median_ms": statistics.median(gaps) * 1000,
                "over_50ms": sum(g > 0.05 for g in gaps), "over_100ms": sum(g > 0.1 for g in gaps)}


def synthetic(root: Path, per_class: int, size: int = 64) -> Path:
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    for cls in ("NORMAL", "PNEUMONIA"):
        (root / cls).mkdir(parents=True)
        for i in range(per_class):
            img = (rng.random((size, size)) * 80).astype(np.uint8)
            if cls == "PNEUMONIA":
                r, c = rng.integers(4, size // 2, size=2)
                img[r : r + size // 4, c : c + size // 4] = 220
            cv2.imwrite(str(root / cls / f"person{i}_{cls.lower()}.png"), img)
    return root


def subset(src: Path, dest: Path, per_class: int) -> Path:
    for class_dir in sorted(p for p in src.iterdir() if p.is_dir()):
        (dest / class_dir.name).mkdir(parents=True)
        for f in sorted(class_dir.iterdir())[:per_class]:
            (dest / class_dir.name / f.name).symlink_to(f.resolve())
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="dataset folder (default: synthetic images)")
    ap.add_argument("--per-class", type=int, default=60)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--architecture", default="compact_cnn")
    ap.add_argument("--group-pattern", default=r"(person\d+)_")
    ap.add_argument("--screenshots", type=Path)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="medgui-bench-"))
    os.environ.setdefault("MEDGUI_HOME", str(tmp / "home"))
    folder = subset(args.data, tmp / "data", args.per_class) if args.data else synthetic(tmp / "data", args.per_class)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from medgui.ui.training.training_wizard import Pages, TrainingWizard
    from medgui.workers.jobs import ThreadRunner
    from medgui.workers.ml_service import MLService

    def wait(cond, timeout: float) -> None:  # noqa: ANN001
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError("the wizard did not get there in time")
            app.processEvents()
            time.sleep(0.001)

    ml, runner = MLService(), ThreadRunner()
    wizard = TrainingWizard(ml, runner)
    wizard.resize(1000, 720)
    wizard.show()
    meter = StallMeter(context=lambda: wizard.page(Pages.TRAIN).phase.text())
    wizard.next()
    wizard.page(Pages.DATA).path.setText(str(folder))
    meter.start()
    wizard.next()
    wait(lambda: wizard.scan is not None, 600)
    scan_stats = meter.stop()
    app.processEvents()
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(args.screenshots / "screenshot-wizard-check.png"))
    wizard.next()
    wizard.page(Pages.SPLIT).group.setText(args.group_pattern)
    wizard.next()
    wizard.next()
    model = wizard.page(Pages.MODEL)
    model.arch.setCurrentIndex(model.arch.findData(args.architecture))
    model.epochs.setValue(args.epochs)
    model.image_size.setValue(args.image_size)
    model.patience.setValue(0)
    train = wizard.page(Pages.TRAIN)
    started = time.perf_counter()
    meter.start()
    wizard.next()
    wait(lambda: wizard.outcome is not None or "failed" in train.status.text(), 3600)
    train_stats = meter.stop()
    elapsed = time.perf_counter() - started
    if wizard.outcome is None:
        print(train.status.text(), file=sys.stderr)
        return 1
    app.processEvents()
    if args.screenshots:
        # The final epoch's state, as the user sees it when training ends.
        wizard.grab().save(str(args.screenshots / "screenshot-wizard-train.png"))
        wizard.next()
        app.processEvents()
        wizard.grab().save(str(args.screenshots / "screenshot-wizard-evaluate.png"))
    ev = wizard.outcome["evaluation"]
    print(f"data: {folder} -> {len(wizard.scan.items)} images, {args.epochs} epochs at {args.image_size} px")
    print(f"scan (ThreadRunner): {scan_stats}")
    print(f"train (analysis process, incl. start + TF import), {elapsed:.1f} s: {train_stats}")
    for at, gap, what, cpu in sorted(meter.long, key=lambda x: -x[1])[:8]:
        print(f"  {gap * 1000:6.0f} ms gap ending at {at:6.1f} s, GUI thread busy {cpu * 1000:4.0f} ms ({what})")
    print(f"test accuracy {ev['accuracy']:.3f}, AUC {ev.get('auc')}")
    wizard.drop_outcome()
    ml.shutdown()
    runner.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
