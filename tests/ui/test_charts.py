"""The charts show the numbers they are given (read back from the plot items)."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.ui.training.charts import ClassBarChart, ConfusionMatrixChart, RocChart, TrainingCurves


def test_training_curves_add_epoch_end_points_and_move_within_an_epoch(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.update_from_progress({"phase": "train", "epoch": 1, "epochs": 3, "batch": 2, "batches": 4,
                                 "logs": {"loss": 0.9, "accuracy": 0.5}})
    # Within the first epoch: the training curve moves, no epoch point yet.
    assert curves.series("loss") == ([], [])
    xs, ys = curves._curves["loss"].getData()
    assert list(xs) == [0.5] and list(ys) == [0.9]
    curves.update_from_progress({"phase": "train", "epoch": 1, "epochs": 3, "batch": 4, "batches": 4,
                                 "logs": {"loss": 0.8, "accuracy": 0.6, "val_loss": 0.85,
                                          "val_accuracy": 0.55}})
    curves.update_from_progress({"phase": "train", "epoch": 2, "epochs": 3, "batch": 4, "batches": 4,
                                 "logs": {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6,
                                          "val_accuracy": 0.7}})
    assert curves.series("loss") == ([1.0, 2.0], [0.8, 0.5])
    assert curves.series("val_accuracy") == ([1.0, 2.0], [0.55, 0.7])
    xs, ys = curves._curves["val_loss"].getData()
    assert list(ys) == [0.85, 0.6]
    curves.clear()
    assert curves.series("accuracy") == ([], [])


def test_training_curves_skip_non_finite_values(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.add_epoch(1, {"loss": float("nan"), "val_loss": 0.7})
    assert curves.series("loss") == ([], [])
    assert curves.series("val_loss") == ([1.0], [0.7])


def test_confusion_matrix_writes_each_count_in_its_cell(qtbot):
    chart = ConfusionMatrixChart()
    qtbot.addWidget(chart)
    chart.set_matrix([[5, 1], [2, 7]], ["NORMAL", "PNEUMONIA"])
    texts = {(round(t.pos().x(), 1), round(t.pos().y(), 1)): t.toPlainText()
             for t in chart._items if hasattr(t, "toPlainText")}
    # Rows are true classes (y), columns predicted (x).
    assert texts == {(0.5, 0.5): "5", (1.5, 0.5): "1", (0.5, 1.5): "2", (1.5, 1.5): "7"}
    ticks = chart.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == ["NORMAL", "PNEUMONIA"]
    chart.set_matrix([[3]], ["A"])  # redrawing replaces, not adds
    assert sum(hasattr(t, "toPlainText") for t in chart._items) == 1


def test_roc_chart_marks_operating_point_and_shows_auc_with_ci(qtbot):
    roc = RocChart()
    qtbot.addWidget(roc)
    roc.set_roc([0, 0.1, 0.5, 1], [0, 0.6, 0.9, 1], 0.87, [0.8, 0.93])
    assert "0.870" in roc.caption.text() and "0.800" in roc.caption.text() and "0.930" in roc.caption.text()
    roc.set_operating_point(sensitivity=0.9, specificity=0.5)
    xs, ys = roc.marker.getData()
    assert xs[0] == pytest.approx(0.5) and ys[0] == pytest.approx(0.9)
    np.testing.assert_allclose(roc.curve.getData()[1], [0, 0.6, 0.9, 1])


def test_bar_chart_has_one_bar_per_class(qtbot):
    bars = ClassBarChart("n")
    qtbot.addWidget(bars)
    bars.set_values({"NORMAL": 12, "PNEUMONIA": 30, "rare": 2}, highlight=["rare"])
    item = bars._items[0]
    np.testing.assert_allclose(item.opts["height"], [12, 30, 2])
    labels = [t.toPlainText() for t in bars._items[1:]]
    assert labels == ["12", "30", "2"]
