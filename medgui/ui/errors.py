"""medgui's error policy, as Orange3's widget messages have it.

- An **expected** problem (a ``MedguiError``: a file that is not an image, no model
  installed, a full disk) is shown inline, in the pane where it happened, once, in
  ``style.ERROR_STYLE``. No dialog.
- An **unexpected** one (any other exception, a worker error nobody handled, a dead
  analysis process) goes through ``report_error``: logged, and shown in a dialog with
  the details. The pane that was waiting for the work says that it failed.

``handle_error`` makes that decision for a view; ``report_error`` is the one reporter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from shiboken6 import isValid

from medgui.ui.style import ERROR_STYLE
from medgui.workers.jobs import JobError

log = logging.getLogger("medgui")

# Dialogs without a parent window live only as long as a Python reference; and the same
# failure reported twice while its dialog is still open is shown once.
_open: dict[tuple[str, str], QMessageBox] = {}


def error_dialog(parent: QWidget | None, title: str, error: JobError | BaseException) -> QMessageBox:
    """Show ``error`` in a non-blocking warning dialog with its details (no logging).

    Returns the dialog (the one already open for the same title and message, if any);
    it is deleted when closed.
    """
    if isinstance(error, BaseException):
        error = JobError.from_exception(error)
    key = (title, error.message)
    shown = _open.get(key)
    if shown is not None and isValid(shown) and shown.isVisible():
        return shown
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(error.message)
    if error.details:
        box.setDetailedText(error.details)
    box.setObjectName("errorDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open[key] = box
    box.finished.connect(lambda _result, k=key: _open.pop(k, None))
    box.open()
    return box


def report_error(parent: QWidget | None, title: str, error: JobError | BaseException) -> QMessageBox:
    """The one reporter of unexpected errors: log ``error``, then show it in a dialog."""
    if isinstance(error, BaseException):
        error = JobError.from_exception(error)
    log.error("%s: %s%s", title, error.message, f"\n{error.details}" if error.details else "")
    return error_dialog(parent, title, error)


def handle_error(parent: QWidget, title: str, error: JobError | BaseException,
                 inline: Callable[[str], None]) -> None:
    """Apply the policy to a failure of ``parent``'s work.

    ``inline(message)`` always runs, so the pane no longer says it is busy; an unexpected
    error is also reported (``report_error``) with ``title``.
    """
    if isinstance(error, BaseException):
        error = JobError.from_exception(error)
    inline(error.message)
    if not error.expected:
        report_error(parent, title, error)


def show_inline(label: QLabel, text: str, style: str = ERROR_STYLE) -> None:
    """Show ``text`` in ``label`` in ``style``; an empty text clears the label and its style."""
    label.setText(text)
    label.setStyleSheet(style if text else "")
