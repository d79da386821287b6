"""The reading panel when the applicability gate withholds a reading: 'Not applicable',
the reason, and 'Show anyway' revealing the probabilities under a red banner."""

from __future__ import annotations

from PySide6.QtCore import Qt

from medgui.ui.imaging.prediction_panel import SHOWN_ANYWAY, PredictionPanel
from medgui.ui.style import ERROR_COLOR

REASON = ("Not applicable: this looks like a photograph. This model reads frontal chest radiographs "
          "like its training data (paediatric chest X-rays, Kermany et al. 2018).")


def withheld() -> dict:
    return {"label": None, "model_label": "PNEUMONIA", "reliable": False, "reason": REASON,
            "probabilities": {"NORMAL": 0.02, "PNEUMONIA": 0.98}, "threshold": 0.656,
            "positive_class": "PNEUMONIA", "model_name": "pneumonia-cnn", "model_version": 1,
            "heatmap": None, "timing_ms": {}, "warnings": []}


def test_not_applicable_hides_the_reading_until_show_anyway(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_result(withheld())
    assert panel.label.text() == "Not applicable"
    assert panel.not_applicable.isVisible() and panel.not_applicable.text() == REASON
    assert "frontal chest radiographs" in panel.not_applicable.text()  # the model's domain
    assert not panel.bars_box.isVisible() and not panel.shown_anyway.isVisible()
    assert not panel.heatmap_check.isEnabled()

    qtbot.mouseClick(panel.show_anyway_button, Qt.MouseButton.LeftButton)
    assert panel.shown_anyway.isVisible() and panel.shown_anyway.text() == SHOWN_ANYWAY
    assert f"background: {ERROR_COLOR}" in panel.shown_anyway.styleSheet()  # the red banner
    assert panel.bars_box.isVisible() and panel.prob_labels["PNEUMONIA"].text() == "98.0 %"
    assert not panel.show_anyway_button.isVisible()
    assert panel.label.text() == "Not applicable"  # still no reading


def test_a_new_reading_clears_the_gate_state(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_result(withheld())
    qtbot.mouseClick(panel.show_anyway_button, Qt.MouseButton.LeftButton)
    ok = {**withheld(), "label": "NORMAL", "reliable": True, "reason": "",
          "probabilities": {"NORMAL": 0.9, "PNEUMONIA": 0.1}}
    panel.show_result(ok)
    assert panel.label.text() == "NORMAL"
    assert not panel.not_applicable.isVisible() and not panel.shown_anyway.isVisible()
    assert not panel.show_anyway_button.isVisible() and panel.bars_box.isVisible()
