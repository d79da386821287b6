"""The training wizard's Train step: live curves, progress, time left, Cancel.

Training is the ``train`` job (``TrainingWizard.train_kind``), run in a training
process of its own (started for the run, stopped after it); its progress dicts feed
the live curves. The wizard is not modal, so its progress is also said in the main
window's status bar (``TrainingWizard.sig_progress_text``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from medgui.core.models import leftovers
from medgui.ui.errors import handle_error
from medgui.ui.style import ERROR_STYLE
from medgui.ui.training.charts import TrainingCurves
from medgui.workers.jobs import Job, JobError


def format_eta(seconds: float | None, early_stopping: bool = False) -> str:
    """The time left. With early stopping the run may end well before its last epoch, so
    the estimate (which assumes every epoch runs) is given as an upper bound."""
    translate = QCoreApplication.translate
    if seconds is None or seconds < 0:
        return translate("TrainPage", "estimating time remaining…")
    seconds = int(round(seconds))
    if seconds < 60:
        text = translate("TrainPage", "about {0} s").format(seconds)
    elif seconds < 3600:
        minutes, seconds = divmod(seconds, 60)
        text = translate("TrainPage", "about {0} min {1} s").format(minutes, f"{seconds:02d}")
    else:
        hours, minutes = divmod(seconds // 60, 60)
        text = translate("TrainPage", "about {0} h {1} min").format(hours, f"{minutes:02d}")
    if early_stopping:
        return translate("TrainPage", "at most {0} remaining (early stopping may end it sooner)").format(text)
    return translate("TrainPage", "{0} remaining").format(text)


class TrainPage(QWizardPage):
    """Step 7: train with live curves, progress, time remaining and Cancel."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Training"))
        self.setSubTitle(self.tr("The model trains in a process of its own; the main window, "
                                 "readings and records stay usable meanwhile."))
        self.phase = QLabel()
        self.curves = TrainingCurves()
        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.eta = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel training"))
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
        self.eta.setText(self.tr("starting…"))
        self.phase.setText(self.tr("Starting the training process (loading TensorFlow)…"))
        self.status.setText("")
        self.status.setStyleSheet("")
        self.config = wizard.build_config()
        # Working folders of runs that crashed or were killed (a claimed one is kept).
        wizard.runner.submit(lambda progress, cancelled: leftovers.clean_training(),
                             kind="clean-training")
        # The training process, not the analysis one: readings go on meanwhile (cancel() above).
        job = wizard.ml.submit(wizard.train_kind, {"config": self.config.to_json()})
        job.sig_progress.connect(self._on_progress)
        job.sig_result.connect(self._on_result)
        job.sig_errored.connect(self._on_error)
        job.sig_cancelled.connect(self._on_cancelled)
        job.sig_finished.connect(self._on_finished)
        self.job = job
        self.cancel_button.setEnabled(True)
        self.completeChanged.emit()

    @property
    def running(self) -> bool:
        """A training run is in flight (closing the wizard would throw it away)."""
        return self.job is not None and not self.job.done

    @property
    def early_stopping(self) -> bool:
        return self.config is not None and self.config.patience < self.config.epochs

    def _tell(self, text: str) -> None:
        """Say ``text`` here and in the main window's status bar."""
        wizard = self.wizard()
        if wizard is not None:
            wizard.sig_progress_text.emit(text)

    def cancel(self) -> None:
        if self.job is not None and not self.job.done:
            self.status.setText(self.tr("Cancelling…"))
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
            title = self.tr("Cross-validation: fold {0} of {1}").format(info.get("fold"), info.get("folds"))
        elif phase == "train":
            title = self.tr("Training the model")
        else:
            title = str(info.get("message") or phase).capitalize()
        if epoch and epochs:
            title = self.tr("{0} — epoch {1} of {2}").format(title, epoch, epochs)
        self.phase.setText(title)
        self.curves.update_from_progress(info)
        batches, batch = info.get("batches") or 0, info.get("batch") or 0
        if epoch and epochs and batches:
            done = (int(epoch) - 1) * batches + min(int(batch or batches), batches)
            self.progress.setRange(0, int(epochs) * batches)
            self.progress.setValue(done)
            self.eta.setText(format_eta(info.get("eta_s"), self.early_stopping))
            self._tell(f"{title} ({self.eta.text()})")
        elif info.get("total") and int(info.get("done") or 0) < int(info["total"]):
            self.progress.setRange(0, int(info["total"]))  # the scan before training
            self.progress.setValue(int(info.get("done") or 0))
        else:
            # Scan done, splitting, loading TensorFlow, evaluating: no measure of how far
            # along, so busy rather than a full bar that says "done".
            self.progress.setRange(0, 0)
            if phase == "evaluate":
                self.eta.setText("")

    def _on_result(self, outcome: dict[str, Any]) -> None:
        self.wizard().outcome = outcome
        if outcome.get("staging_dir"):  # ours until saved or discarded: no cleaner may take it
            leftovers.claim(Path(outcome["staging_dir"]))
        ev = outcome.get("evaluation") or {}
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.eta.setText(self.tr("done"))
        self.phase.setText(self.tr("Training finished"))
        self._tell(self.tr("Training finished: the wizard shows the evaluation"))
        self.status.setText(self.tr("Finished. Test accuracy {0}: press Next for the full evaluation.")
                            .format(f"{ev.get('accuracy', float('nan')):.3f}"))
        self.completeChanged.emit()

    def _on_error(self, error: JobError) -> None:
        def inline(message: str) -> None:
            self.status.setText(self.tr("Training failed: {0} Go Back to change the settings.").format(message))
            self.status.setStyleSheet(ERROR_STYLE)

        failed = self.tr("Training failed")
        self.phase.setText(failed)
        self.eta.setText("")
        self._tell(failed)
        handle_error(self, failed, error, inline)

    def _on_cancelled(self) -> None:
        # The heading and the estimate described the run; it is over.
        self.phase.setText(self.tr("Training cancelled"))
        self.eta.setText("")
        self._tell(self.tr("Training cancelled"))
        self.status.setText(self.tr("Cancelled — nothing was registered. Go Back to change the settings, "
                                    "or Next from the Model step to train again."))

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
