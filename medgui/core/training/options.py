"""The choices the training wizard offers, as plain data (no TensorFlow).

The builders live in ``medgui.core.ml.image.cnn`` (``ARCHITECTURES``) and
``medgui.core.ml.text.model`` (``TEXT_ARCHITECTURES``); both import Keras, which must never
load in the GUI process. The names here must match those dictionaries' keys: a test
(``tests/ui/test_training_wizard.py``) checks that they do.
"""

from __future__ import annotations

from dataclasses import dataclass

# name -> one-line description shown in the wizard's architecture combo box.
IMAGE_ARCHITECTURES: dict[str, str] = {
    "compact_cnn": "Compact CNN (default): separable conv blocks, batch norm, global pooling",
    "seed_cnn": "Seed CNN (the article's): Conv 32-64-64, Dense 64, about 11 M parameters",
}
TEXT_ARCHITECTURES: dict[str, str] = {
    "bilstm": "Bidirectional LSTM + max pooling (default)",
    "bigru": "Bidirectional GRU + max pooling",
    "conv_bigru": "Conv1D phrases + bidirectional GRU + max pooling",
    "lstm": "LSTM x2 (the seed article's)",
    "rnn": "SimpleRNN x2 (the seed article's)",
}
ARCHITECTURES: dict[str, dict[str, str]] = {"image": IMAGE_ARCHITECTURES, "text": TEXT_ARCHITECTURES}

IMBALANCE_CHOICES: dict[str, str] = {
    "weights": "Class weights (default): n / (classes x count) in the loss",
    "oversample": "Oversample the training split (after splitting, never before)",
    "none": "None",
}

AUGMENTATION_NOTE = (
    "Small rotations (±5°), shifts and zoom (±5 %) and contrast changes, applied to the "
    "training split only. Safe for chest X-rays."
)
FLIP_NOTE = (
    "Off by default: a horizontal flip moves the heart to the right side, which no real "
    "chest X-ray shows."
)


@dataclass(frozen=True)
class Defaults:
    """Starting values of the wizard's fields for one task."""

    architecture: str
    epochs: int
    batch_size: int
    learning_rate: float
    dropout: float
    weight_decay: float
    patience: int
    image_size: int = 224
    vocab_size: int = 20000
    seq_len: int = 200


DEFAULTS: dict[str, Defaults] = {
    "image": Defaults("compact_cnn", epochs=15, batch_size=32, learning_rate=1e-3, dropout=0.3,
                      weight_decay=1e-4, patience=4),
    "text": Defaults("bilstm", epochs=10, batch_size=32, learning_rate=1e-3, dropout=0.3,
                     weight_decay=0.0, patience=3, vocab_size=10_000, seq_len=100),
}

SPLIT_DEFAULT = (70, 15, 15)  # train / validation / test, percent
SEED_DEFAULT = 42
MIN_PER_CLASS = 3  # fewer images than this cannot be split three ways; see datasets.py
