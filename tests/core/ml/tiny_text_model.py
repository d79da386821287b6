"""Tiny text models trained in seconds on synthetic corpora, for the text-model tests.

Three "specialties", each with its own clinical words, mixed with filler words that all
classes share: a model that learns the task must rely on the class words.
"""

from __future__ import annotations

import functools

import numpy as np

CLASSES = ["cardiology", "gastro", "orthopedics"]
CLASS_WORDS = {
    "cardiology": ["murmur", "angina", "valve", "arrhythmia", "stent"],
    "gastro": ["colonoscopy", "polyp", "reflux", "gastritis", "bowel"],
    "orthopedics": ["fracture", "knee", "cast", "ligament", "femur"],
}
FILLER = ["the", "patient", "was", "seen", "today", "with", "history", "of", "stable", "noted", "and", "plan"]


def corpus(n: int = 180, seed: int = 0) -> tuple[list[str], list[int]]:
    """``n`` short English texts and their class indices (balanced)."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        k = i % len(CLASSES)
        words = list(rng.choice(FILLER, 8)) + list(rng.choice(CLASS_WORDS[CLASSES[k]], 2))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(k)
    return texts, labels


@functools.cache
def trained(arch: str = "lstm"):  # noqa: ANN201 - (keras.Model, history)
    """A model of ``arch`` trained on ``corpus`` (cached for the test session)."""
    from medgui.core.ml.text.classify import train_text_model

    texts, labels = corpus()
    vt, vl = corpus(30, seed=1)
    return train_text_model(
        texts, labels, CLASSES, arch=arch, epochs=12, batch_size=16, learning_rate=1e-2,
        vocab_size=200, seq_len=16, val=(vt, vl), embed_dim=16, units=16, dropout=0.0, patience=12,
    )


def register(model, name: str = "tiny-text", classes=None):  # noqa: ANN001, ANN201
    """Save ``model`` into the test's registry (``$MEDGUI_HOME``) and return its card."""
    from medgui.core.ml.text.classify import save_text_model
    from medgui.core.models.card import ModelCard

    card = ModelCard(name=name, task="text", classes=list(classes or CLASSES), architecture=model.name)
    return save_text_model(model, card)
