"""The GUI's handle on the analysis process (``medgui.core.ml.service``).

TensorFlow is imported, models are loaded and inference/training run in a spawned
process, so the GUI's event loop never waits on the GIL for them. The process starts
lazily (or with ``start()`` right after the window shows) and restarts after a crash.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from medgui.workers.jobs import Job, dispatch


class MLService(QObject):
    """Submit analysis jobs by kind; each returns a ``Job`` whose signals report it.

    ``sig_ready`` fires once the process has imported TensorFlow and loaded the models
    named in ``warmup_tasks`` (``sig_warmup_failed`` if that failed); ``sig_crashed``
    when the process died (it is restarted on the next submission).
    """

    sig_ready = Signal(object)
    sig_warmup_failed = Signal(object)  # JobError: e.g. no usable model installed
    sig_crashed = Signal(str)
    _sig_event = Signal(str, int, object)

    def __init__(self, parent: QObject | None = None, warmup_tasks: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Any = None
        self._reader: threading.Thread | None = None
        self._jobs: dict[int, Job] = {}
        self._channels: dict[str, Job] = {}
        self._next_id = 0
        self._send_lock = threading.Lock()
        self._stopping = threading.Event()
        self.warmup_tasks = warmup_tasks
        self._sig_event.connect(self._on_event)

    # -- process lifetime -----------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def start(self) -> None:
        if self.running:
            return
        from medgui.core.ml import service

        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        self._proc = self._ctx.Process(
            target=service.serve, args=(child_conn,), name="medgui-analysis", daemon=True
        )
        self._proc.start()
        child_conn.close()
        self._conn = parent_conn
        self._stopping.clear()
        self._reader = threading.Thread(
            target=self._read_loop, args=(parent_conn,), name="medgui-service-events", daemon=True
        )
        self._reader.start()
        if self.warmup_tasks:
            job = self.submit("warmup", {"tasks": list(self.warmup_tasks)})
            job.sig_result.connect(self.sig_ready.emit)
            job.sig_errored.connect(self.sig_warmup_failed.emit)

    def _read_loop(self, conn: Any) -> None:
        while True:
            try:
                event, job_id, data = conn.recv()
            except (EOFError, OSError):
                # After shutdown() nobody listens, and the service may be gone: a signal
                # emitted on a deleted QObject from this thread crashes the process.
                if not self._stopping.is_set():
                    self._sig_event.emit("__crashed__", 0, None)
                return
            if self._stopping.is_set():
                return
            self._sig_event.emit(event, job_id, data)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the process, cancelling what is running."""
        proc, conn, reader = self._proc, self._conn, self._reader
        self._proc = self._conn = self._reader = None
        if proc is None:
            return
        self._stopping.set()
        try:
            with self._send_lock:
                conn.send({"op": "stop"})
        except (OSError, BrokenPipeError):
            pass
        proc.join(timeout)
        if proc.is_alive():
            proc.terminate()
            proc.join(2)
        conn.close()
        if reader is not None:
            reader.join(timeout)

    # -- jobs -----------------------------------------------------------------------
    def submit(self, kind: str, payload: dict[str, Any] | None = None, channel: str | None = None) -> Job:
        """Queue a job; with ``channel``, it supersedes the one on that channel."""
        self.start()
        self._next_id += 1
        job = Job(self._next_id, kind, self._cancel)
        self._jobs[job.id] = job
        if channel:
            previous = self._channels.get(channel)
            if previous is not None and not previous.done:
                previous.cancel_requested = True  # the process cancels it on its side
            self._channels[channel] = job
        self._send({"op": "run", "id": job.id, "kind": kind, "payload": payload or {}, "channel": channel})
        return job

    def _cancel(self, job: Job) -> None:
        self._send({"op": "cancel", "id": job.id})

    def _send(self, msg: dict[str, Any]) -> None:
        try:
            with self._send_lock:
                self._conn.send(msg)
        except (OSError, BrokenPipeError, AttributeError):
            self._on_event("__crashed__", 0, None)

    def _on_event(self, event: str, job_id: int, data: Any) -> None:
        if event == "__crashed__":
            self._fail_all("The analysis process stopped unexpectedly; it will be restarted.")
            return
        job = self._jobs.get(job_id)
        if job is None:
            return
        dispatch(job, event, data)
        if event == "finished":
            self._jobs.pop(job_id, None)
            for channel, current in list(self._channels.items()):
                if current is job:
                    del self._channels[channel]

    def _fail_all(self, message: str) -> None:
        from medgui.workers.jobs import JobError

        if self._proc is not None and not self._proc.is_alive():
            self._proc = self._conn = None
        jobs, self._jobs = self._jobs, {}
        self._channels.clear()
        for job in jobs.values():
            dispatch(job, "error", JobError("AnalysisProcessError", message))
            dispatch(job, "finished", None)
        if jobs:
            self.sig_crashed.emit(message)
