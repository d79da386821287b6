from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import f1_score, roc_auc_score

from medgui.core.training.metrics import (
    choose_threshold,
    evaluate_probabilities,
    operating_point,
    summarize_folds,
)


def _binary_case(n=200, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = np.clip(0.5 + (y - 0.5) * 0.4 + rng.normal(0, 0.25, n), 0, 1)
    return y, np.stack([1 - score, score], axis=1)


def test_binary_metrics_match_hand_computed_values():
    y = ["neg", "neg", "neg", "pos", "pos", "pos"]
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.45, 0.55], [0.2, 0.8], [0.7, 0.3]])
    m = evaluate_probabilities(y, probs, ["neg", "pos"], n_bootstrap=0)
    # argmax calls: neg neg POS | pos pos NEG
    assert m["confusion_matrix"] == [[2, 1], [1, 2]]
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["per_class"]["pos"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3})
    assert m["sensitivity"] == pytest.approx(2 / 3) and m["specificity"] == pytest.approx(2 / 3)
    assert m["auc"] == pytest.approx(roc_auc_score([0, 0, 0, 1, 1, 1], probs[:, 1]))
    assert m["threshold"] == 0.5 and m["positive_class"] == "pos"
    strict = evaluate_probabilities(y, probs, ["neg", "pos"], threshold=0.75, n_bootstrap=0)
    assert strict["confusion_matrix"] == [[3, 0], [2, 1]]
    assert strict["sensitivity"] == pytest.approx(1 / 3) and strict["specificity"] == 1.0
    json.dumps(m)  # plain data all the way down: goes into a card unchanged


def test_positive_class_can_be_the_first():
    y = [0, 0, 1, 1]
    probs = np.array([[0.8, 0.2], [0.7, 0.3], [0.4, 0.6], [0.1, 0.9]])
    m = evaluate_probabilities(y, probs, ["PNEUMONIA", "NORMAL"], positive_class="PNEUMONIA", n_bootstrap=0)
    assert m["sensitivity"] == 1.0 and m["specificity"] == 1.0
    assert m["auc"] == 1.0


def test_bootstrap_ci_brackets_the_estimate_and_is_seeded():
    y, probs = _binary_case()
    m = evaluate_probabilities(y, probs, ["a", "b"], n_bootstrap=300, seed=1)
    lo, hi = m["auc_ci"]
    assert lo < m["auc"] < hi and hi - lo < 0.2
    assert m["accuracy_ci"][0] < m["accuracy"] < m["accuracy_ci"][1]
    again = evaluate_probabilities(y, probs, ["a", "b"], n_bootstrap=300, seed=1)
    assert again["auc_ci"] == m["auc_ci"]
    assert evaluate_probabilities(y, probs, ["a", "b"], n_bootstrap=300, seed=2)["auc_ci"] != m["auc_ci"]


def test_multiclass_macro_f1_and_confusion():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 90)
    probs = rng.dirichlet([1, 1, 1], 90)
    probs[np.arange(60), y[:60]] += 1.5
    probs /= probs.sum(axis=1, keepdims=True)
    m = evaluate_probabilities(y, probs, ["a", "b", "c"], n_bootstrap=50)
    pred = probs.argmax(axis=1)
    assert m["macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert np.sum(m["confusion_matrix"]) == 90
    assert "sensitivity" not in m and m["auc"] == pytest.approx(roc_auc_score(y, probs, multi_class="ovr"))


def test_threshold_and_operating_point_agree_with_evaluation():
    y, probs = _binary_case(seed=5)
    t = choose_threshold(y, probs, ["a", "b"], min_sensitivity=0.0)
    assert 0.2 < t < 0.8
    m = evaluate_probabilities(y, probs, ["a", "b"], n_bootstrap=0)
    for threshold in (t, 0.3, 0.5, 0.77):
        point = operating_point(m["roc"], threshold)
        direct = evaluate_probabilities(y, probs, ["a", "b"], threshold=threshold, n_bootstrap=0)
        assert point["sensitivity"] == pytest.approx(direct["sensitivity"])
        assert point["specificity"] == pytest.approx(direct["specificity"])
    assert operating_point(m["roc"], 1.5) == {"threshold": 1.5, "sensitivity": 0.0, "specificity": 1.0}
    assert choose_threshold([1, 1], [[0.2, 0.8], [0.1, 0.9]], ["a", "b"], min_sensitivity=0.93) == 0.5


def test_threshold_rule_is_youden_lowered_to_keep_the_minimum_sensitivity():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    p_pos = np.array([0.1, 0.2, 0.5, 0.6, 0.4, 0.7, 0.8, 0.9])
    probs = np.stack([1 - p_pos, p_pos], axis=1)
    # Youden's optimum is 0.7 (sensitivity 0.75, specificity 1.0; J 0.75 against 0.5 at 0.4) ...
    assert choose_threshold(y, probs, ["neg", "pos"], min_sensitivity=0.5) == pytest.approx(0.7)
    # ... lowered to the highest threshold that keeps every positive: 0.4.
    t = choose_threshold(y, probs, ["neg", "pos"], min_sensitivity=1.0)
    assert t == pytest.approx(0.4)
    m = evaluate_probabilities(y, probs, ["neg", "pos"], threshold=t, n_bootstrap=0)
    assert m["sensitivity"] == 1.0 and m["specificity"] == 0.5 and m["accuracy"] == 6 / 8
    assert m["auc"] == pytest.approx(14 / 16)
    assert m["confusion_matrix"] == [[2, 2], [0, 4]]
    # The positive class can be the first one.
    names = ["pos" if v else "neg" for v in y]
    assert choose_threshold(names, probs[:, ::-1], ["pos", "neg"], "pos", min_sensitivity=1.0) == pytest.approx(0.4)


def test_summarize_folds_reports_mean_and_spread():
    folds = [{"accuracy": 0.8, "macro_f1": 0.7}, {"accuracy": 0.9, "macro_f1": 0.75}, {"accuracy": 0.85, "macro_f1": None}]
    s = summarize_folds(folds)
    assert s["folds"] == 3
    assert s["accuracy"]["mean"] == pytest.approx(0.85) and s["accuracy"]["std"] == pytest.approx(0.05)
    assert s["macro_f1"]["values"] == [0.7, 0.75]
    assert "auc" not in s
