"""Record import and export for the record pane, run in the thread pool.

The file work is ``core.records.transfer``; this only runs it off the GUI thread and
reports the outcome through signals, which the pane shows under its list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from medgui.core.records import transfer as record_io
from medgui.core.records.store import RecordStore
from medgui.ui.errors import handle_error
from medgui.workers.jobs import Job, ThreadRunner


class RecordTransfer(QObject):
    """Imports and exports records in ``runner``.

    Signals
    -------
    sig_imported(list) : the ids of the records imported (all of a file's or none).
    sig_exported(int, str) : how many records were written, to which file name.
    sig_failed(str) : an expected failure ("Import failed: ..."), to be shown inline;
        unexpected ones also reach the error dialog.
    """

    sig_imported = Signal(list)
    sig_exported = Signal(int, str)
    sig_failed = Signal(str)

    def __init__(self, store: RecordStore, runner: ThreadRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self.store, self.runner, self._view = store, runner, parent
        self._jobs: list[Job] = []  # keep Python wrappers alive until they finish

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
            self._view, title, error, lambda message: self.sig_failed.emit(self.tr("{0}: {1}").format(title, message))))
        job.sig_finished.connect(lambda: self._jobs.remove(job))
        return job

    def import_files(self, paths: Sequence[str | Path]) -> Job:
        """Import ``.txt``/``.csv`` files in the background (all or none)."""
        store, files = self.store, list(paths)
        return self._run(lambda: record_io.import_files(store, files), self.tr("Import failed"),
                         self.sig_imported.emit)

    def export_records(self, path: str | Path, include_deleted: bool = False) -> Job:
        store, name = self.store, Path(path).name
        return self._run(lambda: record_io.export_records(store, path, include_deleted=include_deleted),
                         self.tr("Export failed"), lambda n: self.sig_exported.emit(int(n), name))
