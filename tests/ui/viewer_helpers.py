"""Helpers shared by the viewer tests (tests/ui/test_viewer_*.py).

``make_pane`` and ``make_window`` are the bodies of each module's ``pane`` and
``window`` fixtures (``yield from make_pane(qtbot)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from medgui.ui.imaging.image_pane import ImagePane
from medgui.ui.main_window import MainWindow
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.core.dicom_factory import write_dicom
from tests.ui.ui_helpers import close_dialogs, send_mouse, stop_service


def make_pane(qtbot) -> Iterator[ImagePane]:
    """An Images pane, 1100 x 700, shown, without the analysis process."""
    ml, runner = MLService(), ThreadRunner()
    p = ImagePane(ml, runner)
    p.auto_classify.setChecked(False)  # no analysis process in these tests
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.frames.play(False)
    close_dialogs()
    runner.wait()
    stop_service(ml)


def make_window(qtbot) -> Iterator[MainWindow]:
    """The main window, shown, without the analysis process."""
    ml, runner = MLService(), ThreadRunner()
    w = MainWindow(ml, runner)
    w.image_pane.auto_classify.setChecked(False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.image_pane.frames.play(False)
    close_dialogs()
    runner.wait()
    stop_service(ml)


def open_and_wait(qtbot, pane: ImagePane, path: Path, frame: int = 0) -> None:
    pane.open_path(path, frame)
    qtbot.waitUntil(
        lambda: pane.image is not None and pane.image.path == path and pane.image.frame == frame
        and not pane.loads.busy, timeout=15000)


def patient_dicom(path: Path, name: str, pid: str, *, spacing=(0.2, 0.1), **attrs) -> Path:
    """A 60 x 80 CR with a patient name and ID, a header window and a pixel spacing."""
    yy, xx = np.mgrid[0:60, 0:80]
    pixels = ((xx + yy) * 40).astype(np.uint16)
    if spacing is not None:
        attrs["PixelSpacing"] = [str(v) for v in spacing]
    return write_dicom(path, pixels, window=(2000, 4000), PatientName=name, PatientID=pid,
                       **attrs)


def viewport_point(pane: ImagePane, x: float, y: float) -> QPoint:
    """Where original image point (x, y) is on the graphics viewport, whatever the orientation."""
    view = pane.view if isinstance(pane, ImagePane) else pane
    shown = view.image_item.mapToParent(QPointF(x, y))  # orientation applied
    scene = view.viewbox.mapViewToScene(shown)  # brings the view's matrix up to date first
    return view.graphics.mapFromScene(scene)


def click(widget: QWidget, pos: QPoint) -> None:
    """A left click (press and release without moving), as a hand gives it."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send_mouse(widget, QEvent.Type.MouseButtonPress, pos, left, left)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pos, left, none)


def shown_in_scroll_area(widget: QWidget) -> bool:
    """True when ``widget`` is visible and wholly inside the visible part of the scroll
    area that holds it (or has no scroll area above it)."""
    if not widget.isVisible():
        return False
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is None:
        return True
    port = parent.viewport()
    rect = QRect(widget.mapTo(port, QPoint(0, 0)), widget.size())
    return port.rect().contains(rect) and port.height() > 0


def settle(qtbot, ms: int = 60) -> None:
    """Let queued layout work (single-shot timers, resizes) run."""
    qtbot.wait(ms)
    QApplication.processEvents()


def tick(qtbot, box: QWidget) -> None:
    """Click a check box on its indicator (its centre may be empty space past the text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
