"""The one worker engine: a background job as the GUI sees it, a thread runner, and
"latest request wins".

A ``Job`` has the signals every long task in medgui has: ``sig_started``,
``sig_progress(dict)``, ``sig_result(object)``, ``sig_errored(JobError)``,
``sig_cancelled`` and ``sig_finished``; ``sig_finished`` always fires, last.
Cancellation is cooperative and is not an error. The same ``Job`` reports work run on
the ``ThreadRunner`` here and work run in a spawned process by ``MLService``
(``ml_service``), so views handle both alike.

Why not superqt's ``create_worker``: its workers run in threads of this process only,
while half of medgui's jobs run in another process and must look the same to a view;
its function workers cannot be cancelled cooperatively (``quit`` stops generators
only). One small ``QRunnable`` and one ``dispatch`` serve both.

An error that no ``sig_errored`` handler takes is never dropped: it goes to
``report_unhandled``, which logs it and hands it to the reporter the application
installed (``set_error_reporter``; the app shows a dialog with the details).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, QRunnable, QThreadPool, Signal

from medgui.core.errors import Cancelled, describe

log = logging.getLogger("medgui.workers")


@dataclass(frozen=True)
class JobError:
    """What went wrong: a one-line message for the user and the technical details.

    ``expected`` is true for a ``MedguiError`` (shown inline where it happened), false
    for anything else (a defect: shown in a dialog with the details).
    """

    type: str
    message: str
    details: str = ""
    expected: bool = False

    @classmethod
    def from_exception(cls, exc: BaseException, where: str = "") -> JobError:
        return cls(**describe(exc, where))


ErrorReporter = Callable[[str, JobError], None]
_reporter: ErrorReporter | None = None


def set_error_reporter(reporter: ErrorReporter | None) -> ErrorReporter | None:
    """Install the function that shows unhandled job errors; returns the previous one."""
    global _reporter
    previous, _reporter = _reporter, reporter
    return previous


def report_unhandled(title: str, error: JobError) -> None:
    """Report a failure no handler took: through the installed reporter, else the log."""
    if _reporter is not None:
        _reporter(title, error)
    else:
        log.error("%s: %s%s", title, error.message, f"\n{error.details}" if error.details else "")


class Job(QObject):
    """One background job; ``cancel()`` asks it to stop (it then ends ``sig_cancelled``)."""

    sig_started = Signal()
    sig_progress = Signal(object)
    sig_result = Signal(object)
    sig_errored = Signal(object)
    sig_cancelled = Signal()
    sig_finished = Signal()

    def __init__(self, job_id: int, kind: str, canceller: Callable[[Job], None]) -> None:
        super().__init__()
        self.id = job_id
        self.kind = kind
        self._canceller = canceller
        self.cancel_requested = False
        self.done = False

    def cancel(self) -> None:
        """Ask the job to stop; it ends with ``sig_cancelled`` then ``sig_finished``."""
        if not self.done and not self.cancel_requested:
            self.cancel_requested = True
            self._canceller(self)

    def has_error_handler(self) -> bool:
        return self.isSignalConnected(QMetaMethod.fromSignal(self.sig_errored))


def dispatch(job: Job, event: str, data: Any) -> None:
    """Turn a runner event (``started``, ``progress``, ``result``, ``error``,
    ``cancelled``, ``finished``) into the matching ``Job`` signal.

    A job whose cancel was asked delivers neither its result nor its error: a superseded
    request is of no interest any more, whatever became of it.
    """
    if job.done:
        return
    if event == "started":
        job.sig_started.emit()
    elif event == "progress":
        job.sig_progress.emit(data)
    elif event == "result" and not job.cancel_requested:
        job.sig_result.emit(data)
    elif event == "error" and not job.cancel_requested:
        error = data if isinstance(data, JobError) else JobError(**data)
        if job.has_error_handler():
            job.sig_errored.emit(error)
        else:
            report_unhandled(f"Background task '{job.kind}' failed", error)
    elif event in ("result", "error", "cancelled"):
        if event == "error":
            log.debug("cancelled job %s (%s) also failed: %s", job.id, job.kind, data)
        job.sig_cancelled.emit()
    elif event == "finished":
        job.done = True
        job.sig_finished.emit()


class Latest:
    """Latest request wins, for one stream of interactive requests (Qt's mandelbrot example).

    ``replace(job)`` cancels the job held before, which then ends with ``sig_cancelled``
    and never delivers its result or error, and holds ``job`` until it finishes::

        job = self.loads.replace(self.runner.submit(load, kind="load"))
    """

    def __init__(self) -> None:
        self.current: Job | None = None

    def replace(self, job: Job) -> Job:
        self.cancel()
        self.current = job
        # Connected before the caller's handlers, so they see the job released.
        job.sig_finished.connect(lambda j=job: self._release(j))
        return job

    def cancel(self) -> None:
        """Cancel the job in flight, if any."""
        if self.current is not None:
            self.current.cancel()

    @property
    def busy(self) -> bool:
        return self.current is not None

    def _release(self, job: Job) -> None:
        if self.current is job:
            self.current = None


class _Relay(QObject):
    """Carries events from a pool thread to the GUI thread (queued connection)."""

    sig_event = Signal(str, object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, flag: threading.Event) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.flag = flag

    def run(self) -> None:
        emit = self.relay.sig_event.emit
        try:
            emit("started", None)
            if self.flag.is_set():
                raise Cancelled
            result = self.fn(lambda info: emit("progress", info), self.flag.is_set)
            emit("cancelled" if self.flag.is_set() else "result", result)
        except Cancelled:
            emit("cancelled", None)
        except BaseException as exc:  # noqa: BLE001 - reported to the user, never lost
            emit("error", JobError.from_exception(exc))
        finally:
            emit("finished", None)


class ThreadRunner(QObject):
    """Runs plain-Python core functions (image decoding, dataset scans) in a thread pool.

    ``fn`` is called as ``fn(progress, cancelled)``: ``progress(dict)`` reports,
    ``cancelled()`` says whether to stop (raise ``Cancelled`` or return early).
    """

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._next_id = 0
        self._keep: dict[int, tuple[Job, _Relay]] = {}

    def submit(self, fn: Callable[..., Any], kind: str = "task") -> Job:
        self._next_id += 1
        flag = threading.Event()
        job = Job(self._next_id, kind, lambda j: flag.set())
        relay = _Relay()
        relay.sig_event.connect(lambda event, data, j=job: self._on_event(j, event, data))
        self._keep[job.id] = (job, relay)  # alive until it finishes
        self.pool.start(_Runnable(fn, relay, flag))
        return job

    def _on_event(self, job: Job, event: str, data: Any) -> None:
        dispatch(job, event, data)
        if event == "finished":
            self._keep.pop(job.id, None)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
