"""The reading of the image model, shown beside the image: label, probabilities, model.

A thin view over the ``classify_image`` result dict of the analysis process. The
decision-support notice is always visible, with or without a reading. A reading near
its decision threshold is shown as borderline (amber, with the reason), never in the
confident colour; the rule is ``core.imaging.reading``. Each probability bar carries a
mark where the decision threshold falls on it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
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

from medgui.core.imaging.reading import BORDERLINE_BAND, ReadingState, reading_state
from medgui.ui.imaging.prob_bar import ThresholdBar
from medgui.ui.style import (
    ALERT_BOX_STYLE,
    ERROR_COLOR,
    ERROR_STYLE,
    NOTICE_BOX_STYLE,
    WARNING_COLOR,
    WARNING_STYLE,
)

# The English source texts; shown through QCoreApplication.translate("PredictionPanel", ...).
NOTICE = QT_TRANSLATE_NOOP("PredictionPanel",
                           "Decision support only — not a diagnosis. Review the image yourself.")
# A reading the applicability gate withheld, shown anyway at the user's request.
SHOWN_ANYWAY = QT_TRANSLATE_NOOP("PredictionPanel",
                                 "Shown anyway: this image is outside what the model was trained on. "
                                 "These probabilities are not a reading; do not act on them.")
SHOWN_ANYWAY_STYLE = (f"QLabel {{ background: {ERROR_COLOR}; color: white; font-weight: bold;"
                      " border-radius: 3px; padding: 6px; }")
POSITIVE_COLOR = "#b3261e"
NEGATIVE_COLOR = "#1b6e3a"


def borderline_rule() -> str:
    """``core.imaging.reading.BORDERLINE_RULE`` in the interface language (core has no Qt)."""
    return QCoreApplication.translate(
        "PredictionPanel",
        "Borderline: the probability of the finding is within {0} percentage points of the decision "
        "threshold, or the label goes against the more probable class (the probability lies between "
        "50 % and the threshold).").format(f"{BORDERLINE_BAND * 100:.0f}")


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
        self.classify_button = QPushButton(self.tr("Classify"))
        self.classify_button.setObjectName("classifyButton")
        self.classify_button.setEnabled(False)
        self.classify_button.clicked.connect(self.sig_classify_requested)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelClassify")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.sig_cancel_requested)
        self.busy = QProgressBar()
        self.busy.setObjectName("classifyBusy")
        self.busy.setRange(0, 0)  # indeterminate: the model gives no partial progress
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setVisible(False)
        self.status = QLabel(self.tr("Open an image to classify it."))
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
        self.state_label.setToolTip(borderline_rule())
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
        # Whether the probabilities went through the model card's calibration map.
        self.calibration_note = QLabel("")
        self.calibration_note.setObjectName("calibrationNote")
        self.calibration_note.setWordWrap(True)
        self.calibration_note.hide()
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
        self.show_anyway_button = QPushButton(self.tr("Show anyway"))
        self.show_anyway_button.setObjectName("showAnyway")
        self.show_anyway_button.setToolTip(self.tr("Show the model's probabilities for this image, "
                                                   "although it is outside the model's domain"))
        self.show_anyway_button.clicked.connect(self.show_anyway)
        self.show_anyway_button.hide()
        self.shown_anyway = QLabel(QCoreApplication.translate("PredictionPanel", SHOWN_ANYWAY))
        self.shown_anyway.setObjectName("shownAnywayBanner")
        self.shown_anyway.setWordWrap(True)
        self.shown_anyway.setStyleSheet(SHOWN_ANYWAY_STYLE)
        self.shown_anyway.hide()
        self.model = QLabel("")
        self.model.setObjectName("modelLabel")
        self.model.setWordWrap(True)
        self.model.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = QLabel(QCoreApplication.translate("PredictionPanel", NOTICE))
        self.notice.setObjectName("decisionSupportNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_BOX_STYLE)
        self.heatmap_check = QCheckBox(self.tr("Show heatmap"))
        self.heatmap_check.setObjectName("heatmapCheck")
        self.heatmap_check.setToolTip(self.tr("Highlight the regions that drove the reading (Grad-CAM)"))
        self.heatmap_check.setEnabled(False)
        self.heatmap_check.toggled.connect(self.sig_heatmap_toggled)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("heatmapOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip(self.tr("Heatmap opacity"))
        self.opacity.valueChanged.connect(lambda v: self.sig_heatmap_opacity_changed.emit(v / 100))

        buttons = QHBoxLayout()
        buttons.addWidget(self.classify_button, 1)
        buttons.addWidget(self.cancel_button)
        heat = QHBoxLayout()
        heat.addWidget(self.heatmap_check)
        heat.addWidget(QLabel(self.tr("Opacity")))
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
        layout.addWidget(self.calibration_note)
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
        self.calibration_note.hide()
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
        self._set_status(self.tr("Classification failed: {0}").format(message), ERROR_STYLE)
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
        # A borderline reading, or one that may not apply to this patient (e.g. outside
        # the model's training population), gets neither confident colour.
        if state.borderline or result.get("warnings"):
            colour = WARNING_COLOR
        else:
            colour = POSITIVE_COLOR if positive is not None and label == positive else NEGATIVE_COLOR
        self.label.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        self.label.setToolTip(borderline_rule() if state.borderline else "")
        if state.borderline and state.p_positive is not None and state.threshold is not None:
            text = (self.tr("Borderline reading: P({0}) {1} is below the {2} threshold, and close to "
                            "it. Weigh the image itself more than this label.")
                    if state.p_positive < state.threshold else
                    self.tr("Borderline reading: P({0}) {1} is at or above the {2} threshold, and close "
                            "to it. Weigh the image itself more than this label."))
            self.state_label.setText(text.format(positive, percent(state.p_positive),
                                                 percent(state.threshold)))
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
                bar.setToolTip(self.tr("{0}: {1}; the mark is the decision threshold on this bar "
                                       "({2}).").format(cls, percent(p), percent(mark)))
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
            self.threshold.setText(self.tr("Decision threshold: {0} for {1}").format(percent(threshold),
                                                                                     positive))
            self.threshold.setToolTip(
                self.tr("The reading is {0} when its probability is at least {1} (the mark on the "
                        "bars).").format(positive, percent(threshold)) + " " + borderline_rule())
        elif threshold is not None:
            self.threshold.setText(self.tr("Decision threshold: {0}").format(percent(threshold)))
        if result.get("calibrated"):
            self.calibration_note.setText(self.tr("Calibrated probabilities"))
            self.calibration_note.setToolTip(self.tr(
                "The model's probabilities were adjusted with its calibration map, so that on "
                "data like its validation data a reading of 70 % is right about 70 % of the time. "
                "The decision threshold applies to these calibrated probabilities."))
            self.calibration_note.show()
        name, version = result.get("model_name"), result.get("model_version")
        ref = f"{name}@{version}" if name and version is not None else result.get("model", "")
        population = result.get("population") or {}
        ages = population.get("age_years")
        if isinstance(ages, (list, tuple)) and len(ages) == 2:
            self.model.setText(self.tr("Model: {0} · trained on ages {1}-{2} years").format(
                ref, f"{ages[0]:g}", f"{ages[1]:g}"))
        else:
            self.model.setText(self.tr("Model: {0}").format(ref))
        tip = _timing_text(result.get("timing_ms"))
        if population.get("description"):
            tip = self.tr("Training population: {0}").format(population["description"]) + "\n" + tip
        self.model.setToolTip(tip)
        warnings = result.get("warnings") or []
        if warnings:
            self.applicability.setText(
                self.tr("This model reads chest radiographs; this reading may not apply: {0}.").format(
                    "; ".join(self.warning_text(w, result.get("age_outside")) for w in warnings)))
            self.applicability.show()
        self.heatmap_check.setEnabled(result.get("heatmap") is not None)
        if result.get("reliable") is False:
            self._withhold(result)
        self.sig_layout_changed.emit()

    def _withhold(self, result: dict[str, Any]) -> None:
        """The gate said the reading does not apply: say why, hide the probabilities."""
        self.label.setText(self.tr("Not applicable"))
        self.label.setStyleSheet(f"QLabel {{ color: {WARNING_COLOR}; }}")
        self.label.setToolTip("")
        self.state_label.hide()
        self.not_applicable.setText(str(result.get("reason") or self.tr(
            "Not applicable: this image is outside what the model was trained on.")))
        self.not_applicable.show()
        self.show_anyway_button.show()
        self.bars_box.hide()
        self.threshold.hide()
        self.calibration_note.hide()
        self.heatmap_check.setChecked(False)
        self.heatmap_check.setEnabled(False)

    def warning_text(self, warning: str, outside: dict[str, Any] | None = None) -> str:
        """A reading warning in the interface language: the population warning is worded
        here from its parts (``outside``, ``population.age_outside``); others stay as written."""
        if not outside or warning != outside.get("text"):
            return warning
        units = {"year": self.tr("{0} years"), "month": self.tr("{0} months"), "week": self.tr("{0} weeks"),
                 "day": self.tr("{0} days")}
        template = self.tr("{0} years or older") if outside.get("older") else units.get(outside.get("unit"), "")
        if not template:
            return warning
        lo, hi = outside["ages"]
        return self.tr("the patient's age ({0}) is outside the model's training population "
                       "(ages {1}-{2} years)").format(template.format(outside["amount"]), f"{lo:g}", f"{hi:g}")

    def show_anyway(self) -> None:
        """Reveal a withheld reading's probabilities (and heatmap) under a red banner."""
        if self.result is None or self.result.get("reliable") is not False:
            return
        self.show_anyway_button.hide()
        self.shown_anyway.show()
        self.bars_box.show()
        self.threshold.show()
        self.calibration_note.setVisible(bool(self.result.get("calibrated")))
        self.heatmap_check.setEnabled(self.result.get("heatmap") is not None)
        self.sig_layout_changed.emit()


def _timing_text(timing: Any) -> str:
    if not isinstance(timing, dict) or not timing:
        return ""
    return QCoreApplication.translate("PredictionPanel", "Timing: {0}").format(
        ", ".join(f"{k} {float(v):.1f} ms" for k, v in timing.items()))


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
