"""Train and evaluate an image or text classifier from a dataset, as the wizard and CLI do.

``run_training`` is the whole recipe: scan, group-aware stratified split, optional k-fold
cross-validation on the training split, training with early stopping (best epoch
restored), a decision threshold chosen on the validation split, and an evaluation on the
untouched test split. It leaves the model in a staging folder with an unregistered
``ModelCard``; ``register_outcome`` moves it into the registry. A cancel raises
``Cancelled`` within about one batch and leaves nothing behind.

Progress reports are dicts with ``phase`` (``scan``, ``split``, ``kfold``, ``train``,
``evaluate``), and for training ``epoch``, ``epochs``, ``batch``, ``batches``,
``logs`` (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``), ``eta_s`` and, in
k-fold, ``fold``/``folds``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import Cancelled, TrainingError
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.calibration import (
    apply_calibration,
    calibrate_for_use,
    expected_calibration_error,
)
from medgui.core.training.config import STRATEGIES, TrainingConfig
from medgui.core.training.datasets import DatasetScan, fingerprint, scan_folder, scan_table
from medgui.core.training.metrics import choose_threshold, evaluate_probabilities, summarize_folds
from medgui.core.training.splits import class_weights, oversample, split_items
from medgui.core.training.staging import (  # noqa: F401 - the job's result is registered there
    discard_staged,
    register_card,
    register_staged,
)

ProgressFn = Callable[[dict[str, Any]], None]
CancelledFn = Callable[[], bool]

@dataclass
class TrainingOutcome:
    """A trained, evaluated model waiting in ``staging_dir`` to be registered (or dropped)."""

    staging_dir: Path
    card: ModelCard
    evaluation: dict[str, Any]
    history: dict[str, Any]
    kfold: dict[str, Any] | None = None
    scan_summary: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    # Split -> (class indices, uncalibrated probabilities), for scripts that evaluate further.
    predictions: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def discard(self) -> None:
        shutil.rmtree(self.staging_dir, ignore_errors=True)


def scan_data(config: TrainingConfig, progress: ProgressFn | None = None,
              cancelled: CancelledFn | None = None) -> DatasetScan:
    """Scan ``config.data``: a class-per-folder tree, or (text) a CSV/TSV table."""
    path = Path(config.data)
    if config.task == "text" and path.is_file():
        if not (config.text_column and config.label_column):
            raise TrainingError("a table needs a text column and a label column "
                                "(--text-column, --label-column)")
        return scan_table(path, config.text_column, config.label_column, progress, cancelled,
                          multi_label=config.multi_label)
    return scan_folder(path, config.task, progress, cancelled, config.group_pattern,
                       multi_label=config.multi_label)


def make_strategy(name: str) -> Any:
    """The ``tf.distribute`` strategy named ``name``; None for ``default``.

    ``mirrored`` replicates over all GPUs, or over all logical CPU devices when there is
    no GPU; ``multiworker`` reads the cluster from the ``TF_CONFIG`` environment variable.
    """
    if name in ("", "default"):
        return None
    import tensorflow as tf

    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = gpus or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy(devices=[d.name for d in devices])
    if name == "multiworker":
        if not os.environ.get("TF_CONFIG"):
            raise TrainingError("--strategy multiworker needs the TF_CONFIG environment variable "
                                "describing the cluster (see TensorFlow's multi-worker guide)")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise TrainingError(f"unknown strategy '{name}'; choose one of {STRATEGIES}")


def _progress_relay(report: ProgressFn, phase: str, extra: dict[str, Any]) -> ProgressFn:
    """Turn the trainers' progress dicts into this module's shape, with an ETA."""
    start = time.monotonic()

    def relay(info: dict[str, Any]) -> None:
        if "epoch" not in info:
            return  # vocabulary building and such: too short to report
        epoch, epochs = int(info.get("epoch") or 0), int(info.get("epochs") or 0)
        batch, batches = info.get("batch"), info.get("batches")
        done = (epoch - 1) + (batch / batches if batch and batches else 1.0)
        elapsed = time.monotonic() - start
        eta = elapsed / done * (epochs - done) if done > 0 and epochs else None
        logs = {}
        for key, value in (info.get("logs") or {}).items():
            key = key.replace("sparse_categorical_accuracy", "accuracy")
            logs[key] = float(value)
        report({"phase": phase, "epoch": epoch, "epochs": epochs, "batch": batch, "batches": batches,
                "logs": logs, "eta_s": eta, "message": f"epoch {epoch}/{epochs}", **extra})

    return relay


class _Trainer:
    """Fits and predicts one model type; TensorFlow lives only in here."""

    def __init__(self, config: TrainingConfig, scan: DatasetScan, strategy: Any) -> None:
        self.config = config
        self.scan = scan
        self.strategy = strategy
        self.classes = scan.classes
        self.y = np.asarray([scan.classes.index(i.label) for i in scan.items], dtype=np.int64)
        self.start_info: dict[str, Any] = {"from": "scratch"}

    def fit(self, train_idx: list[int], val_idx: list[int], report: ProgressFn,
            cancelled: CancelledFn, seed: int) -> tuple[Any, dict[str, Any]]:
        import keras

        c = self.config
        keras.utils.set_random_seed(seed)
        weights = None
        if c.imbalance in ("weights", "class_weights"):
            weights = class_weights(self.y[train_idx].tolist(), self.classes)
        elif c.imbalance == "oversample":
            train_idx = oversample(train_idx, self.y, seed)
        if c.task == "text":
            return self._fit_text(train_idx, val_idx, weights, report, cancelled, seed)
        return self._fit_image(train_idx, val_idx, weights, report, cancelled, seed)

    def _paths(self, idx: list[int]) -> list[str]:
        return [str(self.scan.items[i].path) for i in idx]

    def _texts(self, idx: list[int]) -> list[str]:
        return [self.scan.items[i].text or "" for i in idx]

    def _fit_image(self, train_idx, val_idx, weights, report, cancelled, seed):  # type: ignore[no-untyped-def]
        from medgui.core.ml.image import cnn, transfer
        from medgui.core.ml.image import train as imagetrain
        c = self.config
        start = self._start_weights()
        train_ds = imagetrain.build_image_dataset(
            self._paths(train_idx), self.y[train_idx], c.batch_size, training=True, augment=c.augment,
            seed=seed, input_size=c.image_size, normalise=c.normalise)
        if c.augment and c.horizontal_flip:
            import keras

            flip = keras.layers.RandomFlip("horizontal", seed=seed + 7)
            train_ds = train_ds.map(lambda x, y: (flip(x, training=True), y))
        val_ds = imagetrain.build_image_dataset(
            self._paths(val_idx), self.y[val_idx], c.batch_size, input_size=c.image_size, normalise=c.normalise)
        scope = self.strategy.scope() if self.strategy is not None else _Null()
        common = dict(class_weight=weights, weight_decay=c.weight_decay, patience=c.patience, progress=report,
                      cancelled=cancelled, strategy=self.strategy, restore_best=c.restore_best)
        if start is not None:
            with scope:
                model = transfer.from_start(start, len(self.classes), c.dropout)
            info = transfer.fine_tune(model, train_ds, val_ds, c.epochs, learning_rate=c.learning_rate,
                                      **common)  # type: ignore[arg-type]
        else:
            with scope:
                model = cnn.build_image_model(c.arch, len(self.classes), input_size=c.image_size,
                                              dropout=c.dropout)
            info = imagetrain.fit_model(model, train_ds, val_ds, c.epochs, learning_rate=c.learning_rate,
                                        **common)  # type: ignore[arg-type]
        info["start"] = dict(self.start_info)
        return model, info

    def _start_weights(self) -> Any:
        """The start model's network, freshly loaded, for ``start_from="xray"``; else None.

        Falls back to random weights (said in ``start_info``, which the card keeps) when no
        shipped X-ray model is installed or its input differs from this run's."""
        from medgui.core.ml import modelio
        from medgui.core.ml.image import transfer

        c = self.config
        if c.start_from != "xray":
            self.start_info = {"from": "scratch"}
            return None
        card = transfer.start_model()
        pre = (card.preprocessing or {}) if card is not None else {}
        if card is None:
            problem = "no shipped chest X-ray model is installed"
        elif int(pre.get("size") or 0) != c.image_size or pre.get("normalise", "none") != c.normalise:
            problem = (f"{card.ref} reads {pre.get('size')} px images with '{pre.get('normalise', 'none')}' "
                       f"intensity; this run uses {c.image_size} px with '{c.normalise}'")
        else:
            problem = ""
        if card is None or problem:
            self.start_info = {"from": "scratch", "requested": "xray", "reason": problem}
            return None
        model = modelio.load_model(card)
        self.start_info = {"from": card.ref, "sha256": (card.files or {}).get(card.model_file or "model.keras"),
                           "feature_layer": transfer.FEATURE_LAYER}
        return model

    def _fit_text(self, train_idx, val_idx, weights, report, cancelled, seed):  # type: ignore[no-untyped-def]
        from medgui.core.ml.text import model as textmodel

        c = self.config
        model, history = textmodel.train_text_model(
            self._texts(train_idx), self.y[train_idx].tolist(), self.classes, arch=c.arch, epochs=c.epochs,
            batch_size=c.batch_size, learning_rate=c.learning_rate, vocab_size=c.vocab_size, seq_len=c.seq_len,
            class_weight=weights, val=(self._texts(val_idx), self.y[val_idx].tolist()), progress=report,
            cancelled=cancelled, seed=seed, dropout=c.dropout, patience=c.patience, strategy=self.strategy,
            restore_best=c.restore_best, weight_decay=c.weight_decay)
        hist = {k: v for k, v in history.items() if isinstance(v, list)}
        runs = len(next(iter(hist.values()), []))
        # The n-gram model is fitted by a solver: one "epoch", neither early nor late.
        return model, {"history": hist, "epochs_run": runs, "best_epoch": history.get("best_epoch", runs),
                       "stopped_early": history.get("stopped_early", runs < c.epochs),
                       "solver": history.get("solver")}

    def predict(self, model: Any, idx: list[int]) -> np.ndarray:
        if not idx:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        if self.config.task == "text":
            from medgui.core.ml.text import model as textmodel

            return np.asarray(textmodel.predict_proba(model, self._texts(idx), self.config.batch_size))
        from medgui.core.ml.image import train as imagetrain

        ds = imagetrain.build_image_dataset(self._paths(idx), None, self.config.batch_size,
                                            input_size=self.config.image_size, normalise=self.config.normalise)
        return np.asarray(imagetrain.predict_dataset(model, ds))

    def preprocessing(self, model: Any) -> dict[str, Any]:
        c = self.config
        if c.task == "text":
            from medgui.core.ml.text import model as textmodel

            return textmodel.preprocessing_of(model, max_tokens=c.vocab_size)
        return {"function": "medgui.core.imaging.preprocess.model_input", "grayscale": True, "size": c.image_size,
                "interpolation": "INTER_AREA", "scale": "[0, 1]", "channels": 1, "normalise": c.normalise}


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _determinism(seed: int) -> None:
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    # Same seed, same numbers: costs a little speed on a few ops, worth it for a model
    # whose card must be reproducible.
    tf.config.experimental.enable_op_determinism()


def fit_and_predict(config: TrainingConfig, scan: DatasetScan, fit_idx: list[int], val_idx: list[int],
                    predict_idx: list[int], progress: ProgressFn | None = None,
                    cancelled: CancelledFn | None = None, seed: int | None = None) -> tuple[Any, dict[str, Any], np.ndarray]:
    """The recipe's trainer on chosen items of ``scan``, for model selection and final fits.

    Trains ``config``'s model on ``fit_idx`` (early stopping on ``val_idx``, which may be
    empty for the n-gram model) exactly as :func:`run_training` does, and returns
    ``(model, info, probabilities on predict_idx)``. Progress reports have phase ``fit``.
    """
    config.check()
    _determinism(config.seed if seed is None else seed)
    trainer = _Trainer(config, scan, make_strategy(config.strategy))
    report = progress or (lambda info: None)
    model, info = trainer.fit(list(fit_idx), list(val_idx), _progress_relay(report, "fit", {}),
                              cancelled or (lambda: False), config.seed if seed is None else seed)
    return model, info, trainer.predict(model, list(predict_idx))


def run_training(config: TrainingConfig, progress: ProgressFn | None = None,
                 cancelled: CancelledFn | None = None, scan: DatasetScan | None = None) -> TrainingOutcome:
    """Scan, split, (cross-validate,) train, pick the threshold and evaluate on the test split.

    Parameters
    ----------
    config : the run's settings.
    progress, cancelled : progress callback (see the module doc) and cancel predicate.
    scan : a scan the user has already reviewed (the wizard's); scanned here when None.

    Raises
    ------
    DatasetError, TrainingError
        Unusable data or settings, before any training.
    Cancelled
        When ``cancelled()`` became true; no staging folder is left behind.
    """
    config.check()
    report = progress or (lambda info: None)
    is_cancelled = cancelled or (lambda: False)
    if scan is None:
        scan = scan_data(config, report, is_cancelled)
    if config.exclude_classes:
        scan = scan.without_classes(config.exclude_classes)
    scan.check_trainable()
    labels = scan.labels
    split = split_items(labels, scan.groups, config.train_fraction, config.val_fraction,
                        config.test_fraction, config.seed)
    sizes = {"train": len(split.train), "val": len(split.val), "test": len(split.test)}
    report({"phase": "split", "message": f"{sizes['train']} training / {sizes['val']} validation / "
            f"{sizes['test']} test examples", "sizes": sizes})
    if is_cancelled():
        raise Cancelled()
    positive = None
    if len(scan.classes) == 2:
        positive = config.positive_class if config.positive_class in scan.classes else scan.classes[1]

    _determinism(config.seed)
    strategy = make_strategy(config.strategy)
    trainer = _Trainer(config, scan, strategy)
    kfold = _cross_validate(trainer, list(split.train), list(split.val), report, is_cancelled) if config.kfold else None

    model, info = trainer.fit(list(split.train), list(split.val), _progress_relay(report, "train", {}),
                              is_cancelled, config.seed)
    report({"phase": "evaluate", "message": "evaluating on the test split"})
    y = trainer.y
    val, test = list(split.val), list(split.test)
    val_raw = trainer.predict(model, val)
    pos_index = scan.classes.index(positive) if positive is not None else 1
    calibration = calibrate_for_use(y[val], val_raw, pos_index) if len(val) else None
    threshold = None
    if positive is not None:
        threshold = choose_threshold(y[val], apply_calibration(val_raw, calibration), scan.classes, positive,
                                     min_sensitivity=config.min_sensitivity)
    test_raw = trainer.predict(model, test)
    test_probs = apply_calibration(test_raw, calibration)
    if is_cancelled():
        raise Cancelled()
    evaluation = evaluate_probabilities(y[test], test_probs, scan.classes, threshold, positive,
                                        seed=config.seed)
    evaluation["calibration"] = _calibration_summary(calibration, y[test], test_raw, evaluation.get("ece"))
    evaluation.update(_provenance(config, sizes["test"], positive is not None, scan.grouping))
    if config.task == "text":
        # The simple model next to every text model: nobody ships what a linear model beats.
        from medgui.core.ml.text.baseline import evaluate_baseline

        report({"phase": "evaluate", "message": "fitting the TF-IDF + logistic-regression baseline"})
        evaluation["baseline"] = evaluate_baseline(
            trainer._texts(list(split.train)), y[list(split.train)], trainer._texts(list(split.test)),
            y[list(split.test)], scan.classes, evaluation, test_probs, seed=config.seed)
    if kfold is not None:
        evaluation["kfold"] = kfold

    staging = Path(tempfile.mkdtemp(prefix="medgui-train-"))
    try:
        model.save(staging / "model.keras")
        card = _card(config, scan, trainer, model, info, evaluation, threshold, positive, sizes, strategy)
        card.calibration = calibration
        # The inference export (ONNX) is written here, where TensorFlow is loaded: readings
        # of the registered model then need none (``medgui.core.ml.export``).
        from medgui.core.ml.export import export_into

        report({"phase": "evaluate", "message": "writing the inference export"})
        export_into(model, staging, card)
        # Every model version carries its applicability gate (``core.ml.gate_fit``).
        from medgui.core.ml.gate_fit import fit_gate_into

        report({"phase": "evaluate", "message": "fitting the applicability gate"})
        card.metrics["gate"] = fit_gate_into(staging, trainer, model, split, card, test_probs)
        if is_cancelled():
            raise Cancelled()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return TrainingOutcome(staging, card, evaluation, info["history"], kfold, scan.summary(),
                           {"epochs_run": info.get("epochs_run"), "best_epoch": info.get("best_epoch")},
                           predictions={"val": (y[val], val_raw), "test": (y[test], test_raw)})


def _calibration_summary(calibration: dict[str, Any] | None, y: np.ndarray, raw: np.ndarray,
                         ece_after: float | None) -> dict[str, Any]:
    """ECE on the test split before and after the stored map (``ece_after``: the evaluation's
    own, on calibrated probabilities), or why there is no map."""
    if not len(y):
        return {"method": None, "note": "no test split"}
    out: dict[str, Any] = {"split": "test", "n": int(len(y)), "ece_before": expected_calibration_error(y, raw),
                           "ece_after": ece_after}
    if calibration is None:
        out.update(method=None, note="validation split too small to fit a calibration map; "
                                     "probabilities are the network's own")
    else:
        out.update(method=calibration["method"], source=calibration["fit"]["source"])
    return out


def _provenance(config: TrainingConfig, n_test: int, binary: bool, scan_grouping: str = "") -> dict[str, Any]:
    """Which split the figures come from, grouped how, and (two classes) the threshold rule."""
    if scan_grouping:
        grouping = f"grouped {scan_grouping}"
    elif config.group_pattern:
        grouping = f"grouped by patient (file-name pattern '{config.group_pattern}')"
    else:
        grouping = "one group per file or row, exact duplicates kept once"
    out: dict[str, Any] = {"split": "test", "evaluated_on": f"test split, {grouping} ({n_test:,} examples)"}
    if binary:
        out["threshold_rule"] = config.threshold_rule
    return out


def _cross_validate(trainer: _Trainer, train_idx: list[int], val_idx: list[int], report: ProgressFn,
                    cancelled: CancelledFn) -> dict[str, Any]:
    """k models, each trained on k-1 folds of the training split (early-stopped on the
    validation split) and scored on the held-out fold; returns mean and spread."""
    from sklearn.model_selection import StratifiedGroupKFold

    c = trainer.config
    groups = np.asarray([trainer.scan.items[i].group for i in train_idx])
    y = trainer.y[train_idx]
    smallest = int(np.bincount(y).min())
    if smallest < c.kfold:
        raise TrainingError(f"{c.kfold}-fold cross-validation needs at least {c.kfold} training "
                            f"examples per class; the smallest class has {smallest}")
    folds = StratifiedGroupKFold(n_splits=c.kfold, shuffle=True, random_state=c.seed)
    results = []
    for k, (fit_pos, held_pos) in enumerate(folds.split(np.zeros(len(y)), y, groups), start=1):
        relay = _progress_relay(report, "kfold", {"fold": k, "folds": c.kfold})
        fit_idx = [train_idx[i] for i in fit_pos]
        held_idx = [train_idx[i] for i in held_pos]
        model, _ = trainer.fit(fit_idx, val_idx, relay, cancelled, c.seed + k)
        probs = trainer.predict(model, held_idx)
        results.append(evaluate_probabilities(trainer.y[held_idx], probs, trainer.classes, n_bootstrap=0))
        del model
    return summarize_folds(results)


def _card(config: TrainingConfig, scan: DatasetScan, trainer: _Trainer, model: Any, info: dict[str, Any],
          evaluation: dict[str, Any], threshold: float | None, positive: str | None, sizes: dict[str, int],
          strategy: Any) -> ModelCard:
    import keras
    import tensorflow as tf

    training = config.to_json()
    training.update({
        "architecture": config.arch,
        "epochs_run": info.get("epochs_run"),
        "best_epoch": info.get("best_epoch"),
        "stopped_early": info.get("stopped_early"),
        **({"solver": info["solver"]} if info.get("solver") else {}),
        "split_sizes": sizes,
        "replicas": int(strategy.num_replicas_in_sync) if strategy is not None else 1,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "history": info.get("history", {}),
        **({"start": info["start"]} if info.get("start") else {}),
        **({"phases": info["phases"]} if info.get("phases") else {}),
    })
    return ModelCard(
        name=config.name or f"{config.task}-{Path(config.data).stem or 'model'}",
        task=config.task, classes=list(scan.classes), architecture=config.arch,
        preprocessing=trainer.preprocessing(model),
        threshold=None if threshold is None else float(threshold),
        positive_class=positive, metrics=evaluation, training=training,
        data_fingerprint={**fingerprint(scan), "split_sizes": sizes}, notes=config.notes,
    )


def register_outcome(outcome: TrainingOutcome, name: str, notes: str = "", activate: bool = False,
                     registry: Registry | None = None) -> ModelCard:
    """Register a trained model under ``name``; the staging folder is removed once it is in."""
    return register_card(outcome.staging_dir, outcome.card, name, notes, activate, registry)


def train_job(payload: dict[str, Any], progress: ProgressFn, cancelled: CancelledFn) -> dict[str, Any]:
    """Analysis-process job: ``{"config": TrainingConfig.to_json()}`` -> plain result dict.

    The model stays in ``staging_dir`` until the GUI registers it with
    :func:`register_staged` (or drops it with :func:`discard_staged`).
    """
    config = TrainingConfig.from_json(payload["config"])
    outcome = run_training(config, progress, cancelled)
    return {"staging_dir": str(outcome.staging_dir), "card": outcome.card.to_json(),
            "evaluation": outcome.evaluation, "history": outcome.history, "kfold": outcome.kfold,
            "scan_summary": outcome.scan_summary}
