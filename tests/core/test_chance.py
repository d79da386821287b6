"""The chance check every evaluation runs: a useless model is called out, a good one is not."""

from __future__ import annotations

import json

import numpy as np
import pytest

from medgui.core.training.chance import majority_baseline
from medgui.core.training.metrics import evaluate_probabilities


def _onehot_probs(y: np.ndarray, k: int, rng: np.random.Generator, strength: float = 0.8) -> np.ndarray:
    """Probabilities that put most of the mass on the true class, with some noise."""
    logits = rng.normal(0, 0.3, (len(y), k))
    logits[np.arange(len(y)), y] += 3.0 * strength
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def test_a_clean_well_separated_task_gets_no_warning():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    m = evaluate_probabilities(y, _onehot_probs(y, 2, rng), ["NORMAL", "PNEUMONIA"], seed=0)
    assert m["auc"] > 0.95
    assert m["warnings"] == [] and m["notes"] == []
    y3 = np.repeat([0, 1, 2], [150, 60, 40])
    m3 = evaluate_probabilities(y3, _onehot_probs(y3, 3, rng), ["a", "b", "c"], seed=0)
    assert m3["warnings"] == []
    json.dumps(m3)


def test_a_constant_output_model_is_no_better_than_chance():
    y = np.array([0] * 234 + [1] * 390)
    probs = np.tile([0.2, 0.8], (len(y), 1))  # every image PNEUMONIA, always 0.8
    m = evaluate_probabilities(y, probs, ["NORMAL", "PNEUMONIA"], seed=0)
    assert m["auc"] == pytest.approx(0.5)
    text = " ".join(m["warnings"])
    assert "chance" in text
    assert "AUC 0.50" in text
    assert "Constant output" in text and "'PNEUMONIA' for 100%" in text


def test_shuffled_labels_are_warned_about():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    probs = _onehot_probs(y, 2, rng)
    shuffled = rng.permutation(y)  # the labels no longer go with the images
    m = evaluate_probabilities(shuffled, probs, ["NORMAL", "PNEUMONIA"], seed=0)
    assert 0.4 < m["macro_f1"] < 0.6  # the tidy-looking number that used to pass silently
    assert m["auc_ci"][0] <= 0.5 <= m["auc_ci"][1]
    assert any(w.startswith("No better than chance: AUC") and "includes 0.5" in w for w in m["warnings"])


def test_macro_f1_below_the_majority_class_baseline_is_warned():
    # Three imbalanced classes; the model mostly answers the smallest one.
    y = np.repeat([0, 1, 2], [140, 40, 20])
    rng = np.random.default_rng(1)
    probs = rng.dirichlet([1, 1, 8], size=len(y))
    m = evaluate_probabilities(y, probs, ["common", "middle", "rare"], seed=0)
    base = m["majority_baseline"]
    share = 140 / 200
    assert base["majority_class"] == "common"
    assert base["majority_accuracy"] == pytest.approx(share)
    assert base["majority_macro_f1"] == pytest.approx(2 * share / (1 + share) / 3)
    assert m["macro_f1"] < base["majority_macro_f1"]
    assert any("the majority-class baseline" in w and "'common'" in w for w in m["warnings"])


def test_a_class_never_predicted_is_warned():
    y = np.repeat([0, 1, 2], [50, 50, 30])
    rng = np.random.default_rng(2)
    probs = _onehot_probs(y, 3, rng)
    probs[:, 2] = 0.0  # never says "c"
    probs /= probs.sum(axis=1, keepdims=True)
    m = evaluate_probabilities(y, probs, ["a", "b", "c"], seed=0)
    assert any(w.startswith("Never predicted: 'c' (30 test examples)") and "chance" in w for w in m["warnings"])


def test_a_class_with_fewer_than_five_test_examples_is_too_few_to_evaluate():
    y = np.array([0] * 40 + [1] * 40 + [2] * 3)
    rng = np.random.default_rng(4)
    m = evaluate_probabilities(y, _onehot_probs(y, 3, rng), ["a", "b", "tiny"], seed=0)
    assert len(m["notes"]) == 1 and m["notes"][0].startswith("tiny (3): too few to evaluate")


def test_every_evaluation_carries_its_reliability_curve_and_ece():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 200)
    probs = _onehot_probs(y, 2, rng)
    m = evaluate_probabilities(y, probs, ["n", "p"], n_bootstrap=0)
    rel = m["reliability"]
    assert sum(b["count"] for b in rel["bins"]) == 200
    assert m["ece"] == rel["ece"]
    # ECE is the count-weighted gap between confidence and accuracy per bin.
    gap = sum(b["count"] / 200 * abs(b["confidence"] - b["accuracy"]) for b in rel["bins"])
    assert m["ece"] == pytest.approx(gap)


def test_majority_baseline_of_one_class():
    base = majority_baseline(np.array([1, 1, 1]), ["a", "b"])
    assert base == {"majority_class": "b", "majority_accuracy": 1.0, "majority_macro_f1": 1.0}
