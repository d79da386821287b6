"""``medgui train`` and ``medgui evaluate``: the training wizard's core, non-interactive.

``train`` scans the data (summary on stderr), trains with a progress bar on stderr,
registers the model and prints its ``NAME@VERSION`` as the last line of stdout.
``evaluate`` prints a registered model's metrics on a labelled folder or table
(``--json``: one JSON object with ``accuracy``, ``macro_f1``, ``auc``, ``auc_ci``,
``per_class``, ``confusion_matrix``, ``sensitivity``, ``specificity`` ...).
TensorFlow is imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from medgui.cli.progress import ProgressBar
from medgui.core.errors import TrainingError
from medgui.core.training.chance import stored_warnings
from medgui.core.training.config import (
    DEFAULT_ARCHITECTURE,
    IMBALANCE,
    MULTI_LABEL,
    NORMALISE,
    START_FROM,
    STRATEGIES,
    TASKS,
    TrainingConfig,
)

# Every option's default is TrainingConfig's: the wizard starts from the same values.
_D = TrainingConfig(task="image", data="")


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train", help="train an image or text classifier and register it",
        description="Train a classifier on a folder with one sub-folder per class (images, or "
        ".txt files) or, for text, a CSV/TSV table. The test split is never trained on; the "
        "registered NAME@VERSION is the last line of stdout.")
    p.add_argument("--task", required=True, choices=TASKS)
    p.add_argument("--data", required=True, metavar="PATH", help="dataset folder, or CSV/TSV for text")
    p.add_argument("--text-column", metavar="C", help="table column holding the text")
    p.add_argument("--label-column", metavar="L", help="table column holding the label")
    p.add_argument("--name", help="model name in the registry (default: task-folder)")
    p.add_argument("--notes", default="", help="free text stored in the model card")
    p.add_argument("--arch", default=_D.architecture, help="architecture (default: "
                   + " / ".join(DEFAULT_ARCHITECTURE.values()) + ")")
    p.add_argument("--epochs", type=int, default=_D.epochs)
    p.add_argument("--batch-size", type=int, default=_D.batch_size)
    p.add_argument("--lr", type=float, default=_D.learning_rate, help=f"learning rate (default {_D.learning_rate:g})")
    p.add_argument("--dropout", type=float, default=_D.dropout)
    p.add_argument("--weight-decay", type=float, default=_D.weight_decay, help="AdamW weight decay")
    p.add_argument("--patience", type=int, default=_D.patience, help="early-stopping patience in epochs")
    p.add_argument("--no-restore-best", action="store_true",
                   help="keep the last epoch's weights instead of the best validation epoch's")
    p.add_argument("--seed", type=int, default=_D.seed)
    p.add_argument("--val", type=float, default=_D.val_fraction, metavar="F", help="validation fraction")
    p.add_argument("--test", type=float, default=_D.test_fraction, metavar="F", help="test fraction")
    p.add_argument("--min-sensitivity", type=float, default=_D.min_sensitivity, metavar="S",
                   help="two classes: the threshold keeps at least this validation sensitivity")
    p.add_argument("--group-pattern", metavar="RE",
                   help=r"regex naming the patient in file names, e.g. '(person\d+)_'")
    p.add_argument("--imbalance", choices=IMBALANCE, default=_D.imbalance)
    p.add_argument("--no-augment", action="store_true", help="no image augmentation")
    p.add_argument("--horizontal-flip", action="store_true", help="add horizontal flips (moves the heart!)")
    p.add_argument("--image-size", type=int, default=_D.image_size, help="model input side in pixels")
    p.add_argument("--start-from", choices=START_FROM, default=_D.start_from,
                   help="images: start from the shipped chest X-ray model's features (xray, "
                        "recommended for small data sets) or from random weights (scratch)")
    p.add_argument("--normalise", choices=NORMALISE, default=_D.normalise,
                   help="images: intensity standardisation (clahe: contrast-limited histogram "
                        "equalisation; none)")
    p.add_argument("--vocab-size", type=int, default=_D.vocab_size)
    p.add_argument("--seq-len", type=int, default=_D.seq_len)
    p.add_argument("--kfold", type=int, default=_D.kfold, metavar="K", help="K-fold cross-validation (0 = off)")
    p.add_argument("--strategy", choices=STRATEGIES, default=_D.strategy,
                   help="tf.distribute strategy; multiworker reads TF_CONFIG")
    p.add_argument("--positive-class", help="two classes: the one sensitivity refers to")
    p.add_argument("--exclude-class", action="append", default=[], metavar="C",
                   help="leave this class out (repeatable)")
    p.add_argument("--multi-label", choices=MULTI_LABEL, default=_D.multi_label,
                   help="a text filed under several classes: leave it out (drop), take its first "
                        "label, the label given most often (majority), or one example per label (each)")
    p.add_argument("--activate", action="store_true", help="make the new model the active one")
    p.add_argument("--force", action="store_true",
                   help="with --activate: activate even when the model may be no better than chance")
    p.add_argument("--json", action="store_true", help="print the card and evaluation as JSON first")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(handler=run_train)

    e = subparsers.add_parser(
        "evaluate", help="metrics of a registered model on a labelled dataset",
        description="Evaluate NAME[@VERSION] on a folder with one sub-folder per class, or a table.")
    e.add_argument("--model", required=True, metavar="NAME[@VERSION]")
    e.add_argument("--data", required=True, metavar="PATH")
    e.add_argument("--text-column", metavar="C")
    e.add_argument("--label-column", metavar="L")
    e.add_argument("--json", action="store_true", help="one JSON object with every metric")
    e.add_argument("--no-progress", action="store_true")
    e.set_defaults(handler=run_evaluate)


class _Progress:
    """One stderr bar per phase, fed by the core's progress dicts."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: ProgressBar | None = None
        self.key: tuple[Any, ...] = ()

    def __call__(self, info: dict[str, Any]) -> None:
        phase = info.get("phase")
        if phase == "scan":
            self._bar(("scan",), int(info.get("total") or 0), "scan").update(int(info.get("done") or 0))
        elif phase in ("train", "kfold"):
            batches = int(info.get("batches") or 1)
            epochs = int(info.get("epochs") or 1)
            label = f"fold {info.get('fold')}/{info.get('folds')}" if phase == "kfold" else "train"
            bar = self._bar((phase, info.get("fold")), epochs * batches, label)
            done = (int(info.get("epoch") or 1) - 1) * batches + int(info.get("batch") or batches)
            logs = info.get("logs") or {}
            text = " ".join(f"{k} {logs[k]:.3f}" for k in ("loss", "val_loss", "val_accuracy") if k in logs)
            bar.update(min(done, bar.total), text)
        elif info.get("message"):
            self.close()
            if not self.quiet:
                print(f"{phase}: {info['message']}", file=sys.stderr)

    def _bar(self, key: tuple[Any, ...], total: int, label: str) -> ProgressBar:
        if self.bar is None or key != self.key:
            self.close()
            self.bar, self.key = ProgressBar(total, f"{label:>10}", quiet=self.quiet), key
        return self.bar

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _default_name(task: str, data: str) -> str:
    stem = Path(data).stem or Path(data).resolve().name
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{task}-{stem}").strip("-.") or task


def config_from_args(args: argparse.Namespace) -> TrainingConfig:
    """The ``TrainingConfig`` that ``medgui train``'s options describe (raises ``TrainingError``)."""
    # Rounded so that --val/--test given as printed reproduce the stored fractions exactly.
    fractions = (round(1.0 - args.val - args.test, 10), args.val, args.test)
    if min(fractions) <= 0:
        raise TrainingError("--val and --test must be positive and sum to less than 1")
    config = TrainingConfig(
        task=args.task, data=args.data, name=args.name or _default_name(args.task, args.data),
        notes=args.notes, text_column=args.text_column, label_column=args.label_column,
        exclude_classes=tuple(args.exclude_class), multi_label=args.multi_label,
        group_pattern=args.group_pattern, train_fraction=fractions[0], val_fraction=fractions[1], test_fraction=fractions[2],
        seed=args.seed, imbalance=args.imbalance, augment=not args.no_augment,
        horizontal_flip=args.horizontal_flip, architecture=args.arch, epochs=args.epochs,
        batch_size=args.batch_size, learning_rate=args.lr, dropout=args.dropout,
        weight_decay=args.weight_decay, patience=args.patience, restore_best=not args.no_restore_best,
        kfold=args.kfold, image_size=args.image_size, start_from=args.start_from,
        normalise=args.normalise, vocab_size=args.vocab_size, seq_len=args.seq_len,
        strategy=args.strategy, positive_class=args.positive_class, min_sensitivity=args.min_sensitivity)
    config.check()
    return config


# TrainingConfig field -> ``medgui train`` option, for the fields that take a value.
_OPTIONS = {
    "task": "--task", "data": "--data", "name": "--name", "notes": "--notes",
    "text_column": "--text-column", "label_column": "--label-column", "group_pattern": "--group-pattern",
    "multi_label": "--multi-label",
    "val_fraction": "--val", "test_fraction": "--test", "seed": "--seed", "imbalance": "--imbalance",
    "architecture": "--arch", "epochs": "--epochs", "batch_size": "--batch-size", "learning_rate": "--lr",
    "dropout": "--dropout", "weight_decay": "--weight-decay", "patience": "--patience", "kfold": "--kfold",
    "image_size": "--image-size", "start_from": "--start-from", "normalise": "--normalise",
    "vocab_size": "--vocab-size", "seq_len": "--seq-len",
    "strategy": "--strategy", "positive_class": "--positive-class", "min_sensitivity": "--min-sensitivity",
}


def command_line(config: TrainingConfig) -> list[str]:
    """The ``medgui train`` arguments that rebuild ``config`` (options at their default are left out).

    A script that trains a shipped model records this in the card, so the card says how
    to reproduce it with the same recipe.
    """
    default = TrainingConfig(task=config.task, data=config.data)
    argv = ["train", "--task", config.task, "--data", config.data]
    for field, option in _OPTIONS.items():
        value = getattr(config, field)
        if field not in ("task", "data") and value != getattr(default, field) and value is not None:
            argv += [option, str(value)]
    argv += [arg for c in config.exclude_classes for arg in ("--exclude-class", c)]
    argv += ["--no-augment"] if not config.augment else []
    argv += ["--horizontal-flip"] if config.horizontal_flip else []
    argv += ["--no-restore-best"] if not config.restore_best else []
    return argv


def run_train(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except TrainingError as exc:
        print(f"medgui train: error: {exc}", file=sys.stderr)
        return 2
    from medgui.core.models.leftovers import clean_training

    clean_training()  # working folders of runs that crashed or were killed
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.train import register_outcome, run_training, scan_data

    progress = _Progress(args.no_progress)
    scan = scan_data(config, progress)
    progress.close()
    print(scan.summary(), file=sys.stderr)
    for line in data_advice(config, scan):
        print(f"note: {line}", file=sys.stderr)
    outcome = run_training(config, progress, scan=scan)
    progress.close()
    warnings = stored_warnings(outcome.evaluation)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    refused = args.activate and bool(warnings) and not args.force
    card = register_outcome(outcome, config.name, config.notes, activate=args.activate and not refused)
    if args.json:
        print(json.dumps({"model": card.ref, "card": card.to_json(), "evaluation": outcome.evaluation}))
    else:
        print(_metrics_text(outcome.evaluation))
    print(card.ref)
    if refused:
        print(f"medgui train: {card.ref} was registered but not activated: it may be no better "
              "than chance (see the warnings above). Add --force to activate it anyway.", file=sys.stderr)
        return 1
    return 0


def data_advice(config: TrainingConfig, scan: Any) -> list[str]:
    """Small-data guidance and a grouping the file names suggest but the run does not use."""
    from medgui.core.training.grouping import propose_pattern
    from medgui.core.training.splits import small_data_advice

    counts = {c: n for c, n in scan.counts.items() if c not in config.exclude_classes}
    lines = small_data_advice(counts, config.test_fraction, config.kfold)
    if not config.group_pattern and not scan.grouping:
        proposal = propose_pattern([i.path.name for i in scan.items if i.path is not None])
        if proposal is not None:
            lines.append(f"the file names look grouped by patient ({proposal.describe()}), but no "
                         "grouping is set: one patient's images may land in both training and test "
                         f"and flatter the figures. Add --group-pattern '{proposal.pattern}'.")
    return lines


def run_evaluate(args: argparse.Namespace) -> int:
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.evaluate import evaluate_model

    progress = _Progress(args.no_progress)
    metrics = evaluate_model(args.model, args.data, args.text_column, args.label_column, progress)
    progress.close()
    print(json.dumps(metrics) if args.json else _metrics_text(metrics))
    return 0


def _metrics_text(m: dict[str, Any]) -> str:
    def ci(key: str) -> str:
        value = m.get(f"{key}_ci")
        return f"  (95 % CI {value[0]:.3f}-{value[1]:.3f})" if value else ""

    lines = [f"WARNING: {w}" for w in stored_warnings(m)]
    lines += [f"note: {note}" for note in m.get("notes") or []]
    lines += [f"test examples: {m['n']}", f"accuracy: {m['accuracy']:.3f}{ci('accuracy')}",
             f"macro_f1: {m['macro_f1']:.3f}{ci('macro_f1')}"]
    if m.get("auc") is not None:
        lines.append(f"auc: {m['auc']:.3f}{ci('auc')}")
    base = m.get("majority_baseline")
    if isinstance(base, dict) and base.get("majority_class") is not None:
        lines.append(f"majority-class baseline (always '{base['majority_class']}'): accuracy "
                     f"{base['majority_accuracy']:.3f}, macro_f1 {base['majority_macro_f1']:.3f}")
    if isinstance(m.get("ece"), float):
        lines.append(f"calibration: ECE {m['ece']:.3f}")
    if m.get("sensitivity") is not None:
        lines.append(f"threshold: P({m['positive_class']}) >= {m['threshold']:.3f}: sensitivity "
                     f"{m['sensitivity']:.3f}, specificity {m.get('specificity') or 0:.3f}")
    width = max(len(c) for c in m["classes"])
    lines.append(f"{'class':<{width}}  precision  recall  f1     support")
    for c, row in m["per_class"].items():
        lines.append(f"{c:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:.3f}  {row['support']:7d}")
    lines.append("confusion matrix (rows: true class, columns: predicted):")
    lines += ["  " + " ".join(f"{v:6d}" for v in row) for row in m["confusion_matrix"]]
    if m.get("kfold"):
        k = m["kfold"]
        lines.append(f"{k['folds']}-fold cross-validation: " + "; ".join(
            f"{key} {k[key]['mean']:.3f} ± {k[key]['std']:.3f}" for key in ("accuracy", "macro_f1", "auc") if key in k))
    return "\n".join(lines)
