"""Window presets, the image summary and the cursor read-out (plain pytest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medgui.core.imaging.display import (
    DEFAULT_PRESET,
    FULL_RANGE,
    describe,
    pixel_readout,
    preset_window,
)
from medgui.core.imaging.loader import XRayImage


def test_presets_are_fractions_of_the_range_except_ct():
    assert preset_window("Bone", (0.0, 1000.0), (1.0, 2.0)) == pytest.approx((700.0, 500.0))
    assert preset_window(DEFAULT_PRESET, (0.0, 1000.0), (1.0, 2.0)) == (1.0, 2.0)
    assert preset_window(FULL_RANGE, (-10.0, 10.0), (1.0, 2.0)) == (0.0, 20.0)
    assert preset_window("Lung", (-1024.0, 3071.0), (40.0, 400.0), "ct") == (-600.0, 1500.0)


def test_read_out_gives_position_display_and_stored_value():
    pixels = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert pixel_readout(pixels, 1, 2) == "x 1  y 2   value 9"
    assert pixel_readout(pixels, 1, 2, lambda v: v / 4) == "x 1  y 2   value 9   stored 2.25"
    assert pixel_readout(pixels, 4, 0) == "" and pixel_readout(pixels, -1, 0) == ""
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[1, 0] = (10, 20, 30)
    assert pixel_readout(rgb, 0, 1) == "x 0  y 1   RGB (10, 20, 30)"


def test_summary_names_format_size_photometric_and_spacing():
    image = XRayImage(np.zeros((20, 30), np.float32), path=Path("a.dcm"),
                      format="DICOM", window=(1, 2), value_range=(0, 1), modality="CR",
                      photometric="MONOCHROME1", inverted=True, pixel_spacing=(0.15, 0.15))
    assert describe(image) == ("DICOM · 30 × 20 · CR · MONOCHROME1 (inverted for display) · "
                               "0.15 × 0.15 mm/px")
