"""A gate's files in a model version folder: ``gate.json`` (rules, thresholds, figures) and
``gate.npz`` (arrays), plain data only: JSON and NumPy arrays loaded without pickle.

Both are listed with their sha256 in the version's ``card.json`` ``files``, so the
registry's integrity check covers them like the model file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import ModelLoadError
from medgui.core.fileio import atomic_write_bytes, atomic_write_text
from medgui.core.models.card import ModelCard

GATE_JSON = "gate.json"
GATE_NPZ = "gate.npz"
GATE_SCHEMA = 1


def has_gate(card: ModelCard) -> bool:
    return GATE_JSON in (card.files or {})


def read_gate(folder: Path, kind: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The gate's settings and arrays from ``folder``; ``ModelLoadError`` when unusable.

    ``kind`` ("image" or "text") must match what the file says it is.
    """
    try:
        meta = json.loads((folder / GATE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"the applicability gate in {folder} cannot be read ({exc})", path=folder) from exc
    if not isinstance(meta, dict) or meta.get("kind") != kind or meta.get("schema") != GATE_SCHEMA:
        raise ModelLoadError(f"{folder / GATE_JSON} is not a medgui {kind} gate (schema {GATE_SCHEMA})",
                             path=folder / GATE_JSON)
    arrays: dict[str, np.ndarray] = {}
    if (folder / GATE_NPZ).is_file():
        try:
            with np.load(folder / GATE_NPZ, allow_pickle=False) as data:
                arrays = {key: np.asarray(data[key]) for key in data.files}
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"the gate arrays in {folder} cannot be read ({exc})", path=folder) from exc
    return meta, arrays


def write_gate(folder: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray] | None = None) -> list[str]:
    """Write ``gate.json`` (and ``gate.npz`` when there are arrays) atomically; return the
    file names written, relative to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / GATE_JSON, json.dumps({**meta, "schema": GATE_SCHEMA}, indent=1) + "\n")
    written = [GATE_JSON]
    if arrays:
        buf = io.BytesIO()
        np.savez_compressed(buf, **{k: np.asarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]
        atomic_write_bytes(folder / GATE_NPZ, buf.getvalue())
        written.append(GATE_NPZ)
    return written
