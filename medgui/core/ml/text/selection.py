"""Choosing a text architecture: repeated grouped cross-validation, the baseline beside it.

One split of a few hundred notes cannot tell two good models apart (the shipped BiGRU
and the linear baseline looked level on 185 test notes, 0.847 vs 0.839, and were 0.09
apart on 341 new ones). Here every candidate, each a ``TrainingConfig`` trained by the
recipe's own trainer (``core.ml.train.fit_and_predict``, passed in), and the TF-IDF + logistic
regression baseline (``text.baseline``) are fitted and scored on the same folds:

- ``StratifiedGroupKFold(folds)``, repeated ``repeats`` times with different shuffles;
  groups are the scan's (one per distinct normalised text for a prepared table), so no
  text is on both sides of a fold;
- a candidate that early-stops (the RNNs) holds out 1/6 of its training folds, grouped,
  for that; the baseline and the n-gram model, which do not, fit all training folds;
- a slow candidate may run on the first repeats only (``repeats_of``): its comparisons
  with the others are made on the folds it ran, and the table says how many those are.

Intervals: fold scores of repeated CV are not independent (the training sets overlap),
so the plain t-interval over folds is too narrow. The interval used is the corrected
resampled t (Nadeau & Bengio 2003; Bouckaert & Frank 2004): mean +/- t(0.975, J-1) *
sqrt((1/J + n_test/n_train) * s^2) over the J fold scores. The same correction gives the
interval of each candidate's paired difference from the baseline, fold by fold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from medgui.core.errors import Cancelled
from medgui.core.ml.text import baseline as linear
from medgui.core.text import tokens as textprep
from medgui.core.training.config import TrainingConfig
from medgui.core.training.datasets import DatasetScan
from medgui.core.training.metrics import evaluate_probabilities

BASELINE = "baseline"
NO_EARLY_STOPPING = ("ngram_tfidf",)  # architectures that do not need a validation split
CI_METHOD = ("corrected resampled t-interval over fold scores (Nadeau & Bengio 2003): "
             "mean +/- t(0.975, J-1) * sqrt((1/J + n_test/n_train) * sd^2)")


def corrected_t_interval(values: Sequence[float], test_share: float, level: float = 0.95) -> list[float] | None:
    """The corrected resampled t-interval of the mean of ``values`` (fold scores).

    ``test_share`` is n_test / n_train of one fold (0.25 for 5 folds).
    """
    from scipy.stats import t

    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return None
    half = t.ppf((1 + level) / 2, len(v) - 1) * np.sqrt((1 / len(v) + test_share) * v.var(ddof=1))
    return [float(v.mean() - half), float(v.mean() + half)]


def _summary(values: list[float], test_share: float) -> dict[str, Any]:
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "ci": corrected_t_interval(values, test_share),
            "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0, "values": [round(float(x), 4) for x in v]}


def _fold_plan(y: np.ndarray, groups: np.ndarray, folds: int, repeats: int, seed: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedGroupKFold

    plan = []
    for r in range(repeats):
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + r)
        for rest, held in splitter.split(np.zeros(len(y)), y, groups):
            plan.append((r, rest, held))
    return plan


def early_stopping_split(rest: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int) -> tuple[list[int], list[int]]:
    """1/6 of ``rest`` (grouped, stratified) for early stopping, the rest to fit."""
    from sklearn.model_selection import StratifiedGroupKFold

    fit_pos, val_pos = next(StratifiedGroupKFold(n_splits=6, shuffle=True, random_state=seed)
                            .split(np.zeros(len(rest)), y[rest], groups[rest]))
    return rest[fit_pos].tolist(), rest[val_pos].tolist()


FitFn = Callable[..., tuple[Any, dict[str, Any], np.ndarray]]


def cross_validate(scan: DatasetScan, candidates: dict[str, TrainingConfig], fit: FitFn, folds: int = 5,
                   repeats: int = 3,
                   seed: int = 0, repeats_of: dict[str, int] | None = None,
                   ensembles: dict[str, Sequence[str]] | None = None,
                   progress: Callable[[dict[str, Any]], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Repeated grouped CV of ``candidates`` and the baseline on ``scan`` (a text scan).

    ``fit`` is the recipe's trainer, ``core.ml.train.fit_and_predict`` (passed in: the
    training module imports this package, not the other way round). ``ensembles`` names
    mean-of-probabilities combinations of candidates (or of the
    baseline), scored on the folds all their members ran; nothing is refitted for them.

    Returns ``{"protocol", "ci_method", "n", "classes", "baseline" (its description),
    "candidates": {name: {"architecture", "repeats", "folds", "macro_f1": {mean, ci, sd,
    values}, "accuracy": {...}, "vs_baseline": {...} (macro-F1 minus the baseline's, fold
    by fold)}}}``; the baseline's own row is named ``"baseline"``.
    """
    report = progress or (lambda info: None)
    is_cancelled = cancelled or (lambda: False)
    classes = list(scan.classes)
    y = np.asarray([classes.index(i.label) for i in scan.items], dtype=np.int64)
    groups = np.asarray(scan.groups)
    norm = np.asarray([textprep.normalize_for_model(i.text or "") for i in scan.items], dtype=object)
    plan = _fold_plan(y, groups, folds, repeats, seed)
    repeats_of = repeats_of or {}
    ensembles = dict(ensembles or {})
    scores: dict[str, list[dict[str, Any]]] = {name: [] for name in [BASELINE, *candidates, *ensembles]}
    for k, (r, rest, held) in enumerate(plan):
        if is_cancelled():
            raise Cancelled()
        probs = {BASELINE: linear.fit_linear(norm[rest], y[rest], len(classes)).predict_proba(norm[held])}
        for name, config in candidates.items():
            if r >= repeats_of.get(name, repeats):
                continue
            report({"phase": "cv", "candidate": name, "fold": k + 1, "folds": len(plan),
                    "message": f"{name}: fold {k + 1} of {len(plan)}"})
            if config.arch in NO_EARLY_STOPPING:
                fit_idx, val_idx = rest.tolist(), list[int]()
            else:
                fit_idx, val_idx = early_stopping_split(rest, y, groups, seed + k)
            _, _, p = fit(config, scan, fit_idx, val_idx, held.tolist(), report, is_cancelled,
                                      seed=config.seed + k)
            probs[name] = np.asarray(p)
        for name, members in ensembles.items():
            if all(m in probs for m in members):
                probs[name] = np.mean([probs[m] for m in members], axis=0)
        for name, p in probs.items():
            ev = evaluate_probabilities(y[held], p, classes, n_bootstrap=0)
            scores[name].append({"fold": k, "repeat": r, "macro_f1": ev["macro_f1"], "accuracy": ev["accuracy"]})
        report({"phase": "cv", "fold": k + 1, "folds": len(plan), "repeat": r,
                "scores": {name: scores[name][-1]["macro_f1"] for name in probs}})
    kinds = {name: config.arch for name, config in candidates.items()}
    kinds.update({name: "mean of " + " + ".join(members) for name, members in ensembles.items()})
    return summarize(scores, kinds, folds, repeats, len(y), classes)


def summarize(scores: dict[str, list[dict[str, Any]]], kinds: dict[str, str], folds: int, repeats: int,
              n: int, classes: list[str]) -> dict[str, Any]:
    """The table of :func:`cross_validate` from per-fold scores (``{"fold", "repeat",
    "macro_f1", "accuracy"}`` per candidate and fold)."""
    test_share = 1 / (folds - 1)
    base_by_fold = {s["fold"]: s["macro_f1"] for s in scores[BASELINE]}
    table: dict[str, Any] = {}
    for name, rows in scores.items():
        if not rows:
            continue
        entry: dict[str, Any] = {
            "architecture": "TF-IDF + logistic regression (scikit-learn)" if name == BASELINE else kinds[name],
            "repeats": len({s["repeat"] for s in rows}), "folds": len(rows),
            "macro_f1": _summary([s["macro_f1"] for s in rows], test_share),
            "accuracy": _summary([s["accuracy"] for s in rows], test_share),
        }
        if name != BASELINE:
            entry["vs_baseline"] = _summary([s["macro_f1"] - base_by_fold[s["fold"]] for s in rows], test_share)
        table[name] = entry
    return {
        "protocol": (f"StratifiedGroupKFold, {folds} folds x {repeats} repeats, groups = distinct normalised "
                     "texts; candidates that early-stop hold out 1/6 of their training folds for it"),
        "ci_method": CI_METHOD, "n": n, "classes": classes, "baseline": linear.BASELINE_NAME,
        "candidates": table,
    }
