"""Train the default chest X-ray model shipped in ``resources/models/pneumonia-cnn``.

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
import sys
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


def build_config(args: argparse.Namespace) -> Any:
    from medgui.core.training.config import TrainingConfig

    for cls in CLASSES:
        if not (args.data / cls).is_dir():
            sys.exit(f"error: {args.data / cls} is missing; --data must contain {' and '.join(CLASSES)}")
    return TrainingConfig(
        task="image", data=str(args.data), name=args.name, notes=NOTES, group_pattern=KERMANY_PATIENT,
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
    ap.add_argument("--test", type=float, default=0.15, help="test fraction")
    ap.add_argument("--min-sensitivity", type=float, default=0.93)
    ap.add_argument("--image-size", type=int, default=224)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--no-register", action="store_true", help="only report the metrics")
    ap.add_argument("--metrics-json", type=Path, help="also write the evaluation here")
    args = ap.parse_args(argv)
    if not args.no_register and args.out is None:
        ap.error("--out is required unless --no-register")

    from medgui.cli.train import command_line
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.train import register_outcome, run_training
    from medgui.core.models.registry import Registry

    config = build_config(args)
    outcome = run_training(config, print_progress)
    try:
        evaluation = {k: v for k, v in outcome.evaluation.items() if k != "roc"}
        print(json.dumps({"evaluation": evaluation, **outcome.extras}), flush=True)
        if args.metrics_json:
            args.metrics_json.write_text(json.dumps({"evaluation": outcome.evaluation,
                                                     "training": outcome.card.training}, indent=2))
        if args.no_register:
            return 0
        outcome.card.training["script"] = "scripts/train_default_image_model.py"
        outcome.card.training["command"] = "medgui " + shlex.join(command_line(config))
        card = register_outcome(outcome, config.name, config.notes, registry=Registry(root=args.out, builtin=None))
    finally:
        outcome.discard()
    print(f"registered {card.ref} at {card.path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
