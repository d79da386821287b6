"""Readings without TensorFlow: whole-process times against ``import tensorflow``, in one run.

    python benchmarks/bench_light_runtime.py [--runs N] [--image FILE]
        [--small DIR] [--fullres DIR] [--n 200] [--skip-gui] [--skip-batch]

Everything is measured in the same run, interleaved, so a loaded machine inflates all
figures alike; each is reported as a ratio to a bare ``python -c "import tensorflow"``
and in absolute terms, with the load average seen.

1. ``medgui classify-image FILE --json``, a whole process, with the model's export
   (ONNX Runtime) and with ``MEDGUI_RUNTIME=keras`` (TensorFlow, the old path).
   Target: at most 0.3x ``import tensorflow``. Also ``medgui classify-text`` on a note.
2. Launch with a file to the reading on screen: ``medgui FILE`` (offscreen Qt), until
   the prediction label shows a reading; again with and without the export.
   Target: at most 2 s on an idle machine.
3. ``medgui classify-image`` on N full-resolution JPEGs and on N 224 px JPEGs (each a
   whole process; the full-resolution folder is cycled when it has fewer than N files).
   Target: at most 2x. Then the readings of every full-resolution file decoded at
   reduced size (``preprocess.read_for_model``) against a full decode: mean |dP| and
   label flips (target: 0 flips, mean |dP| <= 0.01), and the decode time per file.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data/xray")
PROBE = "medgui-light-probe"


def _env(home: str, **extra: str) -> dict[str, str]:
    return dict(os.environ, MEDGUI_HOME=home, TF_CPP_MIN_LOG_LEVEL="3", QT_QPA_PLATFORM="offscreen", **extra)


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc), NaN if unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def gui_child(image: str) -> int:
    """Run the app as ``medgui FILE`` does, and print when a reading is on screen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication([sys.argv[0]])

    def poll() -> None:
        for window in app.topLevelWidgets():
            label = window.findChild(QLabel, "predictionLabel")
            if label is not None and label.isVisible() and label.text() not in ("", "—"):
                window.repaint()
                gui_cpu = resource.getrusage(resource.RUSAGE_SELF)
                pane = getattr(window, "image_pane", None)
                pid = pane.ml.pid() if pane is not None else None
                print(f"{PROBE} reading={time.time():.6f} gui_cpu={gui_cpu.ru_utime + gui_cpu.ru_stime:.3f} "
                      f"engine_cpu={_cpu_seconds(pid):.3f} label={label.text()}", flush=True)
                app.quit()
                return
        QTimer.singleShot(5, poll)

    QTimer.singleShot(0, poll)
    from medgui.ui.app import run_app

    return run_app([image])


def gui_run(image: str, env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s to the reading, CPU s of the GUI process, CPU s of the analysis process)."""
    start = time.time()
    out = subprocess.run([sys.executable, __file__, "--gui-child", image], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith(PROBE)), None)
    if line is None:
        raise SystemExit(f"no reading appeared:\n{out.stdout}\n{out.stderr[-2000:]}")
    value = {k: v for k, _, v in (f.partition("=") for f in line.split()[1:4])}
    return float(value["reading"]) - start, float(value["gui_cpu"]), float(value["engine_cpu"])


def fmt(values: list[float], tf: float) -> str:
    m = statistics.median(values)
    return f"median {m:.2f} s (min {min(values):.2f}, max {max(values):.2f}) = {m / tf:.2f}x import tensorflow"


def agreement(files: list[Path]) -> str:
    """Reduced vs full decode on every file: readings and decode time (in this process)."""
    import numpy as np

    from medgui.core.imaging.loader import load_image
    from medgui.core.imaging.preprocess import model_input, read_for_model
    from medgui.core.ml.image.infer import get_image_classifier

    clf = get_image_classifier()
    full, reduced, t_full, t_reduced = [], [], 0.0, 0.0
    for path in files:
        t0 = time.perf_counter()
        full.append(model_input(load_image(path), clf.input_size))
        t1 = time.perf_counter()
        reduced.append(read_for_model(path, clf.input_size)[0])
        t_full += t1 - t0
        t_reduced += time.perf_counter() - t1
    p_full, p_red = clf.classify(np.stack(full)), clf.classify(np.stack(reduced))
    pos = clf.classes.index(clf.card.positive_class or clf.classes[-1])
    dp = np.abs(p_full[:, pos] - p_red[:, pos])
    flips = sum(clf.label_for(a) != clf.label_for(b) for a, b in zip(p_full, p_red, strict=True))
    n = len(files)
    return (f"  reduced vs full decode on {n} full-resolution files: mean |dP| {dp.mean():.4f}, "
            f"max {dp.max():.4f}, label flips {flips}; decode + preprocess {t_full / n * 1e3:.1f} ms "
            f"-> {t_reduced / n * 1e3:.1f} ms per file")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--image", type=Path, default=ROOT / "resources/samples/kermany_normal_IM-0117-0001.jpeg")
    parser.add_argument("--small", type=Path, default=DATA / "kermany224-train")
    parser.add_argument("--fullres", type=Path, default=DATA / "fullres-sample")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--skip-gui", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--gui-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gui_child:
        return gui_child(args.gui_child)

    py, medgui = sys.executable, [sys.executable, "-m", "medgui"]
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as home:
        light, keras_env = _env(home), _env(home, MEDGUI_RUNTIME="keras")
        one = [*medgui, "classify-image", str(args.image), "--json", "--no-progress"]
        note = [*medgui, "classify-text", str(ROOT / "resources/samples/records.csv"), "--json"]
        timed(one, light)  # warm the file cache; not counted
        tf, cli, cli_keras, text, gui, gui_keras = [], [], [], [], [], []
        for _ in range(args.runs):
            tf.append(timed([py, "-c", "import tensorflow"], light))
            cli.append(timed(one, light))
            cli_keras.append(timed(one, keras_env))
            text.append(timed(note, light))
            if not args.skip_gui:
                gui.append(gui_run(str(args.image), light))
                gui_keras.append(gui_run(str(args.image), keras_env))
            loads.append(os.getloadavg()[0])
        t = statistics.median(tf)
        print(f"{args.runs} runs, interleaved; 1-min load average {min(loads):.1f} to {max(loads):.1f} "
              f"on {os.cpu_count()} CPUs")
        print(f"  python -c 'import tensorflow': median {t:.2f} s (min {min(tf):.2f}, max {max(tf):.2f})")
        print(f"  classify-image ONE --json, export (onnxruntime): {fmt(cli, t)}  [target <= 0.3x]")
        print(f"  classify-image ONE --json, MEDGUI_RUNTIME=keras:  {fmt(cli_keras, t)}")
        print(f"  classify-text ONE --json (with attribution), export: {fmt(text, t)}")
        for name, runs in (("export", gui), ("keras", gui_keras)):
            if not runs:
                continue
            wall = [r[0] for r in runs]
            gui_cpu, engine_cpu = (statistics.median(r[i] for r in runs) for i in (1, 2))
            cpu = f"CPU to the reading: GUI {gui_cpu:.2f} s, analysis process {engine_cpu:.2f} s"
            target = "  [target <= 2 s idle]" if name == "export" else ""
            print(f"  launch with a file -> reading on screen, {name}: {fmt(wall, t)}; {cpu}{target}")
        if not args.skip_batch and args.fullres.is_dir() and args.small.is_dir():
            small = sorted(args.small.glob("*/*.jpeg"))
            small = [p for i, p in enumerate(small) if i % max(1, len(small) // args.n) == 0][: args.n]
            fullres = sorted(args.fullres.glob("*/*.jpeg"))
            cycled = [fullres[i % len(fullres)] for i in range(args.n)]
            batch = [*medgui, "classify-image", "--json", "--no-progress"]
            timed([*batch, *map(str, small)], light)  # both lists in the file cache first
            timed([*batch, *map(str, cycled)], light)
            t_small, t_full = [], []
            for _ in range(max(2, args.runs // 2)):
                t_small.append(timed([*batch, *map(str, small)], light))
                t_full.append(timed([*batch, *map(str, cycled)], light))
                loads.append(os.getloadavg()[0])
            ms, mf = statistics.median(t_small), statistics.median(t_full)
            print(f"  classify-image {args.n} files at 224 px: median {ms:.2f} s; {args.n} full-resolution "
                  f"({len(fullres)} files cycled): median {mf:.2f} s = {mf / ms:.2f}x  [target <= 2x]")
            print(agreement(fullres))
            print(f"  load average during the batch runs: up to {max(loads):.1f}")
    print(json.dumps({"import_tensorflow_s": t, "cli_s": statistics.median(cli),
                      "cli_keras_s": statistics.median(cli_keras),
                      "gui_s": statistics.median(r[0] for r in gui) if gui else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
