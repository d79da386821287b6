"""Distance and angle measurement on the image: click the points, read mm (or px).

A distance is two clicks; an angle is three (arm, vertex, arm). Points are kept in the
original image's pixel coordinates, so a measurement stays on its anatomy when the
view is rotated or flipped, and the arithmetic (``core.imaging.measure``) uses the
file's row and column spacing. Escape abandons the measurement in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtWidgets import QListWidget, QWidget

from medgui.core.imaging import measure

DISTANCE = "distance"
ANGLE = "angle"
_POINTS_NEEDED = {DISTANCE: 2, ANGLE: 3}
_COLOR = (255, 214, 0)


@dataclass(frozen=True)
class Measurement:
    """A finished measurement: its kind, its points (image pixels) and its read-out."""

    kind: str
    points: tuple[tuple[float, float], ...]
    text: str
    value: float | None
    unit: str


def measure_points(kind: str, points: list[tuple[float, float]],
                   spacing: tuple[float, float] | None) -> Measurement:
    if kind == DISTANCE:
        length = measure.distance(points[0], points[1], spacing)
        return Measurement(kind, tuple(points), length.text, length.value, length.unit)
    degrees = measure.angle(points[0], points[1], points[2], spacing)
    return Measurement(kind, tuple(points), measure.angle_text(degrees), degrees, "°")


class MeasureTool(QObject):
    """The measuring mode of an ``ImageView`` and the measurements drawn on it.

    ``view`` is the ``ImageView`` (not imported here: the view builds its tool).

    Signals
    -------
    sig_mode_changed(str)
        "distance", "angle" or "" (off).
    sig_measured(object)
        A :class:`Measurement` was completed.
    sig_cleared
        Every measurement was removed.
    """

    sig_mode_changed = Signal(str)
    sig_measured = Signal(object)
    sig_cleared = Signal()

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.view: Any = view
        self.mode = ""
        self.pending: list[tuple[float, float]] = []
        self.measurements: list[Measurement] = []
        self._items: list[Any] = []
        self._preview: list[Any] = []

    # -- mode -----------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """Start measuring distances or angles ("" stops)."""
        if mode not in ("", DISTANCE, ANGLE):
            raise ValueError(mode)
        self.pending.clear()
        self._clear_preview()
        if mode != self.mode:
            self.mode = mode
            self.sig_mode_changed.emit(mode)

    def cancel(self) -> bool:
        """Abandon the measurement in progress, then the mode; True if there was one."""
        if self.pending:
            self.pending.clear()
            self._clear_preview()
            return True
        if self.mode:
            self.set_mode("")
            return True
        return False

    # -- input ----------------------------------------------------------------------
    def click(self, x: float, y: float) -> bool:
        """A click at image point (x, y); True when the tool used it."""
        if not self.mode or self.view.pixels is None:
            return False
        self.pending.append((float(x), float(y)))
        if len(self.pending) == _POINTS_NEEDED[self.mode]:
            done = measure_points(self.mode, self.pending, self.view.pixel_spacing)
            self.pending = []
            self._clear_preview()
            self.measurements.append(done)
            self._draw(done)
            self.sig_measured.emit(done)
        else:
            self._draw_preview(None)
        return True

    def hover(self, x: float, y: float) -> None:
        """The cursor moved to image point (x, y): stretch the line being drawn."""
        if self.pending:
            self._draw_preview((x, y))

    # -- drawing --------------------------------------------------------------------
    def clear(self) -> None:
        """Remove every measurement (a new image is shown, or the user asked)."""
        self.measurements.clear()
        self.pending.clear()
        self._clear_preview()
        for item in self._items:
            self.view.viewbox.removeItem(item)
        self._items.clear()
        self.sig_cleared.emit()

    def redraw(self) -> None:
        """Draw again after the view's orientation changed."""
        for item in self._items:
            self.view.viewbox.removeItem(item)
        self._items.clear()
        for m in self.measurements:
            self._draw(m)

    def _shown(self, points: list[tuple[float, float]] | tuple[tuple[float, float], ...]) -> tuple[list[float], list[float]]:
        mapped = [self.view.image_item.mapToParent(QPointF(x, y)) for x, y in points]
        return [p.x() for p in mapped], [p.y() for p in mapped]

    def _line(self, xs: list[float], ys: list[float], dashed: bool = False) -> Any:
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        pen = pg.mkPen(_COLOR, width=2, cosmetic=True)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        item = pg.PlotDataItem(xs, ys, pen=pen, symbol="o", symbolSize=6,
                               symbolBrush=_COLOR, symbolPen=None)
        item.setZValue(20)
        self.view.viewbox.addItem(item, ignoreBounds=True)
        return item

    def _draw(self, m: Measurement) -> None:
        import pyqtgraph as pg

        xs, ys = self._shown(m.points)
        line = self._line(xs, ys)
        at = 1 if m.kind == ANGLE else len(xs) - 1
        label = pg.TextItem(m.text, color=_COLOR, fill=pg.mkBrush(0, 0, 0, 160),
                            anchor=(0, 1))
        label.setPos(xs[at], ys[at])
        label.setZValue(21)
        self.view.viewbox.addItem(label, ignoreBounds=True)
        self._items += [line, label]

    def _draw_preview(self, cursor: tuple[float, float] | None) -> None:
        self._clear_preview()
        points = list(self.pending) + ([cursor] if cursor is not None else [])
        xs, ys = self._shown(points)
        self._preview.append(self._line(xs, ys, dashed=True))

    def _clear_preview(self) -> None:
        for item in self._preview:
            self.view.viewbox.removeItem(item)
        self._preview.clear()


class MeasurementList(QListWidget):
    """The measurements of the image shown, as text to read or copy into a report."""

    def __init__(self, tool: MeasureTool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("measurementList")
        self.setToolTip(self.tr("Measurements on this image (Distance / Angle in the tool bar)"))
        tool.sig_measured.connect(self._add)
        tool.sig_cleared.connect(self.clear)

    def _add(self, m: Measurement) -> None:
        kind = self.tr("Distance") if m.kind == DISTANCE else self.tr("Angle")
        self.addItem(f"{self.count() + 1}. {kind} {m.text}")

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]
