"""Train the default chest X-ray model shipped in ``resources/models/pneumonia-cnn``.

Two validations, side by side on the card (issue #8):

* **cohort-like**: the lowest-numbered 20 % of patients of each acquisition batch the file
  names reveal (``IM-*``, ``NORMAL2-IM-*``, ``person*``; ``scripts/kermany_cohort.py``) never
  enter training. Kermany et al. drew their official test split the same way (the earliest
  patients), so this part looks most like the next cohort. It is split by patient into a
  *calibration* half (the calibration map and the threshold are fitted there) and a
  *report* half (the card's headline figures, never used to choose anything).
* **by patient**: ``run_training``'s own grouped test split of the remaining data.

A thin caller of ``medgui.core.ml.train.run_training``, the recipe the training wizard
and ``medgui train`` use: one ``TrainingConfig``, the group-aware split (by patient:
Kermany file names carry it, see ``KERMANY_PATIENT``), class weights, early stopping,
the threshold rule on the validation split, and the figures on the untouched test split.
The card records the config and the equivalent ``medgui train`` command line::

    TF_ENABLE_ONEDNN_OPTS=1 python scripts/train_default_image_model.py \\
        --data /path/to/kermany224-train --out resources/models

``--data`` holds ``NORMAL/`` and ``PNEUMONIA/`` (the Kermany et al. 2018 train split;
the official test split is never read). The model is registered as a new version of
``--name`` under ``--out`` (a registry root).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CLASSES = ("NORMAL", "PNEUMONIA")
# ``person123_bacteria_456.jpeg`` -> ``person123``; ``IM-0115-0001.jpeg`` -> ``IM-0115`` and
# ``NORMAL2-IM-1427-0001.jpeg`` -> ``NORMAL2-IM-1427`` (the IM number is the study; its
# ``-0001``/``-0002`` suffixes are images of the same child). Other names: own group.
KERMANY_PATIENT = r"^(person\d+(?=_)|(?:NORMAL2-)?IM-\d+)"
NOTES = ("Pediatric chest radiographs (Kermany et al. 2018); decision support only, not validated "
         "for clinical use. See MODEL_CARD.md.")


def patient_key(path: Path) -> str:
    """The patient a Kermany file belongs to, as ``run_training`` groups it."""
    from medgui.core.training.datasets import group_of

    return group_of(path.name, KERMANY_PATIENT)


POPULATION = {
    "description": ("Children aged 1 to 5 years, one centre (Guangzhou Women and Children's Medical Center), "
                    "anterior-posterior chest radiographs taken in routine care; Kermany et al. 2018"),
    "age_years": [1, 5],
}


def stage_training_part(data: Path, holdout: set[str], into: Path) -> tuple[list[Path], list[int]]:
    """Link every file of ``data`` that is not held out into ``into/<class>/``; return the
    held-out files and their class indices."""
    held, labels = [], []
    for k, cls in enumerate(CLASSES):
        (into / cls).mkdir(parents=True)
        for f in sorted((data / cls).iterdir()):
            if f.name in holdout:
                held.append(f)
                labels.append(k)
            else:
                (into / cls / f.name).symlink_to(f.resolve())
    return held, labels


def build_config(args: argparse.Namespace, data: Path) -> Any:
    from medgui.core.training.config import TrainingConfig

    return TrainingConfig(
        task="image", data=str(data), name=args.name, notes=NOTES, group_pattern=KERMANY_PATIENT,
        start_from="scratch", normalise=args.normalise,
        train_fraction=round(1.0 - args.val - args.test, 10), val_fraction=args.val, test_fraction=args.test,
        seed=args.seed, architecture=args.arch, epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.lr, dropout=args.dropout, weight_decay=args.weight_decay, patience=args.patience,
        image_size=args.image_size, positive_class="PNEUMONIA", min_sensitivity=args.min_sensitivity)


def print_progress(info: dict[str, Any]) -> None:
    if info.get("phase") in ("train", "kfold"):
        if info.get("batch") == info.get("batches"):  # end of an epoch
            logs = " ".join(f"{k}={v:.4f}" for k, v in (info.get("logs") or {}).items())
            print(f"epoch {info['epoch']}/{info['epochs']} {logs}", flush=True)
    elif info.get("message") and info.get("phase") != "scan":
        print(f"{info['phase']}: {info['message']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="folder with NORMAL/ and PNEUMONIA/")
    ap.add_argument("--out", type=Path, help="registry root to register the model in (required unless "
                    "--no-register)")
    ap.add_argument("--name", default="pneumonia-cnn")
    ap.add_argument("--arch", default="compact_cnn")
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--val", "--val-fraction", dest="val", type=float, default=0.15, help="validation fraction")
    ap.add_argument("--test", type=float, default=0.10, help="by-patient test fraction")
    ap.add_argument("--cohort", type=float, default=0.2, help="share of each batch's patients held out, "
                    "lowest numbers first (the cohort-like validation)")
    ap.add_argument("--normalise", default="clahe", choices=("clahe", "none"))
    ap.add_argument("--levers", type=Path, help="JSON from benchmarks/bench_image_levers.py, kept on the card")
    ap.add_argument("--min-sensitivity", type=float, default=0.93)
    ap.add_argument("--image-size", type=int, default=224)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--no-register", action="store_true", help="only report the metrics")
    ap.add_argument("--metrics-json", type=Path, help="also write the evaluation here")
    args = ap.parse_args(argv)
    if not args.no_register and args.out is None:
        ap.error("--out is required unless --no-register")

    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.train import register_outcome, run_training
    from medgui.core.models.registry import Registry

    for cls in CLASSES:
        if not (args.data / cls).is_dir():
            sys.exit(f"error: {args.data / cls} is missing; --data must contain {' and '.join(CLASSES)}")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from kermany_cohort import cohort_holdout

    work = Path(tempfile.mkdtemp(prefix="medgui-cohort-"))
    try:
        files = [f for cls in CLASSES for f in (args.data / cls).iterdir()]
        held, held_y = stage_training_part(args.data, cohort_holdout(files, args.cohort), work / "data")
        config = build_config(args, work / "data")
        outcome = run_training(config, print_progress)
        try:
            cohort = cohort_validation(outcome, config, held, held_y, args.seed)
            evaluation = {k: v for k, v in cohort["report"].items() if k != "roc"}
            print(json.dumps({"cohort_report": evaluation, "by_patient": {
                k: v for k, v in cohort["by_patient"].items() if k != "roc"}}), flush=True)
            if args.metrics_json:
                args.metrics_json.write_text(json.dumps({"cohort": cohort, "training": outcome.card.training},
                                                        indent=2, default=str))
            if args.no_register:
                return 0
            card = outcome.card
            card.calibration = cohort["calibration"]
            card.threshold = cohort["threshold"]
            card.population = POPULATION
            card.metrics = {**cohort["report"], "gate": outcome.card.metrics.get("gate"),
                            "by_patient": cohort["by_patient"], "validations": cohort["summary"],
                            **({"levers": json.loads(args.levers.read_text())} if args.levers else {})}
            card.training["data"] = str(args.data)
            card.data_fingerprint["source"] = f"{args.data.name} minus the cohort-like hold-out"
            card.training["cohort_holdout"] = cohort["holdout"]
            card.training["script"] = "scripts/train_default_image_model.py"
            card.training["command"] = "python " + shlex.join(
                ["scripts/train_default_image_model.py", *(argv if argv is not None else sys.argv[1:])])
            card = register_outcome(outcome, config.name, config.notes,
                                    registry=Registry(root=args.out, builtin=None))
        finally:
            outcome.discard()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"registered {card.ref} at {card.path}", flush=True)
    return 0


def _halves(held: list[Path], y: list[int], seed: int) -> tuple[list[int], list[int]]:
    """The held-out films split by patient (stratified) into calibration and report halves."""
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    groups = [patient_key(p) for p in held]
    folds = StratifiedGroupKFold(n_splits=2, shuffle=True, random_state=seed)
    cal, rep = next(folds.split(np.zeros(len(y)), y, groups))
    return cal.tolist(), rep.tolist()


def cohort_validation(outcome: Any, config: Any, held: list[Path], held_y: list[int], seed: int) -> dict[str, Any]:
    """Predict the held-out cohort; fit calibration and threshold on one half, report the other."""
    import keras
    import numpy as np

    from medgui.core.ml.image.train import build_image_dataset, predict_dataset
    from medgui.core.training.calibration import (
        apply_calibration,
        expected_calibration_error,
        fit_calibration,
    )
    from medgui.core.training.metrics import choose_threshold, evaluate_probabilities

    model = keras.saving.load_model(outcome.staging_dir / "model.keras", compile=False)
    ds = build_image_dataset([str(p) for p in held], None, 64, input_size=config.image_size,
                             normalise=config.normalise)
    raw = np.asarray(predict_dataset(model, ds))
    y = np.asarray(held_y)
    cal, rep = _halves(held, held_y, seed)
    pos = CLASSES.index("PNEUMONIA")
    calibration = fit_calibration(y[cal], raw[cal], "platt", positive_index=pos,
                                  source=f"cohort-like hold-out, calibration half ({len(cal)} films)")
    threshold = choose_threshold(y[cal], apply_calibration(raw[cal], calibration), list(CLASSES), "PNEUMONIA",
                                 min_sensitivity=config.min_sensitivity)
    report = evaluate_probabilities(y[rep], apply_calibration(raw[rep], calibration), list(CLASSES), threshold,
                                    "PNEUMONIA", seed=seed)
    report["calibration"] = {"method": calibration["method"],
                             "source": f"Platt map fitted on the cohort-like calibration half ({len(cal)} films); "
                                       "ECE measured on the report half",
                             "split": "cohort-like report half", "n": len(rep),
                             "ece_before": expected_calibration_error(y[rep], raw[rep]), "ece_after": report["ece"]}
    report.update({"split": "cohort-like report half", "evaluated_on": (
        f"cohort-like hold-out (lowest-numbered 20 % of patients per acquisition batch), report half: "
        f"{len(rep)} films of patients never used for training, calibration or the threshold"),
        "threshold_rule": (f"Youden's J optimum on the calibrated probabilities of the cohort-like calibration "
                           f"half ({len(cal)} films), lowered if needed to keep sensitivity >= "
                           f"{config.min_sensitivity:g}")})
    y_test, test_raw = outcome.predictions["test"]  # the scan's classes are sorted: CLASSES order
    by_patient = evaluate_probabilities(y_test, apply_calibration(test_raw, calibration), list(CLASSES), threshold,
                                        "PNEUMONIA", seed=seed)
    by_patient.update({"split": "by-patient test", "evaluated_on": outcome.evaluation.get("evaluated_on")})
    keys = ("accuracy", "sensitivity", "specificity", "auc", "ece", "n")
    summary = {"cohort_like": {k: report.get(k) for k in keys}, "by_patient": {k: by_patient.get(k) for k in keys}}
    holdout = {"rule": "lowest-numbered 20 % of patients in each batch (IM-, NORMAL2-IM-, person)",
               "films": len(held), "calibration_half": len(cal), "report_half": len(rep),
               "normal": int((y == 0).sum()), "pneumonia": int((y == 1).sum())}
    return {"calibration": calibration, "threshold": float(threshold), "report": report,
            "by_patient": by_patient, "summary": summary, "holdout": holdout}


if __name__ == "__main__":
    raise SystemExit(main())
