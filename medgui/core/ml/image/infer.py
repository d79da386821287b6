"""Image classification with a registered model: one image, a batch, or a job.

A model version with an inference export (``model.onnx``) is read with ONNX Runtime
(``medgui.core.runtime.image``): this module imports no TensorFlow at import time, and
a reading loads it only for a model without an export, or for a Grad-CAM heatmap that
the export cannot give. ``ImageClassifier`` is the Keras one.

The Keras forward pass is traced once per model into a ``tf.function`` with a fixed
input signature (any batch size, one graph): ``model.predict`` builds a data pipeline
on every call and costs ~10x more than the network itself for one image.

Results are those of ``medgui.core.runtime.image`` (see its module doc): both runtimes
share ``BaseImageClassifier``, so a card's calibration map, its ``preprocessing.normalise``
and its population apply to Keras readings exactly as to those of the export.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from medgui.core.errors import Cancelled, MedguiError
from medgui.core.imaging.loader import XRayImage
from medgui.core.imaging.preprocess import read_for_model
from medgui.core.ml.modelio import cached_classifier
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.runtime.image import BaseImageClassifier, exported_image_classifier
from medgui.core.runtime.session import use_export

if TYPE_CHECKING:
    import keras

ProgressFn = Callable[[dict[str, Any]], None]
CancelledFn = Callable[[], bool]


class ImageClassifier(BaseImageClassifier):
    """A loaded Keras image model with its card (imports TensorFlow)."""

    runtime = "keras"

    def __init__(self, card: ModelCard, model: keras.Model) -> None:
        import tensorflow as tf

        super().__init__(card)
        self.model = model
        shape = model.input_shape
        self.input_size = int(shape[1])
        self.channels = int(shape[3])
        self._forward = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([None, shape[1], shape[2], shape[3]], tf.float32)],
        )
        self._explainer: Any = None
        self._lock = threading.Lock()  # one graph call at a time per model

    def classify(self, x_batch: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, n_classes)`` for preprocessed inputs ``(N, H, W, 1)``."""
        import tensorflow as tf

        x = np.asarray(x_batch, dtype=np.float32)
        if x.ndim == 3:
            x = x[np.newaxis]
        with self._lock:
            return self._forward(tf.convert_to_tensor(x)).numpy()  # type: ignore[no-any-return]

    def heatmap(self, x: np.ndarray, class_name: str) -> np.ndarray:
        """Grad-CAM (H, W) in [0, 1] for ``class_name`` on one preprocessed input."""
        from medgui.core.ml.image.explain import GradCam

        with self._lock:
            if self._explainer is None:
                self._explainer = GradCam(self.model)
            return self._explainer(x, self.classes.index(class_name))  # type: ignore[no-any-return]


def get_image_classifier(ref: str | None = None, registry: Registry | None = None,
                         heatmap: bool = False) -> BaseImageClassifier:
    """The classifier for ``ref`` (``NAME@VERSION``), or the active image model.

    Its export (ONNX Runtime) when it has one, else the Keras model; with ``heatmap``,
    the Keras model also when the export cannot give a heatmap (a head that is not
    global pooling + one Dense layer: Grad-CAM needs gradients). Loaded (hash-verified)
    and set up once per process and model file.
    """
    registry = registry or Registry()
    card = registry.get(ref) if ref else registry.active("image")
    if use_export(card):
        light = exported_image_classifier(card)
        if not heatmap or light.has_heatmap:
            return light
    return keras_image_classifier(card.ref, registry)


def keras_image_classifier(ref: str | None = None, registry: Registry | None = None) -> ImageClassifier:
    """The Keras classifier for ``ref`` (imports TensorFlow; ``modelio.cached_classifier``)."""

    def build(card: ModelCard, model: Any) -> ImageClassifier:
        clf = ImageClassifier(card, model)
        clf.warm()
        return clf

    return cached_classifier("image", ref, build, registry)


def classify_image_job(payload: dict[str, Any], progress: ProgressFn, cancelled: CancelledFn) -> dict[str, Any]:
    """Analysis-process job: classify one image.

    Payload ``{"path": str, "frame": int = 0, "heatmap": bool = False, "model": ref|None}``
    (the process reads the file itself, so no pixel array crosses the pipe), or
    ``{"pixels": uint8 array, ...}`` for an image that exists only in memory.
    Returns the result dict of the module doc, heatmap at the model's input size.
    """
    progress({"stage": "model"})
    want_heatmap = bool(payload.get("heatmap", False))
    clf = get_image_classifier(payload.get("model"), heatmap=want_heatmap)
    if cancelled():
        raise Cancelled("classification cancelled")
    progress({"stage": "load"})
    t0 = time.perf_counter()
    x = None
    if payload.get("pixels") is not None:
        image: XRayImage | np.ndarray = np.asarray(payload["pixels"])
        path = payload.get("path")
    else:
        if not payload.get("path"):
            raise MedguiError("no image to classify: the request names no file")
        path = str(payload["path"])
        # The viewer shows the full-resolution decode; the model needs only its input.
        x, image = read_for_model(path, clf.input_size, int(payload.get("frame", 0)), normalise=clf.normalise)
    if cancelled():
        raise Cancelled("classification cancelled")
    t1 = time.perf_counter()
    progress({"stage": "classify"})
    result = clf.classify_image(image, path=path, heatmap=want_heatmap, x=x)
    result["timing_ms"]["load"] = (t1 - t0) * 1e3
    result["timing_ms"]["total"] += (t1 - t0) * 1e3
    result["frame"] = int(payload.get("frame", 0))
    return result


def iter_results(paths: Iterable[str | Path], ref: str | None = None, batch_size: int = 32) -> Iterator[dict[str, Any]]:
    """Convenience: classify ``paths`` with the model ``ref`` (or the active one)."""
    yield from get_image_classifier(ref).classify_paths(list(paths), batch_size=batch_size)
