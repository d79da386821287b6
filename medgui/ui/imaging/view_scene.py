"""The pyqtgraph pieces of the image viewer: lookup tables and the mouse-handling ViewBox.

pyqtgraph is imported inside the functions: the window must be up before it loads
(it is most of the start-up time; see benchmarks/bench_startup.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt

if TYPE_CHECKING:
    import numpy as np

HEATMAP_COLORMAP = "inferno"


def gray_lut(inverted: bool) -> np.ndarray:
    import numpy as np

    ramp = np.arange(256, dtype=np.uint8)
    if inverted:
        ramp = ramp[::-1]
    return np.ascontiguousarray(np.stack([ramp, ramp, ramp], axis=1))


def heat_lut(name: str = HEATMAP_COLORMAP) -> np.ndarray:
    """The colormap with alpha rising with the value, so cold areas stay see-through."""
    import numpy as np
    import pyqtgraph as pg

    lut = pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=True)
    lut[:, 3] = np.clip(np.linspace(0, 400, 256), 0, 255).astype(np.uint8)
    return lut


def heat_colors(name: str = HEATMAP_COLORMAP) -> np.ndarray:
    """The heatmap's 256 opaque RGB colours, low to high (for its colour scale)."""
    import pyqtgraph as pg

    return pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=False)


@functools.cache
def viewbox_class() -> type:
    """A ViewBox whose right-drag sets window/level and whose left click can place points.

    Defined on first use: pyqtgraph is imported lazily (see ``ImageView``).
    """
    import pyqtgraph as pg

    class WindowingViewBox(pg.ViewBox):
        def __init__(self, on_window_drag: Callable[[float, float, bool], None],
                     on_click: Callable[[QPointF], bool]) -> None:
            super().__init__(lockAspect=True, invertY=True, enableMenu=False)
            self._on_window_drag = on_window_drag
            self._on_click = on_click
            self.setMouseMode(pg.ViewBox.PanMode)

        def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - Qt override
            if ev.button() == Qt.MouseButton.RightButton:
                ev.accept()
                delta = ev.screenPos() - ev.lastScreenPos()
                self._on_window_drag(delta.x(), delta.y(), ev.isStart())
                return
            super().mouseDragEvent(ev, axis)

        def mouseClickEvent(self, ev):  # noqa: N802 - Qt override
            if ev.button() == Qt.MouseButton.LeftButton and self._on_click(ev.scenePos()):
                ev.accept()
                return
            super().mouseClickEvent(ev)

    return WindowingViewBox
