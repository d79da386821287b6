"""A registered model's inference export, verified and opened with ONNX Runtime.

A model version may carry ``model.onnx`` beside ``model.keras``: the same network,
written by ``medgui.core.ml.export`` when the version was registered, hashed in the card
like every other file. It is only opened after every file of the card matches its hash,
and the bytes handed to ONNX Runtime are the bytes that were hashed. ONNX Runtime runs
its own operator set only (no Python, no custom-op libraries are registered), so an
export cannot carry code.

``MEDGUI_RUNTIME=keras`` makes every reading use the Keras model instead (TensorFlow),
e.g. to compare the two.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numpy as np

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import ModelCard, verify_files

EXPORT_FILE = "model.onnx"
EXPORT_FORMAT = "onnx"
RUNTIME_ENV = "MEDGUI_RUNTIME"  # "auto" (default): the export when there is one; "keras"
KEEP_LOADED = 4  # sessions kept per process, as ``modelio.KEEP_LOADED``

T = TypeVar("T")


def has_export(card: ModelCard) -> bool:
    """Whether ``card`` lists an inference export (hashed like its other files)."""
    return EXPORT_FILE in (card.files or {})


def use_export(card: ModelCard) -> bool:
    """Whether readings of ``card`` should run on its export rather than on Keras."""
    return has_export(card) and os.environ.get(RUNTIME_ENV, "auto").lower() != "keras"


class ExportedModel:
    """One verified ONNX export in an ONNX Runtime session (thread-safe ``run``).

    Outputs are addressed by name: ``probabilities`` always; image models add
    ``features`` (the last convolutional feature maps) and, for a global-average-pooled
    head, ``class_maps`` (those maps times the head's class weights).
    """

    def __init__(self, card: ModelCard) -> None:
        if not has_export(card) or card.path is None:
            raise ModelLoadError(f"model {card.ref} has no inference export ({EXPORT_FILE})")
        verify_files(card)
        path = card.path / EXPORT_FILE
        data = path.read_bytes()
        # Hash what is loaded, not what was verified a moment ago.
        if hashlib.sha256(data).hexdigest() != card.files[EXPORT_FILE]:
            raise ModelLoadError(
                f"model {card.ref} failed its integrity check: {EXPORT_FILE} was modified "
                "after it was registered. Refusing to load it; re-import or retrain the model.",
                path=path)
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only: warnings are about graph rewrites
        try:
            self.session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own Fail/InvalidGraph/InvalidProtobuf types
            raise ModelLoadError(
                f"the inference export of model {card.ref} could not be opened "
                f"({type(exc).__name__}: {exc}); re-export or retrain the model.",
                path=path, details=repr(exc)) from exc
        self.card = card
        inputs = self.session.get_inputs()
        if len(inputs) != 1:
            raise ModelLoadError(f"the inference export of model {card.ref} has {len(inputs)} "
                                 "inputs; medgui exports have one", path=path)
        self.input_name = inputs[0].name
        self.input_shape: list[Any] = list(inputs[0].shape)
        self.input_type: str = inputs[0].type
        self.outputs = [o.name for o in self.session.get_outputs()]
        if "probabilities" not in self.outputs:
            raise ModelLoadError(f"the inference export of model {card.ref} has no "
                                 "'probabilities' output; re-export it", path=path)

    def run(self, x: np.ndarray, outputs: Sequence[str] = ("probabilities",)) -> list[np.ndarray]:
        """The named outputs for the batch ``x``."""
        return cast(list[np.ndarray], self.session.run(list(outputs), {self.input_name: x}))


_LOADED: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
_LOCK = threading.Lock()


def cached(card: ModelCard, kind: str, build: Callable[[ExportedModel], T]) -> T:
    """``build(ExportedModel(card))``, once per process, export file and ``kind``.

    Keyed by location and the export's hash, so a re-registered model is never served
    stale; the ``KEEP_LOADED`` most recently used stay open.
    """
    key = (kind, str(card.path), card.files.get(EXPORT_FILE, ""))
    with _LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return cast(T, _LOADED[key])
        value = build(ExportedModel(card))
        _LOADED[key] = value
        while len(_LOADED) > KEEP_LOADED:
            _LOADED.popitem(last=False)
        return value
