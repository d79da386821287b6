"""Lengths and angles on an X-ray, in millimetres when the file says how big a pixel is.

Points are image pixel coordinates ``(x, y)`` of the *original* image (column, row),
whatever rotation or flip the viewer shows. DICOM ``PixelSpacing`` (and
``ImagerPixelSpacing``) is ``(row spacing, column spacing)`` in mm: the distance between
rows (a step in y) first, between columns (a step in x) second, and the two may differ.
Without a spacing, lengths are in pixels and say so.

An angle is measured in the patient's geometry: with non-square pixels the angle drawn
on screen in pixel units is not the anatomical one, so both arms are scaled to mm first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Point = tuple[float, float]
Spacing = tuple[float, float]


@dataclass(frozen=True)
class Length:
    """A measured distance: ``value`` in ``unit`` ("mm" or "px")."""

    value: float
    unit: str

    @property
    def text(self) -> str:
        return f"{self.value:.1f} {self.unit}"


def usable_spacing(spacing: Spacing | None) -> Spacing | None:
    """``spacing`` when both values are finite and positive, else None (lengths in px)."""
    if spacing is None:
        return None
    row_mm, col_mm = (float(v) for v in spacing)
    if not (math.isfinite(row_mm) and math.isfinite(col_mm)) or row_mm <= 0 or col_mm <= 0:
        return None
    return row_mm, col_mm


def _physical(p: Point, spacing: Spacing | None) -> Point:
    """``p`` in mm (x = column * column spacing, y = row * row spacing), or in px."""
    if spacing is None:
        return float(p[0]), float(p[1])
    row_mm, col_mm = spacing
    return float(p[0]) * col_mm, float(p[1]) * row_mm


def distance(a: Point, b: Point, spacing: Spacing | None) -> Length:
    """The straight-line distance from ``a`` to ``b``.

    Examples
    --------
    >>> distance((0, 0), (3, 4), (0.5, 0.5)).text
    '2.5 mm'
    >>> distance((0, 0), (3, 4), None).text
    '5.0 px'
    """
    spacing = usable_spacing(spacing)
    (ax, ay), (bx, by) = _physical(a, spacing), _physical(b, spacing)
    return Length(math.hypot(bx - ax, by - ay), "mm" if spacing else "px")


def angle(a: Point, vertex: Point, b: Point, spacing: Spacing | None) -> float | None:
    """The angle at ``vertex`` between the arms to ``a`` and ``b``, in degrees (0-180).

    None when an arm has no length (two clicks on the same spot).
    """
    spacing = usable_spacing(spacing)
    (ax, ay), (vx, vy), (bx, by) = (_physical(p, spacing) for p in (a, vertex, b))
    u, v = (ax - vx, ay - vy), (bx - vx, by - vy)
    nu, nv = math.hypot(*u), math.hypot(*v)
    if nu == 0 or nv == 0:
        return None
    cos = (u[0] * v[0] + u[1] * v[1]) / (nu * nv)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def angle_text(degrees: float | None) -> str:
    return "—" if degrees is None else f"{degrees:.1f}°"


def spacing_text(spacing: Spacing | None) -> str:
    """How the overlay states the scale: "0.143 × 0.143 mm/px" or why lengths are in px."""
    spacing = usable_spacing(spacing)
    if spacing is None:
        return "No pixel spacing: lengths in px"
    return f"{spacing[0]:.3g} × {spacing[1]:.3g} mm/px"
