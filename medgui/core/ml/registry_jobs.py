"""Registry operations that load a model, as analysis-process jobs.

Importing a model loads its Keras file in safe mode to refuse executable layers, which
imports TensorFlow; the model manager therefore runs it in the analysis process. The
same step writes the model's inference export (``export.check_and_export``), so an
imported model reads without TensorFlow like a trained one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from medgui.core.ml.export import check_and_export
from medgui.core.models.registry import Registry


def import_model_job(payload: dict[str, Any], progress: Callable[[dict[str, Any]], None],
                     cancelled: Callable[[], bool]) -> dict[str, Any]:
    """``{"path": archive, "root": registry root or None}`` -> the imported card as JSON."""
    root = payload.get("root")
    registry = Registry(Path(root)) if root else Registry()
    card = registry.import_model(Path(payload["path"]), check_model=check_and_export)
    return card.to_json()
