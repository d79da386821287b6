"""Issue 8 in the viewer: the prediction panel says when probabilities are calibrated, and
shows the population warning without the confident colour."""

from __future__ import annotations

from medgui.ui.imaging.prediction_panel import NEGATIVE_COLOR, POSITIVE_COLOR, PredictionPanel
from medgui.ui.style import WARNING_COLOR

AGE = "the patient's age (45 years) is outside the model's training population (ages 1-5 years)"


def reading(p: float, **extra) -> dict:
    return {"path": "/x.dcm", "label": "PNEUMONIA" if p >= 0.5 else "NORMAL",
            "probabilities": {"NORMAL": 1 - p, "PNEUMONIA": p}, "threshold": 0.5,
            "positive_class": "PNEUMONIA", "model": "kids@1", "model_name": "kids", "model_version": 1,
            "heatmap": None, "timing_ms": {}, "warnings": [], "reliable": True, "reason": "", **extra}


def panel_for(qtbot) -> PredictionPanel:
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    panel.show()
    return panel


def test_a_calibrated_reading_says_so_and_an_uncalibrated_one_does_not(qtbot):
    panel = panel_for(qtbot)
    panel.show_result(reading(0.95, calibrated=True))
    assert panel.calibration_note.isVisible()
    assert panel.calibration_note.text() == "Calibrated probabilities"
    assert "decision threshold applies to these calibrated probabilities" in panel.calibration_note.toolTip()
    assert panel.prob_labels["PNEUMONIA"].text() == "95.0 %"
    panel.show_result(reading(0.95, calibrated=False))
    assert not panel.calibration_note.isVisible()
    panel.show_result(reading(0.95))  # results from before calibration existed
    assert not panel.calibration_note.isVisible()


def test_an_out_of_population_reading_is_shown_with_its_warning_not_in_a_confident_colour(qtbot):
    panel = panel_for(qtbot)
    panel.show_result(reading(0.95, warnings=[AGE]))
    assert panel.label.text() == "PNEUMONIA"  # the reading stands
    assert WARNING_COLOR in panel.label.styleSheet() and POSITIVE_COLOR not in panel.label.styleSheet()
    assert panel.applicability.isVisible() and AGE in panel.applicability.text()
    panel.show_result(reading(0.05))
    assert NEGATIVE_COLOR in panel.label.styleSheet() and not panel.applicability.isVisible()


def test_a_withheld_calibrated_reading_hides_the_note_until_shown_anyway(qtbot):
    panel = panel_for(qtbot)
    panel.show_result(reading(0.95, calibrated=True, label=None, reliable=False,
                              reason="Not applicable: this looks like a hand."))
    assert not panel.calibration_note.isVisible()
    panel.show_anyway()
    assert panel.calibration_note.isVisible()


def test_the_population_warning_is_shown_in_the_interface_language(qtbot):
    from medgui.core.imaging.population import age_outside

    class Film:  # what age_outside reads: header tags
        tags = [type("Tag", (), {"keyword": "PatientAge", "value": "062Y"})()]

    panel = PredictionPanel()
    qtbot.addWidget(panel)
    outside = age_outside(Film(), {"age_years": [1, 5]})
    assert outside == {"amount": 62, "unit": "year", "older": False, "ages": [1.0, 5.0], "text": (
        "the patient's age (62 years) is outside the model's training population (ages 1-5 years)")}
    assert panel.warning_text(outside["text"], outside) == outside["text"]  # English: rebuilt, same words
    assert panel.warning_text("BodyPartExamined is HIP", outside) == "BodyPartExamined is HIP"
    panel.show_result(reading(0.96, warnings=[outside["text"]], age_outside=outside))
    assert "the patient's age (62 years)" in panel.applicability.text()
