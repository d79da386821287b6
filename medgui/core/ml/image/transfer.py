"""Start an image classifier from the shipped chest X-ray model's features (issue #10).

A clinic has a few hundred labelled films; a network trained on them from random weights
learns little. The shipped ``pneumonia-cnn`` model has learned chest X-ray features from
thousands. :func:`start_model` finds its newest shipped version, :func:`from_start` keeps its
layers up to global pooling and puts a new dropout + softmax head on them, and
:func:`fine_tune` trains in two phases: the head alone on frozen features, then every
convolution at a tenth of the learning rate. Batch normalisation stays frozen in both (its
statistics come from the thousands of films, not re-estimated from a few batches).
Nothing is downloaded: the starting weights are a file medgui ships.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

from medgui.core.ml.progress import CancelledFn, ProgressFn
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.config import DEFAULT_START_MODEL

FEATURE_LAYER = "gap"
"""The start model's layer whose output the new head reads (global average pooling)."""
HEAD_EPOCHS = 4
"""Epochs of the first phase (frozen features); the rest of ``epochs`` fine-tune."""
FINE_TUNE_LR_FACTOR = 0.1


def start_model(registry: Registry | None = None) -> ModelCard | None:
    """The newest shipped version of ``DEFAULT_START_MODEL``, or None when none is installed."""
    registry = registry or Registry()
    cards = [c for c in registry.list("image") if c.name == DEFAULT_START_MODEL and c.builtin]
    return max(cards, key=lambda c: c.version) if cards else None


def from_start(start: keras.Model, n_classes: int, dropout: float) -> keras.Model:
    """A new classifier over ``start``'s pooled features (layers shared, weights copied in)."""
    names = [layer.name for layer in start.layers]
    if FEATURE_LAYER not in names:
        raise ValueError(f"the starting model {start.name} has no '{FEATURE_LAYER}' layer")
    x = start.get_layer(FEATURE_LAYER).output
    if dropout:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="head_probabilities")(x)
    return keras.Model(start.inputs, outputs, name=f"{start.name}_transfer")


def _freeze(model: keras.Model, features: bool) -> None:
    head = {"head_dropout", "head_probabilities"}
    for layer in model.layers:
        if layer.name in head:
            layer.trainable = True
        elif isinstance(layer, layers.BatchNormalization):
            layer.trainable = False  # inference mode: the start model's statistics
        else:
            layer.trainable = not features


def fine_tune(model: keras.Model, train_ds: Any, val_ds: Any, epochs: int, *, class_weight: Any,
              learning_rate: float, weight_decay: float, patience: int, progress: ProgressFn | None,
              cancelled: CancelledFn | None, strategy: Any, restore_best: bool) -> dict[str, Any]:
    """Head on frozen features for ``HEAD_EPOCHS``, then everything but batch norm at a tenth
    of ``learning_rate``; returns ``fit_model``'s summary with both phases' history joined."""
    from medgui.core.ml.image.train import fit_model

    head_epochs = min(HEAD_EPOCHS, max(1, epochs // 3))
    common = dict(class_weight=class_weight, weight_decay=weight_decay, cancelled=cancelled,
                  strategy=strategy, restore_best=restore_best)

    def relay(stage: str) -> ProgressFn | None:
        if progress is None:
            return None
        return lambda info: progress({**info, "stage": stage})

    _freeze(model, features=True)
    first = fit_model(model, train_ds, val_ds, head_epochs, learning_rate=learning_rate, patience=patience,
                      progress=relay("head"), **common)  # type: ignore[arg-type]
    rest = max(1, epochs - head_epochs)
    _freeze(model, features=False)
    second = fit_model(model, train_ds, val_ds, rest, learning_rate=learning_rate * FINE_TUNE_LR_FACTOR,
                       patience=patience, progress=relay("fine-tune"), **common)  # type: ignore[arg-type]
    history = {k: first["history"].get(k, []) + second["history"].get(k, [])
               for k in set(first["history"]) | set(second["history"])}
    return {"history": history, "epochs_run": first["epochs_run"] + second["epochs_run"],
            "best_epoch": first["epochs_run"] + second["best_epoch"], "stopped_early": second["stopped_early"],
            "seconds": round(first["seconds"] + second["seconds"], 1),
            "phases": {"head": {"epochs": first["epochs_run"], "learning_rate": learning_rate, "frozen": "features"},
                       "fine_tune": {"epochs": second["epochs_run"],
                                     "learning_rate": learning_rate * FINE_TUNE_LR_FACTOR,
                                     "frozen": "batch normalisation"}}}
