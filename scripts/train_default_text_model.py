"""Choose, train and (optionally) ship the default specialty text model from MTSamples.

The script prepares the data: it picks the specialties (label rules below), drops texts
filed under two of them, and writes the kept (text, specialty) pairs as a two-column CSV
(``--prepared``). Then, with the recipe of ``medgui train`` (one ``TrainingConfig`` per
candidate, trained by ``core.ml.train.fit_and_predict``):

1. repeated grouped cross-validation over all notes (``core.ml.text.selection``) of each
   candidate architecture, of the TF-IDF + logistic-regression baseline and of the
   ensembles of an n-gram and a recurrent candidate, on the same folds: mean macro-F1,
   its 95 % CI and the paired difference from the baseline;
2. the architecture to ship (``--arch``) fitted on all notes and, with ``--register``,
   registered with a card holding that table and the command that rebuilds it. A
   candidate whose difference from the baseline is below 0 with its whole CI is not
   registered (``--force`` overrides)::

    nice -n 10 python scripts/train_default_text_model.py \
        --csv ../shared/data/text/mtsamples-train.csv --prepared specialty-text.csv \
        [--arch ngram_tfidf] [--candidates ngram_tfidf,bigru:300] [--register resources/models]

Label-set and deduplication rules are documented in
``resources/models/specialty-text/MODEL_CARD.md``.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import json
import shlex
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from medgui.core.text import tokens as textprep

# Labels that name a kind of document, a setting or a catch-all rather than a clinical
# specialty: a note's specialty cannot be read from them, and each overlaps every other.
EXCLUDED = {
    "Consult - History and Phy.",
    "Discharge Summary",
    "SOAP / Chart / Progress Notes",
    "Letters",
    "Office Notes",
    "IME-QME-Work Comp etc.",
    "Emergency Room Reports",  # a setting: its notes belong to every specialty
    "General Medicine",  # catch-all; 97 % of its texts carry another label as well
    "Surgery",  # catch-all: 96 % of its texts are also filed under an organ specialty
    "Radiology",  # a modality: its reports are filed under the organ imaged as well
    "Autopsy",
}
MIN_TEXTS = 40  # unique, unambiguous texts a specialty needs to be a class
NAME = "specialty-text"
TEXT, LABEL = "text", "specialty"  # the columns of the prepared table
NOTES = "Medical specialty from a transcription's text (MTSamples). Decision support only."


def load_corpus(csv_path: Path, min_texts: int = MIN_TEXTS) -> tuple[list[str], list[str], dict]:
    """Deduplicated (text, specialty) pairs and a summary of every decision taken."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels_of: dict[str, set[str]] = collections.defaultdict(set)
    first_text: dict[str, str] = {}
    for row in rows:
        text = (row.get("transcription") or "").strip()
        # Texts equal after the model's normalisation (case, punctuation) are one text, so
        # no near-copy can sit in two splits.
        key = textprep.normalize_for_model(text)
        if not key:
            continue
        labels_of[key].add((row.get("medical_specialty") or "").strip())
        first_text.setdefault(key, text)
    # Iterate: dropping a small specialty can make a text unambiguous for a kept one
    # (a {Neurosurgery, Orthopedic} text becomes Orthopedic once Neurosurgery is out).
    kept = {lab for labs in labels_of.values() for lab in labs} - EXCLUDED
    while True:
        counts: collections.Counter[str] = collections.Counter()
        for labs in labels_of.values():
            if len(labs & kept) == 1:
                counts[next(iter(labs & kept))] += 1
        smaller = {lab for lab in kept if counts[lab] >= min_texts}
        if smaller == kept:
            break
        kept = smaller
    texts, labels = [], []
    ambiguous = unlabelled = 0
    for key, labs in labels_of.items():
        chosen = labs & kept
        if len(chosen) == 1:
            texts.append(first_text[key])
            labels.append(next(iter(chosen)))
        elif chosen:
            ambiguous += 1  # filed under two kept specialties: no single right answer
        else:
            unlabelled += 1
    summary = {
        "csv_sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
        "rows": len(rows),
        "unique_texts": len(labels_of),
        "used_texts": len(texts),
        "dropped_ambiguous": ambiguous,
        "dropped_no_kept_label": unlabelled,
        "min_texts_per_class": min_texts,
        "excluded_labels": sorted(EXCLUDED),
        "class_counts": dict(sorted(collections.Counter(labels).items(), key=lambda kv: -kv[1])),
    }
    return texts, labels, summary


def write_table(path: Path, texts: list[str], labels: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([TEXT, LABEL])
        writer.writerows(zip(texts, labels, strict=True))


def print_progress(info: dict[str, Any]) -> None:
    if info.get("phase") == "cv" and "scores" in info:
        scores = " ".join(f"{k}={v:.4f}" for k, v in info["scores"].items())
        print(f"cv fold {info['fold']}/{info['folds']}: macro-F1 {scores}", file=sys.stderr, flush=True)
    elif info.get("phase") in ("train", "kfold", "fit"):
        # End of an epoch: the epoch report carries the validation figures (the last
        # batch report, the same batch, does not).
        if info.get("batch") == info.get("batches") and "val_loss" in (info.get("logs") or {}):
            logs = " ".join(f"{k}={v:.4f}" for k, v in (info.get("logs") or {}).items())
            print(f"epoch {info['epoch']}/{info['epochs']} {logs}", file=sys.stderr, flush=True)
    elif info.get("message") and info.get("phase") != "scan":
        print(f"{info['phase']}: {info['message']}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, required=True, help="the MTSamples table")
    ap.add_argument("--prepared", type=Path, help="where to write the prepared two-column table "
                    "(default: a temporary file; keep it to retrain with `medgui train`)")
    ap.add_argument("--arch", default="ngram_tfidf", help="the architecture to ship")
    ap.add_argument("--seq-len", type=int, default=300, help="tokens read by a sequence model")
    ap.add_argument("--candidates", default="ngram_tfidf,bigru:300",
                    help="comma-separated ARCH[:SEQ_LEN] cross-validated against the baseline")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rnn-repeats", type=int, default=1,
                    help="repeats for the (slow) recurrent candidates; their comparisons use those folds")
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--learning-rate", "--lr", dest="learning_rate", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--vocab-size", type=int, default=10_000)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-texts", type=int, default=MIN_TEXTS, help="texts a specialty needs to be a class")
    ap.add_argument("--cv-json", type=Path, help="also write the cross-validation table here")
    ap.add_argument("--cv-from", type=Path, help="reuse the table a run with the same options wrote "
                    "with --cv-json (the recurrent candidates take hours on two CPU cores)")
    ap.add_argument("--register", type=Path, help="registry root to register the model in")
    ap.add_argument("--force", action="store_true",
                    help="register even when the baseline is clearly better in cross-validation")
    args = ap.parse_args(argv)

    texts, labels, summary = load_corpus(args.csv, args.min_texts)
    print(json.dumps(summary), flush=True)
    with tempfile.TemporaryDirectory(prefix="medgui-text-") as tmp:
        prepared = args.prepared or Path(tmp) / "specialty-text.csv"
        write_table(prepared, texts, labels)
        return select_and_train(args, prepared.resolve(), summary, argv if argv is not None else sys.argv[1:])


def make_config(args: argparse.Namespace, prepared: Path, arch: str, seq_len: int) -> Any:
    """The one ``TrainingConfig`` for ``arch``: the script's options, the recipe's defaults.

    The n-gram model is fitted by a solver: the optimiser and sequence options do not
    apply to it, so its config keeps the defaults and its card's command stays short.
    """
    from medgui.core.ml.text.selection import NO_EARLY_STOPPING
    from medgui.core.training.config import TrainingConfig

    config = TrainingConfig(task="text", data=str(prepared), name=NAME, notes=NOTES, text_column=TEXT,
                            label_column=LABEL, seed=args.seed, architecture=arch, vocab_size=args.vocab_size)
    if arch in NO_EARLY_STOPPING:
        return config
    return replace(config, epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate,
                   dropout=args.dropout, weight_decay=args.weight_decay, patience=args.patience, seq_len=seq_len)


def print_table(cv: dict[str, Any]) -> None:
    print(f"{'candidate':<16} {'folds':>5} {'macro-F1':>9} {'95 % CI':>15} {'vs baseline':>12} {'95 % CI':>17}",
          file=sys.stderr)
    for name, row in cv["candidates"].items():
        m, d = row["macro_f1"], row.get("vs_baseline")
        ci = f"{m['ci'][0]:.3f}-{m['ci'][1]:.3f}" if m["ci"] else "-"
        diff = f"{d['mean']:+.3f}" if d else ""
        dci = f"{d['ci'][0]:+.3f}..{d['ci'][1]:+.3f}" if d and d["ci"] else ""
        print(f"{name:<16} {row['folds']:>5} {m['mean']:>9.3f} {ci:>15} {diff:>12} {dci:>17}", file=sys.stderr)


def select_and_train(args: argparse.Namespace, prepared: Path, summary: dict[str, Any], argv: list[str]) -> int:
    from medgui.cli.train import command_line
    from medgui.core.ml.service import configure_environment

    configure_environment()
    import numpy as np

    from medgui.core.ml.text import selection
    from medgui.core.ml.train import fit_and_predict, scan_data

    candidates: dict[str, Any] = {}
    for spec in [c for c in args.candidates.split(",") if c] + [args.arch]:
        arch, _, seq = spec.partition(":")
        candidates.setdefault(arch, make_config(args, prepared, arch, int(seq or args.seq_len)))
    shipped = candidates[args.arch]
    scan = scan_data(shipped)
    slow = {name: args.rnn_repeats for name, c in candidates.items() if c.arch not in selection.NO_EARLY_STOPPING}
    ensembles = {f"{a}+{b}": (a, b) for a in candidates for b in candidates
                 if a < b and (a in selection.NO_EARLY_STOPPING) != (b in selection.NO_EARLY_STOPPING)}
    if args.cv_from:
        cv = json.loads(args.cv_from.read_text(encoding="utf-8"))
        if cv.get("n") != len(scan.items) or set(cv["candidates"]) < {args.arch, selection.BASELINE}:
            print(f"{args.cv_from} is not a table of these notes and candidates", file=sys.stderr)
            return 2
    else:
        cv = selection.cross_validate(scan, candidates, fit_and_predict, args.folds, args.repeats, args.seed,
                                      slow, ensembles, progress=print_progress)
    print_table(cv)
    print(json.dumps({"cv": cv}), flush=True)
    if args.cv_json:
        args.cv_json.write_text(json.dumps(cv, indent=2), encoding="utf-8")
    row = cv["candidates"][args.arch]
    worse = row["vs_baseline"]["ci"] is not None and row["vs_baseline"]["ci"][1] < 0
    if worse:
        print(f"{args.arch} is worse than the baseline in cross-validation (macro-F1 difference "
              f"{row['vs_baseline']['mean']:+.3f}, CI entirely below 0)", file=sys.stderr)
    if not args.register:
        return 0
    if worse and not args.force:
        print("not registered: pass --force to ship it anyway", file=sys.stderr)
        return 1

    # The shipped model: the same recipe on every note (cross-validation measured it).
    all_idx = list(range(len(scan.items)))
    val_idx: list[int] = []
    if shipped.arch not in selection.NO_EARLY_STOPPING:
        y = np.asarray([scan.classes.index(i.label) for i in scan.items])
        all_idx, val_idx = selection.early_stopping_split(np.arange(len(y)), y, np.asarray(scan.groups), args.seed)
    model, info, _ = fit_and_predict(shipped, scan, all_idx, val_idx, [], print_progress)
    # The command that rebuilds it, without the options that only reuse or copy the table.
    rebuild = [a for i, a in enumerate(argv) if not (a.startswith("--cv-") or argv[i - 1].startswith("--cv-"))]
    card = shipped_card(args, shipped, scan, cv, info, summary, rebuild, command_line(shipped))
    from medgui.core.ml.text.model import save_text_model
    from medgui.core.models.registry import Registry

    card = save_text_model(model, card, Registry(root=args.register, builtin=None))
    print(json.dumps({"registered": card.ref, "path": str(card.path), "fit": info.get("solver")}), flush=True)
    return 0


def shipped_card(args: argparse.Namespace, config: Any, scan: Any, cv: dict[str, Any], info: dict[str, Any],
                 summary: dict[str, Any], argv: list[str], medgui_argv: list[str]) -> Any:
    """The card of the model fitted on every note: its cross-validated figures, the
    baseline's on the same folds, and the commands that rebuild it."""
    import keras
    import tensorflow as tf

    from medgui.core.ml.text import selection
    from medgui.core.models.card import ModelCard
    from medgui.core.training.datasets import fingerprint

    row, base = cv["candidates"][config.arch], cv["candidates"][selection.BASELINE]
    folds = f"{args.folds} folds x {args.repeats} repeats"
    metrics = {
        "split": f"cross-validation ({folds}, grouped by normalised text)",
        "evaluated_on": (f"repeated grouped cross-validation over all {len(scan.items):,} training notes "
                         f"({folds}); the shipped model is then fitted on all of them"),
        "n": len(scan.items), "classes": list(scan.classes),
        "macro_f1": row["macro_f1"]["mean"], "macro_f1_ci": row["macro_f1"]["ci"],
        "accuracy": row["accuracy"]["mean"], "accuracy_ci": row["accuracy"]["ci"],
        "baseline": {"name": cv["baseline"], "macro_f1": base["macro_f1"]["mean"],
                     "macro_f1_ci": base["macro_f1"]["ci"], "accuracy": base["accuracy"]["mean"],
                     "accuracy_ci": base["accuracy"]["ci"], "macro_f1_diff": row["vs_baseline"]["mean"],
                     "macro_f1_diff_ci": row["vs_baseline"]["ci"]},
        "ci_method": cv["ci_method"],
        "cv": cv,
        "caveat": ("cross-validated figures estimate a model fitted on 4/5 of the notes; the shipped one is "
                   "fitted on all of them and has no held-out figures of its own here"),
    }
    script = "scripts/train_default_text_model.py"
    training = {**config.to_json(), "architecture": config.arch, "final_fit": f"all {len(scan.items):,} notes",
                "solver": info.get("solver"), "epochs_run": info.get("epochs_run"),
                "script": script, "command": "python " + shlex.join([script, *argv]),
                "medgui_train_command": "medgui " + shlex.join(medgui_argv),
                "tensorflow": tf.__version__, "keras": keras.__version__}
    return ModelCard(name=NAME, task="text", classes=list(scan.classes), architecture=config.arch,
                     metrics=metrics, training=training, notes=NOTES,
                     data_fingerprint={**fingerprint(scan), "prepared_from": summary})


if __name__ == "__main__":
    sys.exit(main())
