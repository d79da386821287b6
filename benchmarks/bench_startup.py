"""Time from launching ``python -m medgui`` to a visible, usable main window.

    python benchmarks/bench_startup.py [--runs N] [--image PATH]

Each run spawns a fresh interpreter with ``MEDGUI_STARTUP_PROBE=1`` and the offscreen
Qt platform. The app prints a line when the window has been shown, painted and the
event loop has run (the analysis process has been started by then, TensorFlow still
loading in it), and another when the image viewer has been built (pyqtgraph is
imported on a thread after the window shows), then quits. Reported: median / min /
max wall time from ``Popen`` to each line, the import time of ``medgui.ui.app``, and
whether TensorFlow was imported in the GUI process (it must not be). Target: window
usable in <= 1 s.

Note that on a shared machine other processes inflate wall time; the CPU time of the
start-up (``python -X importtime`` total) is given to tell load from real cost.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(image: str | None, home: str) -> tuple[float, float, str]:
    env = dict(os.environ, MEDGUI_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen",
               MEDGUI_HOME=home, TF_CPP_MIN_LOG_LEVEL="3")
    cmd = [sys.executable, "-m", "medgui"] + ([image] if image else [])
    start = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    text = proc.stdout.read()
    proc.wait(timeout=60)
    shown = re.search(r"shown=([0-9.]+)", text)
    viewer = re.search(r"viewer=([0-9.]+)", text)
    if not (shown and viewer):
        raise SystemExit(f"no probe lines from {' '.join(cmd)}")
    return float(shown.group(1)) - start, float(viewer.group(1)) - start, text


def import_cpu_seconds() -> float:
    """Cumulative import time of medgui.ui.app as ``-X importtime`` reports it."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import medgui.ui.app"],
                         cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    for line in reversed(out.stderr.splitlines()):
        if line.rstrip().endswith("| medgui.ui.app"):
            return int(line.split("|")[1]) / 1e6
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--image", help="also open this image on the command line")
    args = parser.parse_args()
    times, viewer_times, lines = [], [], []
    with tempfile.TemporaryDirectory() as home:
        one_run(args.image, home)  # warm the OS file cache; not counted
        for _ in range(args.runs):
            t, tv, text = one_run(args.image, home)
            times.append(t)
            viewer_times.append(tv)
            lines.append(text)
    imports = [import_cpu_seconds() for _ in range(3)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    tf_in_gui = any("tensorflow_in_gui=True" in line for line in lines)
    print(f"over {args.runs} runs{' (opening ' + args.image + ')' if args.image else ''}:")
    for what, ts in (("launch -> window shown, menus usable", times),
                     ("launch -> image viewer built (pyqtgraph loaded)", viewer_times)):
        print(f"  {what}: median {statistics.median(ts) * 1e3:.0f} ms, "
              f"min {min(ts) * 1e3:.0f} ms, max {max(ts) * 1e3:.0f} ms")
    print("  (target: window usable <= 1000 ms)")
    print(f"  import of medgui.ui.app (min of 3): {min(imports) * 1e3:.0f} ms")
    print(f"  TensorFlow imported in the GUI process: {tf_in_gui}")
    print(f"  1-min load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    return 1 if tf_in_gui else 0


if __name__ == "__main__":
    sys.exit(main())
