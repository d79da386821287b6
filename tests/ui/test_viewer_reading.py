"""Issue 15, rows 5 and 9: a borderline reading says so, and the reading stays in view."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from medgui.core.imaging.reading import BORDERLINE_RULE
from medgui.ui.imaging.prediction_panel import NEGATIVE_COLOR, PredictionPanel
from medgui.ui.style import WARNING_COLOR
from tests.core.dicom_factory import write_dicom
from tests.ui.viewer_helpers import (
    make_window,
    open_and_wait,
    patient_dicom,
    settle,
    shown_in_scroll_area,
)


@pytest.fixture
def window(qtbot):
    yield from make_window(qtbot)


def reading(p: float, threshold: float = 0.656, **extra) -> dict:
    return {"path": "/x.dcm", "label": "PNEUMONIA" if p >= threshold else "NORMAL",
            "probabilities": {"NORMAL": 1 - p, "PNEUMONIA": p}, "threshold": threshold,
            "positive_class": "PNEUMONIA", "model": "pneumonia-cnn@1",
            "model_name": "pneumonia-cnn", "model_version": 1, "heatmap": None,
            "timing_ms": {}, "warnings": [], **extra}


def test_a_reading_near_the_threshold_is_borderline_not_a_confident_normal(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 400)
    panel.show()
    panel.show_result(reading(0.506))  # the image from the ward
    assert panel.label.text() == "NORMAL"  # the threshold rule's answer, unchanged
    assert WARNING_COLOR in panel.label.styleSheet()
    assert NEGATIVE_COLOR not in panel.label.styleSheet()  # not the confident green
    assert panel.state_label.isVisible()
    assert panel.state_label.text().startswith("Borderline reading: P(PNEUMONIA) 50.6 % is "
                                               "below the 65.6 % threshold")
    assert panel.state_label.toolTip() == BORDERLINE_RULE
    assert "10 percentage points" in panel.threshold.toolTip()

    panel.show_result(reading(0.95))  # a clear reading: no borderline state, red label
    assert not panel.state_label.isVisible()
    assert "#b3261e" in panel.label.styleSheet()
    panel.show_result(reading(0.05))
    assert not panel.state_label.isVisible() and NEGATIVE_COLOR in panel.label.styleSheet()


def test_the_threshold_is_marked_on_the_probability_bars(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 400)
    panel.show()
    panel.show_result(reading(0.506))
    qtbot.waitExposed(panel)
    bars = panel.prob_bars
    assert bars["PNEUMONIA"].threshold == pytest.approx(0.656)
    assert bars["NORMAL"].threshold == pytest.approx(0.344)  # P(NORMAL) > 1 - t means NORMAL
    assert "65.6 %" in bars["PNEUMONIA"].toolTip()
    for bar in bars.values():
        image = bar.grab().toImage()
        x = bar.mark_x()
        groove = bar.width()
        assert 0 < x < groove
        # The mark is painted: a dark line across the bar at the threshold.
        mark = QColor(image.pixelColor(x, image.height() // 2))
        assert mark.lightness() < 60, (x, mark.name())
    # PNEUMONIA's bar (50.6 %) ends short of its mark (65.6 %).
    p_bar = bars["PNEUMONIA"]
    assert p_bar.value() / p_bar.maximum() < p_bar.threshold


def warned(path: str) -> dict:
    return reading(0.506, path=path, warnings=[
        "its header says the body part is HIP, not the chest",
        "it has 3 frames; a chest radiograph has one"])


@pytest.mark.parametrize("size", [(1024, 640), (1366, 768), (1920, 1080)])
def test_the_reading_stays_in_view_at_common_screen_sizes(qtbot, window, tmp_path, size):
    path = patient_dicom(tmp_path / "cr.dcm", "Doe^Jane", "P-1")
    window.resize(*size)
    pane = window.image_pane
    open_and_wait(qtbot, pane, path)
    pane.prediction.show_result(warned(str(path)))
    settle(qtbot)
    panel = pane.prediction
    for widget in (panel.label, panel.state_label, *panel.prob_bars.values(),
                   *panel.prob_labels.values(), panel.applicability):
        assert shown_in_scroll_area(widget), (size, widget.objectName(), widget.text()
                                              if hasattr(widget, "text") else "")
    # The controls below are never squashed to fit (their tab scrolls instead).
    pane.details.setCurrentIndex(0)
    settle(qtbot)
    for box in (pane.controls.center, pane.controls.width, pane.controls.presets):
        assert box.height() >= box.minimumSizeHint().height(), (size, box.objectName())
    # Row 9's other half: on a large screen the DICOM header gets the room left.
    pane.details.setCurrentWidget(pane.tags)
    settle(qtbot)
    rows_shown = pane.tags.table.viewport().height() // pane.tags.table.rowHeight(0)
    if size == (1920, 1080):
        assert rows_shown >= 15, rows_shown
    else:
        assert rows_shown >= 2, rows_shown


def test_reading_stays_in_view_when_the_window_is_made_small(qtbot, window, tmp_path):
    path = write_dicom(tmp_path / "hip.dcm", np.zeros((40, 40), np.uint16), BodyPartExamined="HIP")
    window.resize(800, 560)
    pane = window.image_pane
    open_and_wait(qtbot, pane, path)
    pane.prediction.show_result(warned(str(path)))
    settle(qtbot)
    assert shown_in_scroll_area(pane.prediction.label)
    assert all(shown_in_scroll_area(bar) for bar in pane.prediction.prob_bars.values())


def test_growing_the_window_gives_the_header_the_new_room(qtbot, window, tmp_path):
    # Opened at 1024 x 640, then made 1600 x 1000: the header used to keep ~4 rows.
    pane = window.image_pane
    window.resize(1024, 640)
    path = patient_dicom(tmp_path / "cr.dcm", "Doe^Jane", "P-1")
    open_and_wait(qtbot, pane, path)
    pane.prediction.show_result(reading(0.506, path=str(path)))
    pane.details.setCurrentWidget(pane.tags)
    window.resize(1600, 1000)
    settle(qtbot)
    table = pane.tags.table
    assert table.viewport().height() // table.rowHeight(0) >= 12
    assert shown_in_scroll_area(pane.prediction.label)
