"""A radiology-style image viewer built on pyqtgraph.

``ImageView`` shows one 2-D image (float32 grayscale, higher = brighter, or uint8 RGB)
upright with locked aspect. Fit, zoom (wheel, ``+``/``-``, ``0`` fit, ``1`` = 100 %),
pan (left drag), window/level (right drag: horizontal = width, vertical = centre, as in
radiology viewers), presets, invert, a pixel read-out under the cursor, a heatmap
overlay with adjustable opacity, view-only rotation and flips, distance and angle
measurement (``measure_tool``) and the corner text (``overlay``). Arrow keys, PgUp/PgDn
and Home/End ask for another frame (``sig_frame_step``); the pane owns the frames.

Window/level is applied through ``ImageItem`` levels and a lookup table on the float32
data, so re-windowing never rebuilds the image array in Python; pyqtgraph maps the
levels when it paints, and with auto-downsampling it maps only the pixels on screen.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTransform
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from medgui.core.imaging.display import (  # noqa: F401 - PRESETS: named here for callers
    PRESET_NAMES,
    PRESETS,
    pixel_readout,
    preset_window,
)
from medgui.core.imaging.orientation import Orientation
from medgui.ui.imaging.measure_tool import MeasureTool
from medgui.ui.imaging.overlay import ViewOverlay
from medgui.ui.imaging.view_scene import gray_lut, heat_lut, viewbox_class
from medgui.workers.imports import import_in_background

if TYPE_CHECKING:
    import numpy as np

ZOOM_STEP = 1.25
# Right-drag sensitivity: a drag across this many screen pixels sweeps the whole range.
DRAG_PIXELS_PER_RANGE = 600.0
# Frame keys: one frame, or a tenth of the series for the page keys (at least one).
_FRAME_KEYS = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1}
FIRST_FRAME, LAST_FRAME, PAGE_DOWN, PAGE_UP = -(10**9), 10**9, 10**6, -(10**6)
_FRAME_JUMPS = {Qt.Key.Key_PageDown: PAGE_DOWN, Qt.Key.Key_PageUp: PAGE_UP,
                Qt.Key.Key_Home: FIRST_FRAME, Qt.Key.Key_End: LAST_FRAME}


class ImageView(QWidget):
    """Shows an image with window/level, zoom, pan, invert, orientation and overlays.

    Signals
    -------
    sig_window_changed(center, width)
        The display window changed (drag, controls, preset, reset).
    sig_cursor_moved(text)
        The pixel read-out under the cursor ("" when outside the image or stale).
    sig_view_changed()
        Zoom, pan or orientation changed (for the overlay).
    sig_frame_step(int)
        A frame key was pressed: +1/-1, or one of ``PAGE_UP``, ``PAGE_DOWN``,
        ``FIRST_FRAME``, ``LAST_FRAME``.
    """

    sig_window_changed = Signal(float, float)
    sig_cursor_moved = Signal(str)
    sig_inverted_changed = Signal(bool)
    sig_view_changed = Signal()
    sig_frame_step = Signal(int)
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
        self.pixel_spacing: tuple[float, float] | None = None
        self.orientation = Orientation()
        # Maps a displayed value back to the file's stored value (for the read-out).
        self.stored_value: Callable[[float], float] | None = None

        self._graphics: Any = None
        self._viewbox: Any = None
        self._image_item: Any = None
        self._heatmap_item: Any = None
        self.heatmap: np.ndarray | None = None
        self._heatmap_wanted = False

        self.placeholder = QLabel(self.tr("Preparing the image viewer…"))
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
        self.measure = MeasureTool(self)
        self.overlay = ViewOverlay(self)
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
        self._viewbox = viewbox_class()(self._drag_window, self._click)
        self._graphics.setCentralItem(self._viewbox)
        self._image_item = pg.ImageItem(axisOrder="row-major")
        self._viewbox.addItem(self._image_item)
        # A child of the image: it turns and flips with it, in the image's coordinates.
        self._heatmap_item = pg.ImageItem(axisOrder="row-major")
        self._heatmap_item.setParentItem(self._image_item)
        self._heatmap_item.setLookupTable(heat_lut())
        self._heatmap_item.setZValue(10)
        self._heatmap_item.setOpacity(0.5)
        self._heatmap_item.setVisible(False)
        self._layout.replaceWidget(self.placeholder, self._graphics)
        self.placeholder.deleteLater()
        self._graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._viewbox.sigRangeChanged.connect(lambda *_: self.sig_view_changed.emit())
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

    def image_area(self) -> QRect:
        """Where the image is drawn, in this widget's coordinates."""
        widget = self._graphics if self._graphics is not None else self.placeholder
        return widget.geometry()

    # -- content --------------------------------------------------------------------
    def set_image(
        self,
        pixels: np.ndarray,
        window: tuple[float, float] | None = None,
        value_range: tuple[float, float] | None = None,
        *,
        modality: str = "",
        stored_value: Callable[[float], float] | None = None,
        pixel_spacing: tuple[float, float] | None = None,
        keep_view: bool = False,
    ) -> None:
        """Show ``pixels`` ((H, W) float32 or (H, W, 3) uint8) with ``window`` (centre, width).

        ``keep_view``: another frame of the image shown, so zoom, pan, window,
        orientation and measurements stay as the user set them. Otherwise everything
        starts afresh: the header's window, upright, fitted, no measurements.
        """
        same_shape = self.pixels is not None and self.pixels.shape == pixels.shape
        keep_view = keep_view and same_shape
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
        self.pixel_spacing = pixel_spacing
        self.pixels = pixels
        self.clear_heatmap()
        self.image_item.setImage(pixels, autoLevels=False)
        self._apply_lut()
        # The read-out described the pixel under the cursor in the image shown before.
        self._show_readout("")
        if keep_view:
            self.set_window(*self.window)
            return
        self.measure.set_mode("")
        self.measure.clear()
        self.set_window(*self.default_window)
        self.set_orientation(Orientation())
        self.fit()

    def clear(self) -> None:
        self.pixels = None
        self.image_item.clear()
        self.clear_heatmap()
        self.measure.clear()
        self._show_readout("")

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
        return list(PRESET_NAMES)

    def preset_window(self, name: str) -> tuple[float, float]:
        return preset_window(name, self.value_range, self.default_window, self.modality)

    def apply_preset(self, name: str) -> None:
        self.set_window(*self.preset_window(name))

    def reset(self) -> None:
        """Back to the header's window, not inverted, upright, fitted to the window."""
        self.set_inverted(False)
        self.set_window(*self.default_window)
        self.set_orientation(Orientation())
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
            self.image_item.setLookupTable(gray_lut(self.inverted))

    def _drag_window(self, dx: float, dy: float, start: bool) -> None:
        if self.pixels is None:
            return
        span = self.value_range[1] - self.value_range[0]
        step = span / DRAG_PIXELS_PER_RANGE
        center, width = self.window
        # Right = wider window (less contrast); down = higher centre (darker image).
        self.set_window(center + dy * step, width + dx * step)

    # -- orientation (view only: pixels, model input and measurements keep theirs) ---
    def set_orientation(self, orientation: Orientation) -> None:
        self.orientation = orientation
        if self.pixels is not None:
            h, w = self.pixels.shape[:2]
            a, b, c, d, tx, ty = orientation.affine(w, h)
            # QTransform(m11, m12, m21, m22, dx, dy): x' = m11 x + m21 y + dx.
            self.image_item.setTransform(QTransform(a, c, b, d, tx, ty))
            self.measure.redraw()
        self.sig_view_changed.emit()

    def rotate(self, clockwise: bool = True) -> None:
        self.set_orientation(self.orientation.rotated(clockwise))
        self.fit()

    def flip(self, horizontal: bool = True) -> None:
        self.set_orientation(self.orientation.flipped(horizontal))

    # -- zoom / pan -----------------------------------------------------------------
    def fit(self) -> None:
        """Show the whole image as large as the viewport allows."""
        if self.pixels is None:
            return
        shown = self.image_item.mapRectToParent(self.image_item.boundingRect())
        self.viewbox.setRange(shown, padding=0.0)

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
        elif key in _FRAME_KEYS or key in _FRAME_JUMPS:
            self.sig_frame_step.emit(_FRAME_KEYS.get(key) or _FRAME_JUMPS[key])
        elif key == Qt.Key.Key_Escape and self.measure.cancel():
            pass
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- pixel read-out and clicks --------------------------------------------------
    def pixel_text(self, x: int, y: int) -> str:
        """The read-out for image pixel (x, y): position, displayed and stored value."""
        return "" if self.pixels is None else pixel_readout(self.pixels, x, y, self.stored_value)

    def scene_to_image(self, scene_pos: QPointF) -> QPointF:
        """Original-image coordinates (whatever the orientation) of a scene point."""
        return self.image_item.mapFromScene(scene_pos)

    def scene_to_pixel(self, scene_pos: QPointF) -> tuple[int, int]:
        p = self.scene_to_image(scene_pos)
        return math.floor(p.x()), math.floor(p.y())

    def _show_readout(self, text: str) -> None:
        self.cursor_label.setText(text or " ")
        self.sig_cursor_moved.emit(text)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        self._show_readout(self.pixel_text(*self.scene_to_pixel(scene_pos)))
        if self.measure.pending:
            p = self.scene_to_image(scene_pos)
            self.measure.hover(p.x(), p.y())

    def _click(self, scene_pos: QPointF) -> bool:
        p = self.scene_to_image(scene_pos)
        return self.measure.click(p.x(), p.y())

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

    @property
    def heatmap_shown(self) -> bool:
        return self._heatmap_wanted and self.heatmap is not None

    def set_heatmap_opacity(self, opacity: float) -> None:
        self.heatmap_item.setOpacity(max(0.0, min(1.0, opacity)))


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
