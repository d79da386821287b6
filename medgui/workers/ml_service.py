"""The GUI's handle on the TensorFlow processes (``medgui.core.ml.service``).

TensorFlow is imported, models are loaded and inference and training run in spawned
processes, so the GUI's event loop never waits on the GIL for them. The same entry
point runs in two roles:

analysis
    Classifies images and records, imports models. Started lazily, or with ``start()``
    right after the window shows (``warmup_tasks`` then load the models ahead of use).
training
    Runs the jobs that change TensorFlow's process-wide state (``service.TRAINING_JOBS``:
    global seeds, op determinism). Started on demand and stopped once its last job has
    finished, so no training setting leaks into a reading and readings never queue
    behind a training run.

A process that dies is reported once (``report_unhandled``: logged and shown), every
job it held ends with an error and ``sig_finished``, and the next job for that role
starts a fresh process.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from medgui.core.ml import service
from medgui.workers.jobs import Job, JobError, dispatch, report_unhandled

_CRASHED = "__crashed__"
EventSink = Callable[["_ServiceProcess", str, int, Any], None]


class _ServiceProcess:
    """One incarnation of a service process: the process, its pipe and its reader thread.

    The reader passes every event to ``sink`` (a queued signal); when the pipe closes
    without a ``stop`` it passes ``__crashed__`` with the exit code, once.
    """

    def __init__(self, ctx: Any, role: str, sink: EventSink) -> None:
        self.role = role
        self.stopping = threading.Event()
        self.dead = threading.Event()
        self.crash_handled = False
        self._sink = sink
        self._send_lock = threading.Lock()
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=service.serve, args=(child_conn, role),
                                name=f"medgui-{role}", daemon=True)
        self.proc.start()
        child_conn.close()
        self.conn = parent_conn
        self.reader = threading.Thread(target=self._read_loop, name=f"medgui-{role}-events",
                                       daemon=True)
        self.reader.start()

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return not self.dead.is_set() and not self.stopping.is_set() and self.proc.is_alive()

    def send(self, msg: dict[str, Any]) -> bool:
        """Send ``msg``; False when the process can no longer receive it."""
        try:
            with self._send_lock:
                self.conn.send(msg)
        except (OSError, ValueError):  # a broken pipe, or a closed connection
            return False
        return True

    def _read_loop(self) -> None:
        while True:
            try:
                event, job_id, data = self.conn.recv()
            except (EOFError, OSError):
                break
            # After a stop nobody listens, and the service may be gone: a signal emitted
            # on a deleted QObject from this thread would crash the GUI.
            if self.stopping.is_set():
                break
            self._sink(self, event, job_id, data)
        self.dead.set()
        self.proc.join(5)  # reap it, and learn how it ended
        if not self.stopping.is_set():
            self._sink(self, _CRASHED, 0, self.proc.exitcode)

    def stop(self) -> None:
        """Ask the process to finish and exit; returns at once (the reader reaps it)."""
        self.stopping.set()
        self.send({"op": "stop"})

    def close(self, timeout: float) -> None:
        """Stop the process, waiting up to ``timeout`` before terminating it."""
        self.stop()
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(2)
        with contextlib.suppress(OSError):
            self.conn.close()
        self.reader.join(timeout)


def describe_exit(code: int | None) -> str:
    if code is None:
        return "it no longer answers"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit code {code}"


class MLService(QObject):
    """Submit TensorFlow jobs by kind; each returns a ``Job`` whose signals report it.

    ``sig_ready`` fires once the analysis process has imported TensorFlow and loaded the
    models named in ``warmup_tasks`` (``sig_warmup_failed`` if that failed);
    ``sig_crashed`` when the analysis process died (it restarts on the next job).
    """

    sig_ready = Signal(object)
    sig_warmup_failed = Signal(object)  # JobError: e.g. no usable model installed
    sig_crashed = Signal(str)
    _sig_event = Signal(object, str, int, object)

    def __init__(self, parent: QObject | None = None, warmup_tasks: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self._ctx = mp.get_context("spawn")
        self._procs: dict[str, _ServiceProcess] = {}
        self._stopped: list[_ServiceProcess] = []  # stopping on their own; joined at shutdown
        self._jobs: dict[int, tuple[Job, _ServiceProcess]] = {}
        self._next_id = 0
        self.warmup_tasks = warmup_tasks
        self._sig_event.connect(self._on_event)

    # -- process lifetime -----------------------------------------------------------
    @property
    def running(self) -> bool:
        """Whether the analysis process is up."""
        return self.is_running(service.ANALYSIS)

    def is_running(self, role: str) -> bool:
        proc = self._procs.get(role)
        return proc is not None and proc.alive

    def pid(self, role: str = service.ANALYSIS) -> int | None:
        """The process id of the ``role`` process, or None when it is not running."""
        proc = self._procs.get(role)
        return proc.pid if proc is not None and proc.alive else None

    def start(self) -> None:
        """Start the analysis process now (and its warm-up) rather than on the first job."""
        self._process(service.ANALYSIS)

    def _process(self, role: str) -> _ServiceProcess:
        """The live ``role`` process, started if there is none."""
        current = self._procs.get(role)
        if current is not None and current.alive:
            return current
        proc = _ServiceProcess(self._ctx, role, self._sig_event.emit)
        self._procs[role] = proc
        if role == service.ANALYSIS and self.warmup_tasks:
            job = self._run_on(proc, "warmup", {"tasks": list(self.warmup_tasks)})
            job.sig_result.connect(self.sig_ready.emit)
            job.sig_errored.connect(self.sig_warmup_failed.emit)
        return proc

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the processes, cancelling what is running; jobs in flight are dropped."""
        procs = [*self._procs.values(), *self._stopped]
        self._procs.clear()
        self._stopped.clear()
        self._jobs.clear()
        for proc in procs:
            proc.close(timeout)

    # -- jobs -----------------------------------------------------------------------
    def submit(self, kind: str, payload: dict[str, Any] | None = None,
               role: str | None = None) -> Job:
        """Queue a job of ``kind`` in the process for its role (``service.role_for``).

        ``kind`` is a name in ``service.JOBS`` or a ``"module:function"`` path; ``role``
        overrides where it runs (tests use it to run light jobs as training jobs).
        """
        return self._run_on(self._process(role or service.role_for(kind)), kind, payload)

    def _run_on(self, proc: _ServiceProcess, kind: str, payload: dict[str, Any] | None) -> Job:
        self._next_id += 1
        job = Job(self._next_id, kind, self._cancel)
        msg = {"op": "run", "id": job.id, "kind": kind, "payload": payload or {}}
        if not proc.send(msg):
            # It died before its reader told us: report it, then run this job on a new one.
            self._on_crash(proc, proc.proc.exitcode)
            proc = self._process(proc.role)
            proc.send(msg)  # should this fail too, the new reader reports the crash
        self._jobs[job.id] = (job, proc)
        return job

    def _cancel(self, job: Job) -> None:
        entry = self._jobs.get(job.id)
        if entry is not None:
            entry[1].send({"op": "cancel", "id": job.id})  # if it is gone, its reader says so

    def _on_event(self, proc: _ServiceProcess, event: str, job_id: int, data: Any) -> None:
        if event == _CRASHED:
            self._on_crash(proc, data)
            return
        entry = self._jobs.get(job_id)
        if entry is None:
            return
        job, owner = entry
        if event == "finished":
            del self._jobs[job_id]
        dispatch(job, event, data)
        if event == "finished" and owner.role == service.TRAINING and owner.alive \
                and not any(p is owner for _, p in self._jobs.values()):
            self._retire(owner)

    def _retire(self, proc: _ServiceProcess) -> None:
        """Stop an idle training process: its global TensorFlow state goes with it."""
        if self._procs.get(proc.role) is proc:
            del self._procs[proc.role]
        self._stopped = [p for p in self._stopped if not p.dead.is_set()]
        self._stopped.append(proc)
        proc.stop()

    def _on_crash(self, proc: _ServiceProcess, exitcode: int | None) -> None:
        if proc.crash_handled:
            return
        proc.crash_handled = True
        if self._procs.get(proc.role) is proc:
            del self._procs[proc.role]
        lost = [job for job, owner in self._jobs.values() if owner is proc]
        for job in lost:
            del self._jobs[job.id]
        name = f"The {proc.role} process"
        message = (f"{name} stopped unexpectedly ({describe_exit(exitcode)}); "
                   "it restarts on the next job.")
        kinds = ", ".join(sorted({job.kind for job in lost})) or "none"
        report_unhandled(f"{name} stopped", JobError(
            "ServiceProcessError", message,
            f"Process id {proc.pid}, {describe_exit(exitcode)}. Jobs in flight: {kinds}."))
        # Each job's own view says it failed; the crash itself was reported once, above.
        error = JobError("ServiceProcessError", message, expected=True)
        for job in lost:
            dispatch(job, "error", error)
            dispatch(job, "finished", None)
        if proc.role == service.ANALYSIS:
            self.sig_crashed.emit(message)
