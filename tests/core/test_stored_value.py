"""The loader's map from display values back to the values stored in a DICOM file.

The image pane's read-out shows both; the mapping is computed once, by the loader, from
the header values it used to build the display pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from medgui.core.imaging.loader import load_image
from tests.core.dicom_factory import write_dicom


def _stored_at(image, y: int, x: int) -> float:
    assert image.stored_value is not None
    return image.stored_value(float(image.pixels[y, x]))


def test_rescaled_values_map_back_to_stored(tmp_path: Path) -> None:
    stored = np.array([[0, 1000], [2000, 4095]], np.uint16)
    image = load_image(write_dicom(tmp_path / "ct.dcm", stored, bits_stored=12,
                                   rescale=(2.0, -1024.0)))
    assert image.pixels[0, 1] == 976.0  # 2 * 1000 - 1024: the display value
    assert [_stored_at(image, y, x) for y in (0, 1) for x in (0, 1)] == [0, 1000, 2000, 4095]


def test_monochrome1_maps_back_through_the_inversion(tmp_path: Path) -> None:
    stored = np.zeros((4, 6), np.uint16)
    stored[:, 3:] = 4000
    image = load_image(write_dicom(tmp_path / "m1.dcm", stored, photometric="MONOCHROME1",
                                   bits_stored=12))
    assert image.pixels[0, 0] == 4095 and image.pixels[0, 4] == 95  # inverted for display
    assert _stored_at(image, 0, 0) == 0 and _stored_at(image, 0, 4) == 4000


def test_monochrome1_with_rescale_undoes_both(tmp_path: Path) -> None:
    stored = np.array([[10, 300]], np.uint16)
    image = load_image(write_dicom(tmp_path / "m1r.dcm", stored, photometric="MONOCHROME1",
                                   bits_stored=10, rescale=(0.5, 100.0)))
    # Modality range 100..611.5 (10 bits, halved, shifted); inverted about its ends.
    assert image.pixels[0, 0] == 711.5 - (10 * 0.5 + 100)
    assert _stored_at(image, 0, 0) == 10 and _stored_at(image, 0, 1) == 300


def test_signed_rescaled_values_map_back(tmp_path: Path) -> None:
    stored = np.array([[-1000, 0, 1200]], np.int16)
    image = load_image(write_dicom(tmp_path / "s.dcm", stored, bits_stored=16,
                                   rescale=(1.0, -1024.0)))
    assert [_stored_at(image, 0, x) for x in range(3)] == [-1000, 0, 1200]


def test_no_mapping_when_display_equals_stored(tmp_path: Path) -> None:
    plain = load_image(write_dicom(tmp_path / "m2.dcm", np.full((4, 4), 7, np.uint16)))
    assert plain.stored_value is None


def test_no_mapping_for_a_modality_lut_sequence(tmp_path: Path) -> None:
    lut = (np.arange(16, dtype=np.uint16) * 3)[::-1].copy()
    image = load_image(write_dicom(tmp_path / "lut.dcm", np.arange(16, dtype=np.uint16).reshape(4, 4),
                                   photometric="MONOCHROME1", bits_stored=4, modality_lut=lut))
    assert image.inverted
    assert image.stored_value is None  # a table lookup cannot be undone in general


def test_no_mapping_for_raster_images(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "g.png"
    cv2.imwrite(str(path), np.arange(64, dtype=np.uint8).reshape(8, 8))
    assert load_image(path).stored_value is None
