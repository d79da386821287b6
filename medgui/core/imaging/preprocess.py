"""The one preprocessing step shared by inference and training (seed article).

Grayscale, resize to ``MODEL_SIZE`` x ``MODEL_SIZE`` with area interpolation, scale to
[0, 1]. Training pipelines call :func:`load_model_input` (through
``tf.numpy_function``) and the classifiers call :func:`read_for_model` on a file or
:func:`model_input` on pixels in memory, so a model sees the same numbers in all of them.

A JPEG much larger than the model input is decoded at 1/2, 1/4 or 1/8 scale
(``loader.load_reduced``), keeping at least ``REDUCE_MARGIN`` times the input size a
side; the area resize does the rest. On 80 full-resolution chest films (about 1,000 to
2,200 px) this changed P(PNEUMONIA) by 0.0007 on average (at most 0.03), flipped no
reading and halved the decode + preprocess time per file (14.0 to 6.9 ms;
``benchmarks/bench_light_runtime.py``). Display always uses the full-resolution decode.
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from medgui.core.imaging.loader import DEFAULT_MAX_PIXELS, XRayImage, load_image, load_reduced

MODEL_SIZE = 224
NORMALISATIONS = ("none", "clahe")
"""Intensity standardisations a model card's ``preprocessing.normalise`` may name.

``none`` (the seed article's, and ``pneumonia-cnn@1``'s): pixels / 255. ``clahe``: after the
resize, a robust stretch (0.5th to 99.5th percentile to 0..255) then contrast-limited
adaptive histogram equalisation (``CLAHE_CLIP``, ``CLAHE_TILES``), so films from another
machine or exposure reach the model with comparable contrast."""
CLAHE_CLIP = 2.0
CLAHE_TILES = 8
REDUCE_MARGIN = 2.0
"""A JPEG is decoded reduced only while each side keeps this many times the input size."""


def _to_gray_uint8(arr: np.ndarray) -> np.ndarray:
    if arr.dtype != np.uint8:
        raise ValueError(f"model_input expects uint8 pixels, got {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        return arr
    if arr.ndim == 3 and arr.shape[2] == 3:
        return cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    if arr.ndim == 3 and arr.shape[2] == 4:
        return cv2.cvtColor(arr, cv2.COLOR_RGBA2GRAY)
    raise ValueError(f"model_input expects (H, W), (H, W, 3) or (H, W, 4), got {arr.shape}")


def standardise(gray: np.ndarray, normalise: str = "none") -> np.ndarray:
    """Apply the intensity standardisation ``normalise`` (see ``NORMALISATIONS``) to uint8 gray."""
    if normalise == "none":
        return gray
    if normalise != "clahe":
        raise ValueError(f"unknown normalisation {normalise!r}; known: {', '.join(NORMALISATIONS)}")
    lo, hi = np.percentile(gray, (0.5, 99.5))
    if hi - lo >= 1:
        gray = cv2.convertScaleAbs(gray, alpha=255.0 / (hi - lo), beta=-lo * 255.0 / (hi - lo))
    clahe = cv2.createCLAHE(clipLimit=CLAHE_CLIP, tileGridSize=(CLAHE_TILES, CLAHE_TILES))
    return clahe.apply(np.ascontiguousarray(gray))


def model_input(image: XRayImage | np.ndarray, size: int = MODEL_SIZE, normalise: str = "none") -> np.ndarray:
    """Turn an image into the CNN's input.

    Parameters
    ----------
    image
        An :class:`XRayImage` (windowed with its default window, i.e. as first shown)
        or a uint8 array: gray ``(H, W)``/``(H, W, 1)``, RGB ``(H, W, 3)`` or RGBA.
    size
        Side of the square output.
    normalise
        Intensity standardisation after the resize (``NORMALISATIONS``); a model's card
        names the one it was trained with (``preprocessing.normalise``, default ``none``).

    Returns
    -------
    numpy.ndarray
        float32 ``(size, size, 1)`` with values in [0, 1].
    """
    arr = image.to_uint8() if isinstance(image, XRayImage) else np.asarray(image)
    gray = _to_gray_uint8(arr)
    if gray.shape != (size, size):
        gray = cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA)
    gray = standardise(gray, normalise)
    out = gray.astype(np.float32)
    out *= np.float32(1.0 / 255.0)
    return out[:, :, np.newaxis]


def load_model_input(path: str | bytes | os.PathLike[str], size: int = MODEL_SIZE,
                     max_pixels: int = DEFAULT_MAX_PIXELS, normalise: str = "none") -> np.ndarray:
    """Load *path* and preprocess it; accepts bytes paths as ``tf.numpy_function`` passes.

    Raises :class:`~medgui.core.errors.ImageLoadError` like :func:`load_image`.
    """
    if isinstance(path, (bytes, bytearray)):
        path = os.fsdecode(bytes(path))
    return read_for_model(path, size, max_pixels=max_pixels, normalise=normalise)[0]


def read_for_model(path: str | os.PathLike[str], size: int = MODEL_SIZE, frame: int = 0,
                   max_pixels: int = DEFAULT_MAX_PIXELS,
                   normalise: str = "none") -> tuple[np.ndarray, XRayImage | np.ndarray]:
    """The model input for the file at ``path``, and the picture it was made from.

    Returns
    -------
    tuple
        ``(x, source)``: ``x`` as :func:`model_input` returns it; ``source`` the decoded
        :class:`XRayImage`, or, for a JPEG decoded at reduced size, its uint8 pixels
        (gray or RGB, the original's aspect ratio) and no header to consult.

    Raises :class:`~medgui.core.errors.ImageLoadError` like :func:`load_image`.
    """
    if frame == 0:
        pixels = load_reduced(path, int(size * REDUCE_MARGIN), max_pixels)
        if pixels is not None:
            return model_input(pixels, size, normalise), pixels
    image = load_image(path, frame, max_pixels=max_pixels)
    return model_input(image, size, normalise), image
