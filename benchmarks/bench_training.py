"""Training pipeline cost and memory, measured (not a test; run by hand).

1. Throughput: the wizard's pipeline (``tf.data`` streaming from the folder through
   ``load_model_input``, shuffling, augmentation, class weights and the training
   callbacks) against plain ``keras.Model.fit`` on the same model with the images
   already in memory as one NumPy array. Each variant runs in its own process (op
   determinism is process-wide) for ``--epochs`` epochs; the steady-state figure is the
   last epoch's images per second.
2. Peak memory (max RSS of the training process) for ``--n`` and ``--n-large`` images,
   one epoch each: streaming from disk, it should barely grow with the data.

Usage::

    python benchmarks/bench_training.py --data ../shared/data/xray/kermany224-train \\
        [--n 500] [--n-large 5000] [--epochs 2] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pick(data: Path, n: int, seed: int = 0) -> tuple[list[str], list[int], list[str]]:
    """``n`` images, classes in their folder proportions, chosen with ``seed``."""
    import numpy as np

    classes = sorted(p.name for p in data.iterdir() if p.is_dir())
    files = {c: sorted(str(p) for p in (data / c).iterdir() if p.is_file()) for c in classes}
    total = sum(len(v) for v in files.values())
    rng = np.random.default_rng(seed)
    paths, labels = [], []
    for i, c in enumerate(classes):
        k = round(n * len(files[c]) / total)
        chosen = rng.choice(len(files[c]), size=min(k, len(files[c])), replace=False)
        paths += [files[c][j] for j in sorted(chosen)]
        labels += [i] * len(chosen)
    return paths, labels, classes


def child(args: argparse.Namespace) -> None:
    """Run one variant in this process and print one JSON line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np
    import tensorflow as tf

    from medgui.core.ml.image import cnn
    from medgui.core.ml.image import train as imagetrain
    from medgui.core.training.splits import class_weights
    paths, labels, classes = pick(Path(args.data), args.n)
    keras.utils.set_random_seed(0)
    if args.variant.startswith("pipeline_det"):
        tf.config.experimental.enable_op_determinism()
    model = cnn.build_image_model(args.arch, len(classes), input_size=224, dropout=0.3)
    epoch_times: list[float] = []
    epoch_cpu: list[float] = []

    class Timer(keras.callbacks.Callback):
        # CPU seconds (all threads) as well as wall seconds: on a shared machine the wall
        # clock measures the neighbours; the CPU time measures the work this pipeline does.
        def on_epoch_begin(self, epoch, logs=None):  # type: ignore[no-untyped-def]
            self.t0, self.c0 = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):  # type: ignore[no-untyped-def]
            epoch_times.append(time.perf_counter() - self.t0)
            epoch_cpu.append(time.process_time() - self.c0)

    weights = class_weights(labels, classes)
    load_s = 0.0
    if args.variant == "memory":
        t0 = time.perf_counter()
        from medgui.core.imaging.preprocess import load_model_input

        x = np.stack([load_model_input(p) for p in paths])
        load_s = time.perf_counter() - t0
        y = np.asarray(labels, dtype=np.int32)
        model.compile(optimizer=keras.optimizers.AdamW(1e-3, weight_decay=1e-4),
                      loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
        model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=True, class_weight=weights,
                  callbacks=[Timer()], verbose=0)
    else:
        augment = "noaug" not in args.variant
        ds = imagetrain.build_image_dataset(paths, labels, args.batch_size, training=True, augment=augment, seed=0)
        # fit_model adds the progress, early-stopping and learning-rate callbacks the wizard uses.
        original_fit = model.fit

        def fit_with_timer(*a, **kw):  # type: ignore[no-untyped-def]
            kw["callbacks"] = [*kw.get("callbacks", []), Timer()]
            return original_fit(*a, **kw)

        model.fit = fit_with_timer  # type: ignore[method-assign]
        imagetrain.fit_model(model, ds, None, args.epochs, class_weight=weights, patience=args.epochs + 1)
    print(json.dumps({
        "variant": args.variant, "n": len(paths), "epoch_s": [round(t, 2) for t in epoch_times],
        "images_per_s_last": round(len(paths) / epoch_times[-1], 1),
        "epoch_cpu_s": [round(t, 2) for t in epoch_cpu],
        "cpu_ms_per_image_last": round(1000 * epoch_cpu[-1] / len(paths), 2),
        "load_s": round(load_s, 1),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }), flush=True)


def run_child(args: argparse.Namespace, variant: str, n: int, epochs: int) -> dict:
    cmd = [sys.executable, __file__, "--child", "--variant", variant, "--data", args.data, "--n", str(n),
           "--epochs", str(epochs), "--batch-size", str(args.batch_size), "--arch", args.arch]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"{variant} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # Max RSS over all children so far, as the OS reports it (cumulative maximum).
    result["children_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--n-large", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--arch", default="compact_cnn")
    parser.add_argument("--variant", default="pipeline_det")
    parser.add_argument("--variants", default="memory,pipeline,pipeline_det,pipeline_noaug")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = {}
    if not args.skip_throughput:
        for variant in args.variants.split(","):
            results[variant] = run_child(args, variant, args.n, args.epochs)
        base = results.get("memory")
        if base:
            for variant, r in results.items():
                if variant != "memory":
                    overhead = 100 * (base["images_per_s_last"] / r["images_per_s_last"] - 1)
                    cpu = 100 * (r["cpu_ms_per_image_last"] / base["cpu_ms_per_image_last"] - 1)
                    print(f"{variant}: {r['images_per_s_last']} img/s vs in-memory "
                          f"{base['images_per_s_last']} img/s: pipeline costs {overhead:+.1f} % wall, "
                          f"{cpu:+.1f} % CPU time per image")
    if not args.skip_memory:
        small = run_child(args, "pipeline_det", args.n, 1)
        large = run_child(args, "pipeline_det", args.n_large, 1)
        print(f"peak RSS: {small['n']} images {small['maxrss_mb']} MB, {large['n']} images "
              f"{large['maxrss_mb']} MB ({large['maxrss_mb'] - small['maxrss_mb']:+.0f} MB)")


if __name__ == "__main__":
    main()
