"""Is this model better than chance? The check every evaluation runs (no TensorFlow).

A model trained on a small, messy data set can learn nothing and still print tidy
numbers: a constant answer, an AUC whose interval straddles 0.5, a macro-F1 below what
always answering the largest class would score. :func:`chance_check` compares the
model with the majority-class baseline on the same labels and returns warnings in words
(each names "chance" or "the majority-class baseline"), so the wizard shows them in red,
the CLI prints them, and a warned model is never activated without a confirmation.

It also returns small-data notes: a class with fewer than ``FEW_TO_EVALUATE`` test
examples is too few to evaluate, whatever its figures say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

AUC_MARGIN = 0.02
"""An AUC at or below 0.5 + this is no better than chance, whatever its interval."""
CONSTANT_STD = 1e-3
"""Predicted probabilities varying less than this across examples are a constant output."""
ONE_CLASS_SHARE = 0.98
"""One predicted class for this share of examples (or more) while the truth has several."""
TRUTH_SHARE_LIMIT = 0.93
"""...unless the truth itself is this lopsided: then answering one class is not a sign."""
FEW_TO_EVALUATE = 5
"""A class with fewer test examples than this is too few to evaluate."""


def majority_baseline(y: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Figures of always answering the most frequent class of ``y`` (class indices).

    Macro-F1 is taken over the classes present in ``y``, as ``evaluate_probabilities``
    does: the majority class scores ``2s / (1 + s)`` (``s`` its share), the others 0.
    """
    counts = np.bincount(np.asarray(y, dtype=int), minlength=len(classes))
    n = int(counts.sum())
    if n == 0:
        return {"majority_class": None, "majority_accuracy": 0.0, "majority_macro_f1": 0.0}
    top = int(np.argmax(counts))
    share = counts[top] / n
    present = int((counts > 0).sum())
    return {"majority_class": str(classes[top]), "majority_accuracy": float(share),
            "majority_macro_f1": float(2 * share / (1 + share) / present)}


def _ci_text(ci: Sequence[float] | None) -> str:
    return f" (95% CI {ci[0]:.2f}-{ci[1]:.2f})" if ci else ""


def chance_check(y: np.ndarray, probs: np.ndarray, pred: np.ndarray, classes: Sequence[str],
                 evaluation: dict[str, Any]) -> tuple[list[str], list[str], dict[str, Any]]:
    """Warnings, small-data notes and the majority-class baseline of one evaluation.

    Parameters
    ----------
    y, probs, pred : true class indices, ``(n, k)`` probabilities and the predicted indices.
    classes : class names in output order.
    evaluation : the figures already computed (``macro_f1``, ``auc``, ``auc_ci``).

    Returns
    -------
    ``(warnings, notes, baseline)``: warnings say the model may be no better than chance
    (empty when it is fine); notes flag classes with too few test examples; baseline is
    :func:`majority_baseline`.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(probs, dtype=np.float64)
    pred = np.asarray(pred, dtype=int)
    k, n = len(classes), len(y)
    baseline = majority_baseline(y, classes)
    warnings: list[str] = []
    notes: list[str] = []
    if n == 0:
        return ["No test examples: the model cannot be told apart from chance."], notes, baseline
    truth = np.bincount(y, minlength=k)
    called = np.bincount(pred, minlength=k)
    present = truth > 0
    several = int(present.sum()) >= 2

    macro_f1 = evaluation.get("macro_f1")
    if several and isinstance(macro_f1, float) and macro_f1 <= baseline["majority_macro_f1"] + 1e-9:
        warnings.append(
            f"No better than the majority-class baseline: macro-F1 {macro_f1:.3f}, while always "
            f"answering '{baseline['majority_class']}' scores {baseline['majority_macro_f1']:.3f} "
            "on the same test examples.")

    auc, auc_ci = evaluation.get("auc"), evaluation.get("auc_ci")
    if isinstance(auc, float):
        if auc_ci and auc_ci[0] <= 0.5 <= auc_ci[1]:
            warnings.append(f"No better than chance: AUC {auc:.2f}{_ci_text(auc_ci)} includes 0.5.")
        elif auc <= 0.5 + AUC_MARGIN:
            warnings.append(f"No better than chance: AUC {auc:.2f}{_ci_text(auc_ci)}; chance is 0.5.")

    top = int(np.argmax(called))
    share = called[top] / n
    flat = float(p.std(axis=0).max()) < CONSTANT_STD if n > 1 else False
    if several and flat:
        warnings.append(
            f"Constant output, no better than chance: the predicted probabilities barely change "
            f"from one example to the next, and the model answers '{classes[top]}' for "
            f"{share:.0%} of them.")
    elif several and share >= ONE_CLASS_SHARE and truth.max() / n < TRUTH_SHARE_LIMIT:
        warnings.append(
            f"Near-constant output, no better than chance: the model answers '{classes[top]}' "
            f"for {share:.0%} of the test examples, though only {truth[top] / n:.0%} are.")

    never = [classes[c] for c in range(k) if present[c] and called[c] == 0]
    if several and never and not flat:
        names = ", ".join(f"'{c}' ({int(truth[classes.index(c)])} test examples)" for c in never)
        warnings.append(f"Never predicted: {names}; for that class the model does no better "
                        "than chance.")

    few = [c for i, c in enumerate(classes) if 0 < truth[i] < FEW_TO_EVALUATE]
    if few:
        notes.append(f"{', '.join(f'{c} ({int(truth[classes.index(c)])})' for c in few)}: too few "
                     f"to evaluate: fewer than {FEW_TO_EVALUATE} test examples, so their "
                     "precision, recall and F1 rest on a handful of cases.")
    return warnings, notes, baseline


def stored_warnings(metrics: Any) -> list[str]:
    """The chance warnings recorded in a model card's metrics (a card is data: only strings)."""
    found = metrics.get("warnings") if isinstance(metrics, dict) else None
    if not isinstance(found, list):
        return []
    return [w for w in found if isinstance(w, str) and w.strip()]
