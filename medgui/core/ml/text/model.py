"""Text classifiers: architectures, training and saving.

A saved text model is one Keras model that takes raw strings (already passed through
``medgui.core.text.tokens.normalize_for_model``) and returns class probabilities::

    text (string) -> "vectorize" (TextVectorization) -> "network" (ids -> softmax)

The vectoriser splits on whitespace only and holds its vocabulary as plain data in the
``.keras`` archive, so the file loads with ``safe_mode=True`` and no custom objects.
The two parts are reachable by name (``model.get_layer("vectorize")`` and
``model.get_layer("network")``) so inference can vectorise once and run the network on
many edited copies of the ids (occlusion attribution) in a single call.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from medgui.core.errors import Cancelled, TrainingError
from medgui.core.ml.progress import ProgressCallback
from medgui.core.ml.text import ngram
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.runtime.text import DEFAULT_RELIABILITY
from medgui.core.text import tokens as textprep

DEFAULT_VOCAB_SIZE = 10_000
DEFAULT_SEQ_LEN = 100


def _rnn(n_classes: int, vocab_size: int, seq_len: int, embed_dim: int, units: int, dropout: float) -> keras.Model:
    """The seed article's network: two stacked SimpleRNNs."""
    ids = keras.Input(shape=(seq_len,), dtype="int64", name="ids")
    # mask_zero: padding is not read, so a short record's state is not washed out by
    # dozens of padding steps before the classifier sees it.
    x = keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True, name="embedding")(ids)
    x = keras.layers.SimpleRNN(units, return_sequences=True, name="rnn_1")(x)
    x = keras.layers.SimpleRNN(units, name="rnn_2")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    out = keras.layers.Dense(n_classes, activation="softmax", name="softmax")(x)
    return keras.Model(ids, out, name="network")


def _lstm(n_classes: int, vocab_size: int, seq_len: int, embed_dim: int, units: int, dropout: float) -> keras.Model:
    """The seed article's LSTM variant (section 3.2.2): two stacked LSTMs."""
    ids = keras.Input(shape=(seq_len,), dtype="int64", name="ids")
    x = keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True, name="embedding")(ids)
    x = keras.layers.LSTM(units, return_sequences=True, name="lstm_1")(x)
    x = keras.layers.LSTM(units, name="lstm_2")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    out = keras.layers.Dense(n_classes, activation="softmax", name="softmax")(x)
    return keras.Model(ids, out, name="network")


def _recurrent_maxpool(cell: type) -> Callable[..., keras.Model]:
    def build(n_classes: int, vocab_size: int, seq_len: int, embed_dim: int, units: int, dropout: float) -> keras.Model:
        ids = keras.Input(shape=(seq_len,), dtype="int64", name="ids")
        x = keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True, name="embedding")(ids)
        x = keras.layers.SpatialDropout1D(dropout, name="embedding_dropout")(x)
        x = keras.layers.Bidirectional(cell(units, return_sequences=True), name="birnn")(x)
        # Max over time: a long transcription is judged by its most telling passages,
        # not by whatever the recurrent state remembers at the last word.
        x = keras.layers.GlobalMaxPooling1D(name="max_over_time")(x)
        x = keras.layers.Dropout(dropout, name="dropout")(x)
        out = keras.layers.Dense(n_classes, activation="softmax", name="softmax")(x)
        return keras.Model(ids, out, name="network")

    return build


def _conv_bigru(n_classes: int, vocab_size: int, seq_len: int, embed_dim: int, units: int, dropout: float) -> keras.Model:
    """Phrase detectors (Conv1D) pooled 4:1, then a bidirectional GRU over the phrases.

    The GRU reads a quarter as many steps as there are words: long transcriptions
    (300-400 words) train about four times faster on a CPU than with a GRU over words.
    """
    ids = keras.Input(shape=(seq_len,), dtype="int64", name="ids")
    # No mask: Conv1D does not propagate one; padding id 0 learns a neutral embedding.
    x = keras.layers.Embedding(vocab_size, embed_dim, name="embedding")(ids)
    x = keras.layers.SpatialDropout1D(dropout, name="embedding_dropout")(x)
    x = keras.layers.Conv1D(2 * units, 5, padding="same", activation="relu", name="phrases")(x)
    x = keras.layers.MaxPooling1D(4, padding="same", name="pool")(x)
    x = keras.layers.Bidirectional(keras.layers.GRU(units, return_sequences=True), name="birnn")(x)
    x = keras.layers.GlobalMaxPooling1D(name="max_over_time")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    out = keras.layers.Dense(n_classes, activation="softmax", name="softmax")(x)
    return keras.Model(ids, out, name="network")


TEXT_ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "rnn": _rnn,
    "lstm": _lstm,
    "bilstm": _recurrent_maxpool(keras.layers.LSTM),
    "bigru": _recurrent_maxpool(keras.layers.GRU),
    "conv_bigru": _conv_bigru,
    "ngram_tfidf": ngram.build_ngram_network,
}
ARCHITECTURE_LABELS = {
    "ngram_tfidf": "TF-IDF of words and word pairs + softmax (a logistic regression in Keras)",
    "rnn": "SimpleRNN x2 (seed article)",
    "lstm": "LSTM x2 (seed article, 3.2.2)",
    "bilstm": "Bidirectional LSTM + max pooling",
    "bigru": "Bidirectional GRU + max pooling",
    "conv_bigru": "Conv1D phrases + bidirectional GRU + max pooling",
}


def build_text_model(
    arch: str,
    n_classes: int,
    vocab_size: int,
    seq_len: int = DEFAULT_SEQ_LEN,
    embed_dim: int = 100,
    units: int = 64,
    dropout: float = 0.2,
) -> keras.Model:
    """Build the network of a text classifier (token ids in, probabilities out).

    Parameters
    ----------
    arch
        A key of ``TEXT_ARCHITECTURES``.
    n_classes, vocab_size, seq_len
        Output size, number of token ids (including padding 0 and OOV 1), ids per text.
    embed_dim, units, dropout
        Embedding width, recurrent units, dropout before the classifier.
    """
    if arch not in TEXT_ARCHITECTURES:
        raise TrainingError(f"unknown text architecture '{arch}'; choose one of {sorted(TEXT_ARCHITECTURES)}")
    if n_classes < 2:
        raise TrainingError("a text classifier needs at least two classes")
    return TEXT_ARCHITECTURES[arch](n_classes, vocab_size, seq_len, embed_dim, units, dropout)


def build_vectorizer(texts: Sequence[str], vocab_size: int, seq_len: int) -> keras.layers.TextVectorization:
    """A whitespace ``TextVectorization`` adapted on ``texts`` (already normalised)."""
    vectorizer = keras.layers.TextVectorization(
        max_tokens=vocab_size,
        output_sequence_length=seq_len,
        standardize=None,  # done by textprep before the model: no code in the file
        split="whitespace",
        output_mode="int",
        name="vectorize",
    )
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(list(texts)).batch(256))
    return vectorizer


def assemble(vectorizer: keras.layers.TextVectorization, network: keras.Model) -> keras.Model:
    """The end-to-end model that is saved: normalised string in, probabilities out."""
    text = keras.Input(shape=(1,), dtype="string", name="text")
    return keras.Model(text, network(vectorizer(text)), name="text_classifier")


def vectorize(vectorizer: keras.layers.TextVectorization, texts: Sequence[str], batch: int = 512) -> np.ndarray:
    """Normalise ``texts`` and return their token ids, shape (len(texts), seq_len)."""
    norm = [textprep.normalize_for_model(t) for t in texts]
    parts = [np.asarray(vectorizer(tf.constant(norm[i : i + batch]))) for i in range(0, len(norm), batch)]
    return np.concatenate(parts).astype("int64")


def train_text_model(
    texts: Sequence[str],
    labels: Sequence[int],
    classes: Sequence[str],
    arch: str = "bilstm",
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    vocab_size: int = DEFAULT_VOCAB_SIZE,
    seq_len: int = DEFAULT_SEQ_LEN,
    class_weight: dict[int, float] | None = None,
    val: tuple[Sequence[str], Sequence[int]] | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    seed: int = 0,
    embed_dim: int = 100,
    units: int = 64,
    dropout: float = 0.2,
    patience: int = 3,
    strategy: tf.distribute.Strategy | None = None,
    restore_best: bool = True,
    weight_decay: float = 0.0,
) -> tuple[keras.Model, dict[str, Any]]:
    """Train a text classifier and return (end-to-end model, history).

    The vocabulary is learnt from the *training* texts only. ``arch="ngram_tfidf"`` is
    fitted by a convex solver (``text.ngram.train_ngram_model``: ``vocab_size`` caps its
    n-gram features; epochs, learning rate and the network sizes do not apply).
    Otherwise, with ``val``, training stops
    when the validation loss has not improved for ``patience`` epochs and the best
    weights are restored. ``labels`` are indices into ``classes``. The optimizer is AdamW
    with ``weight_decay`` (0: plain Adam) and gradient clipping.

    ``progress`` receives ``{"phase": "vocabulary"}`` first, then the reports of
    ``core.ml.progress.ProgressCallback`` (``phase`` ``"batch"`` at most every 0.2 s and
    ``"epoch"`` at the end of every epoch; ``logs``: loss, accuracy, val_loss,
    val_accuracy). ``strategy``: a ``tf.distribute`` strategy to build and train under.

    Raises
    ------
    TrainingError
        Unusable inputs (no texts, one class, unknown architecture).
    Cancelled
        When ``cancelled()`` became true; nothing is returned or saved.
    """
    if len(texts) != len(labels) or not texts:
        raise TrainingError("training needs the same, non-zero number of texts and labels")
    y = np.asarray(labels, dtype="int64")
    if y.min() < 0 or y.max() >= len(classes):
        raise TrainingError("a label index is outside the list of classes")
    if arch in ngram.NGRAM_ARCHITECTURES:
        return ngram.train_ngram_model(texts, labels, classes, max_features=vocab_size, class_weight=class_weight,
                                       val=val, progress=progress, cancelled=cancelled)
    keras.utils.set_random_seed(seed)
    strategy = strategy or tf.distribute.get_strategy()
    if progress:
        progress({"phase": "vocabulary", "fraction": 0.0})
    norm_train = [textprep.normalize_for_model(t) for t in texts]
    vectorizer = build_vectorizer(norm_train, vocab_size, seq_len)
    x = vectorize(vectorizer, texts)
    train_ds = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
    val_ds = None
    progress_cb = ProgressCallback(progress, cancelled)
    callbacks: list[keras.callbacks.Callback] = [progress_cb]
    if val is not None and len(val[0]):
        xv = vectorize(vectorizer, val[0])
        val_ds = tf.data.Dataset.from_tensor_slices((xv, np.asarray(val[1], dtype="int64"))).batch(batch_size)
        callbacks.append(keras.callbacks.EarlyStopping("val_loss", patience=patience, restore_best_weights=restore_best))
    with strategy.scope():
        network = build_text_model(arch, len(classes), vectorizer.vocabulary_size(), seq_len, embed_dim, units, dropout)
        network.compile(
            optimizer=keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay, clipnorm=1.0),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
    fit = network.fit(train_ds, validation_data=val_ds, epochs=epochs, class_weight=class_weight, callbacks=callbacks, verbose=0)
    if progress_cb.was_cancelled:
        raise Cancelled("training cancelled")
    history: dict[str, Any] = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    if "val_loss" in history:
        history["best_epoch"] = int(np.argmin(history["val_loss"])) + 1
    # A clean copy without the optimizer: the saved file then holds only what inference
    # needs (Adam's two moment slots would triple its size).
    lean = keras.Model.from_config(network.get_config())
    lean.set_weights(network.get_weights())
    return assemble(vectorizer, lean), history


def predict_proba(model: keras.Model, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Class probabilities for raw ``texts`` (normalised here), shape (n, n_classes)."""
    if ngram.is_ngram_model(model):
        return ngram.predict_ngram(model, texts)
    vectorizer = model.get_layer("vectorize")
    network = model.get_layer("network")
    ids = vectorize(vectorizer, texts)
    return np.asarray(network.predict(ids, batch_size=batch_size, verbose=0))


def save_text_model(
    model: keras.Model,
    card: ModelCard,
    registry: Registry | None = None,
) -> ModelCard:
    """Register ``model`` under ``card`` (task, preprocessing filled in); return the card.

    The file is written to a staging directory first; ``Registry.register`` moves it
    into place atomically, so a crash never leaves a half-written model behind.
    """
    card.task = "text"
    card.preprocessing = {
        **preprocessing_of(model),
        **{k: v for k, v in card.preprocessing.items() if k == "reliability"},
    }
    registry = registry or Registry()
    with tempfile.TemporaryDirectory(prefix="medgui-text-") as staging:
        model.save(Path(staging) / card.model_file)
        # With its inference export (ONNX network + NumPy vocabulary): reads without TensorFlow.
        from medgui.core.ml.export import export_into

        export_into(model, Path(staging), card)
        return registry.register(Path(staging), card)


def preprocessing_of(model: keras.Model, max_tokens: int | None = None) -> dict[str, Any]:
    """The card's ``preprocessing`` entry for a text model: what its input must look like.

    A sequence model reads the first ``seq_len`` token ids; an n-gram model reads every
    word of the text (``seq_len`` None) as counts of words and word pairs.
    """
    vectorizer = model.get_layer("vectorize")
    out: dict[str, Any] = {"normalizer": textprep.NORMALIZER, "vocab_size": int(vectorizer.vocabulary_size())}
    if ngram.is_ngram_model(model):
        out.update({"ngrams": 2, "output_mode": "tf_idf", "max_tokens": max_tokens, "seq_len": None})
    else:
        out.update({"max_tokens": int(max_tokens or vectorizer._max_tokens or 0),  # noqa: SLF001 - no getter
                    "seq_len": int(vectorizer._output_sequence_length)})  # noqa: SLF001
    out["reliability"] = dict(DEFAULT_RELIABILITY)
    return out
