"""The record gate: is this text a clinical note that the text model can place?

Four numbers describe a text (``features``), all cheap (well under a millisecond for a
note once it is tokenised):

* ``lexicon_share``: the share of its words found in the gate's lexicon (the words of the
  model's own training notes): a recipe or a contract is mostly other words;
* ``clinical_share``: the share of its words that are *common clinical* words (in at least
  10 % of the training notes and not English function words: "patient", "history",
  "mg", "examination"...);
* ``max_p`` and ``entropy``: how sure the model is (maximum softmax, normalised entropy):
  a note from a specialty the model does not know spreads its probability;
* ``log_words``: the length.

Two tests, both must pass:

1. **a clinical note at all**: the two word shares must reach a low quantile (1 %) of the
   in-scope validation notes'. This needs no model output, so a model that is confidently
   wrong about a recipe cannot wave it through;
2. **a specialty the model knows**: a logistic model of in-scope notes against constructed
   out-of-scope texts (other specialties' notes, non-clinical texts) on all five numbers;
   its threshold keeps a chosen share (97 %) of the in-scope validation notes through both. Settings and lexicon are stored as plain JSON
(``gate.json``) in the model version folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import ModelLoadError
from medgui.core.gate.files import read_gate
from medgui.core.text import tokens as textprep

FEATURES = ("lexicon_share", "clinical_share", "max_p", "entropy", "log_words")
TEXT_FEATURE_VERSION = "medgui-text-gate-features-1"
MAX_WORDS = 2000  # the gate reads the first words only: enough to judge, bounded cost


@dataclass
class TextVerdict:
    applicable: bool
    looks_like: str | None = None
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"applicable": self.applicable, "looks_like": self.looks_like,
                "scores": {k: round(float(v), 4) for k, v in self.scores.items()}}


def words_of(text: str, tokens: list[textprep.Token] | None = None) -> list[str]:
    """The normalised word tokens the gate counts (letters only: numbers say little);
    ``tokens``: ``textprep.tokenize(text)`` when the caller has it already."""
    out = []
    for tok in tokens if tokens is not None else textprep.tokenize(text[: MAX_WORDS * 12]):
        if tok.text.isalpha() and len(tok.text) > 1:
            out.append(tok.text)
            if len(out) >= MAX_WORDS:
                break
    return out


def text_features(words: list[str], probs: np.ndarray, lexicon: frozenset[str],
                  clinical: frozenset[str]) -> np.ndarray:
    """The feature vector (order of ``FEATURES``) of one text."""
    n = len(words)
    p = np.clip(np.asarray(probs, np.float64), 1e-12, 1.0)
    entropy = float(-(p * np.log(p)).sum() / np.log(len(p))) if len(p) > 1 else 0.0
    if n == 0:
        return np.array([0.0, 0.0, float(p.max()), entropy, 0.0], np.float32)
    known = sum(w in lexicon for w in words) / n
    common = sum(w in clinical for w in words) / n
    return np.array([known, common, float(p.max()), entropy, np.log1p(n)], np.float32)


class TextGate:
    """A fitted record gate (see the module doc)."""

    def __init__(self, meta: dict[str, Any]) -> None:
        if meta.get("features") != TEXT_FEATURE_VERSION:
            raise ModelLoadError(f"the record gate was fitted on '{meta.get('features')}' features; this "
                                 f"medgui computes '{TEXT_FEATURE_VERSION}'. Refit it (scripts/build_gates.py).")
        try:
            self.lexicon = frozenset(meta["lexicon"])
            self.clinical = frozenset(meta["clinical_words"])
            self.mean = np.asarray(meta["mean"], np.float32)
            self.scale = np.asarray(meta["scale"], np.float32)
            self.coef = np.asarray(meta["coef"], np.float32)
            self.intercept = float(meta["intercept"])
            self.threshold = float(meta["threshold"])
            self.lexicon_min = float(meta["lexicon_min"])
            self.clinical_min = float(meta["clinical_min"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"the record gate is incomplete ({exc!r}); refit it") from exc
        self.domain = str(meta.get("domain") or "clinical notes like its training data")
        self.meta = meta

    @classmethod
    def from_folder(cls, folder: Path) -> TextGate:
        meta, _ = read_gate(folder, "text")
        return cls(meta)

    def score(self, features: np.ndarray) -> float:
        """The in-scope logit: higher is more like the model's notes."""
        return float(self.coef @ ((features - self.mean) / self.scale) + self.intercept)

    def assess(self, text: str, probs: np.ndarray, tokens: list[textprep.Token] | None = None) -> TextVerdict:
        """The verdict on ``text`` given the model's probabilities for it."""
        f = text_features(words_of(text, tokens), probs, self.lexicon, self.clinical)
        s = self.score(f)
        scores = {**dict(zip(FEATURES, (float(v) for v in f), strict=True)), "score": s}
        if f[0] < self.lexicon_min or f[1] < self.clinical_min:
            looks = "a text that is not a clinical note"
        elif s < self.threshold:
            looks = "a clinical note from a specialty this model does not know"
        else:
            return TextVerdict(True, scores=scores)
        return TextVerdict(False, looks, f"Not applicable: this looks like {looks}. This model reads "
                                         f"{self.domain}.", scores)
