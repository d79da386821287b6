"""Classify a clinical text with a registered text model, and say which words mattered.

``get_text_classifier(ref)`` loads a model once per process (verified, ``safe_mode``);
``TextClassifier.classify(text)`` returns plain data (see ``classify``), which is also
what the analysis job ``classify_text_job`` sends back to the GUI.

Attribution is occlusion by word: every distinct known word the model read is removed
(all its occurrences, the rest shifted left as if never written) and the drop in the
predicted class's probability is that word's weight. All the edited copies and the
original go through the network in one batched call of a compiled ``tf.function``: as
token ids for a sequence model (RNN, LSTM ...); as tf-idf rows for an n-gram model
(``text.ngram``), each built from the original's counts by taking away the words and
word pairs that touch the removed word and adding the pairs its removal forms (its
neighbours now side by side): linear in the text's length, where vectorising every
edited copy anew costs its length times the number of distinct words. An n-gram model
reads the whole text; its known words are its single-word vocabulary entries.

A model version with an inference export reads without TensorFlow:
``reading_text_classifier`` gives a ``TextClassifier`` whose network runs in ONNX Runtime
on ids or tf-idf rows built in NumPy (``medgui.core.runtime.text``), with the same
attribution, reliability rules and gate. This module imports no TensorFlow itself.

Training lives in ``textmodel``; its public names are re-exported here (on first use,
so that reading a note does not import TensorFlow).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from medgui.core.errors import Cancelled, MedguiError, ModelLoadError
from medgui.core.gate.runtime import apply_verdict, load_text_gate
from medgui.core.ml.modelio import cached_classifier
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.runtime.session import cached, use_export
from medgui.core.runtime.text import DEFAULT_RELIABILITY, ExportedTextModel
from medgui.core.text import negation
from medgui.core.text import tokens as textprep
from medgui.core.training.calibration import apply_calibration

# The public face of text models, from ``textmodel`` (which imports TensorFlow) on first use.
_FROM_TEXTMODEL = ("ARCHITECTURE_LABELS", "DEFAULT_SEQ_LEN", "DEFAULT_VOCAB_SIZE", "TEXT_ARCHITECTURES",
                   "build_text_model", "predict_proba", "save_text_model", "train_text_model")


def __getattr__(name: str) -> Any:
    if name in _FROM_TEXTMODEL:
        from medgui.core.ml.text import model as textmodel

        return getattr(textmodel, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

PAD, OOV = 0, 1  # TextVectorization's reserved ids (int mode)
OCCLUSION_BATCH = 128  # edited copies of an n-gram model's input per call (dense tf-idf rows)


class TextClassifier:
    """A loaded text model plus what inference needs: vocabulary, compiled call, rules."""

    runtime = "keras"
    _exported: ExportedTextModel | None = None

    def __init__(self, card: ModelCard, model: Any):
        import tensorflow as tf

        from medgui.core.ml.text.ngram import is_ngram_model

        self._setup(card)
        self.model = model
        try:
            vectorizer = model.get_layer("vectorize")
            self.network = model.get_layer("network")
        except ValueError as exc:
            raise ModelLoadError(f"model {card.ref} is not a medgui text model (no vectorize/network part)") from exc
        self.bag = is_ngram_model(model)
        vocabulary = vectorizer.get_vocabulary()
        self.seq_len: int | None
        if self.bag:
            self.seq_len = None  # every word is read
            # Known words are the single-word entries; a word pair ("a b") holds a space.
            self.vocabulary = {word: i for i, word in enumerate(vocabulary) if i > 0 and " " not in word}
            self._net = tf.function(
                lambda texts: self.model(texts, training=False),
                input_signature=[tf.TensorSpec([None], tf.string)],
                reduce_retracing=True,
            )
            idf = vectorizer.get_config().get("idf_weights")  # as passed in: the OOV slot first
            if idf is None:  # an adapted layer keeps them in its lookup table only
                idf = vectorizer._lookup_layer.idf_weights  # noqa: SLF001 - no public getter
            self._grams = {gram: i for i, gram in enumerate(vocabulary)}
            self._idf = np.asarray(idf, dtype=np.float32)
            self._rows_net = tf.function(
                lambda rows: self.network(rows, training=False),
                input_signature=[tf.TensorSpec([None, len(vocabulary)], tf.float32)],
                reduce_retracing=True,
            )
        else:
            self.seq_len = int(self.network.input_shape[-1])
            # Ids are looked up here in Python (same rule as the layer: whitespace tokens,
            # unknown -> 1, truncate, pad with 0) so each id keeps its token's offsets.
            self.vocabulary = {word: i for i, word in enumerate(vocabulary)}
            # Eager calls of a recurrent network cost ~100x a compiled one; one trace
            # serves every batch size (the sequence length is fixed by the model).
            self._net = tf.function(
                lambda ids: self.network(ids, training=False),
                input_signature=[tf.TensorSpec([None, self.seq_len], tf.int64)],
                reduce_retracing=True,
            )
        self._lock = threading.Lock()

    def _setup(self, card: ModelCard) -> None:
        """What every reading needs besides the network: the card, the rules, the gate."""
        pre = card.preprocessing or {}
        if pre.get("normalizer", textprep.NORMALIZER) != textprep.NORMALIZER:
            raise ModelLoadError(
                f"model {card.ref} expects text prepared by '{pre.get('normalizer')}', but this "
                f"medgui prepares it as '{textprep.NORMALIZER}'; retrain the model with this version"
            )
        self.card = card
        self.gate = load_text_gate(card)  # the record gate of this version (None: made before gates)
        rules = {**DEFAULT_RELIABILITY, **pre.get("reliability", {})}
        self.min_known = int(rules["min_known_tokens"])
        self.max_oov = float(rules["max_oov_fraction"])

    @classmethod
    def from_export(cls, card: ModelCard, exported: ExportedTextModel) -> TextClassifier:
        """The classifier of ``card`` on its inference export: no TensorFlow, no Keras
        model (``model`` is None); the vocabulary and input are those of the Keras layer."""
        self = cls.__new__(cls)
        self._setup(card)
        self.model = None
        self.runtime = exported.runtime
        self._exported = exported
        self.bag, self.seq_len, self.vocabulary = exported.bag, exported.seq_len, exported.vocabulary
        if self.bag:
            self._grams, self._idf = exported.vectorizer.index, exported.vectorizer.idf
        self._lock = threading.Lock()
        return self

    @property
    def classes(self) -> list[str]:
        return list(self.card.classes)

    def ids(self, tokens: list[textprep.Token]) -> list[int]:
        return [self.vocabulary.get(tok.text, OOV) for tok in tokens]

    def _pad(self, ids: list[int]) -> np.ndarray:
        assert self.seq_len is not None, "an n-gram model reads strings, not padded ids"
        row = np.zeros(self.seq_len, dtype="int64")
        row[: len(ids)] = ids[: self.seq_len]
        return row

    def predict(self, batch: np.ndarray | list[str]) -> np.ndarray:
        """Probabilities for a batch: id rows, shape (n, seq_len), for a sequence model;
        normalised strings (words joined by spaces) for an n-gram model. -> (n, n_classes)."""
        if self._exported is not None:  # ONNX Runtime sessions are thread-safe
            return self._exported.predict(batch)
        with self._lock:  # one compiled graph, shared by the CLI loop and the job thread
            if self.bag:
                rows = [str(t) for t in batch]
                parts = [np.asarray(self._net(np.asarray(rows[i : i + OCCLUSION_BATCH], dtype=object)))
                         for i in range(0, len(rows), OCCLUSION_BATCH)]
                return np.concatenate(parts)
            return np.asarray(self._net(np.asarray(batch, dtype="int64")))

    def _predict_rows(self, rows: np.ndarray) -> np.ndarray:
        """Probabilities for tf-idf rows of an n-gram model (its network alone)."""
        if self._exported is not None:
            return self._exported.exported.run(rows)[0]
        with self._lock:
            return np.asarray(self._rows_net(rows))

    def _occlusion_probs(self, words: list[str], occluded: list[str]) -> np.ndarray:
        """An n-gram model's probabilities for ``words`` and for each copy without one of
        ``occluded`` (all its occurrences), from counts: see the module's docstring."""
        gram = self._grams.get
        n = len(words)
        pairs = [f"{words[i]} {words[i + 1]}" for i in range(n - 1)]
        base = np.zeros(len(self._idf), dtype=np.float32)
        np.add.at(base, [gram(w, 0) for w in words] + [gram(p, 0) for p in pairs], 1.0)
        where: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            where.setdefault(w, []).append(i)
        parts = []
        for start in range(-1, len(occluded), OCCLUSION_BATCH):  # -1: the original first
            chunk = occluded[max(start, 0) : start + OCCLUSION_BATCH]
            rows = np.tile(base, (len(chunk) + (start < 0), 1))
            for r, word in enumerate(chunk, start=int(start < 0)):
                removed = where[word]
                changes: dict[int, float] = {gram(word, 0): -float(len(removed))}
                touched = sorted({j for i in removed for j in (i - 1, i) if 0 <= j < n - 1})
                for j in touched:  # pairs that held the removed word
                    changes[gram(pairs[j], 0)] = changes.get(gram(pairs[j], 0), 0.0) - 1
                for k, i in enumerate(removed):  # the pair each run of removals leaves behind
                    run_starts = k == 0 or removed[k - 1] != i - 1
                    if run_starts:
                        end = i
                        while end + 1 < n and words[end + 1] == word:
                            end += 1
                        if i > 0 and end + 1 < n:
                            g = gram(f"{words[i - 1]} {words[end + 1]}", 0)
                            changes[g] = changes.get(g, 0.0) + 1
                cols = np.fromiter(changes, dtype=np.int64)
                rows[r, cols] += np.fromiter(changes.values(), dtype=np.float32)
            parts.append(self._predict_rows(rows * self._idf))
        return np.concatenate(parts)

    def _inputs(self, words: list[str], occluded: list[str]) -> np.ndarray | list[str]:
        """The model's input for ``words`` and for each copy without one of ``occluded``."""
        copies = [words] + [[w for w in words if w != word] for word in occluded]
        if self.bag:
            return [" ".join(c) for c in copies]
        return np.stack([self._pad([self.vocabulary.get(w, OOV) for w in c]) for c in copies])

    def classify(self, text: str, top_k: int = 5, explain: bool = True) -> dict[str, Any]:
        """Classify ``text``.

        Returns
        -------
        dict
            ``label`` (None when it cannot be classified reliably), ``reliable``,
            ``reason``, ``probabilities`` (every class; through the card's calibration map
            when it has one, ``calibrated`` says so), ``top`` ([label, p] pairs),
            ``model`` / ``model_name`` / ``model_version``, counts (``n_tokens``, ``read_tokens``,
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
        read = len(tokens) if self.seq_len is None else self.seq_len  # tokens the model reads
        window = [tok.text for tok in tokens[:read]]
        known = sum(w in self.vocabulary for w in window)
        occluded = sorted({w for w in window if w in self.vocabulary}) if explain else []
        if self.bag:
            probs = self._occlusion_probs(window, occluded)
        else:
            probs = self.predict(self._inputs(window, occluded))
        raw = probs[0]  # the network's own: what the gate was fitted on
        if self.card.calibration:  # what the user sees, the occluded copies included
            probs = apply_calibration(probs, self.card.calibration)
        p = probs[0]
        best = int(np.argmax(p))
        weight_of: dict[str, float] = {}
        if occluded:
            drops = p[best] - probs[1:, best]
            scale = float(np.max(np.abs(drops)))
            if scale > 1e-9:
                weight_of = {word: float(d / scale) for word, d in zip(occluded, drops, strict=True)}
        reliable, reason = self._reliability(len(window), known)
        spans = negation.find_negations(text) if explain else []  # only the tokens use it
        order = np.argsort(-p)[: max(1, top_k)]
        result = {
            "label": self.card.classes[best] if reliable else None,
            "reliable": reliable,
            "reason": reason,
            "probabilities": {c: float(p[i]) for i, c in enumerate(self.card.classes)},
            "calibrated": bool(self.card.calibration),
            "top": [[self.card.classes[i], float(p[i])] for i in order],
            "model": self.card.ref,
            "model_name": self.card.name,
            "model_version": self.card.version,
            "n_tokens": len(tokens),
            "known_tokens": known,
            "oov_fraction": round(1 - known / len(window), 4) if window else 1.0,
            "truncated": len(tokens) > read,
            "read_tokens": len(window),  # the words the model read: the first seq_len
            "tokens": [
                {
                    "text": text[tok.start : tok.end],
                    "start": tok.start,
                    "end": tok.end,
                    "weight": round(weight_of.get(tok.text, 0.0), 4) if k < read else 0.0,
                    "known": tok.text in self.vocabulary,
                    "negated": negation.is_negated(spans, tok.start),
                }
                for k, tok in enumerate(tokens)
            ] if explain else [],
            "warnings": warnings,
        }
        # Not a clinical note, or a specialty the model does not know: label withheld.
        return apply_verdict(result, None if self.gate is None else self.gate.assess(text, raw, tokens))

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


def reading_text_classifier(ref: str | None = None, registry: Registry | None = None) -> TextClassifier:
    """The classifier readings use: on the model's export when it has one (ONNX Runtime,
    no TensorFlow), else :func:`get_text_classifier` (Keras)."""
    registry = registry or Registry()
    card = registry.get(ref) if ref else registry.active("text")
    if card.task != "text":
        raise ModelLoadError(f"model {card.ref} is a {card.task} model, not a text model")
    if use_export(card):
        return cached(card, "text-classifier",
                      lambda exported: TextClassifier.from_export(card, ExportedTextModel(card, exported)))
    return get_text_classifier(card.ref, registry)


def classify_text_job(payload: dict[str, Any], progress: Any, cancelled: Any) -> dict[str, Any]:
    """Analysis job ``classify_text``: payload ``{"text", "top_k"=5, "model"=None}``."""
    text = payload.get("text")
    if not isinstance(text, str):
        raise MedguiError("nothing to classify: the record has no text")
    clf = reading_text_classifier(payload.get("model"))
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
