"""Import a slow module on a thread, once, after the event loop has started.

pyqtgraph takes ~0.3 s to import, most of the app's start-up: the image viewer asks for
it here and builds its scene when ``sig_imported`` fires, so the window is shown first.
"""

from __future__ import annotations

import functools
import importlib
import threading

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal


class BackgroundImport(QObject):
    """One module imported on a thread; ``sig_imported`` fires on the GUI thread after.

    It fires after a failed import too: whoever waits then imports the module itself
    and meets the error there (the thread's exception also goes to
    ``threading.excepthook``, which the app reports).
    """

    sig_imported = Signal()

    def __init__(self, module: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.module = module
        self.done = False
        self._thread = threading.Thread(target=self._work, name=f"medgui-import-{module}",
                                        daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and not self.done:
            self._thread.start()

    def _work(self) -> None:
        try:
            importlib.import_module(self.module)
        finally:
            self.done = True
            self.sig_imported.emit()  # queued to the GUI thread, where this object lives


@functools.cache
def import_in_background(module: str) -> BackgroundImport:
    """The (one) background import of ``module``, started from the event loop.

    Call it on the GUI thread with a ``QCoreApplication``; the import starts once the
    event loop runs, i.e. after the window has been shown and painted.
    """
    # Owned by the application, so it is destroyed with it, not at interpreter tear-down.
    job = BackgroundImport(module, QCoreApplication.instance())
    QTimer.singleShot(0, job.start)
    return job
