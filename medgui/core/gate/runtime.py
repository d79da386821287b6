"""What the classifiers call: load a model version's gate and put its verdict into a result.

A result withheld by its gate keeps its probabilities (the user may look at them, under a
warning) but has ``label`` None, ``reliable`` False and a ``reason``; ``model_label`` is
what the model would have said. This is the contract of ``classify-image`` and
``classify-text`` alike (``cli.output``).
"""

from __future__ import annotations

from typing import Any

from medgui.core.gate.files import has_gate
from medgui.core.gate.image_gate import ImageGate, ImageVerdict, check_image
from medgui.core.gate.text_gate import TextGate, TextVerdict
from medgui.core.models.card import ModelCard

__all__ = ["apply_verdict", "check_image", "load_image_gate", "load_text_gate"]

def load_image_gate(card: ModelCard) -> ImageGate | None:
    """The image gate stored with ``card`` (its files are verified with the model's), or None."""
    if card.path is None or not has_gate(card):
        return None
    return ImageGate.from_folder(card.path)


def load_text_gate(card: ModelCard) -> TextGate | None:
    if card.path is None or not has_gate(card):
        return None
    return TextGate.from_folder(card.path)


def apply_verdict(result: dict[str, Any], verdict: ImageVerdict | TextVerdict | None) -> dict[str, Any]:
    """Write ``verdict`` into ``result`` (in place, and returned).

    ``result["label"]`` is the model's reading; it moves to ``model_label`` and ``label``
    becomes None when the verdict says the reading does not apply. None (no gate): the
    reading stands and ``gate`` is None (a version made before gates: nothing was checked;
    ``medgui models show`` says so).
    """
    result["model_label"] = result.get("label")
    if verdict is None:
        result.setdefault("reliable", True)
        result.setdefault("reason", "")
        result["gate"] = None
        return result
    result["gate"] = verdict.to_json()
    if verdict.applicable:
        result.setdefault("reliable", True)
        result.setdefault("reason", "")
    else:
        if result.get("reliable", True):  # an earlier, more specific reason stays
            result["reason"] = verdict.reason
        result["reliable"] = False
        result["label"] = None
    return result
