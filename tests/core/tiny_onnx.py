"""Tiny hand-written ONNX exports registered like real models, for the TF-free reading paths.

The image network: P(PNEUMONIA) = sigmoid(SLOPE * (mean pixel of the input - 0.5)), so a
reading depends on every pixel the preprocessing produced. The text network: P(b) rises
with the mean token id of the (padded) sequence. Each is registered with a stand-in
``model.keras`` (never loaded: readings use the export) and its real hashes.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

CLASSES = ["NORMAL", "PNEUMONIA"]
SIZE = 8
SLOPE = 8.0


def _save(graph: Any, path: Path) -> None:
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _head(inputs_mean: str) -> list[Any]:
    """Nodes: (N, 1) mean -> two logits (-s (m - .5), s (m - .5)) -> softmax ``probabilities``."""
    from onnx import helper

    return [
        helper.make_node("MatMul", [inputs_mean, "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
    ]


def _weights(slope: float) -> list[Any]:
    from onnx import TensorProto, helper

    return [helper.make_tensor("w", TensorProto.FLOAT, [1, 2], [-slope / 2, slope / 2]),
            helper.make_tensor("b", TensorProto.FLOAT, [2], [slope / 4, -slope / 4])]


def image_network(path: Path, size: int = SIZE, slope: float = SLOPE) -> Path:
    """``path``: input ``x`` (N, size, size, 1) float32 -> ``probabilities`` (N, 2)."""
    from onnx import TensorProto, helper

    nodes = [helper.make_node("ReduceMean", ["x"], ["m4"], axes=[1, 2, 3], keepdims=1),
             helper.make_node("Flatten", ["m4"], ["m"], axis=1), *_head("m")]
    graph = helper.make_graph(
        nodes, "tiny_image", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", size, size, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])], _weights(slope))
    _save(graph, path)
    return path


def raw_p(x: np.ndarray, slope: float = SLOPE) -> float:
    """The image network's P(PNEUMONIA) for one model input, computed here."""
    m = float(np.mean(x))
    return float(1.0 / (1.0 + np.exp(-slope * (m - 0.5))))


def register_image(name: str = "onnx-chest", threshold: float | None = 0.5, **card_fields: Any):  # noqa: ANN201
    """Register the image network as ``name`` in the test's registry; return its card."""
    from medgui.core.models.card import ModelCard
    from medgui.core.models.registry import Registry

    card = ModelCard(name=name, task="image", classes=list(CLASSES), architecture="tiny_onnx",
                     threshold=threshold, positive_class="PNEUMONIA" if threshold is not None else None,
                     preprocessing={"size": SIZE, **card_fields.pop("preprocessing", {})}, **card_fields)
    with tempfile.TemporaryDirectory() as staging:
        (Path(staging) / "model.keras").write_bytes(b"stand-in: readings use model.onnx")
        image_network(Path(staging) / "model.onnx")
        return Registry().register(Path(staging), card)


WORDS = ["fever", "cough", "lesion", "biopsy", "margin", "tumour", "colon", "polyp"]
SEQ_LEN = 12


def text_network(path: Path, vocab: int, seq_len: int = SEQ_LEN, slope: float = SLOPE) -> Path:
    """Input ``ids`` (N, seq_len) int64 -> ``probabilities`` (N, 2), rising with mean id / vocab."""
    from onnx import TensorProto, helper

    scale = helper.make_tensor("scale", TensorProto.FLOAT, [], [1.0 / vocab])
    nodes = [helper.make_node("Cast", ["ids"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["f", "scale"], ["fs"]),
             helper.make_node("ReduceMean", ["fs"], ["m"], axes=[1], keepdims=1), *_head("m")]
    graph = helper.make_graph(
        nodes, "tiny_text", [helper.make_tensor_value_info("ids", TensorProto.INT64, ["N", seq_len])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])], [*_weights(slope), scale])
    _save(graph, path)
    return path


def register_text(name: str = "onnx-notes", **card_fields: Any):  # noqa: ANN201
    """Register the text network (classes ``a``/``b``) with its vocabulary; return its card."""
    from medgui.core.models.card import ModelCard
    from medgui.core.models.registry import Registry
    from medgui.core.runtime.text import TEXT_VOCABULARY_FILE

    tokens = ["", "[UNK]", *WORDS]
    card = ModelCard(name=name, task="text", classes=["a", "b"], architecture="tiny_onnx",
                     preprocessing={"seq_len": SEQ_LEN}, **card_fields)
    with tempfile.TemporaryDirectory() as staging:
        (Path(staging) / "model.keras").write_bytes(b"stand-in: readings use model.onnx")
        text_network(Path(staging) / "model.onnx", len(tokens))
        (Path(staging) / TEXT_VOCABULARY_FILE).write_text(json.dumps({"tokens": tokens, "output_mode": "int"}))
        return Registry().register(Path(staging), card)
