"""When a reading is shown as borderline (the band is documented in the reading panel)."""

from __future__ import annotations

import pytest

from medgui.core.imaging.reading import BORDERLINE_BAND, BORDERLINE_RULE, reading_state


def result(p_pneumonia: float, threshold: float | None = 0.656) -> dict:
    positive = p_pneumonia >= threshold if threshold is not None else p_pneumonia >= 0.5
    return {"label": "PNEUMONIA" if positive else "NORMAL",
            "probabilities": {"NORMAL": 1 - p_pneumonia, "PNEUMONIA": p_pneumonia},
            "threshold": threshold, "positive_class": "PNEUMONIA"}


def test_the_case_from_the_ward_is_borderline():
    # P(PNEUMONIA) 0.506 under a 0.656 threshold: NORMAL by the rule, but the PNEUMONIA
    # bar is the longer one.
    state = reading_state(result(0.506))
    assert state.kind == "borderline" and state.borderline
    assert state.label == "NORMAL"
    assert state.p_positive == pytest.approx(0.506) and state.threshold == pytest.approx(0.656)
    assert state.class_threshold("PNEUMONIA", ["NORMAL", "PNEUMONIA"]) == pytest.approx(0.656)
    assert state.class_threshold("NORMAL", ["NORMAL", "PNEUMONIA"]) == pytest.approx(0.344)


@pytest.mark.parametrize(("p", "kind"), [
    (0.02, "negative"), (0.45, "negative"), (0.56, "borderline"), (0.70, "borderline"),
    (0.756, "borderline"), (0.80, "positive"), (0.99, "positive"),
])
def test_band_of_ten_points_around_the_threshold(p, kind):
    assert BORDERLINE_BAND == 0.10
    assert reading_state(result(p)).kind == kind


def test_a_low_threshold_makes_the_band_reach_up_to_fifty_percent():
    # Threshold 0.3: P 0.45 is PNEUMONIA by the rule although NORMAL is more probable.
    assert reading_state(result(0.45, 0.3)).kind == "borderline"
    assert reading_state(result(0.55, 0.3)).kind == "positive"
    assert reading_state(result(0.15, 0.3)).kind == "negative"


def test_without_a_threshold_rule_the_reading_is_plain():
    assert reading_state(result(0.506, None)).kind == "plain"
    three = {"label": "A", "probabilities": {"A": 0.4, "B": 0.3, "C": 0.3},
             "threshold": 0.5, "positive_class": "A"}
    assert reading_state(three).kind == "plain"
    assert "10 percentage points" in BORDERLINE_RULE
