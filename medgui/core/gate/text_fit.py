"""Fit the record gate (``text_gate``): NumPy and scikit-learn, no TensorFlow.

The caller supplies the model's probabilities for each text (``core.ml`` computes them),
so the same fit serves every text architecture.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from medgui.core.gate.text_gate import FEATURES, TEXT_FEATURE_VERSION, text_features, words_of

DEFAULT_PASS_RATE = 0.97
"""Share of in-scope calibration notes the fitted gate lets through."""
NOTE_QUANTILE = 0.01
"""Quantile of the calibration notes' word shares below which a text is no clinical note."""

# English function words: frequent in every text, so they say nothing about clinical notes.
FUNCTION_WORDS = frozenset(["#", "noqa:", "SIM905", "-", "a", "word", "list", "reads", "best", "as", "prose", "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "also", "one", "two", "three", "may", "well", "per", "since", "upon", "within", "without"])


def build_lexicon(texts: Sequence[str], min_df: int = 2, clinical_df: float = 0.10) -> tuple[list[str], list[str]]:
    """The lexicon (words in at least ``min_df`` texts) and the common clinical words (in at
    least ``clinical_df`` of the texts, function words excluded) of in-scope training texts."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(words_of(text)))
    lexicon = sorted(w for w, c in df.items() if c >= min_df)
    clinical = sorted(w for w, c in df.items() if c >= clinical_df * len(texts) and w not in FUNCTION_WORDS)
    return lexicon, clinical


def feature_matrix(texts: Sequence[str], probs: np.ndarray, lexicon: Sequence[str],
                   clinical: Sequence[str]) -> np.ndarray:
    lex, clin = frozenset(lexicon), frozenset(clinical)
    return np.stack([text_features(words_of(t), p, lex, clin) for t, p in zip(texts, probs, strict=True)]) \
        if len(texts) else np.zeros((0, len(FEATURES)), np.float32)


def fit_text_gate(
    train_texts: Sequence[str], inscope: np.ndarray, calibrate: np.ndarray, negatives: dict[str, np.ndarray],
    lexicon: tuple[list[str], list[str]], pass_rate: float = DEFAULT_PASS_RATE,
    domain: str = "clinical notes like its training data",
) -> dict[str, Any]:
    """The gate's settings (``gate.json``).

    Parameters
    ----------
    train_texts
        Unused except for its size (recorded); the lexicon is built by the caller from them.
    inscope, calibrate
        Feature rows (``feature_matrix``) of in-scope notes: to fit, and to set the threshold.
    negatives
        Kind -> feature rows of out-of-scope texts of that kind.
    """
    from sklearn.linear_model import LogisticRegression

    kinds = sorted(k for k in negatives if len(negatives[k]))
    neg = np.concatenate([negatives[k] for k in kinds]) if kinds else np.zeros((0, len(FEATURES)))
    both = np.concatenate([inscope, neg])
    mean = both.mean(axis=0)
    scale = np.maximum(both.std(axis=0), 1e-3)
    weights = np.concatenate([np.full(len(negatives[k]), len(inscope) / (len(kinds) * len(negatives[k])))
                              for k in kinds]) if kinds else np.zeros(0)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((both - mean) / scale, np.r_[np.ones(len(inscope)), np.zeros(len(neg))],
              sample_weight=np.r_[np.ones(len(inscope)), weights])
    coef, intercept = model.coef_[0], float(model.intercept_[0])
    # Test 1, "a clinical note at all": no model output, only the words (shares of known and of
    # common clinical words), each at a low quantile of the in-scope calibration notes.
    lexicon_min = float(np.quantile(calibrate[:, 0], NOTE_QUANTILE))
    clinical_min = float(np.quantile(calibrate[:, 1], NOTE_QUANTILE))
    is_note = (calibrate[:, 0] >= lexicon_min) & (calibrate[:, 1] >= clinical_min)
    # Test 2, "of a specialty the model knows": the logistic score, its threshold the highest
    # that still lets ``pass_rate`` of the calibration notes through both tests.
    cal_scores = ((calibrate - mean) / scale) @ coef + intercept
    threshold = float(cal_scores.min()) - 1e-6
    for t in np.sort(cal_scores)[::-1]:
        if np.mean(is_note & (cal_scores >= t)) >= pass_rate:
            threshold = float(t)
            break
    lex, clin = lexicon
    return {
        "kind": "text", "features": TEXT_FEATURE_VERSION, "feature_names": list(FEATURES), "domain": domain,
        "mean": [float(v) for v in mean], "scale": [float(v) for v in scale],
        "coef": [float(v) for v in coef], "intercept": intercept, "threshold": threshold,
        "lexicon_min": lexicon_min, "clinical_min": clinical_min,
        "lexicon": list(lex), "clinical_words": list(clin),
        "fit": {"in_scope_fit": len(inscope), "in_scope_calibration": len(calibrate),
                "negatives": {k: len(negatives[k]) for k in kinds}, "target_pass_rate": pass_rate,
                "lexicon_from_texts": len(train_texts)},
    }


def text_flags(x: np.ndarray, meta: dict[str, Any]) -> np.ndarray:
    """Boolean ``(n,)``: which feature rows the gate rejects (vectorised ``TextGate``)."""
    x = np.asarray(x, np.float32)
    z = (x - np.asarray(meta["mean"], np.float32)) / np.asarray(meta["scale"], np.float32)
    not_note = (x[:, 0] < meta["lexicon_min"]) | (x[:, 1] < meta["clinical_min"])
    return not_note | ((z @ np.asarray(meta["coef"], np.float32) + meta["intercept"]) < meta["threshold"])
