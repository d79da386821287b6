"""Typed, expected failures with a message a clinician can act on.

Every error names what failed, which file (when there is one) and what to do next.
The UI shows ``str(error)`` in a dialog and ``error.details`` behind "Show details";
the CLI prints ``str(error)`` on one line.
"""

from __future__ import annotations

from pathlib import Path


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


class Cancelled(Exception):  # noqa: N818 - a state, not an error
    """Raised inside a long job when the user cancels it; never shown as an error."""
