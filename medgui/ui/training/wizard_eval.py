"""The training wizard's last steps: evaluate on the test split, save.

(Training itself, the step before, is ``wizard_train.TrainPage``.) Registering the
model is a registry write in the ``ThreadRunner``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import check_name
from medgui.core.training import metrics
from medgui.core.training.staging import register_staged
from medgui.ui.errors import handle_error
from medgui.ui.style import ERROR_STYLE
from medgui.ui.training.charts import ConfusionMatrixChart, RocChart
from medgui.ui.training.wizard_common import fill_table, make_table
from medgui.workers.jobs import Job, JobError


def with_ci(value: float | None, ci: Any = None, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.{digits}f}"
    if ci and len(ci) == 2 and None not in ci:
        text += f"  (95 % CI {ci[0]:.{digits}f} – {ci[1]:.{digits}f})"
    return text


class EvaluatePage(QWizardPage):
    """Step 8: metrics on the untouched test split, charts and the operating threshold."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Evaluation on the test split")
        self.setSubTitle("These images were never used for training or for choosing the "
                         "best epoch.")
        self.summary = QLabel()
        self.summary.setObjectName("evalSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setWordWrap(True)
        self.baseline = QLabel()  # text models: the linear baseline on the same split
        self.baseline.setObjectName("evalBaseline")
        self.baseline.setWordWrap(True)
        self.per_class = make_table(["class", "precision", "recall", "F1", "support"])
        self.per_class.setObjectName("perClass")
        self.kfold = QLabel()
        self.kfold.setWordWrap(True)
        self.confusion = ConfusionMatrixChart()
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
        self.roc_box = QWidget()
        roc_layout = QVBoxLayout(self.roc_box)
        roc_layout.setContentsMargins(0, 0, 0, 0)
        roc_layout.addWidget(self.roc, 1)
        form = QFormLayout()
        picker = QHBoxLayout()
        picker.addWidget(self.slider, 1)
        picker.addWidget(self.threshold)
        form.addRow("Operating threshold", picker)
        form.addRow("", self.point)
        roc_layout.addLayout(form)
        # The class column takes the room left and elides long names (their tooltip says
        # them whole), so the numbers, support included, always stay in view.
        header = self.per_class.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.per_class.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.per_class.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.per_class.setMaximumHeight(130)
        # Numbers and the confusion matrix on the left, the ROC curve and threshold right.
        grid = QGridLayout(self)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.summary)
        top_layout.addWidget(self.baseline)
        grid.addWidget(top, 0, 0)
        grid.addWidget(self.per_class, 1, 0)
        grid.addWidget(self.confusion, 2, 0)
        grid.addWidget(self.kfold, 3, 0)
        grid.addWidget(self.roc_box, 0, 1, 4, 1)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.threshold.valueChanged.connect(self._threshold_changed)
        self.slider.valueChanged.connect(lambda v: self.threshold.setValue(v / 1000))
        self.evaluation: dict[str, Any] = {}

    def initializePage(self) -> None:
        examples = "images" if self.wizard().task() == "image" else "texts"
        self.setSubTitle(f"These {examples} were never used for training or for choosing the "
                         "best epoch.")
        outcome = self.wizard().outcome or {}
        ev = self.evaluation = outcome.get("evaluation") or {}
        classes = list(ev.get("classes") or [])
        lines = [f"<b>Accuracy</b> {with_ci(ev.get('accuracy'), ev.get('accuracy_ci'))}",
                 f"<b>Macro-F1</b> {with_ci(ev.get('macro_f1'), ev.get('macro_f1_ci'))}"]
        if ev.get("auc") is not None:
            lines.append(f"<b>AUC</b> {with_ci(ev.get('auc'), ev.get('auc_ci'))}")
        if ev.get("n") is not None:
            lines.append(f"{ev['n']} test examples")
        self.summary.setText("<br>".join(lines))
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
        self.confusion.set_matrix(ev.get("confusion_matrix") or [], classes)
        self.kfold.setText(kfold_text(outcome.get("kfold")))
        roc = ev.get("roc")
        binary = len(classes) == 2 and bool(roc)
        self.roc_box.setVisible(binary)
        grid = self.layout()
        if isinstance(grid, QGridLayout):  # no ROC curve: the numbers and the matrix take the width
            grid.setColumnStretch(1, 1 if binary else 0)
        if binary:
            self.roc.set_roc(roc["fpr"], roc["tpr"], ev.get("auc"), ev.get("auc_ci"))
            start = self.wizard().threshold
            if start is None:
                start = float(ev.get("threshold", 0.5))
            self.threshold.setValue(start)
            self._threshold_changed(start)
        else:
            self.wizard().threshold = None

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
        self.point.setText(f"Call {positive} when P ≥ {value:.3f}: sensitivity "
                           f"{op['sensitivity']:.3f}, specificity {op['specificity']:.3f}")


def baseline_text(ev: dict[str, Any]) -> tuple[str, bool]:
    """The baseline's figures on the same test split, and whether to warn (core decides:
    ``beats_model``, the baseline's macro-F1 above the model's 95 % CI)."""
    base = ev.get("baseline")
    if not isinstance(base, dict) or base.get("macro_f1") is None:
        return "", False
    text = (f"<b>Baseline</b> (TF-IDF + logistic regression, same training and test split): "
            f"macro-F1 {with_ci(base.get('macro_f1'), base.get('macro_f1_ci'))}, "
            f"accuracy {with_ci(base.get('accuracy'), base.get('accuracy_ci'))}")
    warn = bool(base.get("beats_model"))
    if warn:
        text += ("<br><b>The baseline beats this model</b>: its macro-F1 is above the model's 95 % CI. "
                 "A linear model does better on these notes: try the n-gram architecture before saving.")
    return text, warn


def kfold_text(kfold: dict[str, Any] | None) -> str:
    if not kfold:
        return ""
    parts = []
    for key, label in (("accuracy", "accuracy"), ("macro_f1", "macro-F1"), ("auc", "AUC")):
        entry = kfold.get(key)
        if isinstance(entry, dict):
            parts.append(f"{label} {entry['mean']:.3f} ± {entry['std']:.3f}")
    return f"<b>{kfold.get('folds', '?')}-fold cross-validation</b> (mean ± SD): " + ", ".join(parts)


NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")


def suggest_name(data: str, task: str) -> str:
    stem = NAME_RE.sub("-", Path(data).stem).strip("-.").lower() or task
    return f"{stem}-{task}"


class SavePage(QWizardPage):
    """Step 9: name, notes and "make active"; Finish registers the model."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Save the model")
        self.setSubTitle("The model enters your registry as a new version of this name.")
        self.name = QLineEdit()
        self.name.setObjectName("modelName")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What was this trained for, on which data, by whom…")
        self.activate = QCheckBox("Make it the active model for its task")
        self.status = QLabel()
        self.status.setObjectName("saveStatus")
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Notes", self.notes)
        form.addRow("", self.activate)
        form.addRow(self.status)
        self.registerField("save.name*", self.name)
        self.registerField("save.activate", self.activate)
        self.setFinalPage(True)
        self.job: Job | None = None

    def initializePage(self) -> None:
        w = self.wizard()
        if not self.name.text():
            self.name.setText(suggest_name(str(w.field("data.path")), w.task()))
        self.status.setText("")

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
        outcome, registry, threshold = w.outcome, w.registry, w.threshold
        name, notes = self.name.text().strip(), self.notes.toPlainText().strip()
        activate = self.activate.isChecked()

        def register(progress: Any, cancelled: Any) -> Any:
            # The threshold picked on the Evaluate page is the one the model will use.
            return register_staged(outcome, name, notes, activate, registry, threshold=threshold)

        self.status.setText("Saving…")
        self.status.setStyleSheet("")
        w.button(w.WizardButton.FinishButton).setEnabled(False)
        self.job = w.runner.submit(register, kind="register")
        self.job.sig_result.connect(self._on_saved)
        self.job.sig_errored.connect(self._on_error)

    def _on_saved(self, card: Any) -> None:
        self.job = None
        self.status.setText(f"Saved as {card.ref}" + (" (active)" if self.activate.isChecked() else ""))
        self.wizard().on_saved(card)

    def _on_error(self, error: JobError) -> None:
        self.job = None
        self.wizard().button(self.wizard().WizardButton.FinishButton).setEnabled(True)

        def inline(message: str) -> None:
            self.status.setText(f"Not saved: {message}")
            self.status.setStyleSheet(ERROR_STYLE)

        handle_error(self, "Saving the model failed", error, inline)

