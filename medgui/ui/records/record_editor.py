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
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from medgui.core.errors import MedguiError
from medgui.core.paths import SAMPLES
from medgui.core.records import transfer as record_io
from medgui.core.records.results import save_result
from medgui.core.records.store import Record, RecordStore
from medgui.ui.errors import handle_error, show_inline
from medgui.ui.records.classification_panel import ClassificationPanel
from medgui.ui.records.record_list import RecordBrowser
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

        self.autosave_timer = QTimer(self, singleShot=True, interval=self.AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save)

        self._build_list()
        self._build_editor()
        self.panel = ClassificationPanel()
        self.panel.classify_button.clicked.connect(self.classify)
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
                             (b.delete_action, self.delete_record), (b.restore_action, self.restore_record),
                             (b.purge_action, lambda: self.purge_record(confirm=True)),
                             (b.import_action, self._ask_import), (b.export_action, self._ask_export)):
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
        b.trash_action.toggled.connect(self._on_trash_toggled)
        self._fill_filters()

    def _build_editor(self) -> None:
        self.patient_edit = QLineEdit(placeholderText="Pseudonymous reference, e.g. P-0042")
        self.title_edit = QLineEdit(placeholderText="Title")
        self.body_edit = QPlainTextEdit(placeholderText="Write or paste the record here…")
        self.body_edit.setObjectName("bodyEdit")
        for edit in (self.patient_edit, self.title_edit):
            edit.textEdited.connect(self._on_edited)
        self.body_edit.textChanged.connect(self._on_edited)
        bar = QToolBar()
        # QPlainTextEdit already handles Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) itself; the
        # actions add buttons without competing shortcuts.
        self.undo_action = bar.addAction("Undo", self.body_edit.undo)
        self.undo_action.setToolTip(f"Undo ({QKeySequence(QKeySequence.StandardKey.Undo).toString()})")
        self.redo_action = bar.addAction("Redo", self.body_edit.redo)
        self.redo_action.setToolTip(f"Redo ({QKeySequence(QKeySequence.StandardKey.Redo).toString()})")
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.body_edit.undoAvailable.connect(self.undo_action.setEnabled)
        self.body_edit.redoAvailable.connect(self.redo_action.setEnabled)
        self.save_status = QLabel("")
        self.save_status.setObjectName("saveStatus")
        top = QHBoxLayout()
        top.addWidget(bar)
        top.addStretch(1)
        top.addWidget(self.save_status)
        form = QFormLayout()
        form.addRow("Patient", self.patient_edit)
        form.addRow("Title", self.title_edit)
        self._editor_box = QWidget()
        box = QVBoxLayout(self._editor_box)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addLayout(form)
        box.addWidget(self.body_edit, 1)

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
        where = "in the trash" if self.browser.trash_mode else "shown"
        show_inline(self.browser.status, f"{len(records)} record(s) {where}", "")
        self._update_actions()

    def select_record(self, record_id: int) -> bool:
        """Open ``record_id`` in the editor (saving the current one first)."""
        if not self.save():
            return False
        try:
            record = self.store.get(record_id)
        except MedguiError as exc:
            self._show_problem(f"Could not open the record: {exc}")
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
        self._set_status("Saved" if record is not None else "")
        if record is None:
            self.panel.clear()
        else:
            self.panel.show_stored(record.latest)
            self.panel.set_history(record.classifications)
        self._update_actions()

    def _update_actions(self) -> None:
        has, trash = self.current is not None, self.browser.trash_mode
        editable = has and not trash and not (self.current and self.current.deleted)
        for edit in (self.patient_edit, self.title_edit, self.body_edit):
            edit.setReadOnly(not editable)
        self.browser.new_action.setEnabled(not trash)
        self.browser.duplicate_action.setEnabled(editable)
        self.browser.delete_action.setEnabled(editable)
        self.browser.restore_action.setEnabled(has and trash)
        self.browser.purge_action.setEnabled(has and trash)
        self.panel.classify_button.setEnabled(editable)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.save_status.setText(text)
        show_inline(self.save_status, text, ERROR_STYLE if error else MUTED_STYLE)

    def _show_problem(self, message: str) -> None:
        """An expected failure of a record action, inline under the list."""
        show_inline(self.browser.status, message)

    def _on_edited(self, *_args: Any) -> None:
        if self._loading or self.current is None:
            return
        self.dirty = True
        if not self.save_status.text().startswith("Not saved"):
            self._set_status("Saving…")
        self.autosave_timer.start(self.AUTOSAVE_MS)

    def save(self) -> bool:
        """Write the editor's text now if it changed; False when the write failed."""
        self.autosave_timer.stop()
        if not self.dirty or self.current is None:
            return True
        try:
            record = self.store.update(self.current.id, title=self.title_edit.text(),
                                       body=self.body_edit.toPlainText(),
                                       patient_ref=self.patient_edit.text())
        except MedguiError as exc:
            # Said next to the text, once: no dialog while the retries go on.
            self._set_status(f"Not saved: {getattr(exc, 'message', exc)}", error=True)
            self.autosave_timer.start(self.RETRY_MS)
            return False
        self.current = record
        self.dirty = False
        self._set_status("Saved")
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
            self._show_problem(f"{title or 'The record database could not be read'}: {exc}")
            return default

    def _after_change(self, record: Record | None) -> None:
        self._fill_filters()
        self._show(record)
        self.refresh()

    def new_record(self) -> Record | None:
        if not self.save():
            return None
        record = self._safe(lambda: self.store.create(
            "Untitled", "", self.browser.patient_combo.currentData() or ""), None, "Could not create a record")
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
        copy = self._safe(lambda: self.store.duplicate(record_id), None, "Could not duplicate")
        if copy is not None:
            self._after_change(copy)
        return copy

    def _next_after(self, record_id: int) -> Record | None:
        row = self.model.row_of(record_id)
        return self.model.record_at(row + 1) or self.model.record_at(row - 1)

    def delete_record(self) -> None:
        """Move the edited record to the trash."""
        if self.current is None or not self.save():
            return
        record_id, following = self.current.id, self._next_after(self.current.id)
        if self._safe(lambda: self.store.delete(record_id), None, "Could not delete") is not None:
            self._after_change(following)

    def restore_record(self) -> None:
        if self.current is None:
            return
        record_id, following = self.current.id, self._next_after(self.current.id)
        if self._safe(lambda: self.store.restore(record_id), None, "Could not restore") is not None:
            self._after_change(following)

    def purge_record(self, confirm: bool = True) -> None:
        if self.current is None or not self.current.deleted:
            return
        if confirm and QMessageBox.question(
                self, "Delete forever", f"Delete “{self.current.title}” and its "
                "classification history for good? This cannot be undone.") != QMessageBox.StandardButton.Yes:
            return
        record_id, following = self.current.id, self._next_after(self.current.id)
        if self._safe(lambda: self.store.purge(record_id) or True, None, "Could not delete"):
            self._after_change(following)

    def _on_trash_toggled(self, _on: bool) -> None:
        self.save()
        self._show(None)
        self.refresh()
        self._show(self.model.record_at(0))
        self.browser.select(self.current.id if self.current else None)

    # -- import / export (off the GUI thread) ------------------------------------------
    def _run(self, fn: Callable[[], Any], title: str, done: Callable[[Any], None]) -> Job:
        store = self.store

        def work(_progress: Any, _cancelled: Any) -> Any:
            try:
                return fn()
            finally:
                store.release()  # pool threads come and go; do not leave connections behind

        job = self.runner.submit(work, kind="records-io")
        self._jobs.append(job)
        job.sig_result.connect(done)
        job.sig_errored.connect(lambda error: handle_error(
            self, title, error, lambda message: self._show_problem(f"{title}: {message}")))
        job.sig_finished.connect(lambda: self._jobs.remove(job))
        return job

    def import_files(self, paths: Sequence[str | Path]) -> Job:
        """Import ``.txt``/``.csv`` files in the background (all or none)."""
        store, files = self.store, list(paths)

        def done(ids: list[int]) -> None:
            show_inline(self.browser.status, f"Imported {len(ids)} record(s)", "")
            self._fill_filters()
            self.refresh()
            self.sig_imported.emit(len(ids))

        return self._run(lambda: record_io.import_files(store, files), "Import failed", done)

    def export_records(self, path: str | Path) -> Job:
        store, trash = self.store, self.browser.trash_mode
        return self._run(lambda: record_io.export_records(store, path, include_deleted=trash),
                         "Export failed",
                         lambda n: show_inline(self.browser.status,
                                               f"Exported {n} record(s) to {Path(path).name}", ""))

    def _ask_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import records", "",
                                                "Records (*.txt *.csv);;All files (*)")
        if files:
            self.save()
            self.import_files(files)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export records", "records.csv", "CSV (*.csv)")
        if path:
            self.save()
            self.export_records(path)

    # -- classification ---------------------------------------------------------------
    def classify(self) -> Job | None:
        """Classify the editor's text in the analysis process; the result joins the history."""
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
        handle_error(self, "The record could not be classified", error, self.panel.set_failed)

    def _on_classified(self, record_id: int, text: str, result: dict[str, Any]) -> None:
        self._safe(lambda: save_result(self.store, record_id, result),
                   None, "The classification could not be saved")
        record = self._safe(lambda: self.store.get(record_id), None)
        if record is not None:
            self.model.update_record(record)
            self._fill_filters()
            if self.current is not None and self.current.id == record_id:
                self.current = record  # save() compares with the database, not this
                self.panel.show_result(text, result)
                self.panel.set_history(record.classifications)
                if self.body_edit.toPlainText() != text:
                    self.panel.status.setText("The text changed since; classify again to update.")
        self.sig_classified.emit(record_id, result)


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
