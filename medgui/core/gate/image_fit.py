"""Fit the image gate (``image_gate``) from descriptors: NumPy and scikit-learn, no TensorFlow.

``fit_image_gate`` takes descriptors of in-domain images (two disjoint sets of patients:
one to fit, one to set the thresholds) and of negatives grouped by kind, and returns the
gate's settings and arrays, ready for ``files.write_gate``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from medgui.core.gate.image_features import FEATURE_VERSION, N_FEATURES
from medgui.core.gate.image_gate import ASPECT_RANGE, normalised_thumbnails, score_matrix

DEFAULT_PASS_RATE = 0.99
"""Share of in-domain calibration images the fitted gate lets through."""


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = np.maximum(x.std(axis=0), 0.02)  # near-constant features must not dominate
    return mean.astype(np.float32), scale.astype(np.float32)


def fit_image_gate(
    fit: np.ndarray, calibrate: np.ndarray, negatives: dict[str, np.ndarray],
    pass_rate: float = DEFAULT_PASS_RATE, n_components: int = 32, seed: int = 0,
    domain: str = "images like its training data", name_kinds: bool = True,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Fit the distance and contrast tests and set their thresholds.

    Parameters
    ----------
    fit, calibrate
        Descriptors ``(n, N_FEATURES)`` of in-domain images, from different patients.
    negatives
        Kind name -> descriptors of constructed out-of-domain pictures of that kind.
    pass_rate
        Share of ``calibrate`` that must pass all tests together.
    """
    from sklearn.linear_model import LogisticRegression

    fit = np.asarray(fit, np.float32)
    calibrate = np.asarray(calibrate, np.float32)
    if fit.shape[1] != N_FEATURES or len(fit) < 20 or len(calibrate) < 10:
        raise ValueError("the image gate needs at least 20 + 10 in-domain descriptors")
    mean, scale = _standardise(fit)
    z = (fit - mean) / scale
    k = int(min(n_components, len(fit) - 1, N_FEATURES))
    _, s, vt = np.linalg.svd(z - z.mean(axis=0), full_matrices=False)
    components = vt[:k].astype(np.float32)
    eigenvalues = np.maximum((s[:k] ** 2) / (len(z) - 1), 1e-6).astype(np.float32)

    kinds = sorted(negatives)
    neg = np.concatenate([np.asarray(negatives[kd], np.float32) for kd in kinds]) if kinds else \
        np.zeros((0, N_FEATURES), np.float32)
    zn = (neg - mean) / scale
    # Each kind of negative weighs the same, and all of them together as much as the films.
    weights = np.concatenate([np.full(len(negatives[kd]), len(fit) / (len(kinds) * len(negatives[kd])))
                              for kd in kinds]) if kinds else np.zeros(0)
    contrast = LogisticRegression(C=0.05, max_iter=1000, tol=1e-3)
    contrast.fit(np.concatenate([z, zn]), np.r_[np.ones(len(z)), np.zeros(len(zn))],
                 sample_weight=np.r_[np.ones(len(z)), weights])
    names = ["in_domain", *kinds]
    labels = np.concatenate([np.zeros(len(z), int)] + [np.full(len(negatives[kd]), i + 1)
                                                       for i, kd in enumerate(kinds)])
    namer = LogisticRegression(C=0.05, max_iter=1000 if name_kinds else 1, tol=1e-3)
    with warnings.catch_warnings():  # the namer is not needed to measure flag rates
        warnings.simplefilter("ignore")
        namer.fit(np.concatenate([z, zn]), labels, sample_weight=np.r_[np.ones(len(z)), weights])

    meta: dict[str, Any] = {"kind": "image", "features": FEATURE_VERSION, "domain": domain,
                            "kinds": [names[int(c)] for c in namer.classes_],
                            "intercept": float(contrast.intercept_[0]), "aspect_range": list(ASPECT_RANGE)}
    template = normalised_thumbnails(fit).mean(axis=0)
    template /= float(np.sqrt((template * template).sum())) + 1e-6
    arrays = {"mean": mean, "scale": scale, "components": components, "eigenvalues": eigenvalues,
              "template": template.astype(np.float32),
              "coef": contrast.coef_[0].astype(np.float32),
              "kind_coef": namer.coef_.astype(np.float32),
              "kind_intercept": namer.intercept_.astype(np.float32)}
    meta["thresholds"] = _thresholds(calibrate, arrays, meta, pass_rate)
    meta["fit"] = {"in_domain_fit": len(fit), "in_domain_calibration": len(calibrate),
                   "negatives": {kd: len(negatives[kd]) for kd in kinds}, "components": k,
                   "target_pass_rate": pass_rate, "seed": seed}
    return meta, arrays


def raw_scores(x: np.ndarray, arrays: dict[str, np.ndarray], intercept: float) -> np.ndarray:
    """``(n, 4)``: ``image_gate.score_matrix``."""
    return score_matrix(x, arrays, intercept)


def _thresholds(calibrate: np.ndarray, arrays: dict[str, np.ndarray], meta: dict[str, Any],
                pass_rate: float) -> dict[str, float]:
    """One per-test quantile q, the same for the four tests, raised until ``pass_rate`` of
    ``calibrate`` passes them all."""
    s = raw_scores(calibrate, arrays, meta["intercept"])
    for q in np.linspace(1 - (1 - pass_rate) / 4, 1.0, 200):
        t2, spe = np.quantile(s[:, 0], q), np.quantile(s[:, 1], q)
        logit, upright = np.quantile(s[:, 2], 1 - q), np.quantile(s[:, 3], 1 - q)
        if _passed(s, t2, spe, logit, upright).mean() >= pass_rate:
            break
    return {"t2": float(t2), "spe": float(spe), "logit": float(logit), "upright": float(upright),
            "per_test_quantile": float(q)}


def _passed(s: np.ndarray, t2: float, spe: float, logit: float, upright: float) -> np.ndarray:
    return (s[:, 0] <= t2) & (s[:, 1] <= spe) & (s[:, 2] >= logit) & (s[:, 3] >= upright)


def flags(x: np.ndarray, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Boolean ``(n,)``: which descriptors the gate rejects (vectorised ``ImageGate.passes``)."""
    s = raw_scores(x, arrays, meta["intercept"])
    t = meta["thresholds"]
    return ~_passed(s, t["t2"], t["spe"], t["logit"], t["upright"])
