"""The analysis and training processes: run TensorFlow jobs away from the GUI's interpreter.

``serve`` is the target of a *spawned* process (see ``medgui.workers.ml_service``).
Importing TensorFlow or tracing a graph in a thread of the GUI process holds the GIL
for hundreds of milliseconds; in a separate process it cannot stall the window.
Readings of a model with an inference export run on ONNX Runtime
(``medgui.core.runtime``): the analysis process imports TensorFlow only for a job that
needs it (a model without an export, Grad-CAM on a head without class maps, an import).

Two processes run it, in two roles. The *analysis* process classifies. The *training*
process runs ``TRAINING_JOBS``, which change TensorFlow's process-wide state (global
seeds, op determinism): in a process of their own no training setting can leak into a
reading, and a reading never waits behind a training run. The analysis role refuses
them.

Protocol over a ``multiprocessing`` pipe (messages are plain dicts and tuples):

parent -> child  ``{"op": "run", "id", "kind", "payload"}``,
                 ``{"op": "cancel", "id"}``, ``{"op": "stop"}``
child -> parent  ``(event, id, data)`` with event one of ``started``, ``progress``,
                 ``result``, ``error``, ``cancelled``, ``finished``; ``finished`` always
                 comes last for every id. ``error`` data is ``errors.describe(exc)``.

Superseding (latest request wins) is decided by the parent, which cancels the older job.

Jobs are core functions ``fn(payload, progress, cancelled) -> result`` named in
``JOBS``; they know nothing of processes or Qt and are tested directly.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

from medgui.core.errors import Cancelled, MedguiError, describe

ProgressFn = Callable[[dict[str, Any]], None]
CancelledFn = Callable[[], bool]

# kind -> "module:function". Imported lazily, in the analysis process only.
JOBS: dict[str, str] = {
    "ping": "medgui.core.ml.service:ping",
    "warmup": "medgui.core.ml.service:warmup",
    "classify_image": "medgui.core.ml.image.infer:classify_image_job",
    "classify_text": "medgui.core.ml.text.classify:classify_text_job",
    "train": "medgui.core.ml.train:train_job",
    "import_model": "medgui.core.ml.registry_jobs:import_model_job",
}

# Tasks whose exported models read without TensorFlow.
LIGHT_TASKS: frozenset[str] = frozenset({"image", "text"})

ANALYSIS = "analysis"
TRAINING = "training"
# Jobs that set TensorFlow's global state (``keras.utils.set_random_seed``,
# ``enable_op_determinism``): they run in the training process only.
TRAINING_JOBS: frozenset[str] = frozenset({"train"})


def role_for(kind: str) -> str:
    """The process that runs jobs of ``kind``."""
    return TRAINING if kind in TRAINING_JOBS else ANALYSIS


def register_job(kind: str, target: str) -> None:
    """Add a job kind (``"package.module:function"``)."""
    JOBS[kind] = target


def resolve(kind: str) -> Callable[..., Any]:
    """A registered kind, or a ``"module:function"`` path (tests use their own jobs)."""
    target = JOBS.get(kind) or (kind if ":" in kind else "")
    if not target:
        raise MedguiError(f"unknown analysis job '{kind}'")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def ping(payload: dict[str, Any], progress: ProgressFn, cancelled: CancelledFn) -> dict[str, Any]:
    """Echo the payload: lets tests and the UI check the process is alive (and whether it
    has had to import TensorFlow)."""
    return {"pong": payload, "pid": os.getpid(), "tensorflow": "tensorflow" in sys.modules}


def warmup(payload: dict[str, Any], progress: ProgressFn, cancelled: CancelledFn) -> dict[str, Any]:
    """Load the models named in ``payload['tasks']`` ahead of use, if they load light.

    A model with an inference export loads in ONNX Runtime in a fraction of a second.
    One that would need TensorFlow (no export) is left for its first job, unless
    ``payload['keras']`` is true: jobs run one at a time, and a reading queued behind a
    3 to 20 s TensorFlow import would wait for it.
    Returns ``{"loaded": [refs], "runtime": {ref: "onnxruntime" | "keras"}, "deferred": [refs]}``.
    """
    from medgui.core.models.registry import Registry
    from medgui.core.runtime.session import use_export

    registry = Registry()
    loaded: list[str] = []
    deferred: list[str] = []
    runtimes: dict[str, str] = {}
    for task in payload.get("tasks", []):
        if task not in ("image", "text"):
            continue
        card = registry.active(task)
        if not (use_export(card) and task in LIGHT_TASKS) and not payload.get("keras"):
            deferred.append(card.ref)
            continue
        if task == "image":
            from medgui.core.ml.image import infer

            clf: Any = infer.get_image_classifier(registry=registry)
        else:
            from medgui.core.ml.text import classify as text

            clf = text.reading_text_classifier(registry=registry)
        loaded.append(clf.card.ref)
        runtimes[clf.card.ref] = getattr(clf, "runtime", "") or "keras"
    return {"loaded": loaded, "runtime": runtimes, "deferred": deferred}


def configure_environment() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Measured ~1.4x faster training on AVX2 CPUs (see README).
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def serve(conn: Any, role: str = ANALYSIS) -> None:  # conn: multiprocessing.connection.Connection
    """Run jobs received on ``conn``, one at a time, until it closes or a ``stop`` arrives."""
    configure_environment()
    where = f"the {role} process"
    jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
    flags: dict[int, threading.Event] = {}
    lock = threading.Lock()

    def reader() -> None:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                jobs.put(None)
                return
            op = msg.get("op")
            with lock:
                if op == "run":
                    flags[msg["id"]] = threading.Event()
                    jobs.put(msg)
                elif op == "cancel":
                    if msg["id"] in flags:
                        flags[msg["id"]].set()
                elif op == "stop":
                    for flag in flags.values():
                        flag.set()
                    jobs.put(None)
                    return

    threading.Thread(target=reader, name="medgui-service-reader", daemon=True).start()

    def send(event: str, job_id: int, data: Any = None) -> None:
        # If the GUI went away there is nobody to report to.
        with contextlib.suppress(BrokenPipeError, OSError):
            conn.send((event, job_id, data))

    while True:
        msg = jobs.get()
        if msg is None:
            break
        job_id = msg["id"]
        with lock:
            flag = flags[job_id]
        try:
            if flag.is_set():
                send("cancelled", job_id)
                continue
            send("started", job_id)
            if role != TRAINING and msg["kind"] in TRAINING_JOBS:
                raise RuntimeError(f"'{msg['kind']}' changes TensorFlow's global state and runs "
                                   f"in the training process, not in {where}")
            fn = resolve(msg["kind"])
            result = fn(
                msg.get("payload") or {},
                lambda info, _id=job_id: send("progress", _id, info),
                flag.is_set,
            )
            if flag.is_set():
                send("cancelled", job_id)
            else:
                send("result", job_id, result)
        except Cancelled:
            send("cancelled", job_id)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, none kills the loop
            send("error", job_id, describe(exc, where))
        finally:
            send("finished", job_id)
            with lock:
                flags.pop(job_id, None)
    with contextlib.suppress(OSError):
        conn.close()
