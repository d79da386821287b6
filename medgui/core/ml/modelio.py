"""Safe loading of registered Keras models.

A model file is only opened after its hashes match its card, with Keras ``safe_mode``
on, no custom objects, and a refusal of any layer that carries code (``Lambda``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medgui.core.errors import ModelLoadError
from medgui.core.ml.registry import ModelCard, Registry

if TYPE_CHECKING:
    import keras

# Layers that run arbitrary Python when called; a shared model must never need them.
_EXECUTABLE_LAYERS = {"Lambda", "TFSMLayer"}


def check_no_executable_layers(model: keras.Model, where: str = "model") -> None:
    for layer in _iter_layers(model):
        if type(layer).__name__ in _EXECUTABLE_LAYERS:
            raise ModelLoadError(
                f"{where} contains a '{type(layer).__name__}' layer, which runs arbitrary "
                "code; medgui refuses such models"
            )


def _iter_layers(model):  # type: ignore[no-untyped-def]
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _iter_layers(layer)


def load_model(card: ModelCard, registry: Registry | None = None) -> keras.Model:
    """Verify ``card``'s files and load its Keras model for inference."""
    (registry or Registry()).verify(card)
    import keras

    try:
        model = keras.saving.load_model(card.model_path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises ValueError/TypeError/OSError and more
        raise ModelLoadError(
            f"model {card.ref} could not be loaded safely ({type(exc).__name__}: {exc}). "
            "It may come from another Keras version or contain code; retrain or re-export it.",
            path=card.model_path,
            details=repr(exc),
        ) from exc
    check_no_executable_layers(model, f"model {card.ref}")
    return model
