"""The one place worker and unexpected errors reach the user: a dialog with details."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from medgui.workers.jobs import JobError


def report_error(parent: QWidget | None, title: str, error: JobError | BaseException) -> QMessageBox:
    """Show ``error`` in a non-blocking warning dialog and echo it on stderr.

    Returns the dialog so tests can read it; it is deleted when closed.
    """
    if isinstance(error, BaseException):
        error = JobError.from_exception(error)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(error.message)
    if error.details:
        box.setDetailedText(error.details)
    box.setObjectName("errorDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    print(f"medgui: {title}: {error.message}", file=sys.stderr)
    return box
