"""A trained model waiting in its staging folder: set its threshold, register or drop it.

The analysis process's ``train`` job leaves the model in a staging folder and returns a
plain dict (``staging_dir``, ``card`` as JSON, ``evaluation``, ``history``, ``kfold``).
Choosing the operating threshold, registering and discarding need no TensorFlow (the
files are copied), so the GUI does them here, in a worker thread.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.metrics import operating_point


def with_threshold(card: ModelCard, evaluation: Mapping[str, Any], threshold: float | None) -> ModelCard:
    """A copy of ``card`` that calls its positive class when P >= ``threshold``.

    The card's metrics gain the ``operating_point`` and the ``sensitivity`` and
    ``specificity`` at that threshold, read off the test-split ROC curve in
    ``evaluation``. Without a threshold or a ROC curve (more than two classes) the copy
    is unchanged.
    """
    out = ModelCard.from_json(card.to_json(), path=card.path, builtin=card.builtin)
    roc = evaluation.get("roc")
    if threshold is None or not roc:
        return out
    op = operating_point(roc, threshold)
    out.threshold = float(threshold)
    out.metrics = {**out.metrics, "operating_point": op,
                   "sensitivity": op["sensitivity"], "specificity": op["specificity"]}
    return out


def register_card(staging_dir: Path, card: ModelCard, name: str, notes: str = "",
                  activate: bool = False, registry: Registry | None = None) -> ModelCard:
    """Register the model in ``staging_dir`` under ``name``; then remove the staging folder.

    On failure (a bad name, a full disk) the staged model stays, so saving can be retried.
    """
    registry = registry or Registry()
    card = ModelCard.from_json(card.to_json())
    card.name = name or card.name
    card.notes = notes or card.notes
    card.version = 0
    card = registry.register(staging_dir, card)
    shutil.rmtree(staging_dir, ignore_errors=True)
    if activate:
        registry.activate(card.ref)
    return card


def register_staged(result: Mapping[str, Any], name: str, notes: str = "", activate: bool = False,
                    registry: Registry | None = None, threshold: float | None = None) -> ModelCard:
    """Register what the ``train`` job returned, at the operating ``threshold`` if given."""
    card = with_threshold(ModelCard.from_json(result["card"]), result.get("evaluation") or {},
                          threshold)
    return register_card(Path(result["staging_dir"]), card, name, notes, activate, registry)


def discard_staged(result: Mapping[str, Any]) -> None:
    """Remove the staging folder of a result the user chose not to save."""
    shutil.rmtree(result["staging_dir"], ignore_errors=True)
