"""The training wizard: from a dataset folder to an evaluated model in the registry.

One ``QWizardPage`` per step (``Pages``); the pages live in ``wizard_pages`` (task,
data, split, imbalance), ``wizard_check``, ``wizard_model``, ``wizard_train`` and
``wizard_eval`` (evaluate, save).
Scans and registry writes run in the ``ThreadRunner``; training runs as the ``train``
job of ``MLService``'s training process (not the one that classifies), so TensorFlow
never loads in the GUI process, the window stays responsive and readings go on (see ``benchmarks/bench_training_gui_stall.py``).

The wizard keeps what the steps produce (``scan``, ``outcome``) and builds the frozen
``TrainingConfig`` from its fields when training starts (``build_config``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.config import TrainingConfig
from medgui.core.training.staging import discard_staged
from medgui.ui.training import wizard_eval, wizard_model, wizard_pages, wizard_train
from medgui.ui.training.wizard_check import CheckPage
from medgui.ui.training.wizard_common import Pages
from medgui.workers.jobs import Job, ThreadRunner
from medgui.workers.ml_service import MLService

__all__ = ["Pages", "TrainingWizard"]


class TrainingWizard(QWizard):
    """Walks the user through checking data, training, evaluating and saving a model.

    Parameters
    ----------
    ml : the analysis-process service that runs the ``train`` job.
    runner : thread runner for the dataset scan and the registry write.
    registry : where the model is saved (default: the user's registry).

    Signals
    -------
    sig_model_saved(ModelCard) : the model was registered (and activated if asked).
    sig_progress_text(str) : how training goes, in a line for the main window's status bar.

    Closing the wizard (Esc, Cancel, the window's close button) while a model trains, or
    before a trained model is saved, asks first: the run would be thrown away.
    """

    sig_model_saved = Signal(object)
    sig_progress_text = Signal(str)
    #: The analysis-process job that trains (tests name a stand-in).
    train_kind = "train"

    def __init__(self, ml: MLService, runner: ThreadRunner, registry: Registry | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ml = ml
        self.runner = runner
        self._registry = registry
        self.scan: Any = None  # datasets.DatasetScan of the data the user has seen summarised
        self.outcome: dict[str, Any] | None = None  # result of the train job
        self.threshold: float | None = None  # the operating threshold picked on Evaluate
        self.saved: ModelCard | None = None
        self._save_job: Job | None = None
        self._discard_box: QMessageBox | None = None
        self._discard_confirmed = False
        self.setWindowTitle(self.tr("Train a model"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setPage(Pages.TASK, wizard_pages.TaskPage())
        self.setPage(Pages.DATA, wizard_pages.DataPage())
        self.setPage(Pages.CHECK, CheckPage())
        self.setPage(Pages.SPLIT, wizard_pages.SplitPage())
        self.setPage(Pages.IMBALANCE, wizard_pages.ImbalancePage())
        self.setPage(Pages.MODEL, wizard_model.ModelPage())
        self.setPage(Pages.TRAIN, wizard_train.TrainPage())
        self.setPage(Pages.EVALUATE, wizard_eval.EvaluatePage())
        self.setPage(Pages.SAVE, wizard_eval.SavePage())
        self.setStartId(Pages.TASK)
        self.resize(920, 700)

    # -- state shared by the pages ------------------------------------------------
    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = Registry()
        return self._registry

    def task(self) -> str:
        return "image" if self.field("task.image") else "text"

    def uses_table(self) -> bool:
        return self.task() == "text" and bool(self.field("data.table"))

    def excluded_classes(self) -> list[str]:
        page = self.page(Pages.CHECK)
        return page.excluded() if page is not None else []  # type: ignore[attr-defined]

    def build_config(self) -> TrainingConfig:
        """The frozen ``TrainingConfig`` the fields describe."""
        f = self.field
        table = self.uses_table()
        return TrainingConfig(
            task=self.task(),
            data=str(f("data.path")),
            name=str(f("save.name") or ""),
            notes="",
            text_column=str(f("data.text_column")) if table else None,
            label_column=str(f("data.label_column")) if table else None,
            exclude_classes=tuple(self.excluded_classes()),
            multi_label=self.page(Pages.CHECK).rule(),  # type: ignore[attr-defined]
            group_pattern=str(f("split.group_pattern")) or None,
            train_fraction=int(f("split.train")) / 100,
            val_fraction=int(f("split.val")) / 100,
            test_fraction=int(f("split.test")) / 100,
            seed=int(f("split.seed")),
            imbalance=self.page(Pages.IMBALANCE).choice(),  # type: ignore[attr-defined]
            augment=bool(f("imbalance.augment")) and self.task() == "image",
            horizontal_flip=bool(f("imbalance.flip")) and self.task() == "image",
            architecture=self.page(Pages.MODEL).architecture(),  # type: ignore[attr-defined]
            epochs=int(f("model.epochs")),
            batch_size=int(f("model.batch_size")),
            learning_rate=float(f("model.learning_rate")),
            dropout=float(f("model.dropout")),
            weight_decay=float(f("model.weight_decay")),
            # "off" (0) on the Model page: patience as long as the run, so it never stops early.
            patience=int(f("model.patience")) or int(f("model.epochs")),
            restore_best=bool(f("model.restore_best")),
            kfold=int(f("model.kfold")),
            image_size=int(f("model.image_size")),
            **self.page(Pages.MODEL).choices(),  # type: ignore[attr-defined]
            vocab_size=int(f("model.vocab_size")),
            seq_len=int(f("model.seq_len")),
        )

    def drop_outcome(self) -> None:
        """Forget a trained, unsaved model and remove its staging folder."""
        outcome, self.outcome = self.outcome, None
        self.threshold = None
        if outcome is not None and self.saved is None:
            self.runner.submit(lambda progress, cancelled: discard_staged(outcome), kind="discard")

    # -- closing -------------------------------------------------------------------
    def accept(self) -> None:
        """Finish: register the model in a worker thread, then close."""
        if self.saved is not None:
            super().accept()
            return
        if self._save_job is None:
            self.page(Pages.SAVE).start_save()  # type: ignore[attr-defined]

    def on_saved(self, card: ModelCard) -> None:
        self.saved = card
        self.sig_model_saved.emit(card)
        super().accept()

    def discard_question(self) -> str:
        """What closing now would throw away, as a question; "" when nothing would be lost."""
        if self.page(Pages.TRAIN).running:  # type: ignore[attr-defined]
            return self.tr("A model is training. Stop the training and close the wizard? The run "
                           "is thrown away.")
        if self.outcome is not None and self.saved is None:
            return self.tr("The trained model has not been saved. Close the wizard and discard it? "
                           "Press Keep, then Next, to evaluate and save it.")
        return ""

    def _ask_discard(self, question: str) -> None:
        if self._discard_box is not None:
            return  # already asking
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Discard the training?"), question,
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDiscard")
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Keep"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            self._discard_box = None
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
                self._discard_confirmed = True
                self.reject()

        box.finished.connect(answered)
        self._discard_box = box
        box.open()

    def reject(self) -> None:
        """Close, asking first when a run or an unsaved model would be lost."""
        question = self.discard_question()
        if question and not self._discard_confirmed:
            self._ask_discard(question)
            return  # QDialog.closeEvent keeps the window open while we are visible
        self._discard_confirmed = False
        self.page(Pages.CHECK).cancel()  # type: ignore[attr-defined]
        self.page(Pages.TRAIN).cancel()  # type: ignore[attr-defined]
        self.drop_outcome()
        super().reject()


def main() -> int:
    import sys

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv)
    ml = MLService()
    runner = ThreadRunner()
    wizard = TrainingWizard(ml, runner)
    if len(sys.argv) > 1:  # python -m medgui.ui.training.training_wizard FOLDER
        wizard.setField("data.path", sys.argv[1])
    wizard.sig_model_saved.connect(lambda card: print(card.ref))
    result = wizard.exec()
    if wizard.saved is not None:
        translate = QCoreApplication.translate
        QMessageBox.information(None, translate("TrainingWizard", "Model saved"),
                                translate("TrainingWizard", "Saved as {0}.").format(wizard.saved.ref))
    ml.shutdown()
    runner.wait()
    del app
    return 0 if result else 1


if __name__ == "__main__":
    raise SystemExit(main())
