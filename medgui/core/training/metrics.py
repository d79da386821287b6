"""Classification metrics for the test split, as plain JSON-ready data (no TensorFlow).

Every value is a Python ``float``/``int``/``list``/``dict``, so a metrics dict goes into
a model card, a JSON file or a pipe unchanged. ROC thresholds are kept at every distinct
score (no intermediate points dropped) so that :func:`operating_point` gives the exact
sensitivity and specificity of any threshold the user picks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from medgui.core.training.calibration import reliability_curve
from medgui.core.training.chance import chance_check

CI_LEVEL = 0.95


def _as_indices(y_true: Sequence[Any] | np.ndarray, classes: Sequence[str]) -> np.ndarray:
    names = list(classes)
    return np.asarray([y if isinstance(y, (int, np.integer)) else names.index(y) for y in y_true], dtype=int)


def _confusion(y: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(y * k + pred, minlength=k * k).reshape(k, k)


def _prf(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision, recall, F1 and support from a confusion matrix (rows = truth)."""
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1, support


def _binary_auc(truth: np.ndarray, score: np.ndarray) -> float | None:
    """Mann-Whitney form of the ROC AUC (ties count half); ~100x faster than sklearn's.

    The bootstrap calls this a thousand times per evaluation.
    """
    from scipy.stats import rankdata

    n_pos = int(truth.sum())
    n_neg = len(truth) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(score)
    return float((ranks[truth].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _auc(y: np.ndarray, probs: np.ndarray, pos: int | None) -> float | None:
    """Binary ROC AUC of class ``pos``, or the macro one-vs-rest AUC for many classes."""
    if pos is not None:
        return _binary_auc(y == pos, probs[:, pos])
    aucs = [_binary_auc(y == c, probs[:, c]) for c in range(probs.shape[1])]
    if any(a is None for a in aucs):
        return None  # one-vs-rest needs every class in the sample
    return float(np.mean(aucs))  # type: ignore[arg-type]


def _predict(probs: np.ndarray, pos: int | None, threshold: float | None) -> np.ndarray:
    if pos is None or threshold is None:
        return probs.argmax(axis=1)
    other = 1 - pos
    return np.where(probs[:, pos] >= threshold, pos, other)


def evaluate_probabilities(
    y_true: Sequence[Any] | np.ndarray,
    probs: Any,
    classes: Sequence[str],
    threshold: float | None = None,
    positive_class: str | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Accuracy, per-class P/R/F1, macro-F1, confusion matrix and (two classes) ROC/AUC.

    Parameters
    ----------
    y_true : true classes, as names or indices into ``classes``.
    probs : ``(n, n_classes)`` predicted probabilities.
    classes : class names in the model's output order.
    threshold : for two classes, P(positive) needed to call it; default argmax (0.5).
    positive_class : the class ROC, sensitivity and specificity refer to; default the second.
    n_bootstrap : resamples for the 95 % confidence intervals (0 = none).
    seed : seed of the bootstrap resampling.

    Returns
    -------
    dict with ``n``, ``classes``, ``accuracy``, ``accuracy_ci``, ``macro_f1``,
    ``macro_f1_ci``, ``per_class`` (``{class: {precision, recall, f1, support}}``),
    ``confusion_matrix`` (rows = true class), ``auc`` and ``auc_ci`` (macro one-vs-rest
    for more than two classes, None when a class is absent); for two classes also
    ``positive_class``, ``roc`` (``fpr``, ``tpr``, ``thresholds``), ``threshold``,
    ``sensitivity`` and ``specificity``. Every evaluation also carries the chance check
    (``core.training.chance``): ``warnings`` (empty when the model is better than chance),
    ``notes`` (classes too few to evaluate), ``majority_baseline`` (``majority_class``,
    ``majority_macro_f1``, ``majority_accuracy``), and the calibration: ``reliability``
    (``calibration.reliability_curve``) and ``ece``.
    """
    classes = list(classes)
    k = len(classes)
    y = _as_indices(y_true, classes)
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape != (len(y), k):
        raise ValueError(f"probs must have shape ({len(y)}, {k}); got {p.shape}")
    binary = k == 2
    pos = (classes.index(positive_class) if positive_class is not None else 1) if binary else None
    if binary and threshold is None:
        threshold = 0.5
    pred = _predict(p, pos, threshold)
    cm = _confusion(y, pred, k)
    precision, recall, f1, support = _prf(cm)
    present = support > 0
    out: dict[str, Any] = {
        "n": int(len(y)),
        "classes": classes,
        "accuracy": float(np.trace(cm) / max(len(y), 1)),
        "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
        "per_class": {
            c: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                "support": int(support[i])}
            for i, c in enumerate(classes)
        },
        "confusion_matrix": cm.astype(int).tolist(),
        "auc": _auc(y, p, pos),
    }
    out.update(_bootstrap(y, p, pred, k, pos, n_bootstrap, seed))
    if binary and pos is not None and threshold is not None:
        from sklearn.metrics import roc_curve

        out["positive_class"] = classes[pos]
        if out["auc"] is not None:
            fpr, tpr, thr = roc_curve(y == pos, p[:, pos], drop_intermediate=False)
            # sklearn's first threshold is +inf (nothing called positive): JSON has no inf.
            thr = np.minimum(thr, 1.0 + 1e-9)
            out["roc"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr.tolist()}
        else:
            out["roc"] = None
        tp, fn = cm[pos, pos], cm[pos, 1 - pos]
        tn, fp = cm[1 - pos, 1 - pos], cm[1 - pos, pos]
        out["threshold"] = float(threshold)
        out["sensitivity"] = float(tp / (tp + fn)) if tp + fn else None
        out["specificity"] = float(tn / (tn + fp)) if tn + fp else None
    warnings, notes, baseline = chance_check(y, p, pred, classes, out)
    out.update({"warnings": warnings, "notes": notes, "majority_baseline": baseline})
    if len(y):
        out["reliability"] = reliability_curve(y, p)
        out["ece"] = out["reliability"]["ece"]
    else:
        out["reliability"], out["ece"] = None, None
    return out


def _bootstrap(y: np.ndarray, p: np.ndarray, pred: np.ndarray, k: int, pos: int | None,
               n_bootstrap: int, seed: int) -> dict[str, list[float] | None]:
    """Percentile 95 % intervals of accuracy, macro-F1 and AUC over resampled test sets."""
    if n_bootstrap <= 0 or len(y) < 2:
        return {"accuracy_ci": None, "macro_f1_ci": None, "auc_ci": None}
    rng = np.random.default_rng(seed)
    acc, mf1, auc = [], [], []
    for _ in range(n_bootstrap):
        idx = rng.integers(0, len(y), size=len(y))
        ys, ps = y[idx], pred[idx]
        cm = _confusion(ys, ps, k)
        _, _, f1, support = _prf(cm)
        acc.append(np.trace(cm) / len(ys))
        mf1.append(f1[support > 0].mean())
        a = _auc(ys, p[idx], pos)
        if a is not None:
            auc.append(a)
    lo, hi = 100 * (1 - CI_LEVEL) / 2, 100 * (1 + CI_LEVEL) / 2

    def ci(values: list[float]) -> list[float] | None:
        # Too few valid resamples (a class almost never drawn) give no honest interval.
        if len(values) < max(10, n_bootstrap // 2):
            return None
        return [float(np.percentile(values, lo)), float(np.percentile(values, hi))]

    return {"accuracy_ci": ci(acc), "macro_f1_ci": ci(mf1), "auc_ci": ci(auc)}


def choose_threshold(y_true: Sequence[Any] | np.ndarray, probs: Any, classes: Sequence[str],
                     positive_class: str | None = None, *, min_sensitivity: float) -> float:
    """The one threshold rule: Youden's J optimum, lowered if needed to keep sensitivity.

    On the validation split (never the test split it is judged on), take the threshold on
    P(positive) that maximises sensitivity + specificity - 1 (the middle of the plateau
    when several tie); if its sensitivity is below ``min_sensitivity``, take instead the
    highest threshold that reaches ``min_sensitivity``: a missed positive costs more than
    a second look at a negative. Returns 0.5 when the validation data hold one class.

    Parameters
    ----------
    y_true : true classes, as names or indices into ``classes``.
    probs : ``(n, 2)`` predicted probabilities.
    classes : the two class names in output order.
    positive_class : the class the threshold calls (default: the second).
    min_sensitivity : the sensitivity to keep on the validation split (0 = pure Youden);
        ``TrainingConfig.min_sensitivity`` holds the default.
    """
    from sklearn.metrics import roc_curve

    classes = list(classes)
    pos = classes.index(positive_class) if positive_class is not None else 1
    y = _as_indices(y_true, classes) == pos
    p = np.asarray(probs, dtype=np.float64)[:, pos]
    if y.all() or not y.any():
        return 0.5
    fpr, tpr, thr = roc_curve(y, p, drop_intermediate=False)
    thr = np.minimum(thr, 1.0)  # sklearn's first threshold is +inf (nothing called positive)
    j = tpr - fpr
    best = np.flatnonzero(j == j.max())
    # Several thresholds tie on a small validation set: take the middle of the plateau.
    youden = int(best[len(best) // 2])
    if tpr[youden] >= min_sensitivity:
        return float(thr[youden])
    reached = np.flatnonzero(tpr >= min_sensitivity)  # thresholds fall as tpr rises
    return float(thr[reached[0]])


def operating_point(roc: dict[str, Sequence[float]], threshold: float) -> dict[str, float]:
    """Sensitivity and specificity when P(positive) >= ``threshold`` calls it positive.

    ``roc`` is the ``"roc"`` entry of :func:`evaluate_probabilities` (thresholds falling).
    """
    thr = np.asarray(roc["thresholds"], dtype=float)
    fpr = np.asarray(roc["fpr"], dtype=float)
    tpr = np.asarray(roc["tpr"], dtype=float)
    reached = np.flatnonzero(thr >= threshold)
    if len(reached) == 0:
        return {"threshold": float(threshold), "sensitivity": 0.0, "specificity": 1.0}
    i = int(reached[-1])  # the lowest curve threshold still >= the chosen one: same calls
    return {"threshold": float(threshold), "sensitivity": float(tpr[i]), "specificity": float(1.0 - fpr[i])}


SUMMARY_KEYS = ("accuracy", "macro_f1", "auc", "sensitivity", "specificity")


def summarize_folds(fold_metrics: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean, standard deviation and per-fold values of each headline metric over folds."""
    out: dict[str, Any] = {"folds": len(fold_metrics)}
    for key in SUMMARY_KEYS:
        values = [float(m[key]) for m in fold_metrics if isinstance(m.get(key), (int, float))]
        if values:
            out[key] = {"mean": float(np.mean(values)), "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
                        "values": values}
    return out
