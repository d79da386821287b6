"""How the viewer turns an image for display: quarter turns and mirror flips.

A view-only state: the pixels, the classifier's input and the measurements keep the
original image's coordinates; only the mapping to the screen changes. The state is one
of the eight symmetries of a rectangle, held as an integer 2 x 2 matrix acting on
``(x, y)`` with y pointing down (screen convention), so that operations compose in the
order the user clicks them.
"""

from __future__ import annotations

from dataclasses import dataclass

Matrix = tuple[int, int, int, int]  # (a, b, c, d): X = a x + b y, Y = c x + d y

_IDENTITY: Matrix = (1, 0, 0, 1)
_CLOCKWISE: Matrix = (0, -1, 1, 0)  # right -> down on a y-down screen
_COUNTER: Matrix = (0, 1, -1, 0)
_MIRROR_H: Matrix = (-1, 0, 0, 1)
_MIRROR_V: Matrix = (1, 0, 0, -1)


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    a, b, c, d = outer
    e, f, g, h = inner
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


@dataclass(frozen=True)
class Orientation:
    """A rotation by quarter turns and/or a flip, applied on top of the original image."""

    matrix: Matrix = _IDENTITY

    @property
    def is_identity(self) -> bool:
        return self.matrix == _IDENTITY

    def rotated(self, clockwise: bool = True) -> Orientation:
        """This orientation, then a quarter turn as seen on screen."""
        return Orientation(_compose(_CLOCKWISE if clockwise else _COUNTER, self.matrix))

    def flipped(self, horizontal: bool = True) -> Orientation:
        """This orientation, then a mirror flip left-right (or top-bottom) as seen on screen."""
        return Orientation(_compose(_MIRROR_H if horizontal else _MIRROR_V, self.matrix))

    def displayed_size(self, width: float, height: float) -> tuple[float, float]:
        a, b, _c, _d = self.matrix
        return (height, width) if a == 0 and b != 0 else (width, height)

    def affine(self, width: float, height: float) -> tuple[float, float, float, float, float, float]:
        """``(a, b, c, d, tx, ty)`` mapping original ``(x, y)`` to displayed coordinates.

        The image's displayed bounding box starts at (0, 0), like the original's.
        """
        a, b, c, d = self.matrix
        corners = [(0.0, 0.0), (width, 0.0), (0.0, height), (width, height)]
        xs = [a * x + b * y for x, y in corners]
        ys = [c * x + d * y for x, y in corners]
        return (float(a), float(b), float(c), float(d), -min(xs), -min(ys))

    def map_point(self, x: float, y: float, width: float, height: float) -> tuple[float, float]:
        """Where original point ``(x, y)`` of a ``width`` x ``height`` image is shown."""
        a, b, c, d, tx, ty = self.affine(width, height)
        return a * x + b * y + tx, c * x + d * y + ty

    def describe(self) -> str:
        """"Rotated 90° clockwise", "Flipped left-right", ... ("" when upright)."""
        a, b, c, d = self.matrix
        det = a * d - b * c
        if det > 0:  # a pure rotation
            turns = {(1, 0): 0, (0, 1): 1, (-1, 0): 2, (0, -1): 3}[(a, c)]
            return ["", "Rotated 90° clockwise", "Rotated 180°",
                    "Rotated 90° counter-clockwise"][turns]
        # A mirror: written as a left-right flip followed by a rotation.
        if self.matrix == _MIRROR_V:
            return "Flipped top-bottom"
        rotation = Orientation(_compose(self.matrix, _MIRROR_H))  # undo the flip
        turned = rotation.describe()
        return "Flipped left-right" + (f", {turned[0].lower()}{turned[1:]}" if turned else "")
