"""Image readings: what every image classifier shares, and the one that runs on an export.

``BaseImageClassifier`` turns model inputs into readings (the threshold rule, the result
dict, one image, a batch of files decoded ahead in threads); a subclass supplies
``classify`` (probabilities) and ``heatmap``. ``ExportedImageClassifier`` runs the
model's ONNX export with ONNX Runtime: no TensorFlow, ~0.1 s to import, ~1 ms a reading.
``medgui.core.ml.image.infer.ImageClassifier`` runs the Keras model.

Heatmaps without gradients: for a network whose head is global average pooling and one
softmax Dense layer, the logit of class c is ``b_c + sum_k W[k, c] * mean_ij F[i, j, k]``,
so its gradient with respect to the feature map is ``W[k, c] / (h * w)`` at every
position. Grad-CAM's channel weights (that gradient averaged over space) are therefore
``W[:, c] / (h * w)``, and Grad-CAM is ``relu(sum_k W[k, c] F[..., k]) / (h * w)``: the
class activation map (Zhou et al. 2016) up to a positive scale, which the
normalisation to the peak removes. The export computes ``class_maps = F @ W`` as a
second output, so a heatmap costs nothing beyond the reading.

A result is plain data (picklable, JSON-able once ``heatmap`` is dropped)::

    {"path", "label", "probabilities": {class: p}, "calibrated": bool, "population": {...}, "threshold",
     "positive_class", "model": "name@version", "model_name", "model_version", "runtime",
     "heatmap": float32 (h, w) in [0, 1] or None, "warnings": [str],
     "timing_ms": {"load", "preprocess", "model", "explain", "total"}}

When the card carries a calibration map, ``probabilities`` are the calibrated ones
(``calibrated`` true) and the card's threshold applies to them; ``classify`` itself
gives the network's own. The model input is made with the card's
``preprocessing.normalise``. A DICOM whose patient is outside the card's population
(``population.age_years``) gets a warning; the reading stands (``core.imaging.population``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from medgui.core.errors import Cancelled, MedguiError, ModelLoadError
from medgui.core.gate.runtime import apply_verdict, check_image, load_image_gate
from medgui.core.imaging.loader import XRayImage, applicability_warnings
from medgui.core.imaging.population import age_outside
from medgui.core.imaging.preprocess import model_input, read_for_model
from medgui.core.models.card import ModelCard
from medgui.core.runtime.session import ExportedModel, cached
from medgui.core.training.calibration import apply_calibration

CancelledFn = Callable[[], bool]


class BaseImageClassifier:
    """A loaded image model with its card: turns preprocessed inputs into readings.

    Subclasses set ``input_size``, ``channels`` and ``runtime`` and implement
    :meth:`classify` and :meth:`heatmap`.
    """

    runtime = ""
    input_size: int
    channels: int

    def __init__(self, card: ModelCard) -> None:
        self.card = card
        # The applicability gate stored with this version (None for versions without one).
        self.gate = load_image_gate(card)

    @property
    def classes(self) -> list[str]:
        return list(self.card.classes)

    @property
    def has_heatmap(self) -> bool:
        """Whether :meth:`heatmap` works in this process as it is."""
        return True

    @property
    def normalise(self) -> str:
        """The intensity standardisation the model was trained with (``preprocess.NORMALISATIONS``)."""
        return str((self.card.preprocessing or {}).get("normalise", "none"))

    def classify(self, x_batch: np.ndarray) -> np.ndarray:
        """The network's class probabilities ``(N, n_classes)`` for preprocessed inputs
        ``(N, H, W, 1)``, before calibration (see :meth:`probabilities`)."""
        raise NotImplementedError

    def probabilities(self, x_batch: np.ndarray) -> np.ndarray:
        """What a reading shows: :meth:`classify` through the card's calibration map, if any."""
        probs = self.classify(x_batch)
        if not self.card.calibration:
            return probs
        return apply_calibration(probs, self.card.calibration).astype(np.float32)

    def heatmap(self, x: np.ndarray, class_name: str) -> np.ndarray:
        """(H, W) float32 in [0, 1]: where the evidence for ``class_name`` lies in ``x``."""
        raise NotImplementedError

    def warm(self, explain: bool = False) -> None:
        """Run the model once now, so the first reading pays no set-up."""
        x = np.zeros((1, self.input_size, self.input_size, self.channels), np.float32)
        self.classify(x)
        if explain:
            self.heatmap(x[0], self.classes[0])

    def label_for(self, probs: np.ndarray) -> str:
        """The reading: the threshold on P(positive) for two classes, else the argmax.

        ``probs`` are a reading's (:meth:`probabilities`): calibrated when the card is."""
        classes = self.classes
        pos = self.card.positive_class
        if len(classes) == 2 and pos in classes and self.card.threshold is not None:
            i = classes.index(pos)
            return pos if float(probs[i]) >= float(self.card.threshold) else classes[1 - i]
        return classes[int(np.argmax(probs))]

    def make_result(
        self, path: str | None, probs: np.ndarray, heatmap: np.ndarray | None = None,
        timing_ms: dict[str, float] | None = None, warnings: Sequence[str] = (),
        verdict: Any = None, outside: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The result dict; ``verdict`` (``gate.check_image``) may withhold the label;
        ``outside`` is ``population.age_outside``'s finding (its text is among ``warnings``)."""
        result = {
            "path": path,
            "label": self.label_for(probs),
            "probabilities": {c: float(p) for c, p in zip(self.classes, probs, strict=True)},
            "calibrated": bool(self.card.calibration),
            # Who the model was trained on (the card's population), shown with every reading.
            "population": dict(self.card.population or {}),
            "age_outside": outside,
            "threshold": self.card.threshold,
            "positive_class": self.card.positive_class,
            "model": self.card.ref,
            "model_name": self.card.name,
            "model_version": self.card.version,
            "runtime": self.runtime,
            "heatmap": heatmap,
            "timing_ms": timing_ms or {},
            # Why this reading may not apply to this file (e.g. a hip, an angiogram).
            "warnings": list(warnings),
        }
        return apply_verdict(result, verdict)

    def gate_input(self, source: Any, x: np.ndarray) -> np.ndarray:
        """What the applicability gate describes: the plain model input (pixels / 255).

        The gate asks "does this picture look like the training pictures?", whatever
        intensity standardisation the network reads (``preprocessing.normalise``), and
        ``core.ml.gate_fit`` fits it on plain inputs; a CLAHE input would look like a
        document to it."""
        if self.normalise == "none" or self.gate is None:
            return x
        return model_input(source, self.input_size)

    def reading_warnings(self, source: Any, header: list[str]) -> tuple[list[str], dict[str, Any] | None]:
        """The header's warnings plus the population warning (which leaves the reading
        standing: it goes after the gate, which withholds readings with header warnings),
        and the population finding itself (``population.age_outside``) or None."""
        outside = age_outside(source, self.card.population) if isinstance(source, XRayImage) else None
        return ([*header, outside["text"]] if outside else header), outside

    def classify_image(
        self, image: XRayImage | np.ndarray, path: str | None = None, heatmap: bool = False,
        x: np.ndarray | None = None,
    ) -> dict[str, Any]:
        """Classify one decoded image (``XRayImage`` or uint8 pixels); see the module doc.

        ``x``: its model input when the caller has it already (``read_for_model``).
        """
        t0 = time.perf_counter()
        if x is None:
            x = model_input(image, self.input_size, self.normalise)
        t1 = time.perf_counter()
        probs = self.probabilities(x)[0]
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
        verdict = check_image(self.gate, image, self.gate_input(image, x), warnings)
        timing["gate"] = (time.perf_counter() - t3) * 1e3
        reading_warnings, outside = self.reading_warnings(image, warnings)
        return self.make_result(path, probs, cam, timing, reading_warnings, verdict, outside)

    def classify_paths(
        self, paths: Sequence[str | Path], batch_size: int = 32, workers: int = 2,
        cancelled: CancelledFn | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Classify files in order, ``batch_size`` at a time; yields one dict per path.

        Files are decoded in ``workers`` threads (OpenCV and pydicom's decoders release
        the GIL) while the previous batch runs through the model; a large JPEG is
        decoded at reduced size (``preprocess.read_for_model``). A file that cannot be
        read yields ``{"path", "error"}`` and the others go on.
        """
        def load(p: str | Path) -> tuple[np.ndarray, tuple[list[str], Any], Any] | MedguiError:
            try:
                x, source = read_for_model(p, self.input_size, normalise=self.normalise)
                warnings = applicability_warnings(source) if isinstance(source, XRayImage) else []
                verdict = check_image(self.gate, source, self.gate_input(source, x), warnings)
                return x, self.reading_warnings(source, warnings), verdict
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
                    probs = self.probabilities(np.stack([x for x, _, _ in inputs.values()]))
                    by_index = dict(zip(inputs, probs, strict=True))
                for i, p in enumerate(chunk):
                    if i in by_index:
                        (warnings, outside), verdict = inputs[i][1], inputs[i][2]
                        yield self.make_result(str(p), by_index[i], warnings=warnings, verdict=verdict,
                                               outside=outside)
                    else:
                        yield {"path": str(p), "error": str(loaded[i])}


def class_activation_map(class_maps: np.ndarray, class_index: int, size: tuple[int, int]) -> np.ndarray:
    """The heatmap of class ``class_index`` from one image's ``class_maps`` (h, w, n_classes).

    As Grad-CAM does it: the positive part, bilinear upsampling to ``size`` (H, W), then
    division by the peak. Returns float32 (H, W) in [0, 1]; all zero when nothing in the
    image argued for the class.
    """
    cam = np.maximum(np.asarray(class_maps, np.float32)[..., class_index], 0.0)
    cam = cv2.resize(cam, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
    peak = float(cam.max())
    return (cam / peak if peak > 0 else np.zeros_like(cam)).astype(np.float32)


class ExportedImageClassifier(BaseImageClassifier):
    """An image model read through its ONNX export (see the module doc)."""

    runtime = "onnxruntime"

    def __init__(self, card: ModelCard, exported: ExportedModel) -> None:
        super().__init__(card)
        self.exported = exported
        shape = exported.input_shape
        if len(shape) != 4 or not all(isinstance(d, int) for d in shape[1:]):
            raise ModelLoadError(f"the inference export of model {card.ref} does not take "
                                 f"images (input shape {shape})")
        self.input_size = int(shape[1])
        self.channels = int(shape[3])

    @property
    def has_heatmap(self) -> bool:
        """True when the export carries class activation maps (a pooled, linear head)."""
        return "class_maps" in self.exported.outputs

    def classify(self, x_batch: np.ndarray) -> np.ndarray:
        x = np.asarray(x_batch, dtype=np.float32)
        if x.ndim == 3:
            x = x[np.newaxis]
        return self.exported.run(x)[0]

    def class_maps(self, x_batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(probabilities, class_maps)`` for a batch, in one run of the network."""
        x = np.asarray(x_batch, dtype=np.float32)
        if x.ndim == 3:
            x = x[np.newaxis]
        probs, maps = self.exported.run(x, ("probabilities", "class_maps"))
        return probs, maps

    def features(self, x_batch: np.ndarray) -> np.ndarray:
        """The last convolutional feature maps ``(N, h, w, k)`` (e.g. for an embedding)."""
        x = np.asarray(x_batch, dtype=np.float32)
        if x.ndim == 3:
            x = x[np.newaxis]
        return self.exported.run(x, ("features",))[0]

    def heatmap(self, x: np.ndarray, class_name: str) -> np.ndarray:
        """The class activation map (= Grad-CAM for this head; see the module doc)."""
        if not self.has_heatmap:
            raise ModelLoadError(f"the export of model {self.card.ref} has no class activation "
                                 "maps (its head is not global pooling + one Dense layer)")
        _, maps = self.class_maps(x)
        return class_activation_map(maps[0], self.classes.index(class_name),
                                    (self.input_size, self.input_size))


def exported_image_classifier(card: ModelCard) -> ExportedImageClassifier:
    """The export of ``card`` in a classifier, opened once per process and export file."""
    if card.task != "image":
        raise ModelLoadError(f"model {card.ref} is a {card.task} model, not an image model")

    def build(exported: ExportedModel) -> ExportedImageClassifier:
        clf = ExportedImageClassifier(card, exported)
        clf.warm()
        return clf

    return cached(card, "image", build)
