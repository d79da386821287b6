"""The audit History view: every reading and feedback entry, read-only, and the chain check.

Reading the trail and verifying it run on the ``ThreadRunner``; the table is a plain
read-only ``QTableWidget`` (a few thousand rows at most on one workstation).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from medgui.ui.errors import handle_error, show_inline
from medgui.ui.i18n import format_datetime
from medgui.ui.style import ERROR_STYLE, MUTED_STYLE
from medgui.workers.jobs import JobError, ThreadRunner

COLUMNS = ("#", QT_TRANSLATE_NOOP("HistoryView", "Time"), QT_TRANSLATE_NOOP("HistoryView", "Kind"),
           QT_TRANSLATE_NOOP("HistoryView", "Input"), QT_TRANSLATE_NOOP("HistoryView", "Model"),
           QT_TRANSLATE_NOOP("HistoryView", "Result"), QT_TRANSLATE_NOOP("HistoryView", "User"))
KINDS = {"reading": QT_TRANSLATE_NOOP("HistoryView", "reading"),
         "feedback": QT_TRANSLATE_NOOP("HistoryView", "feedback")}


def _load(kind: str | None) -> dict[str, Any]:
    from medgui.core.audit.readings import summary
    from medgui.core.audit.trail import AuditTrail
    from medgui.core.models.card import printable

    trail = AuditTrail()
    entries = trail.entries()
    outcome = trail.verify()  # on all entries, whatever is shown
    rows = []
    for e in entries:
        if kind and e.kind != kind:
            continue
        s = summary(e)
        when = datetime.fromisoformat(e.created)  # shown in the locale's format by the view
        rows.append((str(e.seq), when, e.kind, *(printable(s[k]) for k in ("input", "model", "result", "user")),
                     e.hash))
    return {"rows": rows, "ok": outcome.ok, "message": outcome.message()}


class HistoryView(QWidget):
    """Read-only list of the audit trail with its verification.

    Signals
    -------
    sig_loaded(bool)
        The entries were (re)loaded; whether the chain verified.
    """

    sig_loaded = Signal(bool)

    def __init__(self, runner: ThreadRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("auditKind")
        for text, data in ((self.tr("All entries"), None), (self.tr("Readings"), "reading"),
                           (self.tr("Feedback"), "feedback")):
            self.kind_combo.addItem(text, data)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel("")
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.kind_combo)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        note = QLabel(self.tr("Read-only: entries are never changed or removed. Each holds the hash "
                              "of the one before, so an edited entry breaks the chain."))
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        layout.addWidget(note)

    def refresh(self) -> None:
        kind = self.kind_combo.currentData()
        show_inline(self.status, self.tr("Reading the audit trail…"), MUTED_STYLE)
        job = self.runner.submit(lambda _p, _c: _load(kind), kind="audit")
        job.sig_result.connect(self._show)
        job.sig_errored.connect(self._failed)

    def _show(self, data: dict[str, Any]) -> None:
        rows = data["rows"]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(COLUMNS)]):
                if c == 1:
                    value = format_datetime(value, seconds=True)
                elif c == 2:
                    value = QCoreApplication.translate("HistoryView", KINDS.get(value, value))
                item = QTableWidgetItem(value)
                item.setToolTip(self.tr("entry hash {0}").format(row[-1]))
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        show_inline(self.status, data["message"], MUTED_STYLE if data["ok"] else ERROR_STYLE)
        self.sig_loaded.emit(bool(data["ok"]))

    def _failed(self, error: JobError) -> None:
        handle_error(self, self.tr("The audit trail could not be read"), error,
                     lambda message: show_inline(self.status, message))

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


class HistoryDialog(QDialog):
    """The History view in a window of its own."""

    def __init__(self, runner: ThreadRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Audit history"))
        self.setObjectName("historyDialog")
        self.view = HistoryView(runner, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        self.resize(1000, 560)
        self.view.refresh()


if __name__ == "__main__":
    import os
    import sys
    import tempfile

    from PySide6.QtWidgets import QApplication

    from medgui.core.audit.trail import AuditTrail

    # Sample data in a throw-away home: two readings and a clinician's disagreement.
    os.environ["MEDGUI_HOME"] = tempfile.mkdtemp(prefix="medgui-history-")
    trail = AuditTrail()
    for n, (label, p) in enumerate((("PNEUMONIA", 0.91), ("NORMAL", 0.83)), start=1):
        trail.append("reading", {"input": {"kind": "image", "sha256": f"{n:064x}"},
                                 "model": {"ref": "pneumonia-cnn@1"}, "user": "ana", "workstation": "ws1",
                                 "output": {"label": label, "probabilities": {label: p}}})
    first = trail.get(1)
    trail.append("feedback", {"reading": 1, "reading_hash": first.hash, "verdict": "disagree",
                              "correct_label": "NORMAL", "comment": "rotated film", "user": "ana",
                              "workstation": "ws1"})
    app = QApplication(sys.argv)
    runner = ThreadRunner()
    dialog = HistoryDialog(runner)
    dialog.show()
    sys.exit(app.exec())
