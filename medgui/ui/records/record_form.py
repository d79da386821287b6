"""The middle of the record pane: patient, title and body of the open record, Undo/Redo.

A plain view: ``RecordPane`` fills it, listens to its edits and saves them.

Undo goes back one burst of typing at a time. ``QTextDocument`` merges consecutive
keystrokes into a single undo step, so after minutes of typing one Ctrl+Z would empty
the whole note (and the autosave would then store the empty note). Each autosave comes
after a pause in typing, and :meth:`RecordForm.mark_undo_boundary` starts a new undo
step there: the document stops merging into a step once it is marked unmodified.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

OPEN_PLACEHOLDER = QT_TRANSLATE_NOOP("RecordForm", "Write or paste the record here…")
CLOSED_PLACEHOLDER = QT_TRANSLATE_NOOP("RecordForm", "No record is open: choose one in the list, or press New.")


class RecordForm(QWidget):
    """Patient reference, title and body edits with an Undo/Redo bar and the save status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient_edit = QLineEdit(placeholderText=self.tr("Pseudonymous reference, e.g. P-0042"))
        self.title_edit = QLineEdit(placeholderText=self.tr("Title"))
        self.body_edit = QPlainTextEdit(placeholderText=self.tr(OPEN_PLACEHOLDER))
        self.body_edit.setObjectName("bodyEdit")
        bar = QToolBar()
        # QPlainTextEdit already handles Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) itself; the
        # actions add buttons without competing shortcuts.
        self.undo_action = bar.addAction(self.tr("Undo"), self.body_edit.undo)
        self.undo_action.setToolTip(self.tr("Undo ({0})").format(
            QKeySequence(QKeySequence.StandardKey.Undo).toString()))
        self.redo_action = bar.addAction(self.tr("Redo"), self.body_edit.redo)
        self.redo_action.setToolTip(self.tr("Redo ({0})").format(
            QKeySequence(QKeySequence.StandardKey.Redo).toString()))
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
        form.addRow(self.tr("Patient"), self.patient_edit)
        form.addRow(self.tr("Title"), self.title_edit)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addLayout(form)
        box.addWidget(self.body_edit, 1)

    @property
    def edits(self) -> tuple[QLineEdit, QLineEdit, QPlainTextEdit]:
        return self.patient_edit, self.title_edit, self.body_edit

    def set_state(self, is_open: bool, editable: bool) -> None:
        """No record open: nothing takes text. Open in the trash: read-only."""
        for edit in self.edits:
            edit.setEnabled(is_open)
            edit.setReadOnly(not editable)
        self.body_edit.setPlaceholderText(self.tr(OPEN_PLACEHOLDER if is_open else CLOSED_PLACEHOLDER))

    def mark_undo_boundary(self) -> None:
        """Start a new undo step: the next keystroke does not merge into the last one."""
        self.body_edit.document().setModified(False)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    form = RecordForm()
    form.set_state(True, True)
    form.body_edit.setPlainText("Chest pain on exertion for three weeks. Denies palpitations.")
    form.show()
    sys.exit(app.exec())
