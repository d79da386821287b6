"""Probability calibration: reliability curves, ECE, and the maps a model version stores.

A classifier's softmax says how sure it is; on a new cohort that is often much surer than
it should be. This module measures that (a reliability curve and the expected calibration
error, ECE, over equal-width confidence bins) and fits a small map on held-out data that
makes the probabilities mean what they say:

``temperature``
    ``softmax(log p / T)``: one parameter, keeps the ranking and the argmax; any number of
    classes.
``platt``
    For two classes, ``sigmoid(a * logit(p) + b)`` on P(positive): temperature plus a
    shift, which also absorbs a change in class balance between training data and use.

A map is plain JSON (``{"method": ..., ...}``) stored in the model card, so the GUI, the
CLI, reports and the TF-free runtime all apply the same one with :func:`apply_calibration`.
No TensorFlow here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

N_BINS = 15
"""Equal-width confidence bins of the reliability curve and the ECE."""

_EPS = 1e-7
METHODS = ("temperature", "platt")


def _probs(probs: Any) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"expected (n, k>=2) probabilities, got shape {p.shape}")
    return p


def reliability_curve(y_true: Sequence[int] | np.ndarray, probs: Any, n_bins: int = N_BINS) -> dict[str, Any]:
    """Top-label reliability curve and ECE.

    Each prediction's confidence (its largest class probability) falls in one of
    ``n_bins`` equal-width bins on [0, 1]; per non-empty bin the curve gives the mean
    confidence, the share of those predictions that were right, and the count. ECE is
    the count-weighted mean gap between the two.

    Returns
    -------
    dict with ``bins`` (list of ``{"lo", "hi", "confidence", "accuracy", "count"}``, empty
    bins left out), ``ece``, ``max_gap`` (largest gap in a bin holding at least 1 % of
    the data), ``n`` and ``n_bins``; all plain JSON values.
    """
    p = _probs(probs)
    y = np.asarray(y_true, dtype=int)
    if len(y) != len(p):
        raise ValueError(f"{len(p)} predictions but {len(y)} labels")
    conf = p.max(axis=1)
    correct = p.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, n_bins - 1)
    bins, ece, max_gap = [], 0.0, 0.0
    for b in range(n_bins):
        sel = which == b
        count = int(sel.sum())
        if not count:
            continue
        c, a = float(conf[sel].mean()), float(correct[sel].mean())
        ece += count / len(y) * abs(c - a)
        if count >= 0.01 * len(y):
            max_gap = max(max_gap, abs(c - a))
        bins.append({"lo": float(edges[b]), "hi": float(edges[b + 1]), "confidence": c, "accuracy": a,
                     "count": count})
    return {"bins": bins, "ece": float(ece), "max_gap": float(max_gap), "n": int(len(y)), "n_bins": n_bins}


def expected_calibration_error(y_true: Sequence[int] | np.ndarray, probs: Any, n_bins: int = N_BINS) -> float:
    """Top-label ECE over ``n_bins`` equal-width bins (see :func:`reliability_curve`)."""
    return float(reliability_curve(y_true, probs, n_bins)["ece"])


def log_loss(y_true: Sequence[int] | np.ndarray, probs: Any) -> float:
    """Mean negative log-likelihood of the true classes."""
    p = _probs(probs)
    y = np.asarray(y_true, dtype=int)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], _EPS, 1.0))))


def _temperature(p: np.ndarray, t: float) -> np.ndarray:
    z = np.log(np.clip(p, _EPS, 1.0)) / t
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _platt(p: np.ndarray, a: float, b: float, pos: int) -> np.ndarray:
    q = np.clip(p[:, pos], _EPS, 1 - _EPS)
    s = 1.0 / (1.0 + np.exp(-(a * np.log(q / (1 - q)) + b)))
    out = np.empty_like(p)
    out[:, pos] = s
    out[:, 1 - pos] = 1.0 - s
    return out


def apply_calibration(probs: Any, calibration: Mapping[str, Any] | None) -> np.ndarray:
    """``probs`` through a stored calibration map (unchanged when ``calibration`` is None).

    Accepts one row ``(k,)`` or a batch ``(n, k)`` and returns the same shape, float64.
    """
    p = np.asarray(probs, dtype=np.float64)
    if not calibration:
        return p
    single = p.ndim == 1
    batch = _probs(p[None, :] if single else p)
    method = calibration.get("method")
    if method == "temperature":
        out = _temperature(batch, float(calibration["temperature"]))
    elif method == "platt":
        if batch.shape[1] != 2:
            raise ValueError("a Platt map applies to two classes only")
        out = _platt(batch, float(calibration["a"]), float(calibration["b"]), int(calibration.get("positive_index", 1)))
    else:
        raise ValueError(f"unknown calibration method {method!r}; known: {', '.join(METHODS)}")
    return out[0] if single else out


def fit_calibration(y_true: Sequence[int] | np.ndarray, probs: Any, method: str = "auto",
                    positive_index: int = 1, source: str = "") -> dict[str, Any]:
    """Fit a calibration map on held-out ``probs`` and their true classes (indices).

    ``method``: ``"temperature"``, ``"platt"`` (two classes only) or ``"auto"`` (Platt for
    two classes, temperature otherwise). The map is fitted by maximum likelihood; the
    returned dict also records the ECE and log-loss before and after on the data it was
    fitted on (``fit``), and ``source`` (which data, in words). Judge the map on other
    data than this.
    """
    from scipy.optimize import minimize, minimize_scalar

    p = _probs(probs)
    y = np.asarray(y_true, dtype=int)
    if method == "auto":
        method = "platt" if p.shape[1] == 2 else "temperature"
    if len(np.unique(y)) < 2:
        raise ValueError("calibration needs held-out examples of at least two classes")
    if method == "temperature":
        res = minimize_scalar(lambda lt: log_loss(y, _temperature(p, float(np.exp(lt)))), bounds=(-3.0, 3.0),
                              method="bounded")
        calib: dict[str, Any] = {"method": "temperature", "temperature": float(np.exp(res.x))}
    elif method == "platt":
        if p.shape[1] != 2:
            raise ValueError("Platt scaling needs two classes; use temperature")
        res2 = minimize(lambda ab: log_loss(y, _platt(p, float(ab[0]), float(ab[1]), positive_index)),
                        x0=np.array([1.0, 0.0]), method="Nelder-Mead",
                        options={"xatol": 1e-5, "fatol": 1e-8, "maxiter": 2000})
        a, b = (float(v) for v in res2.x)
        if a <= 0:  # a map that reverses the ranking is a fitting accident, not calibration
            a, b = 1.0, 0.0
        calib = {"method": "platt", "a": a, "b": b, "positive_index": int(positive_index)}
    else:
        raise ValueError(f"unknown calibration method {method!r}; known: {', '.join(METHODS)}")
    after = apply_calibration(p, calib)
    calib["fit"] = {"n": int(len(y)), "source": source,
                    "ece_before": expected_calibration_error(y, p), "ece_after": expected_calibration_error(y, after),
                    "log_loss_before": log_loss(y, p), "log_loss_after": log_loss(y, after)}
    return calib


MIN_CALIBRATION = {"examples": 30, "per_class": 5, "platt_per_class": 20}
"""Fewest held-out examples (and per class) a map is fitted on; Platt needs more than a
temperature (two parameters against one)."""


def calibrate_for_use(y_val: Sequence[int] | np.ndarray, val_probs: Any, positive_index: int = 1,
                      source: str = "validation split") -> dict[str, Any] | None:
    """The calibration map a new model version stores, fitted on its validation split.

    Two classes: Platt when each class has ``MIN_CALIBRATION["platt_per_class"]`` examples,
    else a temperature; more classes: a temperature. None when the split is too small to
    fit anything honest (``MIN_CALIBRATION``); the card then says it is uncalibrated.
    """
    p = _probs(val_probs)
    y = np.asarray(y_val, dtype=int)
    counts = np.bincount(y, minlength=p.shape[1])
    if len(y) < MIN_CALIBRATION["examples"] or counts.min() < MIN_CALIBRATION["per_class"]:
        return None
    binary = p.shape[1] == 2
    method = "platt" if binary and counts.min() >= MIN_CALIBRATION["platt_per_class"] else "temperature"
    return fit_calibration(y, p, method, positive_index=positive_index if binary else 1,
                           source=f"{source} ({len(y)} examples)")
