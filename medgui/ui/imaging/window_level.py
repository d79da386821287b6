"""Window/level controls bound to an ``ImageView``: centre, width, presets, invert, reset.

The view stays the single source of truth: the controls follow its
``sig_window_changed`` and write back through ``ImageView.set_window``. The preset box
names the preset the current window *is* ("Custom" when none), so it can never claim
"Bone" for a window that Reset, a drag or another file has changed.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from medgui.ui.imaging.image_view import ImageView

CUSTOM = QT_TRANSLATE_NOOP("WindowPreset", "Custom")
# The presets' names come from core (English); shown through the "WindowPreset" context.
_PRESET_NAMES = (QT_TRANSLATE_NOOP("WindowPreset", "Default (header)"),
                 QT_TRANSLATE_NOOP("WindowPreset", "Full range"),
                 QT_TRANSLATE_NOOP("WindowPreset", "Lung"),
                 QT_TRANSLATE_NOOP("WindowPreset", "Bone"),
                 QT_TRANSLATE_NOOP("WindowPreset", "Soft tissue"))


def preset_label(name: str) -> str:
    """A preset's name as shown (translated); ``name`` stays the key."""
    return QCoreApplication.translate("WindowPreset", name)


class WindowLevelControls(QWidget):
    """Centre/width spin boxes, presets, invert and reset bound to an ``ImageView``."""

    def __init__(self, view: ImageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.center = QDoubleSpinBox()
        self.width = QDoubleSpinBox()
        for box, name in ((self.center, "windowCenter"), (self.width, "windowWidth")):
            box.setObjectName(name)
            box.setRange(-1e9, 1e9)
            box.setDecimals(1)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(self._on_spin)
        self.width.setMinimum(0.0)
        self.presets = QComboBox()
        self.presets.setObjectName("windowPresets")
        for name in view.preset_names():
            self.presets.addItem(preset_label(name), name)
        self.presets.addItem(preset_label(CUSTOM), CUSTOM)  # shown, never chosen: matches no preset
        custom = self.presets.model().item(self.presets.count() - 1)  # type: ignore[attr-defined]
        custom.setEnabled(False)
        self.presets.activated.connect(self._on_preset)
        self.invert = QCheckBox(self.tr("Invert"))
        self.invert.setObjectName("invertCheck")
        self.invert.toggled.connect(view.set_inverted)
        self.reset_button = QPushButton(self.tr("Reset view"))
        self.reset_button.setObjectName("resetView")
        self.reset_button.clicked.connect(view.reset)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Centre"), self.center)
        form.addRow(self.tr("Width"), self.width)
        form.addRow(self.tr("Preset"), self.presets)
        row = QHBoxLayout()
        row.addWidget(self.invert)
        row.addStretch(1)
        row.addWidget(self.reset_button)
        form.addRow(row)
        view.sig_window_changed.connect(self._on_view_window)
        view.sig_inverted_changed.connect(self.invert.setChecked)
        self._updating = False

    def _on_view_window(self, center: float, width: float) -> None:
        self._updating = True
        try:
            span = self.view.value_range[1] - self.view.value_range[0]
            decimals = 3 if span <= 2 else 1
            step = 10 ** math.floor(math.log10(max(span, 1e-6) / 100))
            for box in (self.center, self.width):
                box.setDecimals(decimals)
                box.setSingleStep(float(step))
            self.center.setValue(center)
            self.width.setValue(width)
            self.presets.setCurrentIndex(self.presets.findData(self.matching_preset()))
        finally:
            self._updating = False

    def matching_preset(self) -> str:
        """The first preset whose window is the view's window, else "Custom"."""
        center, width = self.view.window
        span = self.view.value_range[1] - self.view.value_range[0]
        tolerance = max(span, 1e-6) * 1e-6
        for name in self.view.preset_names():
            c, w = self.view.preset_window(name)
            if abs(c - center) <= tolerance and abs(w - width) <= tolerance:
                return name
        return CUSTOM

    def _on_preset(self, index: int) -> None:
        name = self.presets.itemData(index)
        if name and name != CUSTOM:
            self.view.apply_preset(name)

    def _on_spin(self) -> None:
        if not self._updating:
            self.view.set_window(self.center.value(), self.width.value())


if __name__ == "__main__":
    import sys

    import numpy as np
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    yy, xx = np.mgrid[0:1024, 0:768]
    demo = (np.sin(xx / 40.0) * np.cos(yy / 60.0) * 2000 + 2000).astype(np.float32)
    view = ImageView()
    view.set_image(demo, window=(2000.0, 3000.0), modality="CR")
    shell = QWidget()
    layout = QHBoxLayout(shell)
    layout.addWidget(view, 1)
    layout.addWidget(WindowLevelControls(view))
    shell.resize(1100, 800)
    shell.show()
    sys.exit(app.exec())
