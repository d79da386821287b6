"""The clinic's workflow in the window's menus: File > Export report…, Export
de-identified copy…, Audit history…; Models > Export feedback as dataset….

The window creates one :class:`WorkflowActions` with its menus; everything else is here
and in core (reports, de-identification, the feedback dataset), run on the window's
``ThreadRunner``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from medgui.ui.errors import handle_error
from medgui.ui.feedback import ReadingActions
from medgui.workers.jobs import Job, JobError

FEEDBACK_HINT = QT_TRANSLATE_NOOP(
    "WorkflowActions", "Open images/ in the training wizard as an image dataset (one folder per "
    "label), and texts.csv as a text table (text column 'text', label column 'label').")


class WorkflowActions(QObject):
    """Menu actions for reports, de-identified copies, the audit history and feedback.

    Signals
    -------
    sig_done(str)
        A finished export, in words (also shown in the status bar).
    """

    sig_done = Signal(str)

    def __init__(self, window: Any, file_menu: QMenu, models_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.report_action = self._action(self.tr("Export &report…"), self.export_report, "exportReportAction")
        self.deid_action = self._action(self.tr("Export &de-identified copy…"), self.export_deidentified,
                                        "exportDeidentified")
        self.deid_action.setToolTip(self.tr("The open DICOM (PS3.15 Basic Profile) or, from the "
                                            "Records tab, all records with patient references replaced"))
        self.history_action = self._action(self.tr("Audit &history…"), self.show_history, "auditHistory")
        quit_action = getattr(window, "quit_action", None)
        for action in (self.report_action, self.deid_action, self.history_action):
            file_menu.insertAction(quit_action, action)
        file_menu.insertSeparator(quit_action)
        self.feedback_action = self._action(self.tr("Export &feedback as dataset…"), self.export_feedback,
                                            "exportFeedback")
        models_menu.addSeparator()
        models_menu.addAction(self.feedback_action)
        self.sig_done.connect(lambda text: window.statusBar().showMessage(text, 10000))

    def _action(self, text: str, slot: Any, name: str, shortcut: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _records_tab(self) -> bool:
        return self.window.tabs.currentWidget() is self.window.record_pane

    def reading_actions(self) -> ReadingActions:
        """The feedback and report bar of the tab in front."""
        pane = self.window.record_pane if self._records_tab() else self.window.image_pane
        return pane.reading_actions  # type: ignore[no-any-return]

    def _run(self, fn: Any, title: str, done: Any) -> Job:
        job = self.window.runner.submit(lambda _p, _c: fn(), kind="workflow")
        job.sig_result.connect(done)
        job.sig_errored.connect(lambda error: self._failed(title, error))
        return job

    def _failed(self, title: str, error: JobError) -> None:
        handle_error(self.window, title, error, lambda message: self._tell(title, message, error=True))

    def _tell(self, title: str, text: str, error: bool = False) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information,
                          title, text, parent=self.window)
        box.setObjectName("workflowMessage")
        box.open()
        return box

    # -- actions ----------------------------------------------------------------------
    def export_report(self) -> Any:
        actions = self.reading_actions()
        if actions.result is None:
            text = (self.tr("There is no reading to report: classify a record first.") if self._records_tab()
                    else self.tr("There is no reading to report: classify an image first."))
            return self._tell(self.tr("Export report"), text)
        return actions.export_report()

    def show_history(self) -> QWidget:
        from medgui.ui.audit.history_view import HistoryDialog

        dialog = HistoryDialog(self.window.runner, self.window)
        dialog.show()
        return dialog

    def export_deidentified(self, out: str | Path | None = None) -> Any:
        """The records (Records tab) or the open DICOM, de-identified, to ``out`` (asked)."""
        if self._records_tab():
            if out is None:
                out, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export de-identified records"),
                                                     "records-deidentified.csv", "CSV (*.csv)")
            if not out:
                return None
            store = self.window.record_pane.store
            self.window.record_pane.flush()

            def records() -> int:
                from medgui.core.deid.text import export_deidentified_records

                try:
                    return export_deidentified_records(store.records(), out)
                finally:
                    store.release()  # a pool thread's connection

            return self._run(records, self.tr("De-identified export failed"), lambda n: self.sig_done.emit(
                self.tr("Exported {0} de-identified record(s) to {1}").format(n, out)))
        image = self.window.image_pane.image
        if image is None or image.format != "DICOM":
            return self._tell(self.tr("Export de-identified copy"), self.tr(
                "Open a DICOM image first (or switch to the Records tab to export the records "
                "de-identified)."))
        if out is None:
            out, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export de-identified DICOM"),
                                                 "deidentified.dcm", "DICOM (*.dcm)")
        if not out:
            return None
        source = image.path

        def dicom() -> str:
            from medgui.core.deid.dicom import deidentify_path

            return str(deidentify_path(source, out)[0].output)

        return self._run(dicom, self.tr("De-identified export failed"), lambda path: self.sig_done.emit(
            self.tr("De-identified copy written to {0} (PS3.15 Basic Profile, patient characteristics "
                    "kept)").format(path)))

    def export_feedback(self, folder: str | Path | None = None) -> Any:
        """The clinicians' feedback as a dataset the training wizard opens (asks where)."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self.window, self.tr("Export feedback as dataset: choose a folder"))
            if not folder:
                return None
            root = Path(folder)
            if any(root.iterdir()):  # keep the user's folder tidy: a new one inside it
                root = root / f"medgui-feedback-{datetime.now():%Y%m%d-%H%M%S}"
            folder = root
        dest = Path(folder)

        def export() -> Any:
            from medgui.core.audit.feedback import export_dataset

            return export_dataset(dest)

        def done(result: Any) -> None:
            self.sig_done.emit(self.tr("Feedback dataset: {0}").format(result.message()))
            left = "".join(f"\n• {what}: {why}" for what, why in result.skipped[:10])
            self._tell(self.tr("Feedback exported"), f"{result.message()}.\n\n{self.tr(FEEDBACK_HINT)}"
                       + (self.tr("\n\nLeft out:{0}").format(left) if left else ""))

        return self._run(export, self.tr("The feedback could not be exported"), done)
