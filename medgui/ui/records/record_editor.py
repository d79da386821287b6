"""The record pane: list, search and edit clinical records; classify them offline.

Edits autosave ``AUTOSAVE_MS`` after the last keystroke (a single-shot timer restarted
on every edit), and also when another record is selected and when the pane closes. A
save is one small SQLite transaction on the GUI thread (a few milliseconds, see
``benchmarks/bench_records.py``) after a pause in typing, so typing never waits on
it; imports and exports run in the thread pool, classification runs
in the analysis process. A failed save keeps the text in the editor, says so next to
it in the error style and retries. Expected failures (``MedguiError``) are shown inline,
in the pane; unexpected ones also go to the error dialog (``ui.errors``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from medgui.core.errors import MedguiError
from medgui.core.paths import SAMPLES
from medgui.core.records import transfer as record_io
from medgui.core.records.store import Record, RecordStore
from medgui.core.records.suggestion import Suggestion, accept
from medgui.ui.errors import handle_error, show_inline
from medgui.ui.feedback import ReadingActions
from medgui.ui.records.classification_panel import ClassificationPanel
from medgui.ui.records.record_form import RecordForm
from medgui.ui.records.record_list import RecordBrowser
from medgui.ui.records.record_transfer import RecordTransfer
from medgui.ui.style import ERROR_STYLE, MUTED_STYLE
from medgui.workers.jobs import Job, JobError, Latest, ThreadRunner
from medgui.workers.ml_service import MLService


class RecordPane(QWidget):
    """Records on the left, the editor in the middle, classification on the right.

    Parameters
    ----------
    store
        The record database (``RecordStore()`` opens the user's).
    ml
        The analysis process; classification is the ``classify_kind`` job.
    runner
        Runs imports and exports off the GUI thread.
    """

    AUTOSAVE_MS = 1000
    RETRY_MS = 5000
    sig_saved = Signal(int)
    sig_classified = Signal(int, object)  # record id, result dict
    sig_imported = Signal(int)

    def __init__(self, store: RecordStore, ml: MLService, runner: ThreadRunner,
                 parent: QWidget | None = None, classify_kind: str = "classify_text") -> None:
        super().__init__(parent)
        self.store, self.ml, self.runner = store, ml, runner
        self.classify_kind = classify_kind
        self.current: Record | None = None
        self.dirty = False
        self._loading = False
        self._jobs: list[Job] = []  # keep Python wrappers alive until they finish
        self.classifications = Latest()  # classifying again supersedes the run in flight
        #: The model's latest suggestion for the open record (advice until accepted).
        self.suggestion: Suggestion | None = None
        self._stale = False
        self.active_text_model = ""  # set by the window when the registry changes
        self._save_failed = False  # "Not saved" is shown: keep it until a save succeeds

        self.autosave_timer = QTimer(self, singleShot=True, interval=self.AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save)

        self.transfer = RecordTransfer(store, runner, self)
        self.transfer.sig_imported.connect(self._on_imported)
        self.transfer.sig_exported.connect(lambda n, name: show_inline(
            self.browser.status, self.tr("Exported {0} record(s) to {1}").format(n, name), ""))
        self.transfer.sig_failed.connect(self._show_problem)
        self._build_list()
        self._build_editor()
        self.panel = ClassificationPanel()
        self.panel.classify_button.clicked.connect(self.classify)
        self.panel.accept_button.clicked.connect(self.accept_suggestion)
        self.reading_actions = ReadingActions(runner, "text")  # audit entry, feedback, report
        self.panel.layout().insertWidget(self.panel.layout().indexOf(self.panel.accept_button) + 1,
                                         self.reading_actions)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((self.browser, 3), (self._editor_box, 4), (self.panel, 3)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.flush)
        self.refresh()
        self._show(self.model.record_at(0))
        self.browser.select(self.current.id if self.current else None)

    # -- construction -----------------------------------------------------------------
    def _build_list(self) -> None:
        b = self.browser = RecordBrowser()
        self.model = b.model
        b.sig_filters_changed.connect(self.refresh)
        b.sig_row_chosen.connect(self._on_row_chosen)
        for action, slot in ((b.new_action, self.new_record), (b.duplicate_action, self.duplicate_record),
                             (b.delete_action, self.ask_delete), (b.delete_key_action, self.ask_delete),
                             (b.restore_action, self.restore_record),
                             (b.purge_action, lambda: self.purge_record(confirm=True)),
                             (b.import_action, self._ask_import), (b.export_action, self._ask_export)):
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
        b.trash_action.toggled.connect(self._on_trash_toggled)
        self._fill_filters()

    def _build_editor(self) -> None:
        form = self._editor_box = RecordForm()
        self.patient_edit, self.title_edit, self.body_edit = form.edits
        self.undo_action, self.redo_action = form.undo_action, form.redo_action
        self.save_status = form.save_status
        for edit in (self.patient_edit, self.title_edit):
            edit.textEdited.connect(self._on_edited)
        self.body_edit.textChanged.connect(self._on_edited)
        self.body_edit.textChanged.connect(self._check_suggestion)

    # -- list -------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        self.browser.set_choices(self._safe(self.store.labels, []),
                                 self._safe(self.store.patient_refs, []))

    def refresh(self) -> None:
        """Re-run the search with the current filters; the edited record stays selected."""
        filters = self.browser.filters()
        records = self._safe(lambda: self.store.search(filters.pop("text"), **filters), None)
        if records is None:
            return
        self.model.set_records(records)
        self.browser.select(self.current.id if self.current else None)
        text = (self.tr("{0} record(s) in the trash") if self.browser.trash_mode
                else self.tr("{0} record(s) shown"))
        show_inline(self.browser.status, text.format(len(records)), "")
        self._update_actions()

    def select_record(self, record_id: int) -> bool:
        """Open ``record_id`` in the editor (saving the current one first)."""
        if not self.save():
            return False
        try:
            record = self.store.get(record_id)
        except MedguiError as exc:
            self._show_problem(self.tr("Could not open the record: {0}").format(exc))
            return False
        self._show(record)
        self.browser.select(record.id)
        return True

    def _on_row_chosen(self, row: int) -> None:
        record = self.model.record_at(row)
        if record is None or (self.current is not None and record.id == self.current.id):
            return
        if not self.select_record(record.id):
            self.browser.select(self.current.id if self.current else None)  # keep unsaved text

    # -- editor -----------------------------------------------------------------------
    def _show(self, record: Record | None) -> None:
        self.autosave_timer.stop()
        self._loading = True
        self.current = record
        self.patient_edit.setText(record.patient_ref if record else "")
        self.title_edit.setText(record.title if record else "")
        self.body_edit.setPlainText(record.body if record else "")  # also clears undo
        self._loading = False
        self.dirty = False
        self._set_status(self.tr("Saved") if record is not None else "")
        self.suggestion = None  # it was about another record's text
        self.reading_actions.clear()
        if record is None:
            self.panel.clear()
        else:
            self.panel.clear_suggestion()
            self.panel.show_label(record.latest)
            self.panel.set_history(record.classifications)
        self._update_actions()

    def _update_actions(self) -> None:
        has, trash = self.current is not None, self.browser.trash_mode
        editable = has and not trash and not (self.current and self.current.deleted)
        self._editor_box.set_state(has, editable)
        self.browser.new_action.setEnabled(not trash)
        self.browser.duplicate_action.setEnabled(editable)
        self.browser.delete_action.setEnabled(editable)
        self.browser.restore_action.setEnabled(has and trash)
        self.browser.purge_action.setEnabled(has and trash)
        self.panel.classify_button.setEnabled(editable)

    def _set_status(self, text: str, error: bool = False) -> None:
        self._save_failed = error
        self.save_status.setText(text)
        show_inline(self.save_status, text, ERROR_STYLE if error else MUTED_STYLE)

    def _show_problem(self, message: str) -> None:
        """An expected failure of a record action, inline under the list."""
        show_inline(self.browser.status, message)

    def _on_edited(self, *_args: Any) -> None:
        if self._loading or self.current is None:
            return
        self.dirty = True
        if not self._save_failed:
            self._set_status(self.tr("Saving…"))
        self.autosave_timer.start(self.AUTOSAVE_MS)

    def save(self) -> bool:
        """Write the editor's text now if it changed; False when the write failed."""
        self.autosave_timer.stop()
        self._editor_box.mark_undo_boundary()  # a pause in typing: Undo stops here
        if not self.dirty or self.current is None:
            return True
        try:
            record = self.store.update(self.current.id, title=self.title_edit.text(),
                                       body=self.body_edit.toPlainText(),
                                       patient_ref=self.patient_edit.text())
        except MedguiError as exc:
            # Said next to the text, once: no dialog while the retries go on.
            self._set_status(self.tr("Not saved: {0}").format(getattr(exc, "message", exc)), error=True)
            self.autosave_timer.start(self.RETRY_MS)
            return False
        self.current = record
        self.dirty = False
        self._set_status(self.tr("Saved"))
        self.model.update_record(record)
        self.sig_saved.emit(record.id)
        return True

    def flush(self) -> bool:
        """Save pending edits (called on quit; the main window may call it on close)."""
        return self.save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.flush()
        super().closeEvent(event)

    # -- record actions ---------------------------------------------------------------
    def _safe(self, action: Callable[[], Any], default: Any = None, title: str = "") -> Any:
        try:
            return action()
        except MedguiError as exc:
            self._show_problem(self.tr("{0}: {1}").format(
                title or self.tr("The record database could not be read"), exc))
            return default

    def _after_change(self, record: Record | None) -> None:
        self._fill_filters()
        self._show(record)
        self.refresh()

    def new_record(self) -> Record | None:
        if not self.save():
            return None
        record = self._safe(lambda: self.store.create(
            self.tr("Untitled"), "", self.browser.patient_combo.currentData() or ""), None,
            self.tr("Could not create a record"))
        if record is not None:
            self.browser.search_edit.clear()
            self._after_change(record)
            self.title_edit.setFocus()
            self.title_edit.selectAll()
        return record

    def duplicate_record(self) -> Record | None:
        if self.current is None or not self.save():
            return None
        record_id = self.current.id
        copy = self._safe(lambda: self.store.duplicate(record_id), None, self.tr("Could not duplicate"))
        if copy is not None:
            self._after_change(copy)
        return copy

    def _next_after(self, record_id: int) -> Record | None:
        row = self.model.row_of(record_id)
        return self.model.record_at(row + 1) or self.model.record_at(row - 1)

    def ask_delete(self) -> QMessageBox | None:
        """Ask (a non-blocking box, returned), then move the open record to the trash."""
        if self.current is None or self.current.deleted or self.browser.trash_mode:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Move to the trash"),
                          self.tr("Move “{0}” to the trash? You can restore it from the Trash "
                                  "view.").format(self.current.title or self.tr("(untitled)")),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmTrash")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        record_id = self.current.id
        box.accepted.connect(lambda: self.current is not None and self.current.id == record_id
                             and self.delete_record())
        box.open()
        return box

    def delete_record(self) -> None:
        """Move the edited record to the trash (without asking: see ``ask_delete``)."""
        if self.current is None or not self.save():
            return
        record_id, following = self.current.id, self._next_after(self.current.id)
        if self._safe(lambda: self.store.delete(record_id), None, self.tr("Could not delete")) is not None:
            self._after_change(following)

    def restore_record(self) -> None:
        if self.current is None:
            return
        record_id, following = self.current.id, self._next_after(self.current.id)
        if self._safe(lambda: self.store.restore(record_id), None, self.tr("Could not restore")) is not None:
            self._after_change(following)

    def purge_record(self, confirm: bool = True) -> None:
        if self.current is None or not self.current.deleted:
            return
        if confirm and QMessageBox.question(
                self, self.tr("Delete forever"), self.tr(
                    "Delete “{0}” and its classification history for good? This cannot be "
                    "undone.").format(self.current.title)) != QMessageBox.StandardButton.Yes:
            return
        record_id, following = self.current.id, self._next_after(self.current.id)
        if self._safe(lambda: self.store.purge(record_id) or True, None, self.tr("Could not delete")):
            self._after_change(following)

    def _on_trash_toggled(self, _on: bool) -> None:
        self.save()
        self._show(None)
        self.refresh()
        self._show(self.model.record_at(0))
        self.browser.select(self.current.id if self.current else None)

    # -- import / export (off the GUI thread: ``RecordTransfer``) -------------------------
    def import_files(self, paths: Sequence[str | Path]) -> Job:
        """Import ``.txt``/``.csv`` files in the background (all or none)."""
        return self.transfer.import_files(paths)

    def export_records(self, path: str | Path) -> Job:
        return self.transfer.export_records(path, include_deleted=self.browser.trash_mode)

    def _on_imported(self, ids: list[int]) -> None:
        self._fill_filters()
        self.refresh()  # says how many are shown; the count imported comes first
        n = len(ids)
        text = (self.tr("Imported {0} records ({1} shown)") if n != 1
                else self.tr("Imported {0} record ({1} shown)"))
        show_inline(self.browser.status, text.format(n, self.model.rowCount()), "")
        self.sig_imported.emit(n)

    def _ask_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Import records"), "",
                                                self.tr("Records (*.txt *.csv);;All files (*)"))
        if files:
            self.save()
            self.import_files(files)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export records"), "records.csv", "CSV (*.csv)")
        if path:
            self.save()
            self.export_records(path)

    # -- classification ---------------------------------------------------------------
    def classify(self) -> Job | None:
        """Classify the editor's text in the analysis process; the result is a suggestion."""
        if self.current is None:
            return None
        self.save()  # a failed save was reported; the editor's text is classified anyway
        record_id, text = self.current.id, self.body_edit.toPlainText()
        job = self.classifications.replace(
            self.ml.submit(self.classify_kind, {"text": text, "top_k": 5}))
        self._jobs.append(job)
        self.panel.set_busy()
        job.sig_result.connect(lambda result: self._on_classified(record_id, text, result))
        job.sig_errored.connect(self._on_classify_failed)
        job.sig_finished.connect(lambda: self._jobs.remove(job))
        return job

    def _on_classify_failed(self, error: JobError) -> None:
        handle_error(self, self.tr("The record could not be classified"), error, self.panel.set_failed)

    def _on_classified(self, record_id: int, text: str, result: dict[str, Any]) -> None:
        """Show the suggestion; nothing is written to the record until it is accepted."""
        if self.current is not None and self.current.id == record_id:
            self.suggestion = Suggestion(record_id, text, result)
            self._stale = False
            self.reading_actions.reading_shown(result, text=text, patient_ref=self.current.patient_ref,
                                               title=self.current.title)
            self.panel.show_suggestion(self.suggestion, self._accept_allowed())
            self._check_suggestion()  # the text may have changed while it ran
            self._check_model()
        self.sig_classified.emit(record_id, result)

    def _accept_allowed(self) -> bool:
        s, record = self.suggestion, self.current
        if s is None or record is None or record.deleted or not s.can_accept(self.body_edit.toPlainText()):
            return False
        latest = record.latest  # accepted already: once is enough
        return not (latest is not None and latest.label == s.label and latest.model_ref == s.model)

    def _check_suggestion(self) -> None:
        """After an edit the suggestion no longer describes the text: mark it, once."""
        s = self.suggestion
        if s is None or self._loading:
            return
        stale = s.is_stale(self.body_edit.toPlainText())
        if stale and not self._stale:
            self.panel.mark_stale(s)
        elif not stale and self._stale:  # undone back to the classified text
            self.panel.show_suggestion(s, self._accept_allowed())
            self._check_model()
        self._stale = stale

    def accept_suggestion(self) -> bool:
        """The clinician agrees: the suggestion becomes the record's label."""
        s = self.suggestion
        if s is None or not self._accept_allowed():
            return False
        if not self.save():
            return False
        if self._safe(lambda: accept(self.store, s), None, self.tr("The label could not be saved")) is None:
            return False
        record = self._safe(lambda: self.store.get(s.record_id), None)
        if record is not None:
            self.current = record
            self.model.update_record(record)
            self._fill_filters()
            self.panel.show_label(record.latest)
            self.panel.set_history(record.classifications)
        self.panel.accept_button.setEnabled(False)
        return True

    def set_active_text_model(self, ref: str) -> None:
        """The registry's active text model is now ``ref`` (the window tells us)."""
        self.active_text_model = ref
        self._check_model()

    def _check_model(self) -> None:
        s = self.suggestion
        if s is not None and self.active_text_model and s.model != self.active_text_model \
                and not self._stale:
            self.panel.note_model_changed(s, self.active_text_model)


def main() -> int:
    """Run the pane alone on a temporary database with sample records."""
    import sys
    import tempfile

    app = QApplication.instance() or QApplication(sys.argv)
    folder = tempfile.mkdtemp(prefix="medgui-records-")
    store = RecordStore(Path(folder) / "records.sqlite3")
    record_io.import_files(store, [SAMPLES / "records.csv"])
    ml, runner = MLService(), ThreadRunner()
    pane = RecordPane(store, ml, runner)
    pane.setWindowTitle(f"Records — {store.path}")
    pane.resize(1400, 800)
    pane.show()
    code = app.exec()
    pane.flush()
    ml.shutdown()
    store.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
