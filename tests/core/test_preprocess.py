"""The preprocessing shared by inference and training: gray, 224 x 224, [0, 1]."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from medgui.core.errors import ImageLoadError
from medgui.core.imaging.loader import load_image
from medgui.core.imaging.preprocess import MODEL_SIZE, load_model_input, model_input
from tests.core.dicom_factory import write_dicom


def chest_like(h: int = 300, w: int = 260) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return ((np.sin(x / 17.0) * np.cos(y / 23.0) + 1) * 127.5).astype(np.uint8)


def write_png(path: Path, img: np.ndarray) -> Path:
    ok, data = cv2.imencode(".png", img)
    assert ok
    path.write_bytes(data.tobytes())
    return path


def test_shape_dtype_range_and_area_resize(tmp_path: Path) -> None:
    img = chest_like()
    x = model_input(load_image(write_png(tmp_path / "a.png", img)))
    assert MODEL_SIZE == 224
    assert x.shape == (224, 224, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() < 0.1 and 0.9 < x.max() <= 1.0
    expected = cv2.resize(img, (224, 224), interpolation=cv2.INTER_AREA) / 255.0
    np.testing.assert_allclose(x[:, :, 0], expected, atol=1e-6)
    assert model_input(img, size=32).shape == (32, 32, 1)


def test_png_and_dicom_of_same_pixels_give_same_input(tmp_path: Path) -> None:
    img = chest_like()
    from_png = load_model_input(write_png(tmp_path / "a.png", img))
    from_dicom = load_model_input(write_dicom(tmp_path / "a.dcm", img))
    np.testing.assert_array_equal(from_png, from_dicom)
    # tf.numpy_function hands paths over as bytes.
    np.testing.assert_array_equal(load_model_input(str(tmp_path / "a.png").encode()), from_png)


def test_monochrome1_dicom_is_fed_as_displayed(tmp_path: Path) -> None:
    img = chest_like().astype(np.uint16) * 16
    path = write_dicom(tmp_path / "m1.dcm", img, photometric="MONOCHROME1", bits_stored=12,
                       window=(2040, 4080))
    x = load_model_input(path)
    plain = load_model_input(write_dicom(tmp_path / "m2.dcm", 4095 - img, bits_stored=12,
                                         window=(4095 - 2040, 4080)))
    np.testing.assert_array_equal(x, plain)


def test_rgb_rgba_and_channel_arrays_become_gray() -> None:
    red = np.zeros((50, 60, 3), np.uint8)
    red[..., 0] = 255
    x = model_input(red)
    np.testing.assert_allclose(x, round(0.299 * 255) / 255, atol=1e-6)  # ITU-R 601 luma
    rgba = np.dstack([red, np.full((50, 60), 7, np.uint8)])
    np.testing.assert_array_equal(model_input(rgba), x)
    gray = np.full((50, 60, 1), 51, np.uint8)
    np.testing.assert_allclose(model_input(gray), 0.2, atol=1e-6)


def test_rejects_non_uint8_arrays_and_reports_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="uint8"):
        model_input(np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError, match="expects"):
        model_input(np.zeros((10, 10, 2), np.uint8))
    (tmp_path / "bad.png").write_text("hello")
    with pytest.raises(ImageLoadError, match="bad.png"):
        load_model_input(tmp_path / "bad.png")
