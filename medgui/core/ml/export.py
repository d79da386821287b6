"""Inference exports: a model version's network as ONNX, read later without TensorFlow.

Every model version gets ``model.onnx`` beside ``model.keras`` when it is registered
(trained, imported, or shipped), written here where TensorFlow is loaded anyway, and
hashed in its card like every file. Readings then run on ONNX Runtime
(``medgui.core.runtime``): ~0.1 s to import instead of 3 to 20 s for TensorFlow.

Why ONNX and not LiteRT (measured on the shipped models, see the README): both give the
Keras probabilities to within 1e-6 and read an image in ~1 ms, but LiteRT cannot run a
masked recurrent text network without TensorFlow's own kernels (Flex ops), and ONNX
Runtime can.

What is exported
----------------
image
    ``image`` (N, H, W, C) float32 -> ``probabilities`` (N, classes), ``features``
    (N, h, w, k: the last convolutional feature maps) and, when the head is global
    average pooling + one softmax Dense layer, ``class_maps`` (N, h, w, classes) =
    features times the head's class weights: the class activation maps, which equal
    Grad-CAM for such a head up to scale (``medgui.core.runtime.image``).
text
    the model's ``network`` part (after the vectoriser), whose input the light runtime
    builds in NumPy from the vocabulary written beside it (``medgui.core.runtime.text``).

Every export is checked against Keras before it is kept: probabilities within
``PARITY_TOLERANCE`` on a fixed set of inputs, and for class maps, that the softmax of
their spatial mean plus the bias gives the same probabilities (the CAM identity).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np

from medgui.core.errors import MedguiError
from medgui.core.fileio import atomic_write_text
from medgui.core.models.card import CARD_FILE, ModelCard, read_card
from medgui.core.runtime.session import EXPORT_FILE, EXPORT_FORMAT
from medgui.core.runtime.text import TEXT_VOCABULARY_FILE

PARITY_TOLERANCE = 1e-4
"""Largest |P_export - P_keras| accepted, on any class of any check input."""


class ExportError(MedguiError):
    """A model could not be exported for the light runtime (it stays usable with Keras)."""


# -- what is exported -----------------------------------------------------------------------

def cam_head(model: keras.Model, feature_layer: str) -> keras.layers.Dense | None:
    """The softmax Dense layer when ``feature_layer`` reaches the output through global
    average pooling (and dropout or identity activations) alone; else None.

    For such a head the class activation maps are exact (see the module doc).
    """
    names = [layer.name for layer in model.layers]
    tail = model.layers[names.index(feature_layer) + 1:]
    if len(tail) < 2 or not isinstance(tail[0], keras.layers.GlobalAveragePooling2D):
        return None
    if getattr(tail[0], "keepdims", False):
        return None
    dense = tail[-1]
    if not isinstance(dense, keras.layers.Dense) or getattr(dense.activation, "__name__", "") != "softmax":
        return None
    for layer in tail[1:-1]:
        linear = isinstance(layer, keras.layers.Activation) and layer.get_config().get("activation") == "linear"
        if not (isinstance(layer, keras.layers.Dropout) or linear):
            return None
    previous = model.get_layer(feature_layer)
    for layer in tail:  # a chain: each layer reads the one before it, nothing else
        if layer.input is not previous.output:
            return None
        previous = layer
    return dense if model.outputs[0] is dense.output and len(model.outputs) == 1 else None


def image_export_model(model: keras.Model) -> tuple[keras.Model, list[str]]:
    """The graph written for an image model, and its output names (see the module doc)."""
    from medgui.core.ml.image.cnn import last_conv_layer_name

    feature_layer = last_conv_layer_name(model)
    features = model.get_layer(feature_layer).output
    outputs = [model.outputs[0], features]
    names = ["probabilities", "features"]
    head = cam_head(model, feature_layer)
    if head is not None:
        maps = keras.layers.Dense(head.units, use_bias=False, name="class_maps")
        class_maps = maps(features)
        maps.set_weights([np.asarray(head.kernel)])
        outputs.append(class_maps)
        names.append("class_maps")
    return keras.Model(model.inputs, outputs, name=f"{model.name}_export"), names


def text_network(model: keras.Model) -> keras.Model:
    """The ``network`` part of a medgui text model (what follows the vectoriser)."""
    try:
        return model.get_layer("network")
    except ValueError as exc:
        raise ExportError("the model is not a medgui text model (no 'network' part)") from exc


# -- writing and checking -------------------------------------------------------------------

def _rename_outputs(path: Path, names: list[str]) -> int:
    """Give the ONNX graph's outputs ``names`` (in order); returns its opset."""
    import onnx

    graph_model = onnx.load(str(path))
    graph = graph_model.graph
    if len(graph.output) != len(names):
        raise ExportError(f"the converter wrote {len(graph.output)} outputs, expected {len(names)}")
    renames = {out.name: new for out, new in zip(graph.output, names, strict=True)}
    for node in graph.node:
        node.output[:] = [renames.get(n, n) for n in node.output]
        node.input[:] = [renames.get(n, n) for n in node.input]
    for out in graph.output:
        out.name = renames[out.name]
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, str(path))
    return max((o.version for o in graph_model.opset_import if o.domain in ("", "ai.onnx")), default=0)


def _convert(net: keras.Model, spec: Any, names: list[str], dest: Path) -> int:
    """Write ``net`` as ONNX to ``dest`` (converter chatter kept off the terminal)."""
    import contextlib
    import io
    import logging

    logging.getLogger("tf2onnx").setLevel(logging.ERROR)
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter), warnings.catch_warnings():
        # Keras patches tf2onnx for NumPy 2 and NumPy warns about the patch.
        warnings.simplefilter("ignore", FutureWarning)
        net.export(str(dest), format="onnx", input_signature=[spec], verbose=False)
    return _rename_outputs(dest, names)


def _check_inputs(shape: tuple[int, ...], seed: int = 20240601) -> np.ndarray:
    """A fixed batch of images that exercises the network: flat, noisy and smooth."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(6, *shape)).astype(np.float32)
    x[0] = 0.0
    x[1] = 0.5
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]] / max(shape[0], 1)
    x[2, ..., 0] = 0.5 + 0.4 * np.sin(6 * xx) * np.cos(4 * yy)
    return x


def _check_texts(tokens: list[str], seed: int = 20240601) -> list[str]:
    """Prepared texts of known and unknown words, empty to longer than any sequence model
    reads, with repeats (counts) and word pairs."""
    rng = np.random.default_rng(seed)
    words = [t for t in tokens[1:] if t and " " not in t and t != "[UNK]"] or ["word"]
    texts = []
    for n in (0, 1, 3, 12, 60, 400):
        picked = [words[i] for i in rng.integers(0, len(words), n)]
        picked = [w if rng.uniform() > 0.15 else f"zq{i}unknown" for i, w in enumerate(picked)]
        texts.append(" ".join(picked))
    return texts


def check_parity(net: keras.Model, onnx_path: Path, names: list[str], x: np.ndarray,
                 head: keras.layers.Dense | None = None) -> dict[str, float]:
    """Compare the export with Keras on ``x``; ``ExportError`` unless they agree.

    Returns the largest absolute difference of each output (probabilities within
    ``PARITY_TOLERANCE``; feature maps within 1e-4 of their own scale).
    """
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = session.run(names, {session.get_inputs()[0].name: x})
    with warnings.catch_warnings():  # Keras notes a tensor where it declared a list of one
        warnings.simplefilter("ignore", UserWarning)
        want = net(x, training=False)
    want = [np.asarray(w) for w in (want if isinstance(want, (list, tuple)) else [want])]
    diffs: dict[str, float] = {}
    for name, g, w in zip(names, got, want, strict=True):
        if g.shape != w.shape:
            raise ExportError(f"export output '{name}' has shape {g.shape}, Keras gives {w.shape}")
        diff = float(np.max(np.abs(g - w))) if g.size else 0.0
        scale = 1.0 if name == "probabilities" else max(1.0, float(np.max(np.abs(w))))
        if not diff <= PARITY_TOLERANCE * scale:
            raise ExportError(f"the export's '{name}' differ from Keras by up to {diff:.2e} "
                              f"(tolerance {PARITY_TOLERANCE * scale:.1e})")
        diffs[name] = diff
    if head is not None and "class_maps" in names:
        maps = got[names.index("class_maps")]
        logits = maps.mean(axis=(1, 2)) + (np.asarray(head.bias) if head.use_bias else 0.0)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        diff = float(np.max(np.abs(probs - got[0])))
        if not diff <= PARITY_TOLERANCE:
            raise ExportError(f"softmax(mean(class_maps) + bias) differs from the probabilities by "
                              f"{diff:.2e}: the class activation maps would be wrong")
        diffs["cam_identity"] = diff
    return diffs


def write_export(model: keras.Model, folder: Path, task: str) -> dict[str, Any]:
    """Write ``folder/model.onnx`` (and, for text, its vocabulary file) for ``model``.

    Checked against Keras before it is moved into place (see ``check_parity``); written to
    a temporary file first, so a failed export leaves nothing behind. Returns what the
    card records under ``training["export"]``.

    Raises
    ------
    ExportError
        When the model cannot be converted or the export disagrees with Keras.
    """
    import onnxruntime
    import tensorflow as tf
    import tf2onnx

    folder = Path(folder)
    extra: dict[str, Any] = {}
    head = None
    if task == "image":
        net, names = image_export_model(model)
        from medgui.core.ml.image.cnn import last_conv_layer_name

        head = cam_head(model, last_conv_layer_name(model))
        shape = tuple(int(d) for d in model.input_shape[1:])
        spec = tf.TensorSpec([None, *shape], tf.float32, name="image")
        x = _check_inputs(shape)
    elif task == "text":
        from medgui.core.runtime.text import TextVectorizer, write_vocabulary

        net, names = text_network(model), ["probabilities"]
        shape = tuple(int(d) for d in net.input_shape[1:])
        integer = str(net.inputs[0].dtype).startswith("int")
        spec = tf.TensorSpec([None, *shape], tf.int64 if integer else tf.float32,
                             name=net.inputs[0].name or "inputs")
        vocabulary = _text_vocabulary(model)
        texts = _check_texts(vocabulary["tokens"])
        # The vectoriser is redone in NumPy at reading time: it must give what Keras' gives.
        x = np.asarray(model.get_layer("vectorize")(tf.constant(texts)))
        x = x.astype(np.int64 if integer else np.float32)
        numpy_side = TextVectorizer(vocabulary, int(shape[0]) if integer else None)
        mine = numpy_side.ids(texts) if integer else numpy_side.tfidf(texts)
        if mine.shape != x.shape or not np.allclose(mine, x, rtol=1e-6, atol=1e-6):
            raise ExportError("the NumPy vectoriser does not reproduce the model's TextVectorization "
                              f"(largest difference {np.max(np.abs(mine - x)) if mine.shape == x.shape else 'shape'})")
        extra = {"vocabulary": TEXT_VOCABULARY_FILE, "vectoriser": vocabulary["output_mode"]}
    else:
        raise ExportError(f"cannot export a model for task '{task}'")
    with tempfile.TemporaryDirectory(prefix=".export-", dir=folder) as tmp:
        dest = Path(tmp) / EXPORT_FILE
        try:
            opset = _convert(net, spec, names, dest)
        except ExportError:
            raise
        except Exception as exc:  # the converter raises anything from TF, onnx or itself
            raise ExportError(f"the model could not be converted to ONNX ({type(exc).__name__}: {exc})",
                              details=repr(exc)) from exc
        diffs = check_parity(net, dest, names, x, head)
        if task == "text":
            write_vocabulary(Path(tmp) / TEXT_VOCABULARY_FILE, vocabulary)
            os.replace(Path(tmp) / TEXT_VOCABULARY_FILE, folder / TEXT_VOCABULARY_FILE)
        os.replace(dest, folder / EXPORT_FILE)
    return {"file": EXPORT_FILE, "format": EXPORT_FORMAT, "opset": opset, "outputs": names,
            "parity_max_abs_diff": {k: float(f"{v:.3g}") for k, v in diffs.items()},
            "parity_inputs": int(x.shape[0]), "tf2onnx": tf2onnx.__version__,
            "onnxruntime": onnxruntime.__version__, **extra}


def _text_vocabulary(model: keras.Model) -> dict[str, Any]:
    """The vectoriser's vocabulary (and idf weights in tf-idf mode), as plain data."""
    vectorizer = model.get_layer("vectorize")
    config = vectorizer.get_config()
    out: dict[str, Any] = {"tokens": [str(t) for t in vectorizer.get_vocabulary()],
                           "output_mode": config.get("output_mode", "int"),
                           "ngrams": config.get("ngrams"), "split": config.get("split")}
    if out["output_mode"] == "tf_idf":
        idf = getattr(vectorizer, "idf_weights", None)
        if idf is None:
            idf = vectorizer._lookup_layer.idf_weights  # noqa: SLF001 - no public getter
        out["idf"] = [float(v) for v in np.asarray(idf)]
    return out


def export_into(model: keras.Model, folder: Path, card: ModelCard) -> ModelCard:
    """Export ``model`` into ``folder`` and record it in ``card`` (files and ``training``).

    A failure is recorded (``training["export"]["error"]``) and the model stays usable
    through Keras; it is not raised, so a finished training run is never lost to it.
    """
    try:
        info = write_export(model, folder, card.task)
    except Exception as exc:  # noqa: BLE001 - an export must never cost a finished model
        reason = str(exc) if isinstance(exc, ExportError) else f"{type(exc).__name__}: {exc}"
        print(f"medgui: {card.name}: no inference export (it reads through Keras): {reason}", file=sys.stderr)
        card.training = {**(card.training or {}), "export": {"error": reason}}
        return card
    card.training = {**(card.training or {}), "export": info}
    if card.files:  # a registered card: its hashes must cover the new files
        for rel in (EXPORT_FILE, info.get("vocabulary")):
            if rel:
                card.files[rel] = _sha256(folder / rel)
    return card


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- models registered before exports existed -------------------------------------------------

def check_and_export(card: ModelCard, folder: Path) -> None:
    """The registry's ``check_model`` for an import: ``modelio.check_model_safe``, then a
    fresh export written into ``folder`` and recorded in ``card``.

    An archive's own export is replaced, not trusted: its hash only shows it is the file
    its card lists, not that it computes what the Keras model (the one checked here)
    computes. This runs before the version is published, so the export is hashed and
    moved into the registry with the rest, in one step.
    """
    from medgui.core.ml.modelio import check_model_safe, load_model

    check_model_safe(card, folder)
    probe = ModelCard.from_json(card.to_json(), Path(folder))
    probe.files = {k: v for k, v in probe.files.items() if k not in (EXPORT_FILE, TEXT_VOCABULARY_FILE)}
    for rel in (EXPORT_FILE, TEXT_VOCABULARY_FILE):
        (Path(folder) / rel).unlink(missing_ok=True)
    model = load_model(probe)
    export_into(model, Path(folder), probe)
    card.files = probe.files
    card.training = probe.training


def add_export(folder: Path) -> ModelCard:
    """Give the model version in ``folder`` an export (a shipped model, or one registered
    before exports existed): verified, exported, and its ``card.json`` rewritten
    atomically with the new files' hashes. An existing export is replaced."""
    from medgui.core.ml.modelio import load_model

    folder = Path(folder)
    card = read_card((folder / CARD_FILE).read_bytes(), folder)
    card.files = {k: v for k, v in card.files.items() if k not in (EXPORT_FILE, TEXT_VOCABULARY_FILE)}
    model = load_model(card)
    export_into(model, folder, card)
    if "error" in card.training.get("export", {}):
        raise ExportError(card.training["export"]["error"])
    atomic_write_text(folder / CARD_FILE, json.dumps(card.to_json(), indent=2) + "\n")
    return card


def main(argv: list[str] | None = None) -> int:
    """``python -m medgui.core.ml.export FOLDER...``: add exports to model version folders."""
    folders = list(sys.argv[1:] if argv is None else argv)
    if not folders:
        print("usage: python -m medgui.core.ml.export MODEL_VERSION_FOLDER...", file=sys.stderr)
        return 2
    status = 0
    for folder in folders:
        try:
            card = add_export(Path(folder))
        except (MedguiError, OSError) as exc:
            print(f"{folder}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{card.ref}: {EXPORT_FILE} {json.dumps(card.training['export'])}")
    return status


if __name__ == "__main__":
    sys.exit(main())
