"""Train (and optionally ship) the default specialty text model from MTSamples.

A thin caller of ``medgui.core.ml.train.run_training``, the recipe the training wizard
and ``medgui train`` use. The script only prepares the data: it picks the specialties
(label rules below), drops texts filed under two of them, writes the kept
(text, specialty) pairs as a two-column CSV (``--prepared``), and trains on that table
with one ``TrainingConfig``. The card records the config and the equivalent
``medgui train`` command line, plus a TF-IDF + logistic-regression baseline fitted on
the same training split and scored on the same test split::

    python scripts/train_default_text_model.py --csv ../shared/data/text/mtsamples-train.csv \
        --prepared specialty-text.csv [--register resources/models]

Label-set, deduplication and split rules are documented in
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
from pathlib import Path
from typing import Any

import numpy as np

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


def baseline(config: Any) -> dict[str, Any]:
    """TF-IDF (1-2 grams) + logistic regression on the run's own training split, C chosen on
    its validation split, scored on its test split with the same metrics function."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from medgui.core.ml.train import scan_data
    from medgui.core.training.metrics import evaluate_probabilities
    from medgui.core.training.splits import split_items

    scan = scan_data(config)
    split = split_items(scan.labels, scan.groups, config.train_fraction, config.val_fraction,
                        config.test_fraction, config.seed)
    x = np.array([textprep.normalize_for_model(i.text or "") for i in scan.items], dtype=object)
    y = np.array([scan.classes.index(i.label) for i in scan.items])
    tr, va, te = (list(part) for part in (split.train, split.val, split.test))
    best: tuple[float, float, Any, Any] | None = None
    for c in (1.0, 10.0, 100.0):
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=50_000)
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=config.seed)
        clf.fit(vec.fit_transform(x[tr]), y[tr])
        f1 = evaluate_probabilities(y[va], clf.predict_proba(vec.transform(x[va])), scan.classes,
                                    n_bootstrap=0)["macro_f1"]
        if best is None or f1 > best[0]:
            best = (f1, c, vec, clf)
    assert best is not None
    _, c, vec, clf = best
    result = evaluate_probabilities(y[te], clf.predict_proba(vec.transform(x[te])), scan.classes,
                                    seed=config.seed)
    return {"baseline": f"TF-IDF (1-2 grams, sublinear) + logistic regression, class_weight=balanced, C={c:g} "
                        "chosen on the validation split",
            **{f"baseline_{k}": result[k] for k in ("accuracy", "accuracy_ci", "macro_f1", "macro_f1_ci", "auc")},
            "baseline_per_class": result["per_class"]}


def print_progress(info: dict[str, Any]) -> None:
    if info.get("phase") in ("train", "kfold"):
        if info.get("batch") == info.get("batches"):  # end of an epoch
            logs = " ".join(f"{k}={v:.4f}" for k, v in (info.get("logs") or {}).items())
            print(f"epoch {info['epoch']}/{info['epochs']} {logs}", file=sys.stderr, flush=True)
    elif info.get("message") and info.get("phase") != "scan":
        print(f"{info['phase']}: {info['message']}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, required=True, help="the MTSamples table")
    ap.add_argument("--prepared", type=Path, help="where to write the prepared two-column table "
                    "(default: a temporary file; keep it to retrain with `medgui train`)")
    ap.add_argument("--arch", default="bigru")
    ap.add_argument("--seq-len", type=int, default=300)
    ap.add_argument("--config", metavar="ARCH:SEQ_LEN", help="shorthand for --arch and --seq-len")
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--learning-rate", "--lr", dest="learning_rate", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--vocab-size", type=int, default=10_000)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--val", type=float, default=0.14, help="validation fraction")
    ap.add_argument("--test", type=float, default=0.14, help="test fraction")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-texts", type=int, default=MIN_TEXTS, help="texts a specialty needs to be a class")
    ap.add_argument("--register", type=Path, help="registry root to register the model in")
    args = ap.parse_args(argv)
    if args.config:
        arch, _, seq = args.config.partition(":")
        args.arch, args.seq_len = arch, int(seq or args.seq_len)

    texts, labels, summary = load_corpus(args.csv, args.min_texts)
    print(json.dumps(summary), flush=True)
    with tempfile.TemporaryDirectory(prefix="medgui-text-") as tmp:
        prepared = args.prepared or Path(tmp) / "specialty-text.csv"
        write_table(prepared, texts, labels)
        return train(args, prepared.resolve(), summary)


def train(args: argparse.Namespace, prepared: Path, summary: dict[str, Any]) -> int:
    from medgui.cli.train import command_line
    from medgui.core.ml.service import configure_environment
    from medgui.core.training.config import TrainingConfig

    configure_environment()
    from medgui.core.ml.train import register_outcome, run_training
    from medgui.core.models.registry import Registry

    config = TrainingConfig(
        task="text", data=str(prepared), name=NAME, notes=NOTES, text_column=TEXT, label_column=LABEL,
        train_fraction=round(1.0 - args.val - args.test, 10), val_fraction=args.val, test_fraction=args.test,
        seed=args.seed, architecture=args.arch, epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.learning_rate, dropout=args.dropout, weight_decay=args.weight_decay,
        patience=args.patience, vocab_size=args.vocab_size, seq_len=args.seq_len)
    base = baseline(config)
    print(json.dumps({k: v for k, v in base.items() if k != "baseline_per_class"}), flush=True)
    outcome = run_training(config, print_progress)
    try:
        evaluation = {k: v for k, v in outcome.evaluation.items() if k != "roc"}
        print(json.dumps({"evaluation": evaluation, **outcome.extras}), flush=True)
        if not args.register:
            return 0
        outcome.card.metrics.update(base)
        outcome.card.data_fingerprint["prepared_from"] = summary
        outcome.card.training["script"] = "scripts/train_default_text_model.py"
        outcome.card.training["command"] = "medgui " + shlex.join(command_line(config))
        card = register_outcome(outcome, NAME, NOTES, registry=Registry(root=args.register, builtin=None))
    finally:
        outcome.discard()
    print(json.dumps({"registered": card.ref, "path": str(card.path)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
