"""Which training levers help the chest X-ray model on a cohort it has not seen (issue #8).

    python benchmarks/bench_image_levers.py --data ../shared/data/xray/kermany224-train \\
        [--size 128] [--epochs 8] [--holdout batch|lowest] [--json levers.json] LEVER...

A small proxy of the shipped recipe (``compact_cnn``, class weights, the geometric
augmentation, cosine learning rate, fixed epochs) trained on everything but a cohort-like
hold-out, and scored there:

* ``--holdout batch``: every ``NORMAL2-IM-*`` normal film (a whole acquisition batch, so the
  model learns "normal" from the ``IM-*`` batch alone) plus the lowest-numbered 20 % of the
  pneumonia patients;
* ``--holdout lowest``: the lowest-numbered 20 % of patients of each batch
  (``scripts/kermany_cohort.py``, the shipped model's cohort-like validation).

Each LEVER is ``tag:normalise:photometric:label_smoothing``, e.g. ``base:none:0:0`` or
``clahe_photo:clahe:1:0``. Prints per lever AUC, specificity at sensitivity 0.93 (the
operating point read off the hold-out itself: a ranking figure, not a claim), uncalibrated
ECE and accuracy at 0.5. Images are decoded once into memory at ``--size``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))


def spec_at(y: np.ndarray, p: np.ndarray, sens: float = 0.93) -> float:
    """Specificity at the highest threshold that keeps ``sens`` of the positives."""
    pos = np.sort(p[y == 1])
    t = pos[int(np.floor((1 - sens) * len(pos)))]
    return float((p[y == 0] < t).mean())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--holdout", choices=("batch", "lowest"), default="batch")
    ap.add_argument("--json", type=Path)
    ap.add_argument("levers", nargs="+")
    args = ap.parse_args()

    from kermany_cohort import cohort_holdout

    from medgui.core.imaging.preprocess import load_model_input

    files = sorted((args.data / "NORMAL").iterdir()) + sorted((args.data / "PNEUMONIA").iterdir())
    y = np.array([0 if f.parent.name == "NORMAL" else 1 for f in files])
    lowest = cohort_holdout(files, 0.2)
    if args.holdout == "batch":
        held = np.array([f.name.startswith("NORMAL2") or (f.name in lowest and f.parent.name == "PNEUMONIA")
                         for f in files])
    else:
        held = np.array([f.name in lowest for f in files])
    print(f"hold-out {held.sum()} films ({(held & (y == 0)).sum()} normal); training {(~held).sum()}", flush=True)
    cache: dict[str, np.ndarray] = {}

    def images(normalise: str) -> np.ndarray:
        if normalise not in cache:
            cache[normalise] = np.stack([load_model_input(str(f), args.size, normalise=normalise)
                                         for f in files]).astype(np.float16)
        return cache[normalise]

    from medgui.core.ml.service import configure_environment

    configure_environment()
    import keras
    import tensorflow as tf

    from medgui.core.ml.image import cnn
    from medgui.core.ml.image.train import _augmenter, photometric
    from medgui.core.training.calibration import expected_calibration_error
    from medgui.core.training.metrics import _binary_auc

    results = []
    for lever in args.levers:
        tag, normalise, photo, smoothing = lever.split(":")
        keras.utils.set_random_seed(1)
        x = images(normalise).astype(np.float32)
        tr, te = np.flatnonzero(~held), np.flatnonzero(held)
        weights = tf.constant([len(tr) / (2 * (y[tr] == k).sum()) for k in (0, 1)], tf.float32)
        aug = _augmenter(1, args.size)

        def prepare(xb: tf.Tensor, yb: tf.Tensor, photo: str = photo, aug: keras.Sequential = aug,
                    weights: tf.Tensor = weights) -> tuple[tf.Tensor, ...]:
            xb = tf.clip_by_value(aug(xb, training=True), 0.0, 1.0)
            if photo == "1":
                xb = photometric(xb, 1)
            return xb, tf.one_hot(yb, 2), tf.gather(weights, yb)

        ds = (tf.data.Dataset.from_tensor_slices((x[tr], y[tr])).shuffle(len(tr), seed=1).batch(32)
              .map(prepare, num_parallel_calls=2).prefetch(2))
        model = cnn.build_image_model("compact_cnn", 2, input_size=args.size, dropout=0.3)
        schedule = keras.optimizers.schedules.CosineDecay(2e-3, args.epochs * len(ds))
        model.compile(optimizer=keras.optimizers.AdamW(schedule, weight_decay=1e-4),
                      loss=keras.losses.CategoricalCrossentropy(label_smoothing=float(smoothing)))
        t0 = time.monotonic()
        model.fit(ds, epochs=args.epochs, verbose=0)
        p = model.predict(x[te], batch_size=128, verbose=0)
        row = {"lever": tag, "normalise": normalise, "photometric": photo == "1", "label_smoothing": float(smoothing),
               "auc": round(float(_binary_auc(y[te] == 1, p[:, 1]) or 0), 4),
               "specificity_at_sensitivity_0.93": round(spec_at(y[te], p[:, 1]), 4),
               "ece_uncalibrated": round(expected_calibration_error(y[te], p), 4),
               "accuracy_at_0.5": round(float(((p[:, 1] >= 0.5) == y[te]).mean()), 4),
               "mean_p_pneumonia_of_normals": round(float(p[y[te] == 0, 1].mean()), 3),
               "train_seconds": round(time.monotonic() - t0)}
        results.append(row)
        print(json.dumps(row), flush=True)
    out = {"holdout": args.holdout, "size": args.size, "epochs": args.epochs, "held_out": int(held.sum()),
           "results": results}
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
