"""One background job as seen by the GUI, and a thread runner for non-TensorFlow work.

A ``Job`` has the signals every long task in medgui has: ``sig_started``,
``sig_progress(dict)``, ``sig_result(object)``, ``sig_errored(JobError)``,
``sig_cancelled`` and ``sig_finished``; ``sig_finished`` always fires, last.
Cancellation is cooperative and is not an error.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from medgui.core.errors import Cancelled, MedguiError


@dataclass(frozen=True)
class JobError:
    """What went wrong, for a dialog: a one-line message and the technical details."""

    type: str
    message: str
    details: str = ""

    @classmethod
    def from_exception(cls, exc: BaseException) -> JobError:
        if isinstance(exc, MedguiError):
            return cls(type(exc).__name__, str(exc), exc.details)
        return cls(
            type(exc).__name__,
            f"Unexpected error: {type(exc).__name__}: {exc}",
            "".join(traceback.format_exception(exc)),
        )


class Job(QObject):
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


def dispatch(job: Job, event: str, data: Any) -> None:
    """Turn a runner event into the matching ``Job`` signal."""
    if job.done:
        return
    if event == "started":
        job.sig_started.emit()
    elif event == "progress":
        job.sig_progress.emit(data)
    elif event == "result":
        if job.cancel_requested:
            job.sig_cancelled.emit()  # a superseded or cancelled job delivers nothing
        else:
            job.sig_result.emit(data)
    elif event == "error":
        job.sig_errored.emit(data if isinstance(data, JobError) else JobError(**data))
    elif event == "cancelled":
        job.sig_cancelled.emit()
    elif event == "finished":
        job.done = True
        job.sig_finished.emit()


class ThreadRunner(QObject):
    """Runs plain-Python core functions (image decoding, dataset scans) in a thread pool.

    ``fn`` is called as ``fn(progress, cancelled)``. With a ``channel``, a new job
    supersedes the one still running on that channel (latest request wins).
    """

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._next_id = 0
        self._channels: dict[str, Job] = {}
        self._flags: dict[int, threading.Event] = {}
        self._keep: dict[int, tuple[Job, _Relay]] = {}

    def submit(self, fn: Callable[..., Any], kind: str = "task", channel: str | None = None) -> Job:
        self._next_id += 1
        flag = threading.Event()
        job = Job(self._next_id, kind, lambda j: flag.set())
        relay = _Relay()
        relay.sig_event.connect(lambda event, data, j=job: self._on_event(j, event, data))
        self._flags[job.id] = flag
        self._keep[job.id] = (job, relay)
        if channel:
            previous = self._channels.get(channel)
            if previous is not None:
                previous.cancel()
            self._channels[channel] = job
        self.pool.start(_Runnable(fn, relay, flag))
        return job

    def _on_event(self, job: Job, event: str, data: Any) -> None:
        dispatch(job, event, data)
        if event == "finished":
            self._flags.pop(job.id, None)
            self._keep.pop(job.id, None)
            for channel, current in list(self._channels.items()):
                if current is job:
                    del self._channels[channel]

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
