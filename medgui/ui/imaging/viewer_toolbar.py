"""The tool bar above the image: turn, flip, measure, overlay, snapshot.

Every action works on the view only: turning or flipping never changes what the model
reads (the original file), and measurements keep the original image's coordinates.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QToolBar, QWidget

from medgui.core.errors import MedguiError
from medgui.ui.errors import handle_error
from medgui.ui.imaging.image_view import ImageView
from medgui.ui.imaging.measure_tool import ANGLE, DISTANCE
from medgui.ui.imaging.snapshot import save_snapshot


class ViewerToolBar(QToolBar):
    """Actions bound to an ``ImageView``.

    Signals
    -------
    sig_status(str)
        A short message (a snapshot saved, a measurement's result).
    """

    sig_status = Signal(str)

    def __init__(self, view: ImageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Viewer tools"))
        self.setObjectName("viewerToolBar")
        self.view = view
        self.last_snapshot: Path | None = None

        def action(text: str, tip: str, slot, name: str, shortcut: str = "") -> QAction:  # noqa: ANN001
            act = QAction(text, self)
            act.setObjectName(name)
            act.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.rotate_left = action("⟲ 90°", self.tr("Rotate the view 90° counter-clockwise"),
                                  lambda: view.rotate(clockwise=False), "rotateLeft")
        self.rotate_right = action("⟳ 90°", self.tr("Rotate the view 90° clockwise"),
                                   lambda: view.rotate(clockwise=True), "rotateRight")
        self.flip_h = action(self.tr("Flip ↔"), self.tr("Mirror the view left-right"), lambda: view.flip(True),
                             "flipHorizontal")
        self.flip_v = action(self.tr("Flip ↕"), self.tr("Mirror the view top-bottom"), lambda: view.flip(False),
                             "flipVertical")
        self.addSeparator()
        self.distance = action(self.tr("Distance"), self.tr("Measure a distance: click two points "
                                                            "(mm when the file gives its pixel spacing)"),
                               lambda on: view.measure.set_mode(DISTANCE if on else ""),
                               "measureDistance")
        self.angle = action(self.tr("Angle"), self.tr("Measure an angle: click a point on the first arm, "
                                                      "the vertex, then a point on the second arm"),
                            lambda on: view.measure.set_mode(ANGLE if on else ""), "measureAngle")
        group = QActionGroup(self)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for act in (self.distance, self.angle):
            act.setCheckable(True)
            group.addAction(act)
        self.clear = action(self.tr("Clear"), self.tr("Remove the measurements"), lambda: view.measure.clear(),
                            "clearMeasurements")
        self.addSeparator()
        self.overlay = action(self.tr("Overlay"), self.tr(
            "Show patient, study, window/level and zoom on the image (identifying data stays "
            "masked until shown in the header panel)"), view.overlay.set_enabled, "toggleOverlay")
        self.overlay.setCheckable(True)
        self.overlay.setChecked(view.overlay.enabled)
        self.snapshot = action(self.tr("Snapshot…"), self.tr("Save the image as shown (with the heatmap "
                                                             "and its colour scale) as a PNG"), lambda: self.save_snapshot_dialog(), "snapshot")
        view.measure.sig_mode_changed.connect(self._follow_mode)
        view.measure.sig_measured.connect(lambda m: self.sig_status.emit(self.tr("Measured {0}").format(m.text)))

    def _follow_mode(self, mode: str) -> None:
        self.distance.setChecked(mode == DISTANCE)
        self.angle.setChecked(mode == ANGLE)

    def save_snapshot_dialog(self) -> Path | None:
        """Ask where, then save the snapshot; returns the path written (None if cancelled)."""
        if self.view.pixels is None:
            self.sig_status.emit(self.tr("Open an image first."))
            return None
        start = str(self.last_snapshot.parent if self.last_snapshot else Path.home())
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save snapshot"), start + "/snapshot.png",
                                              self.tr("PNG image (*.png)"))
        if not path:
            return None
        target = Path(path) if Path(path).suffix.lower() == ".png" else Path(path + ".png")
        try:
            save_snapshot(self.view, target)
        except OSError as exc:
            error = MedguiError("could not be written; choose another folder.", path=target,
                                details=repr(exc))
            handle_error(self, self.tr("Could not save snapshot"), error, self.sig_status.emit)
            return None
        self.last_snapshot = target
        self.sig_status.emit(self.tr("Saved snapshot {0}").format(target))
        return target


if __name__ == "__main__":
    import sys

    import numpy as np
    from PySide6.QtWidgets import QApplication, QVBoxLayout

    app = QApplication(sys.argv)
    yy, xx = np.mgrid[0:600, 0:400]
    view = ImageView()
    view.set_image((xx + yy).astype(np.float32), pixel_spacing=(0.2, 0.2))
    shell = QWidget()
    column = QVBoxLayout(shell)
    column.addWidget(ViewerToolBar(view))
    column.addWidget(view, 1)
    shell.resize(800, 700)
    shell.show()
    sys.exit(app.exec())
