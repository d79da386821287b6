"""The one training configuration, and its one set of defaults (no TensorFlow).

The training wizard starts its fields from :func:`defaults`, ``medgui train`` takes its
option defaults from the same object, and the scripts that build the shipped models
construct a ``TrainingConfig`` too. ``TrainingConfig(task=..., data=...)`` therefore *is*
the default recipe; the only per-task difference is the architecture
(``DEFAULT_ARCHITECTURE``), and a few fields apply to one task only (``image_size``,
``augment`` and ``horizontal_flip`` to images, ``vocab_size`` and ``seq_len`` to text).
The whole object is stored in each model card, so a card's options reproduce its run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from medgui.core.errors import ModelLoadError, TrainingError
from medgui.core.models.card import check_name
from medgui.core.training import multilabel

TASKS = ("image", "text")
IMBALANCE = ("weights", "oversample", "none")
STRATEGIES = ("default", "mirrored", "multiworker")
MULTI_LABEL = tuple(multilabel.RULES)
# Text: the n-gram model won repeated grouped cross-validation on MTSamples against the
# RNNs (resources/models/specialty-text/MODEL_CARD.md).
DEFAULT_ARCHITECTURE = {"image": "compact_cnn", "text": "ngram_tfidf"}
# Image models start from the shipped chest X-ray model's convolutional features ("xray", the
# registry's active model of DEFAULT_START_MODEL) or from random weights ("scratch").
START_FROM = ("xray", "scratch")
DEFAULT_START_MODEL = "pneumonia-cnn"
NORMALISE = ("clahe", "none")  # core.imaging.preprocess.NORMALISATIONS
THRESHOLD_RULE = ("Youden's J optimum on the validation split, lowered if needed to keep "
                  "sensitivity >= {min_sensitivity:g}")


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides a training run; stored in the model card as is.

    The field defaults are the house defaults, for both tasks.
    """

    task: str
    data: str
    name: str = ""
    notes: str = ""
    text_column: str | None = None
    label_column: str | None = None
    exclude_classes: tuple[str, ...] = ()
    # A text filed under several classes: drop, first, majority or each (``multilabel``).
    multi_label: str = multilabel.DEFAULT
    group_pattern: str | None = None
    train_fraction: float = 0.7
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    seed: int = 42
    imbalance: str = "weights"  # "weights" | "oversample" | "none"
    augment: bool = True
    horizontal_flip: bool = False
    architecture: str = ""  # "": DEFAULT_ARCHITECTURE[task]
    epochs: int = 15
    batch_size: int = 32
    learning_rate: float = 1e-3
    dropout: float = 0.3
    weight_decay: float = 1e-4
    patience: int = 4
    restore_best: bool = True
    kfold: int = 0
    image_size: int = 224
    # Images: the starting weights ("xray": the shipped X-ray model's features, fine-tuned;
    # "scratch": random) and the intensity standardisation (``preprocess.NORMALISATIONS``).
    start_from: str = "xray"
    normalise: str = "clahe"
    vocab_size: int = 10000
    seq_len: int = 100
    strategy: str = "default"  # "default" | "mirrored" | "multiworker"
    positive_class: str | None = None  # two classes: the one ROC refers to (default: the second)
    # Two classes: the threshold rule keeps at least this sensitivity on the validation split.
    min_sensitivity: float = 0.93

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude_classes"] = list(self.exclude_classes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainingConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["exclude_classes"] = tuple(values.get("exclude_classes") or ())
        return cls(**values)

    @property
    def arch(self) -> str:
        return self.architecture or DEFAULT_ARCHITECTURE.get(self.task, "")

    @property
    def threshold_rule(self) -> str:
        """The two-class decision rule, in words, as the card states it."""
        return THRESHOLD_RULE.format(min_sensitivity=self.min_sensitivity)

    def check(self) -> None:
        """Raise ``TrainingError`` for values no training can use."""
        problems = []
        if self.task not in DEFAULT_ARCHITECTURE:
            problems.append(f"task must be image or text, not '{self.task}'")
        if self.imbalance not in IMBALANCE and self.imbalance != "class_weights":
            problems.append(f"imbalance must be one of {IMBALANCE}")
        if self.multi_label not in MULTI_LABEL:
            problems.append(f"multi_label must be one of {MULTI_LABEL}")
        if self.strategy not in STRATEGIES:
            problems.append(f"strategy must be one of {STRATEGIES}")
        if self.epochs < 1 or self.batch_size < 1 or self.learning_rate <= 0:
            problems.append("epochs, batch size and learning rate must be positive")
        if self.kfold == 1 or self.kfold < 0:
            problems.append("k-fold needs at least 2 folds (0 = off)")
        if not 0 <= self.dropout < 1:
            problems.append("dropout must be in [0, 1)")
        if self.weight_decay < 0:
            problems.append("weight decay must not be negative")
        if not 0 <= self.min_sensitivity <= 1:
            problems.append("minimum sensitivity must be in [0, 1]")
        if self.start_from not in START_FROM:
            problems.append(f"start from must be one of {START_FROM}")
        if self.normalise not in NORMALISE:
            problems.append(f"normalise must be one of {NORMALISE}")
        if self.image_size < 16:
            problems.append("image size must be at least 16 pixels")
        if self.name:
            try:
                check_name(self.name)
            except ModelLoadError as exc:
                problems.append(exc.message)
        if problems:
            raise TrainingError("; ".join(problems))


def defaults(task: str, data: str = "") -> TrainingConfig:
    """The default configuration of ``task``, with its architecture spelled out."""
    config = TrainingConfig(task=task, data=data)
    return replace(config, architecture=config.arch)

