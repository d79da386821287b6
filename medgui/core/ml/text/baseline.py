"""The simple model every text classifier is shown next to: TF-IDF + logistic regression.

Words and word pairs (1-2 grams) of the normalised text (``textprep.normalize_for_model``,
split on whitespace exactly as the Keras models split it), TF-IDF weighted and
L2-normalised, into a multinomial logistic regression with balanced class weights,
fitted to its optimum by L-BFGS. scikit-learn and NumPy only: no TensorFlow.

The same two pieces fit the ``ngram_tfidf`` Keras model (``text.ngram``): its
vocabulary, idf weights and softmax weights come from :func:`fit_linear`, so a linear
model is never handicapped by an optimiser that stopped early.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

BASELINE_C = 10.0
BASELINE_NAME = "TF-IDF (1-2 grams, sublinear tf) + logistic regression (C=10, class_weight=balanced)"
# Logits given to a class that had no training example: it is never predicted.
ABSENT_CLASS_LOGIT = -1e4


def tfidf_vectorizer(max_features: int | None = None, sublinear: bool = True) -> Any:
    """scikit-learn's ``TfidfVectorizer`` set up to read normalised text like the models do."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # token_pattern \S+ and no lowercasing: the tokens are normalize_for_model's, as is.
    return TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", lowercase=False, sublinear_tf=sublinear,
                           max_features=max_features, dtype=np.float64)


def fit_logistic(x: Any, y: np.ndarray, n_classes: int, c: float = BASELINE_C,
                 class_weight: dict[int, float] | str | None = "balanced") -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression on ``x``; returns ``(coef (k, n_features), intercept (k,))``.

    Always ``n_classes`` rows, in class-index order: a class with no training example gets
    zero weights and a very low intercept, and two classes are written as a softmax over
    the logits ``[0, z]`` (the same probabilities as scikit-learn's sigmoid of ``z``).
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y, dtype=np.int64)
    if isinstance(class_weight, dict):
        class_weight = {k: v for k, v in class_weight.items() if k in set(y.tolist())}
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000)
    clf.fit(x, y)
    present = [int(k) for k in clf.classes_]
    coef = np.zeros((n_classes, x.shape[1]))
    intercept = np.full(n_classes, ABSENT_CLASS_LOGIT)
    if len(present) == 2:  # scikit-learn's binary form: one row for the second class
        coef[present[1]] = clf.coef_[0]
        intercept[present[0]], intercept[present[1]] = 0.0, clf.intercept_[0]
    else:
        coef[present] = clf.coef_
        intercept[present] = clf.intercept_
    return coef, intercept


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass
class LinearTextModel:
    """A fitted TF-IDF vectoriser and the weights of its logistic regression."""

    vectorizer: Any
    coef: np.ndarray
    intercept: np.ndarray

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities for normalised ``texts``, shape (n, n_classes)."""
        x = self.vectorizer.transform(list(texts))
        return softmax_rows(np.asarray(x @ self.coef.T) + self.intercept)


def fit_linear(texts: Sequence[str], y: Sequence[int] | np.ndarray, n_classes: int, c: float = BASELINE_C,
               class_weight: dict[int, float] | str | None = "balanced", max_features: int | None = None,
               sublinear: bool = True) -> LinearTextModel:
    """Fit TF-IDF + logistic regression on normalised ``texts`` with labels ``y`` (indices)."""
    vectorizer = tfidf_vectorizer(max_features, sublinear)
    x = vectorizer.fit_transform(list(texts))
    coef, intercept = fit_logistic(x, np.asarray(y), n_classes, c, class_weight)
    return LinearTextModel(vectorizer, coef, intercept)


def evaluate_baseline(train_texts: Sequence[str], y_train: Sequence[int] | np.ndarray, test_texts: Sequence[str],
                      y_test: Sequence[int] | np.ndarray, classes: Sequence[str], model_eval: dict[str, Any] | None = None,
                      model_probs: np.ndarray | None = None, seed: int = 0) -> dict[str, Any]:
    """Fit the baseline on ``train_texts`` (raw) and score it on ``test_texts`` like a model.

    Returns the ``evaluate_probabilities`` figures of the baseline (``name``, ``accuracy``,
    ``accuracy_ci``, ``macro_f1``, ``macro_f1_ci``, ``auc``, ``per_class``). With the
    model's own evaluation (``model_eval``) and test probabilities (``model_probs``) it
    adds ``macro_f1_diff`` (baseline minus model), ``macro_f1_diff_ci`` (paired bootstrap
    over the same resampled test examples) and ``beats_model``: true when the baseline's
    macro-F1 lies above the upper end of the model's 95 % CI. A view shows that as a
    warning: a linear model is better than the one about to be saved.
    """
    from medgui.core.text import tokens as textprep
    from medgui.core.training.metrics import evaluate_probabilities

    norm_train = [textprep.normalize_for_model(t) for t in train_texts]
    norm_test = [textprep.normalize_for_model(t) for t in test_texts]
    linear = fit_linear(norm_train, np.asarray(y_train), len(classes))
    probs = linear.predict_proba(norm_test)
    ev = evaluate_probabilities(np.asarray(y_test), probs, classes, seed=seed)
    out: dict[str, Any] = {"name": BASELINE_NAME}
    out.update({k: ev[k] for k in ("n", "accuracy", "accuracy_ci", "macro_f1", "macro_f1_ci", "auc", "per_class")})
    if model_eval is not None:
        ci = model_eval.get("macro_f1_ci")
        out["beats_model"] = bool(ci is not None and ev["macro_f1"] > ci[1])
        out["macro_f1_diff"] = float(ev["macro_f1"] - model_eval["macro_f1"])
    if model_probs is not None:
        out["macro_f1_diff_ci"] = paired_macro_f1_diff_ci(np.asarray(y_test), probs, model_probs, len(classes), seed)
    return out


def macro_f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Macro-F1 over the classes present in ``y`` (the definition of ``evaluate_probabilities``)."""
    cm = np.bincount(y * k + pred, minlength=k * k).reshape(k, k)
    tp = np.diag(cm).astype(float)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), 0.0)
    present = support > 0
    return float(f1[present].mean()) if present.any() else 0.0


def paired_macro_f1_diff_ci(y: np.ndarray, probs_a: np.ndarray, probs_b: np.ndarray, k: int, seed: int = 0,
                            n_bootstrap: int = 1000) -> list[float] | None:
    """95 % percentile interval of macro-F1(a) - macro-F1(b) over resamples of the same examples."""
    if len(y) < 2:
        return None
    rng = np.random.default_rng(seed)
    pa, pb = probs_a.argmax(axis=1), probs_b.argmax(axis=1)
    diffs = []
    for _ in range(n_bootstrap):
        idx = rng.integers(0, len(y), size=len(y))
        diffs.append(macro_f1(y[idx], pa[idx], k) - macro_f1(y[idx], pb[idx], k))
    return [float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))]
