"""Metrics of a registered model on a labelled folder or table (``medgui evaluate``).

The model reads the data exactly as in use: the card's preprocessing (size, intensity
standardisation), its calibration map and its threshold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import Cancelled, TrainingError
from medgui.core.ml.train import CancelledFn, ProgressFn, _Trainer, scan_data
from medgui.core.models.registry import Registry
from medgui.core.training.calibration import apply_calibration
from medgui.core.training.config import TrainingConfig
from medgui.core.training.metrics import evaluate_probabilities


def evaluate_model(ref: str | None, data: str | Path, text_column: str | None = None,
                   label_column: str | None = None, progress: ProgressFn | None = None,
                   cancelled: CancelledFn | None = None, registry: Registry | None = None,
                   group_pattern: str | None = None, batch_size: int = 32) -> dict[str, Any]:
    """Metrics of a registered model on a whole labelled folder or table.

    ``ref`` is ``NAME[@VERSION]`` (None: the active model of the data's task is not
    guessed; pass one). Examples of classes the model does not know are skipped and
    listed under ``skipped_classes``. The card's threshold is used for two classes.
    """
    from medgui.core.errors import DatasetError
    from medgui.core.ml import modelio

    registry = registry or Registry()
    if not ref:
        raise TrainingError("say which model to evaluate: NAME or NAME@VERSION")
    card = registry.get(ref)
    report = progress or (lambda info: None)
    is_cancelled = cancelled or (lambda: False)
    config = TrainingConfig(task=card.task, data=str(data), text_column=text_column,
                            label_column=label_column, group_pattern=group_pattern, batch_size=batch_size,
                            seq_len=int(card.preprocessing.get("seq_len") or 100))
    scan = scan_data(config, report, is_cancelled)
    unknown = sorted(set(scan.classes) - set(card.classes))
    known = [c for c in scan.classes if c in card.classes]
    if not known:
        raise DatasetError(f"none of the data's classes {scan.classes} is one the model {card.ref} "
                           f"knows ({card.classes})", path=Path(data))
    if unknown:
        scan = scan.without_classes(unknown)
    model = modelio.load_model(card, registry)
    size = int(model.input_shape[1]) if card.task == "image" else config.image_size
    normalise = str((card.preprocessing or {}).get("normalise", "none")) if card.task == "image" else "none"
    config = TrainingConfig(**{**config.to_json(), "image_size": size, "normalise": normalise,
                               "exclude_classes": ()})
    trainer = _Trainer(config, scan, None)
    trainer.classes = list(card.classes)
    trainer.y = np.asarray([card.classes.index(i.label) for i in scan.items], dtype=np.int64)
    report({"phase": "evaluate", "message": f"predicting {len(scan.items)} examples"})
    probs = apply_calibration(trainer.predict(model, list(range(len(scan.items)))),
                              getattr(card, "calibration", None))
    if is_cancelled():
        raise Cancelled()
    threshold = card.threshold if len(card.classes) == 2 else None
    out = evaluate_probabilities(trainer.y, probs, card.classes, threshold, card.positive_class)
    out.update({"model": card.ref, "data": str(data), "skipped_classes": unknown,
                "unreadable": len(scan.unreadable), "scan_warnings": list(scan.warnings)})
    return out
