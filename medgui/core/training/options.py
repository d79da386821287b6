"""The choices the training wizard offers, as plain data (no TensorFlow).

The builders live in ``medgui.core.ml.image.cnn`` (``ARCHITECTURES``) and
``medgui.core.ml.text.model`` (``TEXT_ARCHITECTURES``); both import Keras, which must never
load in the GUI process. The names here must match those dictionaries' keys: a test
(``tests/ui/test_training_wizard.py``) checks that they do. The starting values of the
fields are not kept here: they are ``TrainingConfig``'s defaults (``core.training.config``).
"""

from __future__ import annotations

from medgui.core.training.config import TASKS, TrainingConfig, defaults

# name -> one-line description shown in the wizard's architecture combo box.
IMAGE_ARCHITECTURES: dict[str, str] = {
    "compact_cnn": "Compact CNN (default): separable conv blocks, batch norm, global pooling",
    "seed_cnn": "Seed CNN (the article's): Conv 32-64-64, Dense 64, about 11 M parameters",
}
TEXT_ARCHITECTURES: dict[str, str] = {
    "ngram_tfidf": "TF-IDF of words and word pairs + softmax (default): a logistic regression in Keras, "
                   "fitted to its optimum; reads the whole note",
    "bilstm": "Bidirectional LSTM + max pooling",
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

# Images: the starting weights and the intensity standardisation (``TrainingConfig``).
START_FROM_CHOICES: dict[str, str] = {
    "xray": "The shipped chest X-ray model (recommended): fine-tunes its features, best on small data",
    "scratch": "Scratch: random weights; needs thousands of images",
}
NORMALISE_CHOICES: dict[str, str] = {
    "clahe": "CLAHE (default): evens out contrast between machines and exposures",
    "none": "None: the pixel values as stored",
}
# Text architectures fitted by a solver: the sequence settings and dropout do not apply.
LINEAR_TEXT = ("ngram_tfidf",)

AUGMENTATION_NOTE = (
    "Small rotations (±5°), shifts and zoom (±5 %) and contrast changes, applied to the "
    "training split only. Safe for chest X-rays."
)
FLIP_NOTE = (
    "Off by default: a horizontal flip moves the heart to the right side, which no real "
    "chest X-ray shows."
)


# The wizard's starting values: the one set of defaults, from ``TrainingConfig``.
DEFAULTS: dict[str, TrainingConfig] = {task: defaults(task) for task in TASKS}
_D = DEFAULTS["image"]
SPLIT_DEFAULT: tuple[int, int, int] = (  # train / validation / test, percent
    round(100 * _D.train_fraction), round(100 * _D.val_fraction), round(100 * _D.test_fraction))
SEED_DEFAULT = _D.seed
