"""A clinic's small data set: from scratch against the shipped X-ray model's start (issue #10).

    python benchmarks/bench_small_data.py --data ../shared/data/xray/kermany224-train \\
        [--sizes 100 250 500] [--json out.json]

For each size N, about N films are drawn by patient (stratified, seed fixed) from the part
of the Kermany train split the shipped ``pneumonia-cnn`` was trained on; the evaluation uses
only the cohort-like hold-out its weights never saw (``scripts/kermany_cohort.py``: the
lowest-numbered 20 % of patients per acquisition batch; the shipped recipe leaves exactly
that part out, so no separate starting model is needed). Each run is
``run_training`` with the default options, once with ``start_from="scratch"`` and once
with ``start_from="xray"``; the trained model (with its own calibration map and threshold,
fitted on its own validation split) then reads the whole hold-out. Prints AUC (95 % CI),
macro-F1, the chance-check warnings and the training time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
CLASSES = ("NORMAL", "PNEUMONIA")


def draw(files: list[Path], labels: list[int], n: int, seed: int) -> list[int]:
    """About ``n`` films, whole patients at a time, keeping the class ratio."""
    from train_default_image_model import patient_key

    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for k in range(len(CLASSES)):
        idx = [i for i, y in enumerate(labels) if y == k]
        want = round(n * len(idx) / len(labels))
        groups: dict[str, list[int]] = {}
        for i in idx:
            groups.setdefault(patient_key(files[i]), []).append(i)
        keys = list(groups)
        rng.shuffle(keys)
        taken: list[int] = []
        for key in keys:
            if len(taken) >= want:
                break
            taken += groups[key]
        chosen += taken
    return chosen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 250, 500])
    ap.add_argument("--starts", nargs="+", default=["scratch", "xray"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from kermany_cohort import cohort_holdout

    from medgui.core.ml.service import configure_environment

    configure_environment()
    import keras

    from medgui.core.ml.image import transfer
    from medgui.core.ml.image.train import build_image_dataset, predict_dataset
    from medgui.core.ml.train import run_training
    from medgui.core.training.calibration import apply_calibration
    from medgui.core.training.config import TrainingConfig
    from medgui.core.training.metrics import evaluate_probabilities

    start = transfer.start_model()
    print(f"starting model: {start.ref if start else 'none installed'}", flush=True)
    files = [f for cls in CLASSES for f in sorted((args.data / cls).iterdir())]
    labels = [CLASSES.index(f.parent.name) for f in files]
    held = cohort_holdout(files)
    pool = [i for i, f in enumerate(files) if f.name not in held]
    test = [i for i, f in enumerate(files) if f.name in held]
    rows = []
    with tempfile.TemporaryDirectory(prefix="medgui-bench-small-") as tmp:
        for n in args.sizes:
            pick = [pool[i] for i in draw([files[i] for i in pool], [labels[i] for i in pool], n, args.seed)]
            data = Path(tmp) / f"n{n}"
            for i in pick:
                (data / files[i].parent.name).mkdir(parents=True, exist_ok=True)
                (data / files[i].parent.name / files[i].name).symlink_to(files[i].resolve())
            for how in args.starts:
                from train_default_image_model import KERMANY_PATIENT

                config = TrainingConfig(task="image", data=str(data), group_pattern=KERMANY_PATIENT,
                                        start_from=how, seed=args.seed)
                t0 = time.monotonic()
                outcome = run_training(config)
                seconds = time.monotonic() - t0
                try:
                    model = keras.saving.load_model(outcome.staging_dir / "model.keras", compile=False)
                    ds = build_image_dataset([str(files[i]) for i in test], None, 64,
                                             input_size=config.image_size, normalise=config.normalise)
                    probs = apply_calibration(np.asarray(predict_dataset(model, ds)), outcome.card.calibration)
                    ev = evaluate_probabilities(np.asarray([labels[i] for i in test]), probs, list(CLASSES),
                                                outcome.card.threshold, "PNEUMONIA", n_bootstrap=500)
                    row = {"n": len(pick), "start": outcome.card.training["start"]["from"], "auc": ev["auc"],
                           "auc_ci": ev["auc_ci"], "macro_f1": ev["macro_f1"], "sensitivity": ev["sensitivity"],
                           "specificity": ev["specificity"], "warnings": ev.get("warnings", []),
                           "train_seconds": round(seconds, 1), "epochs_run": outcome.card.training["epochs_run"],
                           "own_test_warnings": outcome.evaluation.get("warnings", [])}
                finally:
                    outcome.discard()
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(f"\nevaluated on the cohort-like hold-out: {len(test)} films never used to fit the starting model")
    print(f"{'n':>5} {'start':<16} {'AUC':>6} {'95% CI':>13} {'macro-F1':>9} {'sens':>5} {'spec':>5} {'train s':>8}")
    for r in rows:
        ci = r["auc_ci"] or [float("nan")] * 2
        print(f"{r['n']:>5} {r['start']:<16} {r['auc']:.3f} {ci[0]:.3f}-{ci[1]:.3f} {r['macro_f1']:>9.3f} "
              f"{r['sensitivity']:.2f} {r['specificity']:.2f} {r['train_seconds']:>8.0f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
