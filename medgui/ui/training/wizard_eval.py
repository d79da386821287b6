"""The training wizard's last steps: train, evaluate on the test split, save.

Training is the ``train`` job, run in a training process of its own (started for the
run, stopped after it); its progress dicts feed the live curves. Registering the model is a registry write in the ``ThreadRunner``.
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
    QProgressBar,
    QPushButton,
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
from medgui.ui.training.charts import ConfusionMatrixChart, RocChart, TrainingCurves
from medgui.ui.training.wizard_common import fill_table, make_table
from medgui.workers.jobs import Job, JobError


def format_eta(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return "estimating time remaining…"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"about {seconds} s remaining"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"about {minutes} min {seconds:02d} s remaining"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes:02d} min remaining"


def with_ci(value: float | None, ci: Any = None, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.{digits}f}"
    if ci and len(ci) == 2 and None not in ci:
        text += f"  (95 % CI {ci[0]:.{digits}f} – {ci[1]:.{digits}f})"
    return text


class TrainPage(QWizardPage):
    """Step 7: train with live curves, progress, time remaining and Cancel."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Training")
        self.setSubTitle("The model trains in a process of its own; the window, and "
                         "classification, stay usable.")
        self.phase = QLabel()
        self.curves = TrainingCurves()
        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.eta = QLabel()
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setObjectName("cancelTraining")
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel()
        self.status.setObjectName("trainStatus")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.eta)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase)
        layout.addWidget(self.curves, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.job: Job | None = None
        self.config: Any = None
        self._phase_key: Any = None

    def initializePage(self) -> None:
        self.start()

    def start(self) -> None:
        """Build the frozen config from the wizard's fields and submit the ``train`` job."""
        wizard = self.wizard()
        self.cancel()
        wizard.drop_outcome()
        self.curves.clear()
        self._phase_key = None
        self.progress.setRange(0, 0)
        self.eta.setText("starting…")
        self.phase.setText("Starting the training process (loading TensorFlow)…")
        self.status.setText("")
        self.status.setStyleSheet("")
        self.config = wizard.build_config()
        # The training process, not the analysis one: readings go on meanwhile (cancel() above).
        job = wizard.ml.submit("train", {"config": self.config.to_json()})
        job.sig_progress.connect(self._on_progress)
        job.sig_result.connect(self._on_result)
        job.sig_errored.connect(self._on_error)
        job.sig_cancelled.connect(self._on_cancelled)
        job.sig_finished.connect(self._on_finished)
        self.job = job
        self.cancel_button.setEnabled(True)
        self.completeChanged.emit()

    def cancel(self) -> None:
        if self.job is not None and not self.job.done:
            self.status.setText("Cancelling…")
            self.job.cancel()

    def cleanupPage(self) -> None:
        self.cancel()  # going Back stops the run; Next trains again with the new settings
        self.wizard().drop_outcome()

    def _on_progress(self, info: dict[str, Any]) -> None:
        phase = info.get("phase", "")
        key = (phase, info.get("fold"))
        if key != self._phase_key:
            if phase in ("kfold", "train"):
                self.curves.clear()  # each fold, and the final fit, draws its own curves
            self._phase_key = key
        epoch, epochs = info.get("epoch"), info.get("epochs")
        if phase == "kfold":
            title = f"Cross-validation: fold {info.get('fold')} of {info.get('folds')}"
        elif phase == "train":
            title = "Training the model"
        else:
            title = str(info.get("message") or phase).capitalize()
        if epoch and epochs:
            title += f" — epoch {epoch} of {epochs}"
        self.phase.setText(title)
        self.curves.update_from_progress(info)
        batches, batch = info.get("batches") or 0, info.get("batch") or 0
        if epoch and epochs and batches:
            done = (int(epoch) - 1) * batches + min(int(batch or batches), batches)
            self.progress.setRange(0, int(epochs) * batches)
            self.progress.setValue(done)
            self.eta.setText(format_eta(info.get("eta_s")))
        elif info.get("total"):  # the scan before training
            self.progress.setRange(0, int(info["total"]))
            self.progress.setValue(int(info.get("done") or 0))
        elif phase == "evaluate":
            self.progress.setRange(0, 0)
            self.eta.setText("")

    def _on_result(self, outcome: dict[str, Any]) -> None:
        self.wizard().outcome = outcome
        ev = outcome.get("evaluation") or {}
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.eta.setText("done")
        self.phase.setText("Training finished")
        self.status.setText(f"Finished. Test accuracy {ev.get('accuracy', float('nan')):.3f}: "
                            "press Next for the full evaluation.")
        self.completeChanged.emit()

    def _on_error(self, error: JobError) -> None:
        def inline(message: str) -> None:
            self.status.setText(f"Training failed: {message} Go Back to change the settings.")
            self.status.setStyleSheet(ERROR_STYLE)

        handle_error(self, "Training failed", error, inline)

    def _on_cancelled(self) -> None:
        self.status.setText("Cancelled — nothing was registered. Go Back to change the settings, "
                            "or Next from the Model step to train again.")

    def _on_finished(self) -> None:
        self.job = None
        self.cancel_button.setEnabled(False)
        if self.wizard().outcome is None:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.eta.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.wizard() is not None and self.wizard().outcome is not None


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
        self.per_class.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.per_class.horizontalHeader().setStretchLastSection(True)
        self.per_class.setMaximumHeight(130)
        # Numbers and the confusion matrix on the left, the ROC curve and threshold right.
        grid = QGridLayout(self)
        grid.addWidget(self.summary, 0, 0)
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
        rows = []
        for c in classes:
            m = ev.get("per_class", {}).get(c, {})
            rows.append([c, f"{m.get('precision', 0):.3f}", f"{m.get('recall', 0):.3f}",
                         f"{m.get('f1', 0):.3f}", int(m.get("support", 0))])
        fill_table(self.per_class, rows)
        self.confusion.set_matrix(ev.get("confusion_matrix") or [], classes)
        self.kfold.setText(kfold_text(outcome.get("kfold")))
        roc = ev.get("roc")
        binary = len(classes) == 2 and bool(roc)
        self.roc_box.setVisible(binary)
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

