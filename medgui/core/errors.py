"""Typed, expected failures with a message a clinician can act on.

Every error names what failed, which file (when there is one) and what to do next.
The UI shows ``str(error)`` inline, where it happened; any other exception is unexpected
and goes to a dialog with its traceback as the details. The CLI prints
``str(error)`` on one line. ``describe`` turns either kind into the plain dict that
crosses threads and processes.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any


class MedguiError(Exception):
    """Base class of the failures medgui expects and reports to the user."""

    def __init__(
        self, message: str, *, path: str | Path | None = None, details: str = ""
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.details = details
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.path is not None:
            return f"{self.path}: {self.message}"
        return self.message


class ImageLoadError(MedguiError):
    """An image file could not be read or decoded."""


class DatasetError(MedguiError):
    """A dataset folder or table is unusable for training or evaluation."""


class ModelLoadError(MedguiError):
    """A model is missing, tampered with, unsafe or incompatible."""


class RecordStoreError(MedguiError):
    """The record database could not be read or written."""


class TrainingError(MedguiError):
    """Training could not start or failed part-way."""


class AuditError(MedguiError):
    """The audit trail, a feedback case, a report or a de-identified copy could not be
    read or written."""


class Cancelled(Exception):  # noqa: N818 - a state, not an error
    """Raised inside a long job when the user cancels it; never shown as an error."""


def describe(exc: BaseException, where: str = "") -> dict[str, Any]:
    """The one exception-to-payload function: ``{"type", "message", "details", "expected"}``.

    A ``MedguiError`` is expected: its message is for the user as it stands. Anything
    else is a defect and carries its traceback as the details. ``where`` names the place
    an unexpected error happened ("the analysis process"). Plain types only, so the dict
    crosses a ``multiprocessing`` pipe.
    """
    if isinstance(exc, MedguiError):
        return {"type": type(exc).__name__, "message": str(exc), "details": exc.details,
                "expected": True}
    place = f" in {where}" if where else ""
    return {
        "type": type(exc).__name__,
        "message": f"Unexpected error{place}: {type(exc).__name__}: {exc}",
        "details": "".join(traceback.format_exception(exc)),
        "expected": False,
    }
