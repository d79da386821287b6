"""What a classification result from the analysis process becomes in a record's history.

The ``classify_text`` job returns a plain dict (``label``, ``probabilities``,
``reliable``, ``reason``, ``model_name``/``model_version`` or ``model`` as
``name@version``). :func:`classification_from_result` turns it into the
:class:`~medgui.core.records.store.Classification` the store keeps, and
:func:`save_result` appends that to a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from medgui.core.records.store import Classification, RecordStore


def classification_from_result(result: Mapping[str, Any]) -> Classification:
    """The history entry for ``result`` (not stored yet: ``id`` 0, ``created`` empty).

    An unreliable result (``reliable`` false: too little known text, say) keeps its
    probabilities and the reason but no label, so it never counts as a diagnosis.
    """
    reliable = bool(result.get("reliable", True))
    name, version = result.get("model_name"), result.get("model_version")
    if not name:
        name, _, version = str(result.get("model") or "unknown").partition("@")
    probabilities = {str(k): float(v) for k, v in (result.get("probabilities") or {}).items()}
    label = result.get("label") if reliable else None
    return Classification(
        label=None if label is None else str(label),
        probabilities=probabilities,
        model_name=str(name),
        model_version=str(version or ""),
        created="",
        reason="" if reliable else str(result.get("reason", "")),
    )


def save_result(store: RecordStore, record_id: int, result: Mapping[str, Any]) -> Classification:
    """Append ``result`` to the history of ``record_id``; return the stored entry."""
    entry = classification_from_result(result)
    return store.add_classification(record_id, entry.label, entry.probabilities,
                                    entry.model_name, entry.model_version, entry.reason)
