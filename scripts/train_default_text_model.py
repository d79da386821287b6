"""Train (and optionally ship) the default specialty text model from MTSamples.

Usage::

    python scripts/train_default_text_model.py --csv ../shared/data/text/mtsamples-train.csv \
        [--config bilstm:400 --config bigru:300 ...] [--register resources/models]

Each ``--config ARCH:SEQ_LEN`` is trained on the same split and reported next to a
TF-IDF + logistic-regression baseline fitted on exactly the same texts and labels.
With ``--register``, the first configuration is registered under that root (normally
``resources/models``) with a card holding its metrics. Label-set, deduplication and
split rules are documented in ``resources/models/specialty-text/MODEL_CARD.md``.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

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


def load_corpus(csv_path: Path, min_texts: int = MIN_TEXTS) -> tuple[list[str], list[str], dict]:
    """Deduplicated (text, specialty) pairs and a summary of every decision taken."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels_of: dict[str, set[str]] = collections.defaultdict(set)
    first_text: dict[str, str] = {}
    for row in rows:
        text = (row.get("transcription") or "").strip()
        key = textprep.normalize_whitespace(text)
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


def split(texts: list[str], y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """~72/14/14 stratified split; texts equal after normalisation share a group."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = np.array([hashlib.sha1(textprep.normalize_for_model(t).encode()).hexdigest() for t in texts])
    idx = np.arange(len(texts))
    outer = StratifiedGroupKFold(n_splits=7, shuffle=True, random_state=seed)
    rest, test = next(outer.split(idx, y, groups))
    inner = StratifiedGroupKFold(n_splits=6, shuffle=True, random_state=seed)
    tr, va = next(inner.split(rest, y[rest], groups[rest]))
    parts = {"train": rest[tr], "val": rest[va], "test": test}
    for a in parts:
        for b in parts:
            if a < b:
                assert not set(groups[parts[a]]) & set(groups[parts[b]]), "a text spans two splits"
    return parts


def scores(y_true: np.ndarray, y_pred: np.ndarray, classes: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=range(len(classes)), zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro", labels=range(len(classes)), zero_division=0)), 4),
        "per_class": {
            c: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3), "f1": round(float(f[i]), 3), "support": int(n[i])}
            for i, c in enumerate(classes)
        },
    }


def baseline(texts: list[str], y: np.ndarray, parts: dict[str, np.ndarray], classes: list[str], seed: int) -> dict:
    """TF-IDF + logistic regression (balanced); C chosen on the validation split."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    x = np.array(texts, dtype=object)
    best = None
    for c in (1.0, 10.0, 100.0):
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=50_000)
        xtr = vec.fit_transform(x[parts["train"]])
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
        clf.fit(xtr, y[parts["train"]])
        f1 = f1_score(y[parts["val"]], clf.predict(vec.transform(x[parts["val"]])), average="macro")
        if best is None or f1 > best[0]:
            best = (f1, c, vec, clf)
    _, c, vec, clf = best
    result = scores(y[parts["test"]], clf.predict(vec.transform(x[parts["test"]])), classes)
    result["C"] = c
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, required=True)
    ap.add_argument("--config", action="append", help="ARCH:SEQ_LEN (repeatable); default bilstm:400")
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--learning-rate", type=float, default=2e-3)
    ap.add_argument("--vocab-size", type=int, default=10_000)
    ap.add_argument("--units", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--register", type=Path, help="registry root to register the first config in")
    args = ap.parse_args(argv)

    texts, labels, summary = load_corpus(args.csv)
    classes = sorted(set(labels))
    y = np.array([classes.index(lab) for lab in labels])
    parts = split(texts, y, args.seed)
    summary["split"] = {k: int(len(v)) for k, v in parts.items()}
    summary["split_rule"] = "StratifiedGroupKFold 1/7 test, then 1/6 of the rest validation; groups = sha1 of normalised text"
    print(json.dumps(summary), flush=True)
    base = baseline(texts, y, parts, classes, args.seed)
    print(json.dumps({"baseline": {k: v for k, v in base.items() if k != "per_class"}}), flush=True)

    from medgui.core.ml.text import model as textmodel

    counts = np.bincount(y[parts["train"]], minlength=len(classes))
    class_weight = {i: float(len(parts["train"]) / (len(classes) * n)) for i, n in enumerate(counts)}
    tx = [texts[i] for i in parts["train"]]
    vx = [texts[i] for i in parts["val"]]
    results = []
    for spec in args.config or ["bilstm:400"]:
        arch, _, seq = spec.partition(":")
        seq_len = int(seq or 400)
        t0 = time.time()
        model, history = textmodel.train_text_model(
            tx, y[parts["train"]], classes, arch=arch, epochs=args.epochs, batch_size=args.batch_size,
            learning_rate=args.learning_rate, vocab_size=args.vocab_size, seq_len=seq_len,
            class_weight=class_weight, val=(vx, y[parts["val"]]), seed=args.seed, units=args.units,
            dropout=args.dropout, patience=args.patience,
            progress=lambda p: print(json.dumps(p), file=sys.stderr, flush=True) if p.get("stage") == "train" else None,
        )
        secs = time.time() - t0
        test = scores(y[parts["test"]], textmodel.predict_proba(model, [texts[i] for i in parts["test"]]).argmax(1), classes)
        val = scores(y[parts["val"]], textmodel.predict_proba(model, vx).argmax(1), classes)
        row = {"config": spec, "train_seconds": round(secs, 1), "best_epoch": history.get("best_epoch"),
               "test_accuracy": test["accuracy"], "test_macro_f1": test["macro_f1"],
               "val_accuracy": val["accuracy"], "val_macro_f1": val["macro_f1"]}
        print(json.dumps(row), flush=True)
        results.append((spec, model, history, test, val, secs, arch, seq_len))

    if args.register:
        from medgui.core.models.registry import ModelCard, Registry

        spec, model, history, test, val, secs, arch, seq_len = results[0]
        card = ModelCard(
            name=NAME,
            task="text",
            classes=classes,
            architecture=arch,
            metrics={
                "split": "test",
                "accuracy": test["accuracy"],
                "macro_f1": test["macro_f1"],
                "per_class": test["per_class"],
                "val_accuracy": val["accuracy"],
                "val_macro_f1": val["macro_f1"],
                "baseline": "TF-IDF (1-2 grams, sublinear) + logistic regression, class_weight=balanced, C on val",
                "baseline_accuracy": base["accuracy"],
                "baseline_macro_f1": base["macro_f1"],
                "baseline_per_class": base["per_class"],
            },
            training={
                "script": "scripts/train_default_text_model.py", "config": spec, "epochs_max": args.epochs,
                "best_epoch": history.get("best_epoch"), "batch_size": args.batch_size,
                "learning_rate": args.learning_rate, "units": args.units, "embed_dim": 100,
                "dropout": args.dropout, "patience": args.patience, "class_weight": "n / (classes x count)",
                "seed": args.seed, "train_seconds": round(secs, 1), "history": history,
            },
            data_fingerprint=summary,
            notes="Medical specialty from a transcription's text (MTSamples). Decision support only.",
        )
        # The shipped card is a plain registry entry: same atomic path as a user's model.
        registry = Registry(root=args.register, builtin=None)
        card = textmodel.save_text_model(model, card, registry)
        print(json.dumps({"registered": card.ref, "path": str(card.path)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
