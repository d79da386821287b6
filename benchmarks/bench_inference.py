"""Image inference speed: the seed article's way vs medgui's, per image and in batches.

    python benchmarks/bench_inference.py [--model NAME@V] [--images DIR] [--repeats N]

For the seed CNN (untrained weights; speed does not depend on them) and the image model
in use (the shipped ``pneumonia-cnn`` unless ``--model``), reports:

- model-only time for one image: ``model.predict(x)`` (the seed article's call),
  ``model.predict_on_batch(x)``, and medgui's traced ``ImageClassifier.classify``;
- end-to-end time for one file: load + preprocess + model, with and without Grad-CAM;
- batch throughput (images/s) and the FLOP rate achieved, as a share of the CPU's peak;
- ``medgui classify-image DIR`` over a folder, wall time including start-up.

Peak FP32 rate assumed: cores x 2 FMA units x 8 lanes (AVX2, 256-bit) x 2 flops x clock
(the clock read from /proc/cpuinfo); true for Zen 2/3 and recent Intel cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def cpu_peak_gflops() -> tuple[float, str]:
    cores = os.cpu_count() or 1
    mhz = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("cpu mhz"):
                mhz = float(line.split(":")[1])
                break
    except OSError:
        pass
    mhz = mhz or 2000.0
    peak = cores * 2 * 8 * 2 * mhz / 1000.0
    return peak, f"{cores} cores x 2 FMA x 8 fp32 lanes x 2 flops x {mhz / 1000:.2f} GHz = {peak:.0f} GFLOP/s"


def median_ms(fn, repeats: int, warmup: int = 3) -> float:  # noqa: ANN001
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def bench_model(name: str, model, card, repeats: int, peak: float) -> dict:  # noqa: ANN001
    from medgui.core.ml.image.cnn import count_flops
    from medgui.core.ml.image.infer import ImageClassifier

    size = int(model.input_shape[1])
    rng = np.random.default_rng(0)
    x1 = rng.uniform(size=(1, size, size, 1)).astype(np.float32)
    xb = rng.uniform(size=(32, size, size, 1)).astype(np.float32)
    clf = ImageClassifier(card, model)
    flops = count_flops(model)
    row = {
        "model": name,
        "params": int(model.count_params()),
        "mflops_per_image": flops / 1e6,
        "predict_ms": median_ms(lambda: model.predict(x1, verbose=0), max(5, repeats // 4)),
        "predict_on_batch_ms": median_ms(lambda: model.predict_on_batch(x1), repeats),
        "eager_call_ms": median_ms(lambda: model(x1, training=False), repeats),
        "classify_ms": median_ms(lambda: clf.classify(x1), repeats),
    }
    batch_ms = median_ms(lambda: clf.classify(xb), max(5, repeats // 4))
    row["batch32_images_per_s"] = 32 / (batch_ms / 1e3)
    row["batch32_gflops_per_s"] = flops * row["batch32_images_per_s"] / 1e9
    row["batch32_share_of_peak"] = row["batch32_gflops_per_s"] / peak
    row["batch1_gflops_per_s"] = flops / (row["classify_ms"] / 1e3) / 1e9
    row["speedup_vs_predict"] = row["predict_ms"] / row["classify_ms"]
    return row


def bench_end_to_end(ref: str | None, files: list[Path], repeats: int) -> dict:
    from medgui.core.ml.image.infer import classify_image_job

    def run(heatmap: bool) -> dict:
        totals, parts = [], []
        for i in range(repeats + 3):
            payload = {"path": str(files[i % len(files)]), "heatmap": heatmap, "model": ref}
            t = time.perf_counter()
            result = classify_image_job(payload, lambda info: None, lambda: False)
            if i >= 3:
                totals.append((time.perf_counter() - t) * 1e3)
                parts.append(result["timing_ms"])
        keys = parts[0].keys()
        return {"wall_ms": statistics.median(totals), **{k: statistics.median(p[k] for p in parts) for k in keys}}

    return {"heatmap_off": run(False), "heatmap_on": run(True)}


def bench_cli(folder: Path, ref: str | None) -> dict:
    from medgui.cli.image import collect_inputs
    from medgui.core.ml.image.infer import get_image_classifier

    files = collect_inputs([str(folder)])
    clf = get_image_classifier(ref)
    list(clf.classify_paths(files[:8]))  # warm
    t = time.perf_counter()
    n = sum(1 for _ in clf.classify_paths(files, batch_size=32))
    in_process = n / (time.perf_counter() - t)
    cmd = [sys.executable, "-m", "medgui", "classify-image", str(folder), "--json", "--no-progress"]
    if ref:
        cmd += ["--model", ref]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    lines = proc.stdout.splitlines()
    return {
        "images": len(files),
        "in_process_images_per_s": in_process,
        "cli_wall_s": wall,
        "cli_images_per_s_including_startup": len(lines) / wall,
        "cli_exit": proc.returncode,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="image model NAME@VERSION (default: the active one)")
    ap.add_argument("--images", type=Path, help="folder of X-rays for end-to-end and CLI timings")
    ap.add_argument("--repeats", type=int, default=40)
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()

    import keras

    from medgui.core import paths
    from medgui.core.ml.image.cnn import build_image_model
    from medgui.core.ml.image.infer import keras_image_classifier
    from medgui.core.models.card import ModelCard

    peak, peak_note = cpu_peak_gflops()
    print(f"CPU peak assumed: {peak_note}; load average {os.getloadavg()[0]:.1f}")
    print(f"TensorFlow/Keras {keras.__version__}, TF_ENABLE_ONEDNN_OPTS={os.environ['TF_ENABLE_ONEDNN_OPTS']}")

    shipped = keras_image_classifier(args.model)  # the Keras paths; the export: bench_light_runtime.py
    seed = build_image_model("seed_cnn", 2)
    seed_card = ModelCard(name="seed_cnn", task="image", classes=["NORMAL", "PNEUMONIA"],
                          architecture="seed_cnn", threshold=0.5, positive_class="PNEUMONIA")
    rows = [
        bench_model("seed_cnn (untrained)", seed, seed_card, args.repeats, peak),
        bench_model(shipped.card.ref, shipped.model, shipped.card, args.repeats, peak),
    ]
    seed_predict = rows[0]["predict_ms"]
    print(f"\n{'model':<22}{'params':>10}{'MFLOP':>8}{'predict':>9}{'p_o_b':>8}{'eager':>8}"
          f"{'medgui':>8}{'x vs seed predict':>19}{'img/s b32':>11}{'GFLOP/s':>9}{'peak %':>8}")
    for r in rows:
        print(f"{r['model']:<22}{r['params']:>10}{r['mflops_per_image']:>8.0f}{r['predict_ms']:>8.1f}m"
              f"{r['predict_on_batch_ms']:>7.2f}m{r['eager_call_ms']:>7.2f}m{r['classify_ms']:>7.2f}m"
              f"{seed_predict / r['classify_ms']:>19.1f}{r['batch32_images_per_s']:>11.0f}"
              f"{r['batch32_gflops_per_s']:>9.1f}{100 * r['batch32_share_of_peak']:>7.1f}%")
    report = {"peak": peak_note, "models": rows}

    folder = args.images
    if folder is None:
        folder = paths.SAMPLES
    from medgui.cli.image import collect_inputs

    files = [Path(p) for p in collect_inputs([str(folder)])]
    if files:
        e2e = bench_end_to_end(args.model, files, min(args.repeats, 60))
        report["end_to_end"] = e2e
        for key, r in e2e.items():
            print(f"\nend to end, one file, {key}: wall {r['wall_ms']:.1f} ms = load {r['load']:.1f} + "
                  f"preprocess {r['preprocess']:.1f} + model {r['model']:.1f} + explain {r['explain']:.1f}"
                  f"  ({seed_predict / r['wall_ms']:.1f}x faster than seed model.predict alone)")
        cli = bench_cli(folder, args.model)
        report["cli"] = cli
        print(f"\nclassify-image over {cli['images']} files in {folder}: "
              f"{cli['in_process_images_per_s']:.0f} images/s in-process (model loaded), "
              f"{cli['cli_images_per_s_including_startup']:.1f} images/s for the whole command "
              f"({cli['cli_wall_s']:.1f} s wall incl. Python+TF start-up, exit {cli['cli_exit']})")
    else:
        print(f"\nno images in {folder}: skipping end-to-end and CLI timings (pass --images DIR)")
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:
        # A clean home: the active image model is the shipped one unless --model says otherwise.
        os.environ.setdefault("MEDGUI_HOME", home)
        raise SystemExit(main())
