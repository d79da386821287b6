"""Frames of a multi-frame file: step, jump, and play them as a cine loop.

The navigator only says which frame the user wants (``sig_frame_chosen``); the pane
decodes it. While a frame is still decoding, a cine tick is skipped rather than queued,
so a slow file plays slower instead of falling behind.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from medgui.ui.imaging.image_view import FIRST_FRAME, LAST_FRAME, PAGE_DOWN, PAGE_UP

DEFAULT_FPS = 10


class FrameNavigator(QWidget):
    """Frame spin box and slider (1-based, as people count), step buttons and cine play.

    Signals
    -------
    sig_frame_chosen(int)
        The zero-based frame the user asked for.
    """

    sig_frame_chosen = Signal(int)

    def __init__(self, busy: Callable[[], bool] = lambda: False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = busy
        self.n_frames = 1
        self.spin = QSpinBox()
        self.spin.setObjectName("frameSpin")
        self.spin.setKeyboardTracking(False)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("frameSlider")
        self.spin.valueChanged.connect(self.slider.setValue)
        self.slider.valueChanged.connect(self.spin.setValue)
        self.spin.valueChanged.connect(lambda n: self.sig_frame_chosen.emit(n - 1))
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setObjectName("cinePlay")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(self.tr("Play the frames as a loop (cine)"))
        self.play_button.toggled.connect(self.play)
        self.fps = QSpinBox()
        self.fps.setObjectName("cineFps")
        self.fps.setRange(1, 60)
        self.fps.setValue(DEFAULT_FPS)
        self.fps.setSuffix(self.tr(" fps"))
        self.fps.setToolTip(self.tr("Cine speed, frames per second"))
        self.fps.valueChanged.connect(self._set_interval)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self._set_interval(DEFAULT_FPS)
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip(self.tr("Previous frame (Left / Up arrow)"))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip(self.tr("Next frame (Right / Down arrow; PgUp/PgDn jump, Home/End)"))
        self.next_button.clicked.connect(lambda: self.step(1))
        for button in (self.prev_button, self.next_button):
            button.setMaximumWidth(32)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(QLabel(self.tr("Frame")))
        row.addWidget(self.spin)
        row.addWidget(self.prev_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.next_button)
        row.addWidget(self.play_button)
        row.addWidget(self.fps)

    @property
    def current(self) -> int:
        """The zero-based frame shown by the controls."""
        return self.spin.value() - 1

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def set_frames(self, n_frames: int, current: int) -> None:
        """Show ``n_frames`` frames with ``current`` (zero-based) selected, silently."""
        self.n_frames = max(1, n_frames)
        for w in (self.spin, self.slider):
            w.blockSignals(True)
            w.setRange(1, self.n_frames)
            w.setValue(current + 1)
            w.blockSignals(False)
        self.spin.setSuffix(f" / {self.n_frames}")
        self.setVisible(self.n_frames > 1)
        if self.n_frames <= 1:
            self.play(False)

    def step(self, delta: int) -> None:
        """Go ``delta`` frames on (clamped), or jump: ``PAGE_UP``/``DOWN``, ``FIRST``/``LAST``."""
        if self.n_frames <= 1:
            return
        page = max(1, self.n_frames // 10)
        jumps = {PAGE_DOWN: page, PAGE_UP: -page, FIRST_FRAME: -self.n_frames,
                 LAST_FRAME: self.n_frames}
        target = min(max(self.current + jumps.get(delta, delta), 0), self.n_frames - 1)
        if target != self.current:
            self.spin.setValue(target + 1)

    def play(self, on: bool) -> None:
        """Start or stop the cine loop."""
        on = on and self.n_frames > 1
        if on and not self.timer.isActive():
            self.timer.start()
        elif not on:
            self.timer.stop()
        if self.play_button.isChecked() != on:
            self.play_button.blockSignals(True)
            self.play_button.setChecked(on)
            self.play_button.blockSignals(False)
        self.play_button.setText(self.tr("Stop") if on else self.tr("Play"))

    def _set_interval(self, fps: int) -> None:
        self.timer.setInterval(max(1, round(1000 / fps)))

    def _tick(self) -> None:
        if self._busy():
            return  # the last frame is still decoding: skip a beat rather than queue
        self.spin.setValue((self.current + 1) % self.n_frames + 1)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    navigator = FrameNavigator()
    navigator.sig_frame_chosen.connect(lambda f: print("frame", f + 1))
    navigator.set_frames(24, 0)
    navigator.resize(600, 40)
    navigator.show()
    sys.exit(app.exec())
