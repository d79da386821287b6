"""Measurements in mm and the view-only orientation: plain arithmetic, no Qt."""

from __future__ import annotations

import math

import pytest

from medgui.core.imaging.measure import (
    angle,
    angle_text,
    distance,
    spacing_text,
    usable_spacing,
)
from medgui.core.imaging.orientation import Orientation


def test_distance_uses_row_spacing_for_y_and_column_spacing_for_x():
    # PixelSpacing is (row spacing, column spacing): a step in y is a row.
    spacing = (0.2, 0.1)
    assert distance((0, 0), (10, 0), spacing).value == pytest.approx(1.0)  # 10 columns
    assert distance((0, 0), (0, 10), spacing).value == pytest.approx(2.0)  # 10 rows
    diagonal = distance((1, 1), (4, 5), spacing)
    assert diagonal.value == pytest.approx(math.hypot(3 * 0.1, 4 * 0.2))
    assert diagonal.unit == "mm" and diagonal.text == "0.9 mm"


def test_distance_without_spacing_is_in_pixels():
    assert distance((0, 0), (3, 4), None).text == "5.0 px"
    # "0\0" and negative spacings mean "unknown": pixels, not a zero-size mm.
    assert distance((0, 0), (3, 4), (0.0, 0.0)).text == "5.0 px"
    assert usable_spacing((-1.0, 0.2)) is None
    assert usable_spacing((float("nan"), 0.2)) is None
    assert spacing_text(None) == "No pixel spacing: lengths in px"
    assert spacing_text((0.143, 0.143)) == "0.143 × 0.143 mm/px"


def test_angle_is_measured_in_the_patients_geometry():
    assert angle((10, 0), (0, 0), (0, 10), None) == pytest.approx(90.0)
    assert angle((10, 0), (0, 0), (-10, 0), (0.5, 0.5)) == pytest.approx(180.0)
    # 45° in pixels, but rows are twice as far apart as columns: atan(2) in mm.
    assert angle((10, 0), (0, 0), (10, 10), (0.2, 0.1)) == pytest.approx(
        math.degrees(math.atan2(2.0, 1.0)))
    assert angle((1, 1), (1, 1), (5, 5), None) is None
    assert angle_text(None) == "—" and angle_text(63.4349) == "63.4°"


def test_quarter_turns_move_the_corners_clockwise():
    w, h = 300, 200
    right = Orientation().rotated(clockwise=True)
    assert right.displayed_size(w, h) == (200, 300)
    # The original top-left corner goes to the top-right, top-right to bottom-right.
    assert right.map_point(0, 0, w, h) == (200, 0)
    assert right.map_point(300, 0, w, h) == (200, 300)
    assert right.describe() == "Rotated 90° clockwise"
    assert right.rotated(clockwise=False).is_identity
    half = right.rotated().describe()
    assert half == "Rotated 180°"
    assert right.rotated().rotated().rotated().is_identity


def test_flips_mirror_the_displayed_image_and_compose_in_click_order():
    w, h = 300, 200
    mirror = Orientation().flipped(horizontal=True)
    assert mirror.map_point(10, 20, w, h) == (290, 20)
    assert mirror.describe() == "Flipped left-right"
    assert Orientation().flipped(horizontal=False).map_point(10, 20, w, h) == (10, 180)
    assert Orientation().flipped(horizontal=False).describe() == "Flipped top-bottom"
    assert mirror.flipped().is_identity
    # Flip, then turn: the flip is turned with the image.
    turned = mirror.rotated()
    assert turned.map_point(0, 0, w, h) == (200, 300)  # top-left -> right of flip -> bottom-right
    assert turned.describe() == "Flipped left-right, rotated 90° clockwise"
