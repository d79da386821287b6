"""The text half of ``build_gates.py``: in-scope notes, out-of-scope texts, leave-one-kind-out,
fit, write."""

from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from build_image_gate import rate_ci
from gate_sources import record_in_card
from train_default_text_model import EXCLUDED, load_corpus

from medgui.core.gate import text_negatives
from medgui.core.gate.files import write_gate
from medgui.core.gate.text_fit import build_lexicon, feature_matrix, fit_text_gate, text_flags
from medgui.core.models.card import ModelCard
from medgui.core.text import tokens as textprep

# Specialties the shipped label set leaves out that are clearly other fields (document types,
# settings and catch-alls such as Surgery or Discharge Summary hold notes of every specialty).
OUT_OF_SCOPE = ("Psychiatry / Psychology", "Dermatology", "Dentistry", "Podiatry", "Cosmetic / Plastic Surgery",
                "Sleep Medicine", "Bariatrics", "Physical Medicine - Rehab", "Chiropractic", "Endocrinology",
                "Diets and Nutritions", "Rheumatology", "Speech - Language", "Hospice - Palliative Care",
                "Lab Medicine - Pathology", "Allergy / Immunology", "Pediatrics - Neonatal", "Pain Management",
                "Neurosurgery")
PER_KIND = 60


def load_card(folder: Path) -> ModelCard:
    return ModelCard.from_json(json.loads((folder / "card.json").read_text(encoding="utf-8")), folder, True)


def inscope_split(card: ModelCard, texts: list[str], labels: list[str]) -> tuple[list[int], list[int], list[int]]:
    """The model's own train / validation / test split of the in-scope texts."""
    groups = [hashlib.sha1(textprep.normalize_for_model(t).encode()).hexdigest() for t in texts]
    training = card.training or {}
    if "train_fraction" in training:  # made by run_training: the one split
        from medgui.core.training.splits import split_items

        s = split_items(labels, groups, training["train_fraction"], training["val_fraction"],
                        training["test_fraction"], training["seed"])
        return list(s.train), list(s.val), list(s.test)
    # specialty-text@1 (before run_training): StratifiedGroupKFold 1/7 test, then 1/6 of the
    # rest validation, seed 0 (its MODEL_CARD.md); the sizes are checked below.
    from sklearn.model_selection import StratifiedGroupKFold

    idx = np.arange(len(texts))
    y = np.asarray(labels)
    g = np.asarray(groups)
    rest, test = next(StratifiedGroupKFold(7, shuffle=True, random_state=0).split(idx, y, g))
    tr, va = next(StratifiedGroupKFold(6, shuffle=True, random_state=0).split(rest, y[rest], g[rest]))
    return list(rest[tr]), list(rest[va]), list(test)


def out_of_scope_notes(csv_path: Path, kept: set[str]) -> dict[str, list[str]]:
    labels_of: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    with open(csv_path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("transcription") or "").strip()
            key = textprep.normalize_for_model(text)
            if key:
                labels_of[key].add((row.get("medical_specialty") or "").strip())
                first.setdefault(key, text)
    out: dict[str, list[str]] = defaultdict(list)
    for key, labs in labels_of.items():
        if labs & kept:
            continue
        oos = sorted(labs & set(OUT_OF_SCOPE))
        if oos:
            out[f"notes: {oos[0]}"].append(first[key])
        elif labs <= EXCLUDED:
            out["notes: document types only (info)"].append(first[key])
    return dict(out)


def real_nonclinical() -> dict[str, list[str]]:
    """Real non-clinical texts on this machine, never used in fitting: software licences,
    Python docstrings and Python source code."""
    out: dict[str, list[str]] = {"licences (real)": [], "docstrings (real)": [], "source code (real)": []}
    for f in sorted(glob.glob("/usr/share/common-licenses/*"))[:12]:
        paras = [p for p in re.split(r"\n\s*\n", Path(f).read_text(errors="ignore")) if len(p.split()) > 40]
        out["licences (real)"] += paras[:8]
    import importlib
    import inspect

    for name in ("json", "csv", "argparse", "logging", "email", "http.client", "random", "statistics",
                 "textwrap", "pathlib", "decimal", "fractions", "calendar", "datetime", "tarfile", "zipfile"):
        mod = importlib.import_module(name)
        for _, obj in inspect.getmembers(mod):
            doc = inspect.getdoc(obj) if (inspect.isfunction(obj) or inspect.isclass(obj)) else None
            if doc and len(doc.split()) > 40:
                out["docstrings (real)"].append(doc)
    out["docstrings (real)"] = out["docstrings (real)"][:120]
    for f in sorted(glob.glob(str(Path(np.__file__).parent / "lib" / "*.py")))[:60]:
        src = Path(f).read_text(errors="ignore")
        chunks = [c for c in re.split(r"\n(?=def |class )", src) if len(c.split()) > 40]
        out["source code (real)"] += chunks[1:3]
    return {k: v for k, v in out.items() if v}


def probabilities(folder: Path, texts: list[str]) -> np.ndarray:
    from medgui.core.ml import modelio
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.text.model import predict_proba

    model = modelio.load_model(load_card(folder))
    return np.asarray(predict_proba(model, texts))


def text_main(args: argparse.Namespace) -> dict[str, Any]:
    card = load_card(args.model)
    texts, labels, _ = load_corpus(args.csv)
    if set(labels) != set(card.classes):
        raise SystemExit(f"the corpus gives classes {sorted(set(labels))}, the model knows {card.classes}")
    tr, va, te = inscope_split(card, texts, labels)
    print(f"in-scope split {len(tr)}/{len(va)}/{len(te)}", flush=True)
    oos = out_of_scope_notes(args.csv, set(card.classes))
    constructed = {f"constructed: {k}": text_negatives.make(k, PER_KIND, seed=1) for k in text_negatives.kinds()}
    real = real_nonclinical()
    every = {"in-scope": texts, **oos, **constructed, **real}
    names = list(every)
    flat = [t for k in names for t in every[k]]
    key = hashlib.sha1((str(args.model.resolve()) + json.dumps(card.files)).encode()).hexdigest()[:10]
    cache = args.cache / f"text-probs-{key}-{hashlib.sha1(json.dumps(flat).encode()).hexdigest()[:10]}.npy"
    if cache.is_file():
        probs = np.load(cache, allow_pickle=False)
    else:
        probs = probabilities(args.model, flat)
        args.cache.mkdir(parents=True, exist_ok=True)
        np.save(cache, probs)
    by_kind, start = {}, 0
    for k in names:
        by_kind[k] = probs[start : start + len(every[k])]
        start += len(every[k])
    lexicon = build_lexicon([texts[i] for i in tr])
    feats = {k: feature_matrix(every[k], by_kind[k], *lexicon) for k in names}
    x = feats["in-scope"]
    fit_kinds = [k for k in names if k.startswith(("constructed:", "notes:")) and "(info)" not in k]
    domain = f"clinical notes of these specialties: {', '.join(card.classes)}"
    report: dict[str, Any] = {"split": {"train": len(tr), "validation": len(va), "test": len(te)},
                              "leave_one_kind_out": {}, "held_out_kinds": {}, "in_scope": {}}
    for kind in fit_kinds:
        meta = fit_text_gate([texts[i] for i in tr], x[tr], x[va],
                             {k: feats[k] for k in fit_kinds if k != kind}, lexicon, domain=domain)
        f = text_flags(feats[kind], meta)
        report["leave_one_kind_out"][kind] = {**rate_ci(int(f.sum()), len(f)),
                                             "in_scope_test_flagged": round(float(text_flags(x[te], meta).mean()), 4)}
    meta = fit_text_gate([texts[i] for i in tr], x[tr], x[va], {k: feats[k] for k in fit_kinds}, lexicon, domain=domain)
    for kind in names:
        if kind not in fit_kinds and kind != "in-scope":
            f = text_flags(feats[kind], meta)
            report["held_out_kinds"][kind] = rate_ci(int(f.sum()), len(f))
    for part, idx in (("validation (sets the threshold)", va), ("test", te), ("train", tr)):
        f = text_flags(x[idx], meta)
        report["in_scope"][part] = rate_ci(int(f.sum()), len(f))
    loko = report["leave_one_kind_out"]
    pooled = [k for k in loko if k.startswith("constructed:")]
    report["pooled"] = {
        "constructed non-clinical, each left out": rate_ci(sum(loko[k]["flagged"] for k in pooled),
                                                            sum(loko[k]["n"] for k in pooled)),
        "other specialties' notes, each left out": rate_ci(
            sum(loko[k]["flagged"] for k in loko if k.startswith("notes:")),
            sum(loko[k]["n"] for k in loko if k.startswith("notes:"))),
    }
    print(json.dumps(report, indent=1), flush=True)
    report["summary"] = {k: v for k, v in report.items() if k != "summary"}
    if args.write:
        figures = {
            "what": "record applicability gate (medgui.core.gate.text_gate): logistic model on the share of "
                    "known words, the share of common clinical words, the model's maximum probability and "
                    "entropy, and the length; fitted by scripts/build_gates.py",
            "in_scope_pass_rate": {k: (None if v["rate"] is None else round(1 - v["rate"], 4))
                                   for k, v in report["in_scope"].items()},
            "in_scope_false_flags": report["in_scope"],
            "out_of_scope_flag_rate_leave_one_kind_out": report["leave_one_kind_out"],
            "out_of_scope_flag_rate_kinds_never_fitted": report["held_out_kinds"],
            "pooled": report["pooled"],
            "split": f"the model's own split: lexicon and fit on its training texts, threshold on its "
                     f"validation texts, figures on its test texts ({len(te)})",
        }
        meta["figures"] = figures
        written = write_gate(args.model, meta)
        record_in_card(args.model, written, figures)
        print(f"wrote {written} into {args.model}")
    return report
