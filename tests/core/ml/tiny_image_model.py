"""Tiny image models trained in seconds on synthetic data, for the image-model tests.

The task: gray noise; the positive class has a bright square somewhere in the top-left
quadrant. A model that learns it must look there, which the Grad-CAM test checks.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import numpy as np

CLASSES = ["NORMAL", "PNEUMONIA"]


def synthetic(n: int, size: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images ``(size, size, 1)`` in [0, 1] and labels (1 = square in top-left)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 0.35, size=(n, size, size, 1)).astype(np.float32)
    y = (np.arange(n) % 2).astype(np.int32)
    side = max(3, size // 6)
    for i in np.flatnonzero(y):
        r, c = rng.integers(1, size // 2 - side, size=2)
        x[i, r : r + side, c : c + side, 0] = 1.0
    return x, y


@functools.cache
def trained(arch: str = "seed_cnn", size: int = 32, epochs: int = 4):  # noqa: ANN201 - keras.Model
    """A model of ``arch`` trained on ``synthetic`` (cached for the test session)."""
    import keras
    import tensorflow as tf

    from medgui.core.ml.image import train as imagetrain
    from medgui.core.ml.image.cnn import build_image_model

    keras.utils.set_random_seed(1)
    x, y = synthetic(512, size, seed=1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(512, seed=1).batch(32)
    kwargs = {"width": 8, "dropout": 0.0} if arch == "compact_cnn" else {}
    model = build_image_model(arch, 2, input_size=size, **kwargs)
    imagetrain.fit_model(model, ds, None, epochs, learning_rate=3e-3, weight_decay=0.0, patience=epochs)
    return model


def register(model, name: str = "tiny", threshold: float | None = 0.5, classes=None):  # noqa: ANN001, ANN201
    """Save ``model`` into the test's registry (``$MEDGUI_HOME``) and return its card."""
    from medgui.core.models.card import ModelCard
    from medgui.core.models.registry import Registry

    card = ModelCard(
        name=name,
        task="image",
        classes=list(classes or CLASSES),
        architecture=model.name,
        threshold=threshold,
        positive_class="PNEUMONIA" if threshold is not None else None,
        preprocessing={"size": int(model.input_shape[1])},
    )
    with tempfile.TemporaryDirectory() as staging:
        model.save(Path(staging) / "model.keras")
        return Registry().register(Path(staging), card)


def write_png(path: Path, pixels: np.ndarray) -> Path:
    """Write a (H, W) or (H, W, 1) float image in [0, 1] as an 8-bit PNG."""
    import cv2

    arr = np.clip(np.asarray(pixels).squeeze() * 255.0 + 0.5, 0, 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), arr)
    return path
