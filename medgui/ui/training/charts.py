"""Charts for training and evaluation, drawn with pyqtgraph.

``TrainingCurves``     live loss and accuracy, training and validation, fed progress dicts
``ConfusionMatrixChart`` heat map of true x predicted counts, with the counts written in
``RocChart``           ROC curve, chance diagonal and the current operating point
``ClassBarChart``      one bar per class (counts per class, or any per-class number)
``ReliabilityChart``   confidence against accuracy per bin, the diagonal, and the ECE

Each keeps the numbers it shows (``series``, ``matrix``, ``values``...) so tests can
read what is drawn without reading pixels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

TRAIN_PEN = pg.mkPen("#1f77b4", width=2)
VAL_PEN = pg.mkPen("#d62728", width=2)
BAR_BRUSH = pg.mkBrush("#4c8cbf")

pg.setConfigOptions(antialias=True, background="w", foreground="#222")
NAME_PX = 190  # class names longer than this are elided (in the middle) on an axis


def _elide(widget: QWidget, name: str, width: int = NAME_PX) -> str:
    return widget.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, width)


def _fit_side_by_side(widget: QWidget, names: Sequence[str], room: float) -> bool:
    """Whether ``names`` fit under ``room`` pixels of axis, one per equal slot, with a gap."""
    slot = room / max(len(names), 1)
    return all(widget.fontMetrics().horizontalAdvance(n) + 8 <= slot for n in names)


def _plot(title: str, xlabel: str, ylabel: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setTitle(title, size="10pt")
    plot.setLabel("bottom", xlabel)
    plot.setLabel("left", ylabel)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setMenuEnabled(False)
    plot.setMinimumSize(220, 160)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).enableAutoSIPrefix(False)  # a loss of 0.69 reads 0.69, not 690 m
    return plot


class TrainingCurves(QWidget):
    """Loss and accuracy per epoch for the training and validation data.

    Feed it the progress dicts of the ``train`` job (``update_from_progress``): a dict
    whose ``logs`` hold ``val_loss`` marks the end of an epoch and adds a point to every
    curve; batch-level logs move the training curves within the running epoch so the
    user sees movement before the first epoch ends.
    """

    KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_plot = _plot(self.tr("Loss"), self.tr("epoch"), self.tr("loss"))
        self.acc_plot = _plot(self.tr("Accuracy"), self.tr("epoch"), self.tr("accuracy"))
        self.acc_plot.setYRange(0, 1.0, padding=0.02)
        self._curves: dict[str, pg.PlotDataItem] = {}
        # Loss falls and accuracy rises: keep each legend in the corner the curves leave free.
        for plot, key, offset in ((self.loss_plot, "loss", (-10, 10)),
                                  (self.acc_plot, "accuracy", (-10, -10))):
            plot.addLegend(offset=offset)
            self._curves[key] = plot.plot(name=self.tr("training"), pen=TRAIN_PEN, symbol="o", symbolSize=5,
                                          symbolBrush="#1f77b4")
            self._curves[f"val_{key}"] = plot.plot(name=self.tr("validation"), pen=VAL_PEN, symbol="s",
                                                   symbolSize=5, symbolBrush="#d62728")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.acc_plot)
        self.clear()

    def clear(self) -> None:
        """Forget every point (a new run or a new fold)."""
        self._epochs: dict[str, list[tuple[float, float]]] = {k: [] for k in self.KEYS}
        self._partial: dict[str, tuple[float, float] | None] = {"loss": None, "accuracy": None}
        self._redraw()

    def series(self, key: str) -> tuple[list[float], list[float]]:
        """The epoch-end points of ``key`` (``loss``, ``val_loss``, ...): xs, ys."""
        pts = self._epochs[key]
        return [p[0] for p in pts], [p[1] for p in pts]

    def add_epoch(self, epoch: float, logs: Mapping[str, Any]) -> None:
        """Add the end-of-epoch values in ``logs`` at x = ``epoch``."""
        for key in self.KEYS:
            value = logs.get(key)
            if value is not None and np.isfinite(value):
                self._epochs[key].append((float(epoch), float(value)))
        self._partial = {"loss": None, "accuracy": None}
        self._redraw()

    def update_from_progress(self, info: Mapping[str, Any]) -> None:
        """Take one progress dict from the ``train`` job (see the module docstring)."""
        logs = info.get("logs") or {}
        epoch = info.get("epoch")
        if not logs or epoch is None:
            return
        if "val_loss" in logs or info.get("phase") == "epoch_end":
            self.add_epoch(float(epoch), logs)
            return
        batches = info.get("batches") or 0
        batch = info.get("batch") or 0
        if batches:
            # The running epoch is ``epoch``; it ends at x = epoch.
            x = float(epoch) - 1 + min(batch, batches) / batches
            for key in ("loss", "accuracy"):
                if logs.get(key) is not None and np.isfinite(logs[key]):
                    self._partial[key] = (x, float(logs[key]))
            self._redraw()

    def _redraw(self) -> None:
        for key, curve in self._curves.items():
            pts = list(self._epochs[key])
            partial = self._partial.get(key)
            if partial is not None:
                pts.append(partial)
            if pts:
                xs, ys = zip(*pts, strict=True)
                curve.setData(np.asarray(xs), np.asarray(ys))
            else:
                curve.setData([], [])


def _heat_color(frac: float) -> QColor:
    """White to dark blue; ``frac`` in [0, 1]."""
    frac = float(np.clip(frac, 0.0, 1.0))
    light, dark = np.array([247, 251, 255]), np.array([8, 69, 148])
    rgb = light + (dark - light) * frac
    return QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]))


class ConfusionMatrixChart(pg.PlotWidget):
    """Rows are the true classes, columns the predicted ones; each cell shows its count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Confusion matrix (test split)"), size="10pt")
        self.setLabel("bottom", self.tr("predicted"))
        self.setLabel("left", self.tr("true"))
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getViewBox().invertY(True)
        self.setMinimumSize(240, 220)
        self.matrix = np.zeros((0, 0), dtype=int)
        self.classes: list[str] = []
        self._items: list[Any] = []
        #: Long class names do not fit under the columns: they are numbered as the rows.
        self.numbered = False
        self.tick_labels: tuple[list[str], list[str]] = ([], [])  # bottom, left

    def set_matrix(self, matrix: Sequence[Sequence[int]], classes: Sequence[str]) -> None:
        for item in self._items:
            self.removeItem(item)
        self._items = []
        self.matrix = np.asarray(matrix, dtype=int)
        self.classes = list(classes)
        n = len(self.classes)
        if n == 0:
            return
        # Colour by the share of each true class (row-normalised) so a small class's
        # errors stand out as much as a large one's; the text gives the raw count.
        rows = self.matrix.sum(axis=1, keepdims=True).clip(min=1)
        share = self.matrix / rows
        font = QFont()
        font.setPointSize(11 if n <= 4 else 8)
        font.setBold(True)
        for i in range(n):
            for j in range(n):
                color = _heat_color(share[i, j])
                rect = pg.QtWidgets.QGraphicsRectItem(j, i, 1, 1)
                rect.setBrush(pg.mkBrush(color))
                rect.setPen(pg.mkPen("#888", width=0.5))
                rect.setToolTip(self.tr("true {0}, predicted {1}: {2}").format(
                    self.classes[i], self.classes[j], self.matrix[i, j]))
                self.addItem(rect)
                self._items.append(rect)
                if n > 20:
                    continue  # the counts would overlap: the tooltips give them
                text = pg.TextItem(str(self.matrix[i, j]), anchor=(0.5, 0.5),
                                   color="w" if share[i, j] > 0.55 else "#111")
                text.setFont(font)
                text.setPos(j + 0.5, i + 0.5)
                self.addItem(text)
                self._items.append(text)
        self.setMinimumSize(240, max(220, 18 * n + 80))
        self._set_ticks()
        self.setXRange(0, n, padding=0.02)
        self.setYRange(0, n, padding=0.02)

    def _set_ticks(self) -> None:
        """Class names under the columns when they fit there; otherwise numbers, with the
        rows saying "1  name" (a name elided in the middle when long)."""
        n = len(self.classes)
        if not n:
            return
        named_left = [_elide(self, c) for c in self.classes]
        left_width = max(self.fontMetrics().horizontalAdvance(c) for c in named_left) + 14
        room = self.width() - left_width - 40
        self.numbered = not _fit_side_by_side(self, self.classes, room)
        if self.numbered:
            bottom = [str(k + 1) for k in range(n)]
            left_names = [f"{k + 1}  {name}" for k, name in enumerate(named_left)]
            left_width = max(self.fontMetrics().horizontalAdvance(c) for c in left_names) + 14
        else:
            bottom, left_names = list(self.classes), named_left
        self.tick_labels = (bottom, left_names)
        self.getAxis("bottom").setTicks([[(k + 0.5, b) for k, b in enumerate(bottom)]])
        left = self.getAxis("left")
        left.setTicks([[(k + 0.5, name) for k, name in enumerate(left_names)]])
        # String ticks do not widen the axis by themselves; size it for the longest name.
        left.setWidth(left_width)
        self.setLabel("bottom", self.tr("predicted (numbered as the rows)") if self.numbered
                      else self.tr("predicted"))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if getattr(self, "classes", None):  # also called while the base class is built
            self._set_ticks()


class RocChart(QWidget):
    """ROC curve with its AUC (and 95 % CI) in the title and the operating point marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = _plot(self.tr("ROC curve"), self.tr("1 − specificity (false-positive rate)"),
                          self.tr("sensitivity (true-positive rate)"))
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.plot([0, 1], [0, 1], pen=pg.mkPen("#999", style=Qt.PenStyle.DashLine))
        self.curve = self.plot.plot(pen=TRAIN_PEN)
        self.marker = pg.ScatterPlotItem(size=12, brush=pg.mkBrush("#d62728"), pen=pg.mkPen("k"))
        self.plot.addItem(self.marker)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.caption)
        self.fpr: np.ndarray = np.zeros(0)
        self.tpr: np.ndarray = np.zeros(0)
        self.point: tuple[float, float] | None = None

    def set_roc(self, fpr: Sequence[float], tpr: Sequence[float], auc: float | None,
                ci: Sequence[float] | None = None) -> None:
        self.fpr, self.tpr = np.asarray(fpr, float), np.asarray(tpr, float)
        self.curve.setData(self.fpr, self.tpr)
        if auc is None:
            self.caption.setText(self.tr("AUC not available"))
        elif ci is not None and len(ci) == 2 and all(v is not None for v in ci):
            self.caption.setText(self.tr("AUC {0}  (95 % CI {1} – {2})").format(
                f"{auc:.3f}", f"{ci[0]:.3f}", f"{ci[1]:.3f}"))
        else:
            self.caption.setText(self.tr("AUC {0}").format(f"{auc:.3f}"))

    def set_operating_point(self, sensitivity: float, specificity: float) -> None:
        """Mark the point (1 − specificity, sensitivity) on the curve."""
        self.point = (1.0 - float(specificity), float(sensitivity))
        self.marker.setData([self.point[0]], [self.point[1]])


def _bin_points(reliability: Any) -> list[tuple[float, float, int]]:
    """``(confidence, accuracy, count)`` of each well-formed bin (a card is data: checked)."""
    bins = reliability.get("bins") if isinstance(reliability, Mapping) else None
    out = []
    for b in bins if isinstance(bins, list) else []:
        try:
            point = (float(b["confidence"]), float(b["accuracy"]), int(b["count"]))
        except (TypeError, KeyError, ValueError):
            continue
        if all(np.isfinite(point[:2])) and 0 <= point[0] <= 1 and 0 <= point[1] <= 1:
            out.append(point)
    return out


class ReliabilityChart(QWidget):
    """Reliability diagram: per confidence bin, how often the model was right.

    Points on the dashed diagonal are well calibrated; below it the model is surer than
    it should be. The caption gives the ECE (count-weighted mean gap). Feed it the
    ``reliability`` entry of an evaluation (``calibration.reliability_curve``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = _plot(self.tr("Reliability"), self.tr("confidence (top predicted probability)"),
                          self.tr("accuracy (share right)"))
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.plot([0, 1], [0, 1], pen=pg.mkPen("#999", style=Qt.PenStyle.DashLine))
        self.curve = self.plot.plot(pen=TRAIN_PEN, symbol="o", symbolSize=7, symbolBrush="#1f77b4")
        self.caption = QLabel()
        self.caption.setObjectName("reliabilityCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self.points: list[tuple[float, float, int]] = []
        self.ece: float | None = None

    def set_reliability(self, reliability: Any, ece: Any = None) -> None:
        """Draw ``reliability`` (``{"bins": [...], "ece": ...}``); None clears the chart."""
        self.points = _bin_points(reliability)
        value = reliability.get("ece") if ece is None and isinstance(reliability, Mapping) else ece
        self.ece = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        self.curve.setData([p[0] for p in self.points], [p[1] for p in self.points])
        if not self.points:
            self.caption.setText(self.tr("No reliability data for this model."))
        elif self.ece is None:
            self.caption.setText(self.tr("On the diagonal: the model is right as often as it says."))
        else:
            self.caption.setText(self.tr("ECE {0:.3f}: the mean gap between confidence and accuracy; "
                                         "below the diagonal the model is surer than it should be.")
                                 .format(self.ece))


class ClassBarChart(pg.PlotWidget):
    """One bar per class with its value written above it."""

    def __init__(self, title: str = "", ylabel: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if ylabel is None:
            ylabel = self.tr("count")
        if title:
            self.setTitle(title, size="10pt")
        self.setLabel("left", ylabel)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(y=True, alpha=0.25)
        self.setMinimumSize(220, 160)
        self.values: dict[str, float] = {}
        self._items: list[Any] = []
        self._highlight: list[str] = []
        self._ylabel = ylabel
        #: Names too long to stand side by side: one horizontal bar per row, names on the left.
        self.horizontal = False
        self.tick_labels: list[str] = []

    ROW_PX = 20  # the height of one class's row when the bars are horizontal

    def _names_fit(self) -> bool:
        return _fit_side_by_side(self, list(self.values), self.width() - 80)

    def set_values(self, values: Mapping[str, float], highlight: Sequence[str] = ()) -> None:
        """Draw ``values`` (class -> number); classes in ``highlight`` are drawn in red."""
        for item in self._items:
            self.removeItem(item)
        self._items = []
        self.values = {str(k): float(v) for k, v in values.items()}
        self._highlight = [str(h) for h in highlight]
        self.getAxis("bottom").setTicks(None)
        self.getAxis("left").setTicks(None)
        if not self.values:
            return
        names = list(self.values)
        n = len(names)
        heights = np.array([self.values[name] for name in names])
        brushes = [pg.mkBrush("#d62728") if name in highlight else BAR_BRUSH for name in names]
        top = float(heights.max()) if heights.size else 1.0
        self.horizontal = not self._names_fit()
        if self.horizontal:
            bars = pg.BarGraphItem(x0=np.zeros(n), y=np.arange(n), width=heights, height=0.6,
                                   brushes=brushes)
            anchor, at = (0.0, 0.5), [(h, k) for k, h in enumerate(heights)]
            self.tick_labels = [_elide(self, name) for name in names]
            left = self.getAxis("left")
            left.setTicks([list(enumerate(self.tick_labels))])
            left.setWidth(max(self.fontMetrics().horizontalAdvance(t) for t in self.tick_labels) + 14)
            self.setLabel("left", "")
            self.setLabel("bottom", self._ylabel)
            self.getViewBox().invertY(True)  # the first class on top, as in the table
            self.setMinimumHeight(self.ROW_PX * n + 80)
            self.setXRange(0, top * 1.2 or 1.0, padding=0)
            self.setYRange(-0.6, n - 0.4, padding=0)
        else:
            bars = pg.BarGraphItem(x=np.arange(n), height=heights, width=0.6, brushes=brushes)
            anchor, at = (0.5, 1.0), [(k, h) for k, h in enumerate(heights)]
            self.tick_labels = names
            self.getAxis("bottom").setTicks([list(enumerate(names))])
            self.getAxis("left").setWidth(None)
            self.setLabel("left", self._ylabel)
            self.setLabel("bottom", "")
            self.getViewBox().invertY(False)
            self.setMinimumHeight(160)
            self.setXRange(-0.6, n - 0.4, padding=0)
            self.setYRange(0, top * 1.15 or 1.0, padding=0)
        self.addItem(bars)
        self._items.append(bars)
        for (x, y), h in zip(at, heights, strict=True):
            label = pg.TextItem(f"{h:g}", anchor=anchor, color="#111")
            label.setPos(x, y)
            self.addItem(label)
            self._items.append(label)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        values = getattr(self, "values", None)  # also called while the base class is built
        if values and self._names_fit() == self.horizontal:  # the other layout fits now
            self.set_values(self.values, self._highlight)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication, QGridLayout

    app = QApplication(sys.argv)
    demo = QWidget()
    grid = QGridLayout(demo)
    curves = TrainingCurves()
    for e in range(1, 9):
        curves.add_epoch(e, {"loss": 1 / e, "val_loss": 1.2 / e + 0.05, "accuracy": 1 - 0.4 / e,
                             "val_accuracy": 0.95 - 0.45 / e})
    grid.addWidget(curves, 0, 0, 1, 2)
    cm = ConfusionMatrixChart()
    cm.set_matrix([[180, 54], [12, 378]], ["NORMAL", "PNEUMONIA"])
    grid.addWidget(cm, 1, 0)
    roc = RocChart()
    x = np.linspace(0, 1, 50)
    roc.set_roc(x, x ** 0.2, 0.93, (0.91, 0.95))
    roc.set_operating_point(0.95, 0.77)
    grid.addWidget(roc, 1, 1)
    bars = ClassBarChart("Images per class")
    bars.set_values({"NORMAL": 1341, "PNEUMONIA": 3875})
    grid.addWidget(bars, 2, 0)
    demo.resize(900, 900)
    demo.show()
    sys.exit(app.exec())
