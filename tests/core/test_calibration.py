"""Calibration maps: fitted on held-out probabilities, they make confidence match accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core.training.calibration import (
    apply_calibration,
    calibrate_for_use,
    expected_calibration_error,
    fit_calibration,
    reliability_curve,
)


def overconfident(n: int = 2000, seed: int = 0, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels whose true P(y=1) is sigmoid(z + shift); the model reports sigmoid(3 z)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 1.5, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(z + shift)))).astype(int)
    p1 = 1 / (1 + np.exp(-3 * z))
    return y, np.stack([1 - p1, p1], axis=1)


def test_reliability_curve_bins_and_ece():
    y = np.array([1, 1, 0, 0])
    probs = np.array([[0.1, 0.9], [0.1, 0.9], [0.9, 0.1], [0.2, 0.8]])
    curve = reliability_curve(y, probs, n_bins=10)
    assert curve["n"] == 4 and sum(b["count"] for b in curve["bins"]) == 4
    top = [b for b in curve["bins"] if b["lo"] <= 0.9 < b["hi"] or b["hi"] == 1.0][-1]
    assert top["accuracy"] == pytest.approx(1.0) and top["confidence"] == pytest.approx(0.9)
    # three right at 0.9 (gap 0.1 each), one wrong at 0.8 (gap 0.8): (0.3 + 0.8) / 4
    assert curve["ece"] == pytest.approx((3 * 0.1 + 0.8) / 4)


@pytest.mark.parametrize("method", ["temperature", "platt"])
def test_fitted_map_cuts_the_ece_of_an_overconfident_model(method):
    y_fit, p_fit = overconfident(seed=1)
    y_new, p_new = overconfident(seed=2)
    calib = fit_calibration(y_fit, p_fit, method)
    before = expected_calibration_error(y_new, p_new)
    after = expected_calibration_error(y_new, apply_calibration(p_new, calib))
    assert before > 0.08 and after < 0.03 and after < before / 3
    assert calib["fit"]["ece_after"] < calib["fit"]["ece_before"]
    if method == "temperature":
        assert calib["temperature"] == pytest.approx(3.0, rel=0.2)
    else:
        assert calib["a"] == pytest.approx(1 / 3, rel=0.2)


def test_platt_absorbs_a_change_in_class_balance_that_temperature_cannot():
    y, p = overconfident(seed=3, shift=-1.5)  # the new cohort has fewer positives
    temp = fit_calibration(y, p, "temperature")
    platt = fit_calibration(y, p, "platt")
    assert platt["fit"]["log_loss_after"] < temp["fit"]["log_loss_after"]
    assert platt["b"] < -0.2


def test_maps_keep_the_ranking_and_single_rows_work():
    y, p = overconfident(seed=4)
    for method in ("temperature", "platt"):
        calib = fit_calibration(y, p, method)
        out = apply_calibration(p, calib)
        assert np.allclose(out.sum(axis=1), 1.0)
        order = np.argsort(p[:, 1])
        assert np.all(np.diff(out[order, 1]) >= -1e-12)
        assert np.allclose(apply_calibration(p[0], calib), out[0])
    assert np.array_equal(apply_calibration(p, None), p)


def test_three_classes_get_a_temperature_and_small_splits_get_none():
    rng = np.random.default_rng(6)
    logits = rng.normal(0, 2, (600, 3))
    y = np.array([rng.choice(3, p=np.exp(r) / np.exp(r).sum()) for r in logits])
    sharp = np.exp(3 * logits)
    probs = sharp / sharp.sum(axis=1, keepdims=True)
    calib = calibrate_for_use(y, probs)
    assert calib is not None and calib["method"] == "temperature" and calib["temperature"] > 2
    assert calibrate_for_use(y[:20], probs[:20]) is None  # too few to fit honestly
    y2, p2 = overconfident(seed=7, n=200)
    assert calibrate_for_use(y2, p2)["method"] == "platt"


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        apply_calibration(np.array([[0.2, 0.8]]), {"method": "isotonic"})
    with pytest.raises(ValueError):
        fit_calibration([1, 1, 1], np.array([[0.2, 0.8]] * 3))
    with pytest.raises(ValueError):
        fit_calibration([0, 1, 2], np.eye(3), "platt")
