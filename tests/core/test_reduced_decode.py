"""JPEGs decoded at the size the model needs: the same input, the same refusals."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from medgui.core.errors import ImageLoadError
from medgui.core.imaging.loader import load_image, load_reduced, reduction_factor
from medgui.core.imaging.preprocess import load_model_input, model_input, read_for_model


def _film(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A smooth chest-like picture with some texture: bright body, darker lungs, ribs."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    img = 170 - 60 * np.exp(-(((xx - 0.3 * width) / (0.15 * width)) ** 2 + ((yy - 0.5 * height) / (0.3 * height)) ** 2))
    img -= 60 * np.exp(-(((xx - 0.7 * width) / (0.15 * width)) ** 2 + ((yy - 0.5 * height) / (0.3 * height)) ** 2))
    img += 12 * np.sin(yy / height * 40)
    img += rng.normal(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def _jpeg(path: Path, pixels: np.ndarray, quality: int = 92) -> Path:
    assert cv2.imwrite(str(path), pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return path


def test_factor_keeps_the_minimum_side():
    assert reduction_factor(2000, 1800, 448) == 4  # 450 px a side left
    assert reduction_factor(1200, 1000, 448) == 2
    assert reduction_factor(800, 900, 448) == 1
    assert reduction_factor(4000, 3600, 448) == 8


def test_a_large_jpeg_is_decoded_reduced_and_gives_nearly_the_full_decode_input(tmp_path):
    path = _jpeg(tmp_path / "film.jpeg", _film(1200, 1000))
    pixels = load_reduced(path, 448)
    assert pixels is not None and pixels.dtype == np.uint8 and pixels.shape == (500, 600)
    x, source = read_for_model(path, 224)
    assert source is not None and not hasattr(source, "tags") and x.shape == (224, 224, 1)
    full = model_input(load_image(path), 224)  # what display and the old path use
    assert np.mean(np.abs(x - full)) < 0.003 and np.max(np.abs(x - full)) < 0.03  # measured 0.001, 0.008
    np.testing.assert_array_equal(load_model_input(str(path).encode(), 224), x)  # training's path


def test_small_files_and_other_formats_are_decoded_as_before(tmp_path):
    small = _jpeg(tmp_path / "small.jpeg", _film(300, 280))
    png = tmp_path / "film.png"
    assert cv2.imwrite(str(png), _film(1200, 1000))
    for path in (small, png):
        assert load_reduced(path, 448) is None
        x, source = read_for_model(path, 224)
        np.testing.assert_array_equal(x, model_input(load_image(path), 224))
        assert source.path == path


def test_a_colour_jpeg_stays_in_colour(tmp_path):
    colour = np.dstack([_film(1000, 1000, s) for s in (1, 2, 3)])
    pixels = load_reduced(_jpeg(tmp_path / "photo.jpg", colour), 448)
    assert pixels is not None and pixels.shape == (500, 500, 3)


def test_the_same_refusals_as_a_full_decode(tmp_path):
    data = _jpeg(tmp_path / "film.jpeg", _film(1200, 1000)).read_bytes()
    truncated = tmp_path / "cut.jpeg"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="truncated"):
        read_for_model(truncated, 224)
    with pytest.raises(ImageLoadError, match="megapixels"):
        load_reduced(tmp_path / "film.jpeg", 448, max_pixels=1_000_000)
    misnamed = tmp_path / "film.dcm"
    misnamed.write_bytes(data)
    assert load_reduced(misnamed, 448) is None
    with pytest.raises(ImageLoadError, match="not a DICOM"):
        read_for_model(misnamed, 224)
    with pytest.raises(ImageLoadError, match="not found"):
        read_for_model(tmp_path / "missing.jpeg", 224)
