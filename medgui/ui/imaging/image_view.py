"""A radiology-style image viewer built on pyqtgraph.

``ImageView`` shows one 2-D image (float32 grayscale, higher = brighter, or uint8 RGB)
upright with locked aspect. Fit, zoom (wheel, ``+``/``-``, ``0`` fit, ``1`` = 100 %),
pan (left drag), window/level (right drag: horizontal = width, vertical = centre, as in
radiology viewers), presets, invert, a pixel read-out under the cursor and a heatmap
overlay with adjustable opacity.

Window/level is applied through ``ImageItem`` levels and a lookup table on the float32
data, so re-windowing never rebuilds the image array in Python; pyqtgraph maps the
levels when it paints, and with auto-downsampling it maps only the pixels on screen.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from medgui.workers.imports import import_in_background

if TYPE_CHECKING:
    import numpy as np

# NumPy and pyqtgraph are imported where used, not here: the window must be up before
# they load (they are most of the start-up time; see benchmarks/bench_startup.py).

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
ZOOM_STEP = 1.25
# Right-drag sensitivity: a drag across this many screen pixels sweeps the whole range.
DRAG_PIXELS_PER_RANGE = 600.0


def _gray_lut(inverted: bool) -> np.ndarray:
    import numpy as np

    ramp = np.arange(256, dtype=np.uint8)
    if inverted:
        ramp = ramp[::-1]
    return np.ascontiguousarray(np.stack([ramp, ramp, ramp], axis=1))


def _heat_lut(name: str = "inferno") -> np.ndarray:
    """The colormap with alpha rising with the value, so cold areas stay see-through."""
    import numpy as np
    import pyqtgraph as pg

    lut = pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=True)
    lut[:, 3] = np.clip(np.linspace(0, 400, 256), 0, 255).astype(np.uint8)
    return lut


@functools.cache
def _viewbox_class() -> type:
    """A ViewBox whose right-drag adjusts window/level instead of zooming.

    Defined on first use: pyqtgraph is imported lazily (see ``ImageView``).
    """
    import pyqtgraph as pg

    class WindowingViewBox(pg.ViewBox):
        def __init__(self, on_window_drag: Callable[[float, float, bool], None]) -> None:
            super().__init__(lockAspect=True, invertY=True, enableMenu=False)
            self._on_window_drag = on_window_drag
            self.setMouseMode(pg.ViewBox.PanMode)

        def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - Qt override
            if ev.button() == Qt.MouseButton.RightButton:
                ev.accept()
                delta = ev.screenPos() - ev.lastScreenPos()
                self._on_window_drag(delta.x(), delta.y(), ev.isStart())
                return
            super().mouseDragEvent(ev, axis)

    return WindowingViewBox


class ImageView(QWidget):
    """Shows an image with window/level, zoom, pan, invert and a heatmap overlay.

    Signals
    -------
    sig_window_changed(center, width)
        The display window changed (drag, controls, preset, reset).
    sig_cursor_moved(text)
        The pixel read-out under the cursor ("" when outside the image).
    """

    sig_window_changed = Signal(float, float)
    sig_cursor_moved = Signal(str)
    sig_inverted_changed = Signal(bool)
    sig_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixels: np.ndarray | None = None
        self.value_range: tuple[float, float] = (0.0, 1.0)
        self.default_window: tuple[float, float] = (0.5, 1.0)
        self.window: tuple[float, float] = (0.5, 1.0)
        self.inverted = False
        self.is_rgb = False
        self.modality = ""
        # Maps a displayed value back to the file's stored value (for the read-out).
        self.stored_value: Callable[[float], float] | None = None

        self._graphics: Any = None
        self._viewbox: Any = None
        self._image_item: Any = None
        self._heatmap_item: Any = None
        self.heatmap: np.ndarray | None = None
        self._heatmap_wanted = False

        self.placeholder = QLabel("Preparing the image viewer…")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { background: black; color: #888; }")
        self.cursor_label = QLabel(" ")
        self.cursor_label.setObjectName("cursorLabel")
        self.cursor_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.placeholder, 1)
        self._layout.addWidget(self.cursor_label)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if "pyqtgraph" in sys.modules:
            self.ensure_ready()
        else:
            # pyqtgraph takes ~0.3 s to import (most of the app's start-up): import it on
            # a thread once the window is up, and build the viewer when it is there.
            # Anything that needs the viewer before then builds it at once.
            import_in_background("pyqtgraph").sig_imported.connect(self.ensure_ready)

    # -- the pyqtgraph scene, built on first need -----------------------------------
    @property
    def ready(self) -> bool:
        return self._graphics is not None

    def ensure_ready(self) -> None:
        """Build the pyqtgraph scene now if it is not built yet."""
        if self._graphics is not None:
            return
        import pyqtgraph as pg

        self._graphics = pg.GraphicsView(background="k")
        self._graphics.setObjectName("imageGraphics")
        self._graphics.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._viewbox = _viewbox_class()(self._drag_window)
        self._graphics.setCentralItem(self._viewbox)
        self._image_item = pg.ImageItem(axisOrder="row-major")
        self._viewbox.addItem(self._image_item)
        self._heatmap_item = pg.ImageItem(axisOrder="row-major")
        self._heatmap_item.setLookupTable(_heat_lut())
        self._heatmap_item.setZValue(10)
        self._heatmap_item.setOpacity(0.5)
        self._heatmap_item.setVisible(False)
        self._viewbox.addItem(self._heatmap_item)
        self._layout.replaceWidget(self.placeholder, self._graphics)
        self.placeholder.deleteLater()
        self._graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.sig_ready.emit()

    @property
    def graphics(self) -> Any:
        """The ``pg.GraphicsView`` (built on first access)."""
        self.ensure_ready()
        return self._graphics

    @property
    def viewbox(self) -> Any:
        self.ensure_ready()
        return self._viewbox

    @property
    def image_item(self) -> Any:
        self.ensure_ready()
        return self._image_item

    @property
    def heatmap_item(self) -> Any:
        self.ensure_ready()
        return self._heatmap_item

    # -- content --------------------------------------------------------------------
    def set_image(
        self,
        pixels: np.ndarray,
        window: tuple[float, float] | None = None,
        value_range: tuple[float, float] | None = None,
        *,
        modality: str = "",
        stored_value: Callable[[float], float] | None = None,
        keep_view: bool = False,
    ) -> None:
        """Show ``pixels`` ((H, W) float32 or (H, W, 3) uint8) with ``window`` (centre, width)."""
        self.is_rgb = pixels.ndim == 3
        if value_range is None:
            value_range = (float(pixels.min()), float(pixels.max()))
        lo, hi = value_range
        if hi <= lo:
            hi = lo + 1.0
        self.value_range = (float(lo), float(hi))
        self.default_window = tuple(window) if window else ((lo + hi) / 2, hi - lo)  # type: ignore[assignment]
        self.modality = modality.upper()
        self.stored_value = stored_value
        self.pixels = pixels
        self.clear_heatmap()
        self.image_item.setImage(pixels, autoLevels=False)
        self._apply_lut()
        self.set_window(*self.default_window)
        if not keep_view:
            self.fit()

    def clear(self) -> None:
        self.pixels = None
        self.image_item.clear()
        self.clear_heatmap()
        self.cursor_label.setText(" ")

    # -- window / level -------------------------------------------------------------
    def set_window(self, center: float, width: float) -> None:
        """Display values in ``[center - width/2, center + width/2]`` from black to white."""
        span = self.value_range[1] - self.value_range[0]
        width = max(float(width), span * 1e-4, 1e-6)
        center = float(center)
        self.window = (center, width)
        self.image_item.setLevels((center - width / 2, center + width / 2))
        self.sig_window_changed.emit(center, width)

    def preset_names(self) -> list[str]:
        return [DEFAULT_PRESET, FULL_RANGE, *PRESETS]

    def preset_window(self, name: str) -> tuple[float, float]:
        lo, hi = self.value_range
        if name == DEFAULT_PRESET:
            return self.default_window
        if name == FULL_RANGE:
            return ((lo + hi) / 2, hi - lo)
        if self.modality == "CT" and name in CT_PRESETS:
            return CT_PRESETS[name]
        c, w = PRESETS[name]
        return (lo + c * (hi - lo), w * (hi - lo))

    def apply_preset(self, name: str) -> None:
        self.set_window(*self.preset_window(name))

    def reset(self) -> None:
        """Back to the header's window, not inverted, fitted to the window."""
        self.set_inverted(False)
        self.set_window(*self.default_window)
        self.fit()

    def set_inverted(self, inverted: bool) -> None:
        if inverted == self.inverted:
            return
        self.inverted = inverted
        self._apply_lut()
        self.sig_inverted_changed.emit(inverted)

    def toggle_invert(self) -> None:
        self.set_inverted(not self.inverted)

    def _apply_lut(self) -> None:
        if self.is_rgb:
            # pyqtgraph applies LUTs to single-channel data only; RGB is inverted by data.
            self.image_item.setLookupTable(None)
            if self.pixels is not None:
                data = 255 - self.pixels if self.inverted else self.pixels
                self.image_item.setImage(data, autoLevels=False)
                self.image_item.setLevels(
                    (self.window[0] - self.window[1] / 2, self.window[0] + self.window[1] / 2)
                )
        else:
            self.image_item.setLookupTable(_gray_lut(self.inverted))

    def _drag_window(self, dx: float, dy: float, start: bool) -> None:
        if self.pixels is None:
            return
        span = self.value_range[1] - self.value_range[0]
        step = span / DRAG_PIXELS_PER_RANGE
        center, width = self.window
        # Right = wider window (less contrast); down = higher centre (darker image).
        self.set_window(center + dy * step, width + dx * step)

    # -- zoom / pan -----------------------------------------------------------------
    def fit(self) -> None:
        """Show the whole image as large as the viewport allows."""
        if self.pixels is None:
            return
        h, w = self.pixels.shape[:2]
        self.viewbox.setRange(QRectF(0, 0, w, h), padding=0.0)

    def zoom(self, factor: float) -> None:
        """Zoom in by ``factor`` (> 1) or out (< 1) about the view centre."""
        s = 1.0 / factor
        self.viewbox.scaleBy((s, s))

    def zoom_100(self) -> None:
        """One image pixel per screen pixel, centred where the view is centred now."""
        rect = self.viewbox.viewRect()
        # The ViewBox's own coordinates are device pixels of the viewport.
        px = self.viewbox.boundingRect()
        w, h = px.width(), px.height()
        c = rect.center()
        self.viewbox.setRange(QRectF(c.x() - w / 2, c.y() - h / 2, w, h), padding=0.0)

    def zoom_factor(self) -> float:
        """Screen pixels per image pixel."""
        rect = self.viewbox.viewRect()
        if rect.width() <= 0:
            return 1.0
        return float(self.viewbox.boundingRect().width() / rect.width())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_1:
            self.zoom_100()
        elif key == Qt.Key.Key_I:
            self.toggle_invert()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- pixel read-out -------------------------------------------------------------
    def pixel_text(self, x: int, y: int) -> str:
        """The read-out for image pixel (x, y): position, displayed and stored value."""
        if self.pixels is None:
            return ""
        h, w = self.pixels.shape[:2]
        if not (0 <= x < w and 0 <= y < h):
            return ""
        value = self.pixels[y, x]
        if self.is_rgb:
            r, g, b = (int(v) for v in value)
            return f"x {x}  y {y}   RGB ({r}, {g}, {b})"
        text = f"x {x}  y {y}   value {_fmt(float(value))}"
        if self.stored_value is not None:
            text += f"   stored {_fmt(self.stored_value(float(value)))}"
        return text

    def scene_to_pixel(self, scene_pos: QPointF) -> tuple[int, int]:
        p = self.viewbox.mapSceneToView(scene_pos)
        return math.floor(p.x()), math.floor(p.y())

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        text = self.pixel_text(*self.scene_to_pixel(scene_pos))
        self.cursor_label.setText(text or " ")
        self.sig_cursor_moved.emit(text)

    # -- heatmap --------------------------------------------------------------------
    def set_heatmap(self, heatmap: np.ndarray | None) -> None:
        """Lay ``heatmap`` (any size, values in [0, 1]) over the whole image."""
        import numpy as np

        self.heatmap = None if heatmap is None else np.asarray(heatmap, dtype=np.float32)
        if self.heatmap is None or self.pixels is None:
            self.heatmap_item.clear()
            self.heatmap_item.setVisible(False)
            return
        h, w = self.pixels.shape[:2]
        self.heatmap_item.setImage(self.heatmap, levels=(0.0, 1.0), autoLevels=False)
        self.heatmap_item.setRect(QRectF(0, 0, w, h))
        self.heatmap_item.setVisible(self._heatmap_wanted)

    def clear_heatmap(self) -> None:
        self.set_heatmap(None)

    def show_heatmap(self, visible: bool) -> None:
        self._heatmap_wanted = visible
        self.heatmap_item.setVisible(visible and self.heatmap is not None)

    def set_heatmap_opacity(self, opacity: float) -> None:
        self.heatmap_item.setOpacity(max(0.0, min(1.0, opacity)))


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}"


if __name__ == "__main__":
    import sys

    import numpy as np
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    yy, xx = np.mgrid[0:1024, 0:768]
    demo = (np.sin(xx / 40.0) * np.cos(yy / 60.0) * 2000 + 2000).astype(np.float32)
    view = ImageView()
    view.set_image(demo, window=(2000.0, 3000.0))
    view.set_heatmap(np.exp(-((xx[::8, ::8] - 400) ** 2 + (yy[::8, ::8] - 500) ** 2) / 8000.0))
    view.show_heatmap(True)
    view.resize(900, 800)
    view.show()
    sys.exit(app.exec())
