"""The reading of the image model, shown beside the image: label, probabilities, model.

A thin view over the ``classify_image`` result dict of the analysis process. The
decision-support notice is always visible, with or without a reading.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from medgui.ui.style import ALERT_BOX_STYLE, ERROR_STYLE, NOTICE_BOX_STYLE

NOTICE = "Decision support only — not a diagnosis. Review the image yourself."


def percent(p: float) -> str:
    """How a probability is shown everywhere in the pane: one decimal, percent."""
    return f"{100.0 * float(p):.1f} %"


class PredictionPanel(QWidget):
    """Classify/Cancel buttons, busy bar, the reading and the heatmap controls.

    Signals
    -------
    sig_classify_requested, sig_cancel_requested
        The user pressed Classify / Cancel.
    sig_heatmap_toggled(bool), sig_heatmap_opacity_changed(float)
        Heatmap visibility and opacity (0..1).
    """

    sig_classify_requested = Signal()
    sig_cancel_requested = Signal()
    sig_heatmap_toggled = Signal(bool)
    sig_heatmap_opacity_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: dict[str, Any] | None = None
        self.classify_button = QPushButton("Classify")
        self.classify_button.setObjectName("classifyButton")
        self.classify_button.setEnabled(False)
        self.classify_button.clicked.connect(self.sig_classify_requested)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelClassify")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.sig_cancel_requested)
        self.busy = QProgressBar()
        self.busy.setObjectName("classifyBusy")
        self.busy.setRange(0, 0)  # indeterminate: the model gives no partial progress
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setVisible(False)
        self.status = QLabel("Open an image to classify it.")
        self.status.setObjectName("classifyStatus")
        self.status.setWordWrap(True)

        self.label = QLabel("—")
        self.label.setObjectName("predictionLabel")
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.label.setFont(font)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bars_box = QWidget()
        self.bars = QGridLayout(self.bars_box)
        self.bars.setContentsMargins(0, 0, 0, 0)
        self.bars.setColumnStretch(1, 1)
        self.prob_labels: dict[str, QLabel] = {}
        self.prob_bars: dict[str, QProgressBar] = {}
        self.threshold = QLabel("")
        self.threshold.setObjectName("thresholdLabel")
        self.threshold.setWordWrap(True)
        self.applicability = QLabel("")
        self.applicability.setObjectName("applicabilityWarning")
        self.applicability.setWordWrap(True)
        self.applicability.setStyleSheet(ALERT_BOX_STYLE)
        self.applicability.hide()
        self.model = QLabel("")
        self.model.setObjectName("modelLabel")
        self.model.setWordWrap(True)
        self.model.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = QLabel(NOTICE)
        self.notice.setObjectName("decisionSupportNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_BOX_STYLE)
        self.heatmap_check = QCheckBox("Show heatmap")
        self.heatmap_check.setObjectName("heatmapCheck")
        self.heatmap_check.setToolTip("Highlight the regions that drove the reading (Grad-CAM)")
        self.heatmap_check.setEnabled(False)
        self.heatmap_check.toggled.connect(self.sig_heatmap_toggled)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("heatmapOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip("Heatmap opacity")
        self.opacity.valueChanged.connect(lambda v: self.sig_heatmap_opacity_changed.emit(v / 100))

        buttons = QHBoxLayout()
        buttons.addWidget(self.classify_button, 1)
        buttons.addWidget(self.cancel_button)
        heat = QHBoxLayout()
        heat.addWidget(self.heatmap_check)
        heat.addWidget(QLabel("Opacity"))
        heat.addWidget(self.opacity, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.label)
        layout.addWidget(self.bars_box)
        layout.addWidget(self.threshold)
        layout.addWidget(self.applicability)
        layout.addWidget(self.model)
        layout.addLayout(heat)
        layout.addWidget(self.notice)

    # -- states ---------------------------------------------------------------------
    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if message:
            self.status.setText(message)

    def clear(self, message: str = "") -> None:
        """Forget the reading (a new image is shown)."""
        self.result = None
        self.label.setText("—")
        self.label.setStyleSheet("")
        self.threshold.setText("")
        self.applicability.hide()
        self.model.setText("")
        self.prob_labels.clear()
        self.prob_bars.clear()
        while self.bars.count():
            item = self.bars.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.heatmap_check.setEnabled(False)
        self.status.setText(message)
        self.status.setStyleSheet("")

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.status.setText(f"Classification failed: {message}")
        self.status.setStyleSheet(ERROR_STYLE)

    def show_result(self, result: dict[str, Any]) -> None:
        """Show a ``classify_image`` result."""
        self.clear()
        self.result = result
        self.status.setStyleSheet("")
        self.status.setText("")
        label = str(result.get("label", ""))
        self.label.setText(label)
        positive = result.get("positive_class")
        # Colour tells "the positive finding" apart at a glance; the text carries it too.
        colour = "#b3261e" if positive is not None and label == positive else "#1b6e3a"
        self.label.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        probabilities: dict[str, float] = result.get("probabilities") or {}
        for row, (cls, p) in enumerate(probabilities.items()):
            name = QLabel(cls)
            bar = QProgressBar()
            bar.setObjectName(f"probBar_{cls}")
            bar.setRange(0, 1000)
            bar.setValue(round(1000 * float(p)))
            bar.setTextVisible(False)
            bar.setMaximumHeight(14)
            value = QLabel(percent(p))
            value.setObjectName(f"prob_{cls}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("100.0 %") + 4)
            self.bars.addWidget(name, row, 0)
            self.bars.addWidget(bar, row, 1)
            self.bars.addWidget(value, row, 2)
            self.prob_labels[cls] = value
            self.prob_bars[cls] = bar
        threshold = result.get("threshold")
        if threshold is not None and positive:
            self.threshold.setText(f"Decision threshold: {percent(threshold)} for {positive}")
            self.threshold.setToolTip(
                f"The reading is {positive} when its probability is at least {percent(threshold)}."
            )
        elif threshold is not None:
            self.threshold.setText(f"Decision threshold: {percent(threshold)}")
        name, version = result.get("model_name"), result.get("model_version")
        ref = f"{name}@{version}" if name and version is not None else result.get("model", "")
        self.model.setText(f"Model: {ref}")
        self.model.setToolTip(_timing_text(result.get("timing_ms")))
        warnings = result.get("warnings") or []
        if warnings:
            self.applicability.setText(
                "This model reads chest radiographs; this reading may not apply: "
                + "; ".join(warnings) + ".")
            self.applicability.show()
        self.heatmap_check.setEnabled(result.get("heatmap") is not None)


def _timing_text(timing: Any) -> str:
    if not isinstance(timing, dict) or not timing:
        return ""
    return "Timing: " + ", ".join(f"{k} {float(v):.1f} ms" for k, v in timing.items())


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    panel = PredictionPanel()
    panel.show_result({
        "label": "PNEUMONIA", "probabilities": {"NORMAL": 0.08, "PNEUMONIA": 0.92},
        "threshold": 0.5, "positive_class": "PNEUMONIA", "model_name": "pneumonia-cnn",
        "model_version": 1, "heatmap": None, "timing_ms": {"model": 4.2},
    })
    panel.show()
    sys.exit(app.exec())
