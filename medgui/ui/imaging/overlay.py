"""The text in the image's four corners, as radiology viewers show it.

Top left: the patient; top right: the study (both masked unless the user reveals
identifying data: the lines come from ``core.imaging.masking``). Bottom left: window,
level, zoom and any rotation or flip. Bottom right: the pixel spacing the lengths use.
The labels float over the image and let the mouse through to it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from medgui.core.imaging.measure import spacing_text

_STYLE = ("QLabel { color: #f2f2f2; background: rgba(0, 0, 0, 130); padding: 2px 4px;"
          " border-radius: 2px; }")
_MARGIN = 6


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


class ViewOverlay(QObject):
    """Four corner labels over an ``ImageView``'s image area.

    ``view`` is the ``ImageView`` (not imported here: the view builds its overlay).
    """

    CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.view: Any = view
        self.patient: list[str] = []
        self.study: list[str] = []
        self.frame_text = ""
        self.labels: dict[str, QLabel] = {}
        for corner in self.CORNERS:
            label = QLabel(view)
            label.setObjectName(f"overlay_{corner}")
            label.setStyleSheet(_STYLE)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            align = Qt.AlignmentFlag.AlignRight if "right" in corner else Qt.AlignmentFlag.AlignLeft
            label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            label.hide()
            self.labels[corner] = label
        self.enabled = True
        view.installEventFilter(self)
        view.sig_window_changed.connect(lambda *_: self.refresh())
        view.sig_view_changed.connect(self.refresh)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        self.refresh()

    def set_header(self, patient: list[str], study: list[str]) -> None:
        """The patient and study lines (already masked as the user chose)."""
        self.patient, self.study = list(patient), list(study)
        self.refresh()

    def set_frame(self, frame: int, n_frames: int) -> None:
        self.frame_text = self.tr("Frame {0} / {1}").format(frame + 1, n_frames) if n_frames > 1 else ""
        self.refresh()

    def texts(self) -> dict[str, str]:
        """What each corner shows ("" for an empty corner)."""
        view = self.view
        if view.pixels is None:
            return dict.fromkeys(self.CORNERS, "")
        center, width = view.window
        view_lines = [self.tr("W {0}  L {1}").format(_number(width), _number(center)),
                      self.tr("Zoom {0} %").format(f"{view.zoom_factor() * 100:.0f}")]
        turned = view.orientation.describe()
        if turned:
            view_lines.append(turned)
        study = self.study + ([self.frame_text] if self.frame_text else [])
        return {"top_left": "\n".join(self.patient), "top_right": "\n".join(study),
                "bottom_left": "\n".join(view_lines),
                "bottom_right": spacing_text(view.pixel_spacing)}

    def refresh(self) -> None:
        texts = self.texts()
        for corner, label in self.labels.items():
            label.setText(texts[corner])
            label.setVisible(self.enabled and bool(texts[corner]))
            label.adjustSize()
        self._place()

    def _place(self) -> None:
        area = self.view.image_area()
        for corner, label in self.labels.items():
            x = area.left() + _MARGIN if "left" in corner else area.right() - label.width() - _MARGIN
            y = area.top() + _MARGIN if "top" in corner else area.bottom() - label.height() - _MARGIN
            label.move(x, y)
            label.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.view and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._place()
        return False
