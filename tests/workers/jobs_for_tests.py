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
