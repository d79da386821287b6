"""The n-gram text model: TF-IDF of words and word pairs into a softmax, all inside Keras.

A logistic regression written as a Keras model, so it is saved, verified and loaded
like every other medgui model (``safe_mode``, no custom objects, no pickle)::

    text -> "vectorize" TextVectorization(ngrams=2, output_mode="tf_idf")
         -> "network" [UnitNormalization -> Dense(softmax)]

Its weights are not found by gradient descent: the model is convex, and a few dozen
Adam epochs stop far short of the optimum on ~50,000 sparse features (a measured
macro-F1 of 0.69 where the optimum gives 0.87). The vocabulary, the idf weights and
the softmax weights are fitted by scikit-learn's TF-IDF and L-BFGS logistic regression
(``text.baseline.fit_linear``, plain tf rather than sublinear: Keras counts terms) and
written into the layers. The OOV slot gets idf 0: out-of-vocabulary words then count
for nothing, as in scikit-learn, so the L2 norm and the probabilities agree with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from medgui.core.errors import Cancelled, TrainingError
from medgui.core.ml.text import baseline
from medgui.core.text import tokens as textprep

OOV_TOKEN = "[UNK]"  # TextVectorization's OOV token; index 0 in tf_idf mode (no padding)
NGRAM_C = baseline.BASELINE_C
NGRAM_ARCHITECTURES = ("ngram_tfidf",)


def build_ngram_network(n_classes: int, vocab_size: int, seq_len: int = 0, embed_dim: int = 0, units: int = 0,
                        dropout: float = 0.0) -> keras.Model:
    """TF-IDF vector (``vocab_size`` including the OOV slot) -> L2 norm -> softmax.

    The signature is ``build_text_model``'s; sequence length, embedding, units and
    dropout do not apply to a linear model.
    """
    tfidf = keras.Input(shape=(vocab_size,), dtype="float32", name="tfidf")
    x = keras.layers.UnitNormalization(name="l2_normalize")(tfidf)
    out = keras.layers.Dense(n_classes, activation="softmax", name="softmax")(x)
    return keras.Model(tfidf, out, name="network")


def build_ngram_vectorizer(terms: Sequence[str], idf: Sequence[float]) -> keras.layers.TextVectorization:
    """A whitespace, 1-2 gram ``TextVectorization`` holding ``terms`` and their idf weights.

    The vocabulary and weights are passed in (not adapted), so they are stored as plain
    data in the model's configuration.
    """
    return keras.layers.TextVectorization(
        standardize=None,  # done by textprep before the model: no code in the file
        split="whitespace",
        ngrams=2,
        output_mode="tf_idf",
        vocabulary=[OOV_TOKEN, *terms],
        idf_weights=np.concatenate([[0.0], np.asarray(idf, dtype=np.float64)]),
        name="vectorize",
    )


def train_ngram_model(
    texts: Sequence[str],
    labels: Sequence[int],
    classes: Sequence[str],
    max_features: int | None = None,
    c: float = NGRAM_C,
    class_weight: dict[int, float] | None = None,
    val: tuple[Sequence[str], Sequence[int]] | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[keras.Model, dict[str, Any]]:
    """Fit the n-gram model on raw ``texts``; return (end-to-end model, history).

    ``max_features`` caps the vocabulary (unigrams and bigrams, most frequent first);
    ``c`` is the inverse L2 strength of the logistic regression; ``class_weight`` (class
    index -> weight; None: all 1) weighs each text's loss, as in Keras. The history has one
    "epoch" (the solver's optimum): ``loss``, ``accuracy`` and, with ``val``,
    ``val_loss`` and ``val_accuracy``, as the Keras trainers report them.
    """
    if len(texts) != len(labels) or not texts:
        raise TrainingError("training needs the same, non-zero number of texts and labels")
    y = np.asarray(labels, dtype=np.int64)
    if y.min() < 0 or y.max() >= len(classes):
        raise TrainingError("a label index is outside the list of classes")
    if len(classes) < 2:
        raise TrainingError("a text classifier needs at least two classes")
    is_cancelled = cancelled or (lambda: False)
    if progress:
        progress({"phase": "vocabulary", "fraction": 0.0})
    norm = [textprep.normalize_for_model(t) for t in texts]
    linear = baseline.fit_linear(norm, y, len(classes), c, class_weight, max_features,
                                 sublinear=False)
    if is_cancelled():
        raise Cancelled("training cancelled")
    vocab = linear.vectorizer.vocabulary_
    terms = sorted(vocab, key=vocab.__getitem__)  # column order of the fitted matrix
    vectorizer = build_ngram_vectorizer(terms, linear.vectorizer.idf_)
    network = build_ngram_network(len(classes), len(terms) + 1)
    kernel = np.zeros((len(terms) + 1, len(classes)), dtype=np.float32)
    kernel[1:] = linear.coef.T  # row 0, the OOV slot, stays 0 (its idf is 0 as well)
    network.get_layer("softmax").set_weights([kernel, linear.intercept.astype(np.float32)])
    model = assemble_ngram(vectorizer, network)
    history: dict[str, Any] = {}
    for prefix, (xs, ys) in (("", (texts, y)), ("val_", val or ((), ()))):
        if len(xs):
            p = predict_ngram(model, xs)
            yy = np.asarray(ys, dtype=np.int64)
            history[f"{prefix}loss"] = [float(-np.mean(np.log(np.clip(p[np.arange(len(yy)), yy], 1e-12, 1))))]
            history[f"{prefix}accuracy"] = [float(np.mean(p.argmax(axis=1) == yy))]
    history.update({"best_epoch": 1, "stopped_early": False,
                    "solver": f"L-BFGS logistic regression, C={c:g}, {len(terms):,} n-gram features"})
    if progress:
        logs = {k: v[0] for k, v in history.items() if isinstance(v, list)}
        progress({"phase": "epoch", "epoch": 1, "epochs": 1, "batch": 1, "batches": 1, "fraction": 1.0,
                  "logs": logs})
    return model, history


def assemble_ngram(vectorizer: keras.layers.TextVectorization, network: keras.Model) -> keras.Model:
    """The end-to-end model that is saved: normalised string in, probabilities out.

    One string per example (shape ``()``, where the sequence models take ``(1,)``): a
    bag of n-grams has no sequence axis to squeeze.
    """
    text = keras.Input(shape=(), dtype="string", name="text")
    return keras.Model(text, network(vectorizer(text)), name="text_classifier")


def predict_ngram(model: keras.Model, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
    """Class probabilities for raw ``texts`` (normalised here), shape (n, n_classes)."""
    import tensorflow as tf

    norm = [textprep.normalize_for_model(t) for t in texts]
    parts = [np.asarray(model(tf.constant(norm[i : i + batch_size]), training=False))
             for i in range(0, len(norm), batch_size)]
    n_classes = int(model.output_shape[-1])
    return np.concatenate(parts) if parts else np.zeros((0, n_classes), dtype=np.float32)


def is_ngram_model(model: keras.Model) -> bool:
    """True for a model whose ``vectorize`` layer gives a bag of n-grams, not token ids."""
    return bool(model.get_layer("vectorize").get_config()["output_mode"] != "int")
