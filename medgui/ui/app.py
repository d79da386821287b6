"""Application start-up: QApplication, exception hooks, the analysis engine and the window.

The analysis process is started with the window (it reads through ONNX Runtime and
imports no TensorFlow for a reading), the window is shown, then the image viewer is
built once pyqtgraph has been imported on a thread, so the user sees a usable window in
well under a second and the first reading soon after. ``MEDGUI_STARTUP_PROBE=1`` prints the moment the window is up and quits
(``benchmarks/bench_startup.py`` uses it).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from medgui import __version__
from medgui.ui import i18n
from medgui.ui.errors import error_dialog, report_error
from medgui.ui.main_window import MainWindow
from medgui.workers.jobs import JobError, ThreadRunner, set_error_reporter
from medgui.workers.ml_service import MLService

PROBE_ENV = "MEDGUI_STARTUP_PROBE"
PROBE_PREFIX = "medgui-startup-probe"


class ExceptionRelay(QObject):
    """Routes uncaught exceptions from any thread, and worker errors nobody handled, to the
    one unexpected-error reporter on the GUI thread."""

    sig_exception = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sig_exception.connect(self._show)

    def _show(self, exc: BaseException) -> None:
        error_dialog(QApplication.activeWindow(), self.tr("Internal error"), exc)  # already on stderr

    def report_job_error(self, title: str, error: JobError) -> None:
        report_error(QApplication.activeWindow(), title, error)

    def excepthook(
        self, etype: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        traceback.print_exception(etype, value, tb, file=sys.stderr)
        if value.__traceback__ is None and tb is not None:
            value = value.with_traceback(tb)
        self.sig_exception.emit(value)  # queued when raised outside the GUI thread

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_exception_hooks(app: QApplication) -> ExceptionRelay:
    """Install ``sys.excepthook``, ``threading.excepthook`` and the workers' reporter of
    unhandled job errors, all of which log and show a dialog."""
    relay = ExceptionRelay(app)
    sys.excepthook = relay.excepthook
    threading.excepthook = relay.thread_excepthook
    set_error_reporter(relay.report_job_error)
    return relay


def run_app(args: list[str]) -> int:
    """Start the desktop app, opening the image files named in ``args``; return the exit code."""
    app = QApplication.instance() or QApplication([sys.argv[0], *[a for a in args if a.startswith("-")]])
    app.setApplicationName("medgui")
    app.setOrganizationName("medgui")
    app.setApplicationVersion(__version__)
    # Before any widget exists: the system locale, or View > Language's choice.
    i18n.install_translators(app)
    install_exception_hooks(app)

    ml = MLService(warmup_tasks=("image", "text"))
    runner = ThreadRunner()
    window = MainWindow(ml, runner)
    # The analysis process starts now, beside the window: it reads through the models'
    # ONNX exports (about a second to start and load them, no TensorFlow), so the reading
    # of a file given on the command line is ready about when the viewer is.
    ml.start()
    window.show()
    # Then, once the image viewer is built (pyqtgraph, imported on a thread), the decoders.
    view = window.image_pane.view

    def start_background_work() -> None:
        runner.submit(preload_decoders, kind="preload")

    if view.ready:
        QTimer.singleShot(0, start_background_work)
    else:
        view.sig_ready.connect(start_background_work)
    app.aboutToQuit.connect(ml.shutdown)
    # Let decoding threads finish before the interpreter tears down under them.
    app.aboutToQuit.connect(lambda: (runner.pool.clear(), runner.wait(5000)))

    files = [a for a in args if not a.startswith("-")]
    if files:
        window.open_image(files[0])
        if len(files) > 1:
            print(QCoreApplication.translate(
                "App", "medgui: one image is shown at a time; opened {0}, ignored {1} more.").format(
                    files[0], len(files) - 1), file=sys.stderr)

    if os.environ.get(PROBE_ENV):
        QTimer.singleShot(0, lambda: _probe(app, window, ml))
    code = app.exec()
    ml.shutdown()
    return code


def preload_decoders(progress: object = None, cancelled: object = None) -> None:
    """Import the image decoders (OpenCV, pydicom and its plugins) ahead of first use.

    Run on a worker thread after the window shows: the first Open then decodes at once
    instead of importing for a few hundred milliseconds.
    """
    import medgui.core.imaging.dicom  # noqa: F401 - pydicom
    import medgui.core.imaging.loader  # noqa: F401 - OpenCV and NumPy


def _probe(app: QApplication, window: MainWindow, ml: MLService) -> None:
    """Report when the window is up and the event loop free, then when the image viewer
    is built (pyqtgraph imported), then quit."""
    window.repaint()
    print(f"{PROBE_PREFIX} shown={time.time():.6f} visible={window.isVisible()}", flush=True)
    view = window.image_pane.view

    def finish() -> None:
        view.graphics.repaint()
        tf_loaded = "tensorflow" in sys.modules
        print(f"{PROBE_PREFIX} viewer={time.time():.6f} engine_started={ml.running} "
              f"tensorflow_in_gui={tf_loaded}", flush=True)
        ml.shutdown(timeout=0.5)  # the engine is still importing TensorFlow: don't wait
        app.quit()

    if view.ready:
        finish()
    else:
        view.sig_ready.connect(finish)
