"""How an image is presented: window presets and the one-line summary under its name.

No Qt: the viewer calls these, and they are tested with plain pytest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from medgui.core.imaging.loader import XRayImage

# Presets as fractions of the image's value range (centre, width). Projection radiographs
# carry no absolute unit like CT's Hounsfield scale, so a fixed number would mean
# different things on an 8-bit PNG and a 14-bit DICOM; fractions mean the same on both.
PRESETS: dict[str, tuple[float, float]] = {
    "Lung": (0.35, 0.60),
    "Bone": (0.70, 0.50),
    "Soft tissue": (0.50, 0.35),
}
# For CT the classic Hounsfield presets apply (centre, width in HU).
CT_PRESETS: dict[str, tuple[float, float]] = {
    "Lung": (-600.0, 1500.0),
    "Bone": (400.0, 1800.0),
    "Soft tissue": (40.0, 400.0),
}
DEFAULT_PRESET = "Default (header)"
FULL_RANGE = "Full range"
PRESET_NAMES = (DEFAULT_PRESET, FULL_RANGE, *PRESETS)


def preset_window(name: str, value_range: tuple[float, float],
                  default_window: tuple[float, float], modality: str = "") -> tuple[float, float]:
    """The (centre, width) of preset ``name`` for an image with these values."""
    lo, hi = value_range
    if name == DEFAULT_PRESET:
        return default_window
    if name == FULL_RANGE:
        return ((lo + hi) / 2, hi - lo)
    if modality.upper() == "CT" and name in CT_PRESETS:
        return CT_PRESETS[name]
    c, w = PRESETS[name]
    return (lo + c * (hi - lo), w * (hi - lo))


def describe(image: XRayImage) -> str:
    """"DICOM · 1841 × 1955 · CR · MONOCHROME1 (inverted for display) · 0.15 × 0.15 mm/px"."""
    h, w = image.pixels.shape[:2]
    parts = [image.format, f"{w} × {h}"]
    if image.modality:
        parts.append(image.modality)
    if image.is_rgb:
        parts.append("colour")
    elif image.photometric:
        parts.append(image.photometric + (" (inverted for display)" if image.inverted else ""))
    if image.pixel_spacing and min(image.pixel_spacing) > 0:
        parts.append(f"{image.pixel_spacing[0]:.3g} × {image.pixel_spacing[1]:.3g} mm/px")
    return " · ".join(parts)


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}"


def pixel_readout(pixels: np.ndarray, x: int, y: int,
                  stored_value: Callable[[float], float] | None = None) -> str:
    """The cursor read-out for pixel (x, y): position, displayed and stored value.

    "" outside the image. ``stored_value`` maps a displayed value back to the file's.
    """
    h, w = pixels.shape[:2]
    if not (0 <= x < w and 0 <= y < h):
        return ""
    value = pixels[y, x]
    if pixels.ndim == 3:
        r, g, b = (int(v) for v in value)
        return f"x {x}  y {y}   RGB ({r}, {g}, {b})"
    text = f"x {x}  y {y}   value {_fmt(float(value))}"
    if stored_value is not None:
        text += f"   stored {_fmt(stored_value(float(value)))}"
    return text
