"""The training wizard's last steps: evaluate on the test split, save.

(Training itself, the step before, is ``wizard_train.TrainPage``.) Registering the
model is a registry write in the ``ThreadRunner``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import check_name
from medgui.core.training import metrics
from medgui.core.training.chance import stored_warnings
from medgui.core.training.staging import register_staged
from medgui.ui.errors import handle_error
from medgui.ui.style import ALERT_BOX_STYLE, ERROR_STYLE, WARNING_STYLE
from medgui.ui.training.charts import ConfusionMatrixChart, ReliabilityChart, RocChart
from medgui.ui.training.wizard_common import fill_table, make_table
from medgui.workers.jobs import Job, JobError


def with_ci(value: float | None, ci: Any = None, digits: int = 3) -> str:
    if value is None:
        return QCoreApplication.translate("EvaluatePage", "n/a")
    text = f"{value:.{digits}f}"
    if ci and len(ci) == 2 and None not in ci:
        text = QCoreApplication.translate("EvaluatePage", "{0}  (95 % CI {1} – {2})").format(
            text, f"{ci[0]:.{digits}f}", f"{ci[1]:.{digits}f}")
    return text


class EvaluatePage(QWizardPage):
    """Step 8: metrics on the untouched test split, charts and the operating threshold."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Evaluation on the test split"))
        self.setSubTitle(self.tr("These images were never used for training or for choosing the "
                                 "best epoch."))
        # The chance check's verdict, first and in red: a useless model is never quiet.
        self.warnings = QLabel()
        self.warnings.setObjectName("evalWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(ALERT_BOX_STYLE)
        self.notes = QLabel()  # small-data notes: classes too few to evaluate
        self.notes.setObjectName("evalNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(WARNING_STYLE)
        self.summary = QLabel()
        self.summary.setObjectName("evalSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setWordWrap(True)
        self.baseline = QLabel()  # text models: the linear baseline on the same split
        self.baseline.setObjectName("evalBaseline")
        self.baseline.setWordWrap(True)
        self.per_class = make_table([self.tr("class"), self.tr("precision"), self.tr("recall"),
                                     self.tr("F1"), self.tr("support")])
        self.per_class.setObjectName("perClass")
        self.kfold = QLabel()
        self.kfold.setWordWrap(True)
        self.confusion = ConfusionMatrixChart()
        self.reliability = ReliabilityChart()
        self.charts = QTabWidget()
        self.charts.addTab(self.confusion, self.tr("Confusion matrix"))
        self.charts.addTab(self.reliability, self.tr("Reliability"))
        self.roc = RocChart()
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("threshold")
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setDecimals(3)
        self.threshold.setSingleStep(0.01)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 1000)
        self.point = QLabel()
        self.point.setObjectName("operatingPoint")
        self.point.setWordWrap(True)
        self.roc_box = QWidget()
        self.roc_box.setMaximumWidth(440)  # the numbers on the left keep room for class names
        roc_layout = QVBoxLayout(self.roc_box)
        roc_layout.setContentsMargins(0, 0, 0, 0)
        roc_layout.addWidget(self.roc, 1)
        form = QFormLayout()
        picker = QHBoxLayout()
        picker.addWidget(self.slider, 1)
        picker.addWidget(self.threshold)
        form.addRow(self.tr("Operating threshold"), picker)
        form.addRow("", self.point)
        roc_layout.addLayout(form)
        # The class column takes the room left and elides long names (their tooltip says
        # them whole); the numbers fit their contents. Below the columns' minimum widths
        # the table scrolls sideways rather than squeezing the figures.
        header = self.per_class.horizontalHeader()
        header.setMinimumSectionSize(64)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.per_class.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.per_class.setWordWrap(False)
        self.per_class.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.per_class.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # Numbers and the confusion matrix on the left, the ROC curve and threshold right.
        self.grid = grid = QGridLayout(self)
        grid.addWidget(self.warnings, 0, 0, 1, 2)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.summary)
        top_layout.addWidget(self.baseline)
        top_layout.addWidget(self.notes)
        grid.addWidget(top, 1, 0)
        grid.addWidget(self.per_class, 2, 0)
        grid.addWidget(self.charts, 3, 0)
        grid.addWidget(self.kfold, 4, 0)
        grid.addWidget(self.roc_box, 1, 1, 4, 1)
        grid.setRowStretch(3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.threshold.valueChanged.connect(self._threshold_changed)
        self.slider.valueChanged.connect(lambda v: self.threshold.setValue(v / 1000))
        self.evaluation: dict[str, Any] = {}

    def initializePage(self) -> None:
        self.setSubTitle(self.tr("These images were never used for training or for choosing the "
                                 "best epoch.") if self.wizard().task() == "image" else
                         self.tr("These texts were never used for training or for choosing the "
                                 "best epoch."))
        outcome = self.wizard().outcome or {}
        ev = self.evaluation = outcome.get("evaluation") or {}
        classes = list(ev.get("classes") or [])
        lines = [self.tr("<b>Accuracy</b> {0}").format(with_ci(ev.get("accuracy"), ev.get("accuracy_ci"))),
                 self.tr("<b>Macro-F1</b> {0}").format(with_ci(ev.get("macro_f1"), ev.get("macro_f1_ci")))]
        if ev.get("auc") is not None:
            lines.append(self.tr("<b>AUC</b> {0}").format(with_ci(ev.get("auc"), ev.get("auc_ci"))))
        base = ev.get("majority_baseline")
        if isinstance(base, dict) and base.get("majority_class") is not None:
            lines.append(self.tr("Majority-class baseline (always {0}): accuracy {1:.3f}, macro-F1 {2:.3f}")
                         .format(html.escape(str(base["majority_class"])), base["majority_accuracy"],
                                 base["majority_macro_f1"]))
        if ev.get("n") is not None:
            lines.append(self.tr("{0} test examples").format(ev["n"]))
        self.summary.setText("<br>".join(lines))
        warnings = stored_warnings(ev)
        self.warnings.setText(warnings_html(warnings, self.tr("This model may be no better than chance")))
        self.warnings.setVisible(bool(warnings))
        notes = [str(n) for n in ev.get("notes") or []]
        self.notes.setText("\n".join(f"⚠ {n}" for n in notes))
        self.notes.setVisible(bool(notes))
        self.reliability.set_reliability(ev.get("reliability"), ev.get("ece"))
        text, warn = baseline_text(ev)
        self.baseline.setText(text)
        self.baseline.setVisible(bool(text))
        self.baseline.setStyleSheet(ERROR_STYLE if warn else "")
        rows = []
        for c in classes:
            m = ev.get("per_class", {}).get(c, {})
            rows.append([c, f"{m.get('precision', 0):.3f}", f"{m.get('recall', 0):.3f}",
                         f"{m.get('f1', 0):.3f}", int(m.get("support", 0))])
        fill_table(self.per_class, rows)
        for r, c in enumerate(classes):
            self.per_class.item(r, 0).setToolTip(c)
        self._size_table(len(rows))
        self.confusion.set_matrix(ev.get("confusion_matrix") or [], classes)
        self.charts.setCurrentIndex(0)
        self.kfold.setText(kfold_text(outcome.get("kfold")))
        roc = ev.get("roc")
        binary = len(classes) == 2 and bool(roc)
        self.roc_box.setVisible(binary)
        # No ROC curve: the numbers and the matrix take the width.
        self.grid.setColumnStretch(1, 2 if binary else 0)
        if binary:
            self.roc.set_roc(roc["fpr"], roc["tpr"], ev.get("auc"), ev.get("auc_ci"))
            start = self.wizard().threshold
            if start is None:
                start = float(ev.get("threshold", 0.5))
            self.threshold.setValue(start)
            self._threshold_changed(start)
        else:
            self.wizard().threshold = None

    def _size_table(self, n_rows: int) -> None:
        """Tall enough for up to five classes (more scroll), plus a sideways scroll bar."""
        table = self.per_class
        height = (table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                  + table.horizontalScrollBar().sizeHint().height()
                  + table.verticalHeader().defaultSectionSize() * max(2, min(n_rows, 5)))
        table.setFixedHeight(height)

    def _threshold_changed(self, value: float) -> None:
        roc = self.evaluation.get("roc")
        if not roc:
            return
        self.slider.blockSignals(True)
        self.slider.setValue(int(round(value * 1000)))
        self.slider.blockSignals(False)
        op = metrics.operating_point(roc, value)
        self.wizard().threshold = float(value)
        self.roc.set_operating_point(op["sensitivity"], op["specificity"])
        positive = self.evaluation.get("positive_class") or self.evaluation["classes"][1]
        self.point.setText(self.tr("Call {0} when P ≥ {1}: sensitivity {2}, specificity {3}").format(
            positive, f"{value:.3f}", f"{op['sensitivity']:.3f}", f"{op['specificity']:.3f}"))


def warnings_html(warnings: list[str], heading: str) -> str:
    """The chance warnings as a bold heading and one bullet each (text escaped)."""
    if not warnings:
        return ""
    items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
    return f"<b>⚠ {html.escape(heading)}</b><ul style='margin:2px 0 0 -20px'>{items}</ul>"


def baseline_text(ev: dict[str, Any]) -> tuple[str, bool]:
    """The baseline's figures on the same test split, and whether to warn (core decides:
    ``beats_model``, the baseline's macro-F1 above the model's 95 % CI)."""
    base = ev.get("baseline")
    if not isinstance(base, dict) or base.get("macro_f1") is None:
        return "", False
    translate = QCoreApplication.translate
    text = translate("EvaluatePage", "<b>Baseline</b> (TF-IDF + logistic regression, same training and "
                                     "test split): macro-F1 {0}, accuracy {1}").format(
        with_ci(base.get("macro_f1"), base.get("macro_f1_ci")),
        with_ci(base.get("accuracy"), base.get("accuracy_ci")))
    warn = bool(base.get("beats_model"))
    if warn:
        text += "<br>" + translate("EvaluatePage", "<b>The baseline beats this model</b>: its macro-F1 is "
                                   "above the model's 95 % CI. A linear model does better on these "
                                   "notes: try the n-gram architecture before saving.")
    return text, warn


def kfold_text(kfold: dict[str, Any] | None) -> str:
    if not kfold:
        return ""
    translate = QCoreApplication.translate
    parts = []
    for key, label in (("accuracy", translate("EvaluatePage", "accuracy")),
                       ("macro_f1", translate("EvaluatePage", "macro-F1")),
                       ("auc", translate("EvaluatePage", "AUC"))):
        entry = kfold.get(key)
        if isinstance(entry, dict):
            parts.append(f"{label} {entry['mean']:.3f} ± {entry['std']:.3f}")
    return translate("EvaluatePage", "<b>{0}-fold cross-validation</b> (mean ± SD): {1}").format(
        kfold.get("folds", "?"), ", ".join(parts))


NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")


def suggest_name(data: str, task: str) -> str:
    stem = NAME_RE.sub("-", Path(data).stem).strip("-.").lower() or task
    return f"{stem}-{task}"


class SavePage(QWizardPage):
    """Step 9: name, notes and "make active"; Finish registers the model."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Save the model"))
        self.setSubTitle(self.tr("The model enters your registry as a new version of this name."))
        self.name = QLineEdit()
        self.name.setObjectName("modelName")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("What was this trained for, on which data, by whom…"))
        self.activate = QCheckBox(self.tr("Make it the active model for its task"))
        self.status = QLabel()
        self.status.setObjectName("saveStatus")
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow("", self.activate)
        form.addRow(self.status)
        self.registerField("save.name*", self.name)
        self.registerField("save.activate", self.activate)
        self.setFinalPage(True)
        self.job: Job | None = None
        self.confirm_box: QMessageBox | None = None
        self._confirmed = False  # the user chose to save a model the chance check warns about

    def warnings(self) -> list[str]:
        outcome = self.wizard().outcome or {}
        return stored_warnings(outcome.get("evaluation"))

    def initializePage(self) -> None:
        w = self.wizard()
        if not self.name.text():
            self.name.setText(suggest_name(str(w.field("data.path")), w.task()))
        self._confirmed = False
        warned = bool(self.warnings())
        self.status.setText(self.tr("The evaluation warns that this model may be no better than "
                                    "chance: saving it asks you to confirm.") if warned else "")
        self.status.setStyleSheet(ERROR_STYLE if warned else "")

    def validatePage(self) -> bool:
        try:
            check_name(self.name.text().strip())
        except ModelLoadError as exc:
            self.status.setText(exc.message)
            self.status.setStyleSheet(ERROR_STYLE)
            return False
        return True

    def start_save(self) -> None:
        """Register the trained model in a worker thread (called by the wizard's Finish)."""
        w = self.wizard()
        if not self.validatePage() or w.outcome is None or self.job is not None:
            return
        warnings = self.warnings()
        if warnings and not self._confirmed:
            self._ask_to_confirm(warnings)  # Yes calls start_save again
            return
        outcome, registry, threshold = w.outcome, w.registry, w.threshold
        name, notes = self.name.text().strip(), self.notes.toPlainText().strip()
        activate = self.activate.isChecked()

        def register(progress: Any, cancelled: Any) -> Any:
            # The threshold picked on the Evaluate page is the one the model will use.
            return register_staged(outcome, name, notes, activate, registry, threshold=threshold)

        self.status.setText(self.tr("Saving…"))
        self.status.setStyleSheet("")
        w.button(w.WizardButton.FinishButton).setEnabled(False)
        self.job = w.runner.submit(register, kind="register")
        self.job.sig_result.connect(self._on_saved)
        self.job.sig_errored.connect(self._on_error)

    def _ask_to_confirm(self, warnings: list[str]) -> None:
        """A non-blocking question, No by default: save a model no better than chance?"""
        if self.confirm_box is not None:
            return
        active = self.activate.isChecked()
        text = self.tr("The evaluation on the test split warns that this model may be no better "
                       "than chance:") + "\n\n" + "\n".join(f"• {w}" for w in warnings) + "\n\n"
        text += (self.tr("Save it anyway and make it the active model, used for every new reading?")
                 if active else self.tr("Save it anyway?"))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("No better than chance"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmChance")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self._confirmed = True
                self.start_save()
            else:
                self.status.setText(self.tr("Not saved. Go Back to change the settings and train "
                                            "again, or press Finish to be asked again."))
                self.status.setStyleSheet(ERROR_STYLE)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def _on_saved(self, card: Any) -> None:
        self.job = None
        self.status.setText((self.tr("Saved as {0} (active)") if self.activate.isChecked()
                             else self.tr("Saved as {0}")).format(card.ref))
        self.wizard().on_saved(card)

    def _on_error(self, error: JobError) -> None:
        self.job = None
        self.wizard().button(self.wizard().WizardButton.FinishButton).setEnabled(True)

        def inline(message: str) -> None:
            self.status.setText(self.tr("Not saved: {0}").format(message))
            self.status.setStyleSheet(ERROR_STYLE)

        handle_error(self, self.tr("Saving the model failed"), error, inline)

