"""The reading of the image model, shown beside the image: label, probabilities, model.

A thin view over the ``classify_image`` result dict of the analysis process. The
decision-support notice is always visible, with or without a reading. A reading near
its decision threshold is shown as borderline (amber, with the reason), never in the
confident colour; the rule is ``core.imaging.reading``. Each probability bar carries a
mark where the decision threshold falls on it.
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

from medgui.core.imaging.reading import BORDERLINE_RULE, ReadingState, reading_state
from medgui.ui.imaging.prob_bar import ThresholdBar
from medgui.ui.style import (
    ALERT_BOX_STYLE,
    ERROR_COLOR,
    ERROR_STYLE,
    NOTICE_BOX_STYLE,
    WARNING_COLOR,
    WARNING_STYLE,
)

NOTICE = "Decision support only — not a diagnosis. Review the image yourself."
# A reading the applicability gate withheld, shown anyway at the user's request.
SHOWN_ANYWAY = ("Shown anyway: this image is outside what the model was trained on. These "
                "probabilities are not a reading; do not act on them.")
SHOWN_ANYWAY_STYLE = (f"QLabel {{ background: {ERROR_COLOR}; color: white; font-weight: bold;"
                      " border-radius: 3px; padding: 6px; }")
POSITIVE_COLOR = "#b3261e"
NEGATIVE_COLOR = "#1b6e3a"


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
    sig_layout_changed
        What is shown changed height (a reading, a warning, an error): the pane makes
        room for it.
    """

    sig_classify_requested = Signal()
    sig_cancel_requested = Signal()
    sig_heatmap_toggled = Signal(bool)
    sig_heatmap_opacity_changed = Signal(float)
    sig_layout_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: dict[str, Any] | None = None
        self.state: ReadingState | None = None
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
        self.state_label = QLabel("")
        self.state_label.setObjectName("readingState")
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet(WARNING_STYLE)
        self.state_label.setToolTip(BORDERLINE_RULE)
        self.state_label.hide()
        self.bars_box = QWidget()
        self.bars = QGridLayout(self.bars_box)
        self.bars.setContentsMargins(0, 0, 0, 0)
        self.bars.setColumnStretch(1, 1)
        self.prob_labels: dict[str, QLabel] = {}
        self.prob_bars: dict[str, ThresholdBar] = {}
        self.threshold = QLabel("")
        self.threshold.setObjectName("thresholdLabel")
        self.threshold.setWordWrap(True)
        self.applicability = QLabel("")
        self.applicability.setObjectName("applicabilityWarning")
        self.applicability.setWordWrap(True)
        self.applicability.setStyleSheet(ALERT_BOX_STYLE)
        self.applicability.hide()
        # The applicability gate's verdict (result["reliable"] false): the reading is
        # withheld, and "Show anyway" reveals the probabilities under a red banner.
        self.not_applicable = QLabel("")
        self.not_applicable.setObjectName("notApplicable")
        self.not_applicable.setWordWrap(True)
        self.not_applicable.setStyleSheet(ALERT_BOX_STYLE)
        self.not_applicable.hide()
        self.show_anyway_button = QPushButton("Show anyway")
        self.show_anyway_button.setObjectName("showAnyway")
        self.show_anyway_button.setToolTip("Show the model's probabilities for this image, "
                                           "although it is outside the model's domain")
        self.show_anyway_button.clicked.connect(self.show_anyway)
        self.show_anyway_button.hide()
        self.shown_anyway = QLabel(SHOWN_ANYWAY)
        self.shown_anyway.setObjectName("shownAnywayBanner")
        self.shown_anyway.setWordWrap(True)
        self.shown_anyway.setStyleSheet(SHOWN_ANYWAY_STYLE)
        self.shown_anyway.hide()
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
        layout.addWidget(self.state_label)
        layout.addWidget(self.not_applicable)
        layout.addWidget(self.show_anyway_button)
        layout.addWidget(self.shown_anyway)
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
            self._set_status(message)
        self.sig_layout_changed.emit()

    def clear(self, message: str = "") -> None:
        """Forget the reading (a new image is shown)."""
        self.result = None
        self.state = None
        self.label.setText("—")
        self.label.setStyleSheet("")
        self.label.setToolTip("")
        self.state_label.hide()
        self.not_applicable.hide()
        self.show_anyway_button.hide()
        self.shown_anyway.hide()
        self.bars_box.show()
        self.threshold.show()
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
        self._set_status(message)
        self.sig_layout_changed.emit()

    def _set_status(self, text: str, style: str = "") -> None:
        # An empty status takes no room: the label sits right under the buttons.
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.status.setVisible(bool(text))

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self._set_status(f"Classification failed: {message}", ERROR_STYLE)
        self.sig_layout_changed.emit()

    def show_result(self, result: dict[str, Any]) -> None:
        """Show a ``classify_image`` result."""
        self.clear()
        self.result = result
        self._set_status("")
        label = str(result.get("label", ""))
        self.label.setText(label)
        state = self.state = reading_state(result)
        positive = result.get("positive_class")
        # Colour tells "the positive finding" apart at a glance; the text carries it too.
        # A borderline reading gets neither confident colour.
        if state.borderline:
            colour = WARNING_COLOR
        else:
            colour = POSITIVE_COLOR if positive is not None and label == positive else NEGATIVE_COLOR
        self.label.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        self.label.setToolTip(BORDERLINE_RULE if state.borderline else "")
        if state.borderline and state.p_positive is not None and state.threshold is not None:
            side = "below" if state.p_positive < state.threshold else "at or above"
            self.state_label.setText(
                f"Borderline reading: P({positive}) {percent(state.p_positive)} is {side} "
                f"the {percent(state.threshold)} threshold, and close to it. Weigh the "
                "image itself more than this label.")
            self.state_label.show()
        probabilities: dict[str, float] = result.get("probabilities") or {}
        classes = list(probabilities)
        for row, (cls, p) in enumerate(probabilities.items()):
            name = QLabel(cls)
            bar = ThresholdBar()
            bar.setObjectName(f"probBar_{cls}")
            bar.set_probability(p)
            mark = state.class_threshold(cls, classes)
            bar.set_threshold(mark)
            if mark is not None:
                bar.setToolTip(f"{cls}: {percent(p)}; the mark is the decision threshold "
                               f"on this bar ({percent(mark)}).")
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
                f"The reading is {positive} when its probability is at least "
                f"{percent(threshold)} (the mark on the bars). {BORDERLINE_RULE}"
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
        if result.get("reliable") is False:
            self._withhold(result)
        self.sig_layout_changed.emit()

    def _withhold(self, result: dict[str, Any]) -> None:
        """The gate said the reading does not apply: say why, hide the probabilities."""
        self.label.setText("Not applicable")
        self.label.setStyleSheet(f"QLabel {{ color: {WARNING_COLOR}; }}")
        self.label.setToolTip("")
        self.state_label.hide()
        self.not_applicable.setText(str(result.get("reason") or "Not applicable: this image is "
                                        "outside what the model was trained on."))
        self.not_applicable.show()
        self.show_anyway_button.show()
        self.bars_box.hide()
        self.threshold.hide()
        self.heatmap_check.setChecked(False)
        self.heatmap_check.setEnabled(False)

    def show_anyway(self) -> None:
        """Reveal a withheld reading's probabilities (and heatmap) under a red banner."""
        if self.result is None or self.result.get("reliable") is not False:
            return
        self.show_anyway_button.hide()
        self.shown_anyway.show()
        self.bars_box.show()
        self.threshold.show()
        self.heatmap_check.setEnabled(self.result.get("heatmap") is not None)
        self.sig_layout_changed.emit()


def _timing_text(timing: Any) -> str:
    if not isinstance(timing, dict) or not timing:
        return ""
    return "Timing: " + ", ".join(f"{k} {float(v):.1f} ms" for k, v in timing.items())


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    panel = PredictionPanel()
    # A borderline reading (pass "clear" for a confident one).
    p = 0.92 if sys.argv[1:] == ["clear"] else 0.506
    panel.show_result({
        "label": "PNEUMONIA" if p >= 0.656 else "NORMAL",
        "probabilities": {"NORMAL": 1 - p, "PNEUMONIA": p},
        "threshold": 0.656, "positive_class": "PNEUMONIA", "model_name": "pneumonia-cnn",
        "model_version": 1, "heatmap": None, "timing_ms": {"model": 4.2},
        # "not-applicable": a reading the applicability gate withheld.
        **({"label": None, "model_label": "PNEUMONIA", "reliable": False,
            "reason": "Not applicable: this looks like a photograph. This model reads frontal chest "
                      "radiographs like its training data."} if sys.argv[1:] == ["not-applicable"] else {}),
    })
    panel.show()
    sys.exit(app.exec())
