"""The one Keras progress callback: plain-dict progress reports and cooperative cancel.

Both trainers (``image.train.fit_model`` and ``text.model.train_text_model``) pass it to
``model.fit``; ``core.ml.train`` turns its reports into the wizard's and the CLI's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import keras

ProgressFn = Callable[[dict[str, Any]], None]
CancelledFn = Callable[[], bool]


class ProgressCallback(keras.callbacks.Callback):
    """Reports training progress as plain dicts and stops training when cancelled.

    Each report is ``{"phase", "epoch", "epochs", "batch", "batches", "fraction", "logs"}``
    with ``phase`` ``"batch"`` or ``"epoch"``; epochs and batches count from 1, ``batch``
    is the last batch trained (in an epoch report too: a cancelled epoch ends early),
    ``fraction`` is the share of the whole run done. Batch reports are throttled to
    ``min_interval`` seconds; epoch reports always go.

    The cancel predicate is checked after every batch, so a cancel takes effect within
    about one batch: ``self.model.stop_training = True``, and ``was_cancelled`` tells the
    trainer to raise ``Cancelled`` rather than return a half-trained model.
    """

    def __init__(
        self,
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
        batches: int | None = None,
        min_interval: float = 0.2,
    ) -> None:
        super().__init__()
        self.progress = progress or (lambda info: None)
        self.cancelled = cancelled or (lambda: False)
        self.batches = batches
        self.min_interval = min_interval
        self.epoch = 0
        self.epochs = 0
        self.batch = 0
        self.was_cancelled = False
        self._last = 0.0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epochs = int(self.params.get("epochs") or 0)
        self.batches = self.batches or self.params.get("steps")

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch = epoch + 1
        self.batch = 0

    def _check_cancel(self) -> None:
        if not self.was_cancelled and self.cancelled():
            self.was_cancelled = True
            self.model.stop_training = True

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.batch = batch + 1
        self._check_cancel()
        now = time.monotonic()
        if now - self._last >= self.min_interval:
            self._last = now
            self.progress(self._info("batch", logs))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._check_cancel()
        self.progress(self._info("epoch", logs))

    def _info(self, phase: str, logs: dict[str, Any] | None) -> dict[str, Any]:
        done = self.epoch - 1 + (self.batch / self.batches if self.batches else 1.0)
        return {
            "phase": phase,
            "epoch": self.epoch,
            "epochs": self.epochs,
            "batch": self.batch,
            "batches": self.batches,
            "fraction": min(1.0, done / self.epochs) if self.epochs else None,
            "logs": {k: float(v) for k, v in (logs or {}).items() if _is_number(v)},
        }


def _is_number(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False
