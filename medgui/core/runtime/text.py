"""Text models in the light runtime: the vectoriser in NumPy, the network in ONNX Runtime.

A text model's export is its ``network`` (what follows the Keras ``TextVectorization``
layer). The vectoriser is redone here from ``text_vocabulary.json``, written beside the
export from the model's own layer and hashed in the card like it:

``int`` mode (sequence models: RNN, LSTM, GRU ...)
    whitespace tokens looked up in the vocabulary (0 padding, 1 unknown), the first
    ``seq_len`` kept, padded with 0: the ids the network reads.
``tf_idf`` mode with ``ngrams`` = 2 (the n-gram model)
    counts of every word and word pair (joined by one space) in the vocabulary, unknown
    ones in slot 0, times the idf weights.

Inputs are text already prepared by ``medgui.core.text.tokens`` (``normalize_for_model``),
as the Keras model expects them. ``ExportedTextModel.predict`` takes what
``medgui.core.ml.text.classify.TextClassifier.predict`` takes (id rows, or strings for
an n-gram model) and gives the same probabilities to within 1e-6: the network's own.
A card's calibration map is applied to them by ``TextClassifier.classify``, the one
reading path of both runtimes (its gate reads the network's own probabilities).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import ModelLoadError
from medgui.core.fileio import atomic_write_text
from medgui.core.models.card import ModelCard
from medgui.core.runtime.session import ExportedModel, cached

TEXT_VOCABULARY_FILE = "text_vocabulary.json"
# Reliability rules written into every card (see ``ml.text.classify.TextClassifier.classify``).
DEFAULT_RELIABILITY = {"min_known_tokens": 5, "max_oov_fraction": 0.5}
MAX_VOCABULARY_BYTES = 64 << 20


def write_vocabulary(path: Path, vocabulary: dict[str, Any]) -> None:
    """Write ``{"tokens": [...], "output_mode", "ngrams", "split", "idf"?}`` as JSON."""
    atomic_write_text(Path(path), json.dumps(vocabulary, ensure_ascii=False))


def read_vocabulary(path: Path) -> dict[str, Any]:
    """The vocabulary written by :func:`write_vocabulary`; ``ModelLoadError`` if unusable."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_VOCABULARY_BYTES:
            raise ModelLoadError("the text vocabulary is larger than 64 MB; refusing it", path=path)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"the text vocabulary cannot be read ({exc})", path=path) from exc
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise ModelLoadError("the text vocabulary has no list of tokens", path=path)
    return data  # type: ignore[no-any-return]


PAD, OOV_INT, OOV_TFIDF = 0, 1, 0  # TextVectorization's reserved slots in each mode
TFIDF_BATCH = 128  # dense tf-idf rows per network call


class TextVectorizer:
    """``TextVectorization`` (whitespace split, no standardisation) redone in NumPy."""

    def __init__(self, vocabulary: dict[str, Any], seq_len: int | None = None) -> None:
        self.tokens: list[str] = list(vocabulary["tokens"])
        self.mode = str(vocabulary.get("output_mode") or "int")
        self.ngrams = int(vocabulary.get("ngrams") or 1)
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.seq_len = seq_len
        if self.mode == "tf_idf":
            idf = np.asarray(vocabulary.get("idf", []), dtype=np.float32)
            if idf.shape != (len(self.tokens),):
                raise ModelLoadError("the text vocabulary's idf weights do not match its tokens")
            self.idf = idf
        elif self.mode != "int":
            raise ModelLoadError(f"text vectoriser mode '{self.mode}' is not supported by the light runtime")

    def ids(self, texts: Sequence[str]) -> np.ndarray:
        """(N, seq_len) int64 token ids (``int`` mode)."""
        if self.seq_len is None:
            raise ModelLoadError("token ids need the network's sequence length")
        out = np.zeros((len(texts), self.seq_len), dtype=np.int64)
        for row, text in enumerate(texts):
            ids = [self.index.get(w, OOV_INT) for w in text.split()[: self.seq_len]]
            out[row, : len(ids)] = ids
        return out

    def tfidf(self, texts: Sequence[str]) -> np.ndarray:
        """(N, vocabulary) float32 tf-idf of words and word pairs (``tf_idf`` mode)."""
        out = np.zeros((len(texts), len(self.tokens)), dtype=np.float32)
        for row, text in enumerate(texts):
            words = text.split()
            grams = Counter(words)
            for n in range(2, self.ngrams + 1):
                grams.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
            for gram, count in grams.items():
                out[row, self.index.get(gram, OOV_TFIDF)] += count
        out *= self.idf
        return out


class ExportedTextModel:
    """A text model's exported network plus its NumPy vectoriser (no TensorFlow)."""

    runtime = "onnxruntime"

    def __init__(self, card: ModelCard, exported: ExportedModel) -> None:
        if card.path is None or TEXT_VOCABULARY_FILE not in card.files:
            raise ModelLoadError(f"model {card.ref} has no text vocabulary beside its export")
        self.card = card
        self.exported = exported  # its hashes, and the vocabulary's, were verified
        shape = exported.input_shape
        seq_len = int(shape[1]) if len(shape) == 2 and isinstance(shape[1], int) else None
        self.vectorizer = TextVectorizer(read_vocabulary(card.path / TEXT_VOCABULARY_FILE), seq_len)
        self.bag = self.vectorizer.mode != "int"
        self.seq_len = None if self.bag else seq_len
        tokens = self.vectorizer.tokens
        # The words a clinician's text is judged by: single words (not the pairs), no
        # reserved slots, as the Keras classifier counts them.
        self.vocabulary = ({w: i for i, w in enumerate(tokens) if i > 0 and " " not in w} if self.bag
                           else {w: i for i, w in enumerate(tokens)})

    @property
    def classes(self) -> list[str]:
        return list(self.card.classes)

    def predict(self, batch: np.ndarray | Sequence[str]) -> np.ndarray:
        """Probabilities for id rows (sequence model) or prepared strings (n-gram model)."""
        if not self.bag:
            return self.exported.run(np.asarray(batch, dtype=np.int64))[0]
        rows = [str(t) for t in batch]
        parts = [self.exported.run(self.vectorizer.tfidf(rows[i : i + TFIDF_BATCH]))[0]
                 for i in range(0, len(rows), TFIDF_BATCH)]
        return np.concatenate(parts) if parts else np.zeros((0, len(self.classes)), np.float32)

    def predict_texts(self, prepared: Sequence[str]) -> np.ndarray:
        """Probabilities for prepared texts (``normalize_for_model``), either kind of model."""
        return self.predict(prepared if self.bag else self.vectorizer.ids(prepared))


def exported_text_model(card: ModelCard) -> ExportedTextModel:
    """The export of text model ``card``, opened once per process and export file."""
    if card.task != "text":
        raise ModelLoadError(f"model {card.ref} is a {card.task} model, not a text model")
    return cached(card, "text", lambda exported: ExportedTextModel(card, exported))
