"""Image classification with a registered model: one image, a batch, or a job.

The model's forward pass is traced once per model into a ``tf.function`` with a fixed
input signature (any batch size, one graph): ``model.predict`` builds a data pipeline
on every call and costs ~10x more than the network itself for one image.

A result is plain data (picklable, JSON-able once ``heatmap`` is dropped)::

    {"path", "label", "probabilities": {class: p}, "threshold", "positive_class",
     "model": "name@version", "model_name", "model_version",
     "heatmap": float32 (h, w) in [0, 1] or None,
     "timing_ms": {"load", "preprocess", "model", "explain", "total"}}
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from medgui.core.errors import Cancelled, MedguiError
from medgui.core.imaging.loader import XRayImage, applicability_warnings, load_image
from medgui.core.imaging.preprocess import model_input
from medgui.core.ml.modelio import cached_classifier
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry

ProgressFn = Callable[[dict[str, Any]], None]
CancelledFn = Callable[[], bool]


class ImageClassifier:
    """A loaded image model with its card: turns preprocessed inputs into readings."""

    def __init__(self, card: ModelCard, model: keras.Model) -> None:
        self.card = card
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

    def warm(self, explain: bool = False) -> None:
        """Trace the graphs now (about 0.1-1 s each) so the first reading is fast."""
        x = np.zeros((1, self.input_size, self.input_size, self.channels), np.float32)
        self.classify(x)
        if explain:
            self.heatmap(x[0], self.classes[0])

    @property
    def classes(self) -> list[str]:
        return list(self.card.classes)

    def classify(self, x_batch: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, n_classes)`` for preprocessed inputs ``(N, H, W, 1)``."""
        x = np.asarray(x_batch, dtype=np.float32)
        if x.ndim == 3:
            x = x[np.newaxis]
        with self._lock:
            return self._forward(tf.convert_to_tensor(x)).numpy()

    def label_for(self, probs: np.ndarray) -> str:
        """The reading: the threshold on P(positive) for two classes, else the argmax."""
        classes = self.classes
        pos = self.card.positive_class
        if len(classes) == 2 and pos in classes and self.card.threshold is not None:
            i = classes.index(pos)
            return pos if float(probs[i]) >= float(self.card.threshold) else classes[1 - i]
        return classes[int(np.argmax(probs))]

    def heatmap(self, x: np.ndarray, class_name: str) -> np.ndarray:
        """Grad-CAM (H, W) in [0, 1] for ``class_name`` on one preprocessed input."""
        from medgui.core.ml.image.explain import GradCam

        with self._lock:
            if self._explainer is None:
                self._explainer = GradCam(self.model)
            return self._explainer(x, self.classes.index(class_name))

    def make_result(
        self, path: str | None, probs: np.ndarray, heatmap: np.ndarray | None = None,
        timing_ms: dict[str, float] | None = None, warnings: Sequence[str] = (),
    ) -> dict[str, Any]:
        return {
            "path": path,
            "label": self.label_for(probs),
            "probabilities": {c: float(p) for c, p in zip(self.classes, probs, strict=True)},
            "threshold": self.card.threshold,
            "positive_class": self.card.positive_class,
            "model": self.card.ref,
            "model_name": self.card.name,
            "model_version": self.card.version,
            "heatmap": heatmap,
            "timing_ms": timing_ms or {},
            # Why this reading may not apply to this file (e.g. a hip, an angiogram).
            "warnings": list(warnings),
        }

    def classify_image(
        self, image: XRayImage | np.ndarray, path: str | None = None, heatmap: bool = False
    ) -> dict[str, Any]:
        """Classify one decoded image (``XRayImage`` or uint8 pixels); see module doc."""
        t0 = time.perf_counter()
        x = model_input(image, self.input_size)
        t1 = time.perf_counter()
        probs = self.classify(x)[0]
        t2 = time.perf_counter()
        cam = None
        label = self.label_for(probs)
        if heatmap:
            # Show the evidence for the reading, whichever class it is.
            cam = self.heatmap(x, label).astype(np.float32)
        t3 = time.perf_counter()
        if path is None and isinstance(image, XRayImage):
            path = str(image.path)
        timing = {
            "preprocess": (t1 - t0) * 1e3,
            "model": (t2 - t1) * 1e3,
            "explain": (t3 - t2) * 1e3,
            "total": (t3 - t0) * 1e3,
        }
        warnings = applicability_warnings(image) if isinstance(image, XRayImage) else []
        return self.make_result(path, probs, cam, timing, warnings)

    def classify_paths(
        self, paths: Sequence[str | Path], batch_size: int = 32, workers: int = 2,
        cancelled: CancelledFn | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Classify files in order, ``batch_size`` at a time; yields one dict per path.

        Files are decoded in ``workers`` threads (OpenCV and pydicom's decoders release
        the GIL) while the previous batch runs through the model. A file that cannot
        be read yields ``{"path", "error"}`` and the others go on.
        """
        def load(p: str | Path) -> tuple[np.ndarray, list[str]] | MedguiError:
            try:
                image = load_image(p)
                return model_input(image, self.input_size), applicability_warnings(image)
            except MedguiError as exc:
                return exc
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
                return MedguiError(f"could not be classified ({type(exc).__name__}: {exc})", path=p)

        chunks = [list(paths[i : i + batch_size]) for i in range(0, len(paths), batch_size)]
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            pending = [pool.map(load, chunks[0])] if chunks else []
            for n, chunk in enumerate(chunks):
                if cancelled is not None and cancelled():
                    raise Cancelled("classification cancelled")
                loaded = list(pending.pop(0))
                if n + 1 < len(chunks):
                    pending.append(pool.map(load, chunks[n + 1]))  # decode ahead
                inputs = {i: x for i, x in enumerate(loaded) if isinstance(x, tuple)}
                by_index: dict[int, np.ndarray] = {}
                if inputs:
                    probs = self.classify(np.stack([x for x, _ in inputs.values()]))
                    by_index = dict(zip(inputs, probs, strict=True))
                for i, p in enumerate(chunk):
                    if i in by_index:
                        yield self.make_result(str(p), by_index[i], warnings=inputs[i][1])
                    else:
                        yield {"path": str(p), "error": str(loaded[i])}


def get_image_classifier(ref: str | None = None, registry: Registry | None = None) -> ImageClassifier:
    """The classifier for ``ref`` (``NAME@VERSION``), or the active image model.

    Loaded (hash-verified, safe mode) once per process and model file and traced once
    (``modelio.cached_classifier``).
    """

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
    clf = get_image_classifier(payload.get("model"))
    if cancelled():
        raise Cancelled("classification cancelled")
    progress({"stage": "load"})
    t0 = time.perf_counter()
    if payload.get("pixels") is not None:
        image: XRayImage | np.ndarray = np.asarray(payload["pixels"])
        path = payload.get("path")
    else:
        if not payload.get("path"):
            raise MedguiError("no image to classify: the request names no file")
        path = str(payload["path"])
        image = load_image(path, int(payload.get("frame", 0)))
    if cancelled():
        raise Cancelled("classification cancelled")
    t1 = time.perf_counter()
    progress({"stage": "classify"})
    result = clf.classify_image(image, path=path, heatmap=bool(payload.get("heatmap", False)))
    result["timing_ms"]["load"] = (t1 - t0) * 1e3
    result["timing_ms"]["total"] += (t1 - t0) * 1e3
    result["frame"] = int(payload.get("frame", 0))
    return result


def iter_results(paths: Iterable[str | Path], ref: str | None = None, batch_size: int = 32) -> Iterator[dict[str, Any]]:
    """Convenience: classify ``paths`` with the model ``ref`` (or the active one)."""
    yield from get_image_classifier(ref).classify_paths(list(paths), batch_size=batch_size)
