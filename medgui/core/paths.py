"""Where medgui keeps its files.

Everything user-specific lives under one home directory: ``$MEDGUI_HOME`` when set
(tests and portable installs), otherwise the platform's user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
BUILTIN_MODELS = RESOURCES / "models"
SAMPLES = RESOURCES / "samples"


def home() -> Path:
    """Return (and create) the directory that holds the database, registry and settings."""
    env = os.environ.get("MEDGUI_HOME")
    if env:
        root = Path(env).expanduser()
    else:
        from platformdirs import user_data_dir

        root = Path(user_data_dir("medgui", appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def builtin_models() -> Path:
    """The read-only models shipped with medgui (``$MEDGUI_BUILTIN_MODELS`` overrides it,
    e.g. for tests that must not see the shipped models)."""
    env = os.environ.get("MEDGUI_BUILTIN_MODELS")
    return Path(env).expanduser() if env else BUILTIN_MODELS


def registry_dir() -> Path:
    path = home() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def records_db() -> Path:
    return home() / "records.sqlite3"
