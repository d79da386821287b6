"""Classify a clinical text with a registered text model, and say which words mattered.

``get_text_classifier(ref)`` loads a model once per process (verified, ``safe_mode``);
``TextClassifier.classify(text)`` returns plain data (see ``classify``), which is also
what the analysis job ``classify_text_job`` sends back to the GUI.

Attribution is occlusion by word: every distinct known word the model read is removed
(all its occurrences, the rest shifted left as if never written) and the drop in the
predicted class's probability is that word's weight. All the edited copies and the
original go through the network in ONE batched call of a compiled ``tf.function``.

Training lives in ``textmodel``; its public names are re-exported here.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from medgui.core.errors import Cancelled, MedguiError, ModelLoadError
from medgui.core.ml.modelio import cached_classifier
from medgui.core.ml.text.model import (  # noqa: F401 - the public face of text models
    ARCHITECTURE_LABELS,
    DEFAULT_RELIABILITY,
    DEFAULT_SEQ_LEN,
    DEFAULT_VOCAB_SIZE,
    TEXT_ARCHITECTURES,
    build_text_model,
    predict_proba,
    save_text_model,
    train_text_model,
)
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.text import negation
from medgui.core.text import tokens as textprep

PAD, OOV = 0, 1  # TextVectorization's reserved ids


class TextClassifier:
    """A loaded text model plus what inference needs: vocabulary, compiled call, rules."""

    def __init__(self, card: ModelCard, model: Any):
        import tensorflow as tf

        pre = card.preprocessing or {}
        if pre.get("normalizer", textprep.NORMALIZER) != textprep.NORMALIZER:
            raise ModelLoadError(
                f"model {card.ref} expects text prepared by '{pre.get('normalizer')}', but this "
                f"medgui prepares it as '{textprep.NORMALIZER}'; retrain the model with this version"
            )
        self.card = card
        self.model = model
        try:
            vectorizer = model.get_layer("vectorize")
            self.network = model.get_layer("network")
        except ValueError as exc:
            raise ModelLoadError(f"model {card.ref} is not a medgui text model (no vectorize/network part)") from exc
        self.seq_len = int(self.network.input_shape[-1])
        # Ids are looked up here in Python (same rule as the layer: whitespace tokens,
        # unknown -> 1, truncate, pad with 0) so each id keeps its token's offsets.
        self.vocabulary = {word: i for i, word in enumerate(vectorizer.get_vocabulary())}
        rules = {**DEFAULT_RELIABILITY, **pre.get("reliability", {})}
        self.min_known = int(rules["min_known_tokens"])
        self.max_oov = float(rules["max_oov_fraction"])
        # Eager calls of a recurrent network cost ~100x a compiled one; one trace
        # serves every batch size (the sequence length is fixed by the model).
        self._net = tf.function(
            lambda ids: self.network(ids, training=False),
            input_signature=[tf.TensorSpec([None, self.seq_len], tf.int64)],
            reduce_retracing=True,
        )
        self._lock = threading.Lock()

    @property
    def classes(self) -> list[str]:
        return list(self.card.classes)

    def ids(self, tokens: list[textprep.Token]) -> list[int]:
        return [self.vocabulary.get(tok.text, OOV) for tok in tokens]

    def _pad(self, ids: list[int]) -> np.ndarray:
        row = np.zeros(self.seq_len, dtype="int64")
        row[: len(ids)] = ids[: self.seq_len]
        return row

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for a batch of id rows, shape (n, seq_len) -> (n, n_classes)."""
        with self._lock:  # one compiled graph, shared by the CLI loop and the job thread
            return np.asarray(self._net(np.asarray(batch, dtype="int64")))

    def classify(self, text: str, top_k: int = 5, explain: bool = True) -> dict[str, Any]:
        """Classify ``text``.

        Returns
        -------
        dict
            ``label`` (None when it cannot be classified reliably), ``reliable``,
            ``reason``, ``probabilities`` (every class), ``top`` ([label, p] pairs),
            ``model`` / ``model_name`` / ``model_version``, counts (``n_tokens``,
            ``known_tokens``, ``oov_fraction``, ``truncated``) and ``tokens``: one entry
            per token with ``text`` (as written), ``start``/``end`` (offsets into
            ``text``), ``weight`` (occlusion, in [-1, 1], relative to the strongest word;
            positive pushed towards the predicted class; 0 for words the model did not
            read or does not know), ``known`` and ``negated``; ``warnings``: e.g. that
            the text was cut to ``textprep.MAX_TEXT_CHARS`` characters (offsets stay valid:
            what is read is a prefix of ``text``).
        """
        warnings: list[str] = []
        if len(text) > textprep.MAX_TEXT_CHARS:  # the model reads its first seq_len words only
            text = text[: textprep.MAX_TEXT_CHARS]
            warnings.append(textprep.truncation_warning())
        tokens = textprep.tokenize(text)
        ids = self.ids(tokens)
        window = ids[: self.seq_len]
        known = sum(i != OOV for i in window)
        rows = [self._pad(window)]
        occluded: list[int] = []
        if explain:
            occluded = sorted({i for i in window if i != OOV})
            arr = np.asarray(window)
            rows += [self._pad(arr[arr != word].tolist()) for word in occluded]
        probs = self.predict(np.stack(rows))
        p = probs[0]
        best = int(np.argmax(p))
        weight_of: dict[int, float] = {}
        if occluded:
            drops = p[best] - probs[1:, best]
            scale = float(np.max(np.abs(drops)))
            if scale > 1e-9:
                weight_of = {word: float(d / scale) for word, d in zip(occluded, drops, strict=True)}
        reliable, reason = self._reliability(len(window), known)
        spans = negation.find_negations(text) if explain else []  # only the tokens use it
        order = np.argsort(-p)[: max(1, top_k)]
        return {
            "label": self.card.classes[best] if reliable else None,
            "reliable": reliable,
            "reason": reason,
            "probabilities": {c: float(p[i]) for i, c in enumerate(self.card.classes)},
            "top": [[self.card.classes[i], float(p[i])] for i in order],
            "model": self.card.ref,
            "model_name": self.card.name,
            "model_version": self.card.version,
            "n_tokens": len(tokens),
            "known_tokens": known,
            "oov_fraction": round(1 - known / len(window), 4) if window else 1.0,
            "truncated": len(tokens) > self.seq_len,
            "tokens": [
                {
                    "text": text[tok.start : tok.end],
                    "start": tok.start,
                    "end": tok.end,
                    "weight": round(weight_of.get(ids[k], 0.0), 4) if k < self.seq_len else 0.0,
                    "known": ids[k] != OOV,
                    "negated": negation.is_negated(spans, tok.start),
                }
                for k, tok in enumerate(tokens)
            ] if explain else [],
            "warnings": warnings,
        }

    def _reliability(self, n: int, known: int) -> tuple[bool, str]:
        if known < self.min_known:
            return False, (
                f"Cannot classify reliably: the text has {known} word(s) the model knows; "
                f"it needs at least {self.min_known}. Add more of the clinical description."
            )
        if n and (n - known) / n > self.max_oov:
            return False, (
                f"Cannot classify reliably: {round(100 * (n - known) / n)} % of the words are "
                f"unknown to the model (limit {round(100 * self.max_oov)} %). The text may be "
                "in another language or field than the model was trained on."
            )
        return True, ""


def get_text_classifier(ref: str | None = None, registry: Registry | None = None) -> TextClassifier:
    """The classifier for ``ref`` (``name[@version]``; None: the active text model),
    loaded once per process (``modelio.cached_classifier``)."""
    return cached_classifier("text", ref, TextClassifier, registry)


def classify_text_job(payload: dict[str, Any], progress: Any, cancelled: Any) -> dict[str, Any]:
    """Analysis job ``classify_text``: payload ``{"text", "top_k"=5, "model"=None}``."""
    text = payload.get("text")
    if not isinstance(text, str):
        raise MedguiError("nothing to classify: the record has no text")
    clf = get_text_classifier(payload.get("model"))
    if cancelled():
        raise Cancelled()
    return clf.classify(text, top_k=int(payload.get("top_k", 5)), explain=bool(payload.get("explain", True)))


if __name__ == "__main__":
    import sys

    note = " ".join(sys.argv[1:]) or "Colonoscopy showed a sigmoid polyp. No evidence of malignancy."
    out = get_text_classifier().classify(note)
    print(out["model"], out["label"], out["reason"] or "", [(c, round(p, 3)) for c, p in out["top"]])
    for tok in sorted(out["tokens"], key=lambda t: -abs(t["weight"]))[:8]:
        print(f"  {tok['text']:<20} {tok['weight']:+.2f}{'  (negated)' if tok['negated'] else ''}")
