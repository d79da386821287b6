"""Train the default chest X-ray model shipped in ``resources/models/pneumonia-cnn``.

Reproduce the shipped model (CPU only, about 15-30 minutes on 2 cores)::

    TF_ENABLE_ONEDNN_OPTS=1 python scripts/train_default_image_model.py \\
        --data /path/to/kermany224-train --out resources/models

``--data`` holds ``NORMAL/`` and ``PNEUMONIA/`` (the Kermany et al. 2018 train split).
The validation set is split off by patient (file names carry the patient), classes are
weighted by ``n / (classes * count)``, and the operating threshold is chosen on the
validation set. The test split is never read. The model is registered as a new version
of ``--name`` under ``--out`` (a registry root) with its metrics in ``card.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CLASSES = ["NORMAL", "PNEUMONIA"]
POSITIVE = "PNEUMONIA"
IMAGE_SUFFIXES = {".jpeg", ".jpg", ".png"}


def patient_key(path: Path) -> str:
    """The patient a Kermany file belongs to.

    ``person123_bacteria_456.jpeg`` -> ``person123``; ``IM-0115-0001.jpeg`` ->
    ``IM-0115`` and ``NORMAL2-IM-1427-0001.jpeg`` -> ``NORMAL2-IM-1427`` (the IM number
    is the study; its ``-0001``/``-0002`` suffixes are images of the same child).
    """
    name = path.stem
    m = re.match(r"(person\d+)_", name)
    if m:
        return m.group(1)
    m = re.match(r"((?:NORMAL2-)?IM-\d+)", name)
    if m:
        return m.group(1)
    return name  # unknown pattern: the file is its own group


def list_images(root: Path) -> tuple[list[Path], list[int]]:
    paths, labels = [], []
    for idx, cls in enumerate(CLASSES):
        folder = root / cls
        if not folder.is_dir():
            sys.exit(f"error: {folder} is missing; --data must contain {' and '.join(CLASSES)}")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        paths += files
        labels += [idx] * len(files)
    return paths, labels


def fingerprint(root: Path, paths: list[Path]) -> dict[str, object]:
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(f"{p.relative_to(root).as_posix()}\t{p.stat().st_size}\n".encode())
    return {
        "dataset": root.name,
        "files": len(paths),
        "sha256_names_sizes": digest.hexdigest(),
        "how": "sha256 over sorted 'CLASS/name<TAB>size' lines",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="folder with NORMAL/ and PNEUMONIA/")
    ap.add_argument("--out", type=Path, required=True, help="registry root to register the model in")
    ap.add_argument("--name", default="pneumonia-cnn")
    ap.add_argument("--arch", default="compact_cnn")
    ap.add_argument("--width", type=int, default=32, help="compact_cnn width")
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--val-fraction", type=float, default=0.2)
    ap.add_argument("--min-sensitivity", type=float, default=0.93)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--train-fraction", type=float, default=1.0,
                    help="train on this share of the training patients (quick comparisons)")
    ap.add_argument("--no-register", action="store_true", help="only report validation metrics")
    ap.add_argument("--metrics-json", type=Path, help="also write the metrics here")
    args = ap.parse_args(argv)

    import keras
    import numpy as np

    from medgui.core.ml.image import train as imagetrain
    from medgui.core.ml.image.cnn import build_image_model, count_flops
    from medgui.core.models.registry import ModelCard, Registry
    from medgui.core.training.datasets import class_weights

    keras.utils.set_random_seed(args.seed)
    paths, labels = list_images(args.data)
    groups = [patient_key(p) for p in paths]
    train_idx, val_idx = imagetrain.stratified_group_split(labels, groups, args.val_fraction, args.seed)
    assert not {groups[i] for i in train_idx} & {groups[i] for i in val_idx}, "patient leak"
    if args.train_fraction < 1.0:
        # Keep whole patients, same validation set: only the training set shrinks.
        keep, _ = imagetrain.stratified_group_split(
            [labels[i] for i in train_idx], [groups[i] for i in train_idx],
            1.0 - args.train_fraction, args.seed,
        ) if args.train_fraction >= 0.5 else imagetrain.stratified_group_split(
            [labels[i] for i in train_idx], [groups[i] for i in train_idx],
            args.train_fraction, args.seed,
        )[::-1]
        train_idx = train_idx[keep]
    y = np.asarray(labels)
    counts = {
        "train": {c: int(np.sum(y[train_idx] == i)) for i, c in enumerate(CLASSES)},
        "validation": {c: int(np.sum(y[val_idx] == i)) for i, c in enumerate(CLASSES)},
        "patients_train": len({groups[i] for i in train_idx}),
        "patients_validation": len({groups[i] for i in val_idx}),
    }
    print(json.dumps(counts), flush=True)
    weights = class_weights(y[train_idx].tolist(), CLASSES)

    def subset(idx: np.ndarray) -> tuple[list[str], list[int]]:
        return [str(paths[i]) for i in idx], [labels[i] for i in idx]

    tr_paths, tr_labels = subset(train_idx)
    va_paths, va_labels = subset(val_idx)
    train_ds = imagetrain.build_image_dataset(
        tr_paths, tr_labels, args.batch_size, training=True, augment=True, seed=args.seed
    )
    val_ds = imagetrain.build_image_dataset(va_paths, va_labels, 64, cache=True)

    model = build_image_model(args.arch, len(CLASSES), width=args.width, dropout=args.dropout)

    def progress(info: dict) -> None:
        if info["phase"] == "epoch":
            logs = " ".join(f"{k}={v:.4f}" for k, v in info["logs"].items())
            print(f"epoch {info['epoch']}/{info['epochs']} {logs}", flush=True)

    fit = imagetrain.fit_model(
        model, train_ds, val_ds, args.epochs, class_weight=weights, learning_rate=args.lr,
        weight_decay=args.weight_decay, patience=args.patience, progress=progress,
    )
    p_val = imagetrain.predict_dataset(model, val_ds)[:, CLASSES.index(POSITIVE)]
    y_val = (np.asarray(va_labels) == CLASSES.index(POSITIVE)).astype(int)
    threshold = imagetrain.choose_threshold(y_val, p_val, args.min_sensitivity)
    metrics = imagetrain.binary_metrics(y_val, p_val, threshold)
    metrics["at_0.5"] = imagetrain.binary_metrics(y_val, p_val, 0.5)
    metrics["split"] = "validation (by patient)"
    metrics["n_validation"] = counts["validation"]
    metrics["threshold_rule"] = (
        f"Youden's J optimum on validation, lowered if needed to reach sensitivity >= {args.min_sensitivity}"
    )
    print(json.dumps({"fit": {k: v for k, v in fit.items() if k != "history"}, "metrics": metrics}), flush=True)

    training = {
        "script": "scripts/train_default_image_model.py",
        "command": "python scripts/train_default_image_model.py " + " ".join(argv or sys.argv[1:]),
        "architecture_kwargs": {"width": args.width, "dropout": args.dropout},
        "epochs_max": args.epochs,
        "epochs_run": fit["epochs_run"],
        "best_epoch": fit["best_epoch"],
        "patience": args.patience,
        "batch_size": args.batch_size,
        "optimizer": "AdamW",
        "learning_rate": args.lr,
        "weight_decay": args.weight_decay,
        "class_weight": {CLASSES[k]: round(v, 4) for k, v in weights.items()},
        "augmentation": imagetrain.AUGMENTATION,
        "split": f"StratifiedGroupKFold by patient, 1 of {round(1 / args.val_fraction)} folds",
        "train_fraction": args.train_fraction,
        "counts": counts,
        "seed": args.seed,
        "seconds": fit["seconds"],
        "history": fit["history"],
        "params": int(model.count_params()),
        "flops_per_image": count_flops(model),
        "keras": keras.__version__,
    }
    if args.metrics_json:
        args.metrics_json.write_text(json.dumps({"metrics": metrics, "training": training}, indent=2))
    if args.no_register:
        return 0

    card = ModelCard(
        name=args.name,
        task="image",
        classes=list(CLASSES),
        architecture=args.arch,
        preprocessing={
            "function": "medgui.core.imaging.preprocess.model_input",
            "grayscale": True,
            "size": 224,
            "interpolation": "INTER_AREA",
            "scale": "[0, 1]",
            "channels": 1,
        },
        threshold=round(float(threshold), 6),
        positive_class=POSITIVE,
        metrics=metrics,
        training=training,
        data_fingerprint=fingerprint(args.data, paths),
        notes="Pediatric chest radiographs (Kermany et al. 2018); decision support only, "
        "not validated for clinical use. See MODEL_CARD.md.",
    )
    with tempfile.TemporaryDirectory(prefix="medgui-staging-") as staging:
        model.save(Path(staging) / "model.keras")
        card = Registry(root=args.out, builtin=None).register(Path(staging), card)
    print(f"registered {card.ref} at {card.path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
