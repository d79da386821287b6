"""Core-style jobs (progress callback + cancel check) used to exercise the workers."""

from __future__ import annotations

import time

from medgui.core.errors import Cancelled, ImageLoadError


def sleep_steps(payload, progress, cancelled):
    for i in range(payload["steps"]):
        if cancelled():
            raise Cancelled
        time.sleep(payload["delay"])
        progress({"done": i + 1, "total": payload["steps"]})
    return payload["steps"]


def boom(payload, progress, cancelled):
    raise ImageLoadError("not an image", path="scan.png")


def fail(payload, progress, cancelled):
    raise ZeroDivisionError("a defect, not an expected failure")


def train(payload, progress, cancelled):
    """Stands in for a training job: sets a process-wide "global seed", then works."""
    global GLOBAL_SEED
    GLOBAL_SEED = payload["seed"]
    return sleep_steps(payload, progress, cancelled)


def read_global(payload, progress, cancelled):
    """What a reading in the same process would inherit."""
    import os

    return {"seed": GLOBAL_SEED, "pid": os.getpid()}


GLOBAL_SEED = None
