"""The training choices' descriptions, translated at the interface.

``core.training.options`` and ``core.training.multilabel`` hold them as plain data (core
has no Qt), so lupdate cannot find them there; they are listed here, verbatim, in the
``options`` context, and :func:`option_text` looks one up. ``tests/ui/test_i18n.py``
checks that every description core offers has a translation, so a text changed in core
but not here is caught.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "options"

# Only lupdate reads this tuple.
_TEXTS = (
    # options.IMAGE_ARCHITECTURES
    QT_TRANSLATE_NOOP("options", "Compact CNN (default): separable conv blocks, batch norm, global pooling"),
    QT_TRANSLATE_NOOP("options", "Seed CNN (the article's): Conv 32-64-64, Dense 64, about 11 M parameters"),
    # options.TEXT_ARCHITECTURES
    QT_TRANSLATE_NOOP("options", "TF-IDF of words and word pairs + softmax (default): a logistic regression "
                                 "in Keras, fitted to its optimum; reads the whole note"),
    QT_TRANSLATE_NOOP("options", "Bidirectional LSTM + max pooling"),
    QT_TRANSLATE_NOOP("options", "Bidirectional GRU + max pooling"),
    QT_TRANSLATE_NOOP("options", "Conv1D phrases + bidirectional GRU + max pooling"),
    QT_TRANSLATE_NOOP("options", "LSTM x2 (the seed article's)"),
    QT_TRANSLATE_NOOP("options", "SimpleRNN x2 (the seed article's)"),
    # options.IMBALANCE_CHOICES
    QT_TRANSLATE_NOOP("options", "Class weights (default): n / (classes x count) in the loss"),
    QT_TRANSLATE_NOOP("options", "Oversample the training split (after splitting, never before)"),
    QT_TRANSLATE_NOOP("options", "None"),
    # options.START_FROM_CHOICES
    QT_TRANSLATE_NOOP("options", "The shipped chest X-ray model (recommended): fine-tunes its features, "
                                 "best on small data"),
    QT_TRANSLATE_NOOP("options", "Scratch: random weights; needs thousands of images"),
    # options.NORMALISE_CHOICES
    QT_TRANSLATE_NOOP("options", "CLAHE (default): evens out contrast between machines and exposures"),
    QT_TRANSLATE_NOOP("options", "None: the pixel values as stored"),
    # options.AUGMENTATION_NOTE, options.FLIP_NOTE
    QT_TRANSLATE_NOOP("options", "Small rotations (±5°), shifts and zoom (±5 %) and contrast changes, "
                                 "applied to the training split only. Safe for chest X-rays."),
    QT_TRANSLATE_NOOP("options", "Off by default: a horizontal flip moves the heart to the right side, "
                                 "which no real chest X-ray shows."),
    # multilabel.RULES
    QT_TRANSLATE_NOOP("options", "Leave them out (no single label is right)"),
    QT_TRANSLATE_NOOP("options", "Use the first label"),
    QT_TRANSLATE_NOOP("options", "Use the label given most often"),
    QT_TRANSLATE_NOOP("options", "One example per label"),
)


def option_text(text: str) -> str:
    """``text`` (a description from core) in the interface language; itself when untranslated."""
    return QCoreApplication.translate(CONTEXT, text)
