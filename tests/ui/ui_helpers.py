"""Helpers for the UI tests: files written to tmp_path, mouse input, dialogs on screen."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def stop_service(ml) -> None:  # noqa: ANN001 - an MLService
    """Shut the analysis service down (joins its process and reader thread)."""
    ml.shutdown()


def write_png(path: Path, pixels: np.ndarray) -> Path:
    """Write uint8 or uint16 ``pixels`` (H, W) as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), pixels)
    return path


def gradient(h: int = 48, w: int = 64, dtype: type = np.uint8) -> np.ndarray:
    """A left-to-right ramp with distinct values: pixel (x, y) = x + y."""
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx + yy).astype(dtype)


def error_dialogs() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "errorDialog"]


def close_dialogs() -> None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.close()


def send_mouse(widget: QWidget, kind: QEvent.Type, pos: QPoint | QPointF,
               button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
    p = QPointF(pos)
    event = QMouseEvent(kind, p, QPointF(widget.mapToGlobal(p.toPoint())), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, start: QPoint, end: QPoint, button: Qt.MouseButton,
         steps: int = 8) -> None:
    """Press ``button`` at ``start``, move in steps to ``end``, release."""
    none = Qt.MouseButton.NoButton
    send_mouse(widget, QEvent.Type.MouseButtonPress, start, button, button)
    for i in range(1, steps + 1):
        # pyqtgraph drops moves closer than 10 ms apart (its mouseRateLimit), as a
        # hand never sends them; pace the synthetic ones like a hand.
        QTest.qWait(12)
        p = start + (end - start) * (i / steps)
        send_mouse(widget, QEvent.Type.MouseMove, p, none, button)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, end, button, none)


def move_mouse(widget: QWidget, pos: QPoint | QPointF) -> None:
    none = Qt.MouseButton.NoButton
    QTest.qWait(12)  # see drag()
    send_mouse(widget, QEvent.Type.MouseMove, pos, none, none)
