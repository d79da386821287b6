"""Training pipeline for image classifiers: data streaming, class weights, fitting.

Used by ``core.ml.train.run_training`` (the wizard, ``medgui train`` and the scripts). Images are
streamed from disk through ``medgui.core.imaging.preprocess.load_model_input``, the same
function inference uses, so a model sees identical inputs in training and in use.
Nothing here knows about processes or Qt: progress goes through a plain callback and
cancellation through a plain predicate.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from medgui.core.errors import Cancelled, DatasetError
from medgui.core.ml.progress import CancelledFn, ProgressCallback, ProgressFn

# Augmentation safe for chest radiographs: small rotations, shifts, zooms and contrast
# changes, as positioning and exposure vary. No horizontal flip: the heart is on the
# left, and a mirrored chest is not a plausible radiograph.
AUGMENTATION = {"rotation_deg": 7.0, "shift": 0.06, "zoom": 0.10, "contrast": 0.15, "hflip": False}
# Photometric changes a film from another machine, exposure or export brings: gamma,
# brightness, blur or sharpening, and sensor noise, drawn per image (``photometric``).
PHOTOMETRIC: dict[str, float] = {"gamma_log": 0.35, "brightness": 0.08, "blur_min": -0.5, "blur_max": 1.0,
                                  "noise_std": 0.03}


def photometric(x: tf.Tensor, seed: int = 0) -> tf.Tensor:
    """Random per-image gamma, brightness, blur/sharpen and Gaussian noise on a [0, 1] batch.

    ``x``: ``(batch, h, w, 1)`` float32. Blur mixes the image with its 3x3 box blur by a
    weight from ``blur_min`` to ``blur_max`` (negative sharpens). Returns values in [0, 1].
    """
    p = PHOTOMETRIC
    shape = (tf.shape(x)[0], 1, 1, 1)

    def draw(lo: float, hi: float, k: int) -> tf.Tensor:
        return tf.random.uniform(shape, lo, hi, seed=seed + k)

    x = tf.pow(tf.clip_by_value(x, 1e-6, 1.0), tf.exp(draw(-p["gamma_log"], p["gamma_log"], 11)))
    x = x + draw(-p["brightness"], p["brightness"], 12)
    x = x + draw(p["blur_min"], p["blur_max"], 13) * (tf.nn.avg_pool2d(x, 3, 1, "SAME") - x)
    x = x + tf.random.normal(tf.shape(x), seed=seed + 14) * draw(0.0, p["noise_std"], 15)
    return tf.clip_by_value(x, 0.0, 1.0)


def _load_input(path: str, size: int, normalise: str = "none") -> np.ndarray:
    from medgui.core.imaging.preprocess import load_model_input

    return np.asarray(load_model_input(path, size=size, normalise=normalise), dtype=np.float32)


def _augmenter(seed: int, input_size: int) -> keras.Sequential:
    a = AUGMENTATION
    return keras.Sequential(
        [
            keras.layers.RandomRotation(a["rotation_deg"] / 360.0, fill_mode="constant", seed=seed),
            keras.layers.RandomTranslation(a["shift"], a["shift"], fill_mode="constant", seed=seed + 1),
            keras.layers.RandomZoom(a["zoom"], fill_mode="constant", seed=seed + 2),
            keras.layers.RandomContrast(a["contrast"], value_range=(0.0, 1.0), seed=seed + 3),
        ],
        name="augmentation",
    )


def build_image_dataset(
    paths: Sequence[str],
    labels: Sequence[int] | None,
    batch_size: int = 32,
    training: bool = False,
    augment: bool = False,
    seed: int = 0,
    input_size: int = 224,
    cache: bool = False,
    normalise: str = "none",
) -> tf.data.Dataset:
    """A batched ``tf.data`` pipeline of ``(x, label)`` (or ``x`` when ``labels`` is None).

    Parameters
    ----------
    paths : image files, any format ``medgui.core.imaging.loader`` reads.
    labels : class index per path, or None for inference.
    batch_size : images per batch.
    training : shuffle each epoch (with ``seed``).
    augment : apply ``AUGMENTATION`` and ``photometric`` (only meaningful with ``training``).
    seed : seed for shuffling and augmentation.
    input_size : side of the model input; must match what ``load_model_input`` yields.
    cache : keep decoded images in memory after the first epoch (float32, 200 kB each).
    normalise : intensity standardisation (``preprocess.NORMALISATIONS``), as the card states.

    Files are decoded in parallel threads as the model consumes them; a file that
    cannot be read fails the pipeline with the ``ImageLoadError`` naming it.
    """
    paths = [str(p) for p in paths]
    if not paths:
        raise DatasetError("no images to build a dataset from")
    if labels is not None and len(labels) != len(paths):
        raise DatasetError(f"{len(paths)} images but {len(labels)} labels")

    def load(path: tf.Tensor) -> tf.Tensor:
        x = tf.numpy_function(lambda p: _load_input(p.decode(), input_size, normalise), [path], tf.float32, stateful=False)
        x.set_shape((input_size, input_size, 1))
        return x

    if labels is None:
        ds = tf.data.Dataset.from_tensor_slices(paths)
        ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)

    ds = tf.data.Dataset.from_tensor_slices((paths, np.asarray(labels, dtype=np.int32)))
    if training and not cache:
        ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(lambda p, y: (load(p), y), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if cache:
        ds = ds.cache()
        if training:
            ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if training and augment:
        aug = _augmenter(seed, input_size)
        ds = ds.map(
            lambda x, y: (photometric(tf.clip_by_value(aug(x, training=True), 0.0, 1.0), seed), y),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return ds.prefetch(tf.data.AUTOTUNE)


def fit_model(
    model: keras.Model,
    train_ds: tf.data.Dataset,
    val_ds: tf.data.Dataset | None,
    epochs: int,
    class_weight: dict[int, float] | None = None,
    learning_rate: float = 1e-3,
    weight_decay: float = 1e-4,
    patience: int = 4,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    strategy: tf.distribute.Strategy | None = None,
    restore_best: bool = True,
) -> dict[str, Any]:
    """Compile and train ``model`` (softmax output, integer labels) in place.

    AdamW with the learning rate cut by 3 when the validation loss stalls, early
    stopping on validation loss after ``patience`` epochs without improvement, and
    (``restore_best``) the best epoch's weights restored at the end.

    Returns
    -------
    dict with ``history`` (metric -> per-epoch list), ``epochs_run``, ``best_epoch``
    (1-based), ``stopped_early`` and ``seconds``.

    Raises
    ------
    Cancelled
        When ``cancelled()`` became true; the model then holds the last weights.
    """
    monitor = "val_loss" if val_ds is not None else "loss"
    with strategy.scope() if strategy is not None else _nullcontext():
        model.compile(
            optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay),
            loss="sparse_categorical_crossentropy",
            metrics=["sparse_categorical_accuracy"],
        )
    try:
        batches = int(train_ds.cardinality())
    except (TypeError, ValueError):
        batches = None
    progress_cb = ProgressCallback(progress, cancelled, batches=batches if batches and batches > 0 else None)
    early = keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=restore_best, verbose=0
    )
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor=monitor, factor=1 / 3, patience=max(1, patience // 2), min_lr=learning_rate / 100
    )
    start = time.monotonic()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=epochs,
        class_weight=class_weight,
        callbacks=[progress_cb, early, plateau],
        verbose=0,
    )
    if progress_cb.was_cancelled:
        raise Cancelled("training cancelled")
    hist = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    runs = len(next(iter(hist.values()), []))
    losses = hist.get(monitor, [])
    best = int(np.argmin(losses)) + 1 if losses else runs
    return {
        "history": hist,
        "epochs_run": runs,
        "best_epoch": best,
        "stopped_early": runs < epochs,
        "seconds": round(time.monotonic() - start, 1),
    }


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def predict_dataset(model: keras.Model, ds: tf.data.Dataset) -> np.ndarray:
    """Class probabilities for every element of ``ds`` (``x`` or ``(x, y)`` batches)."""
    fn = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    out = []
    for batch in ds:
        x = batch[0] if isinstance(batch, tuple) else batch
        out.append(fn(x).numpy())
    return np.concatenate(out, axis=0)
