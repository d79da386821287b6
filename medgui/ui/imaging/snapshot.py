"""A snapshot of the image as shown: window, orientation, measurements, overlay, heatmap.

When the heatmap is on, its colour scale is drawn beside the image, so the picture
still says what the colours mean once it is pasted into a report or a slide. The
overlay is captured as it is on screen: masked unless the user revealed identity.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from medgui.ui.imaging.view_scene import heat_colors

if TYPE_CHECKING:
    from medgui.ui.imaging.image_view import ImageView

SCALE_WIDTH = 96
"""Width in pixels of the colour-scale strip added on the right."""
BAR_WIDTH = 18
BAR_MARGIN = 28


def scale_bar_rect(height: int) -> QRect:
    """Where the colour bar is drawn inside the strip (strip coordinates)."""
    return QRect(12, BAR_MARGIN, BAR_WIDTH, max(1, height - 2 * BAR_MARGIN))


def compose_snapshot(view: ImageView) -> QImage:
    """The image area as shown, plus the heatmap's colour scale when the heatmap is on."""
    shot = view.grab(view.image_area()).toImage().convertToFormat(QImage.Format.Format_RGB32)
    if not view.heatmap_shown:
        return shot
    out = QImage(shot.width() + SCALE_WIDTH, shot.height(), QImage.Format.Format_RGB32)
    out.fill(QColor("black"))
    painter = QPainter(out)
    painter.drawImage(0, 0, shot)
    painter.translate(shot.width(), 0)
    bar = scale_bar_rect(shot.height())
    colors = heat_colors()
    n = len(colors)
    for row in range(bar.height()):
        # Top = 1 (high), bottom = 0 (low), as on any colour scale.
        frac = 1.0 - row / max(1, bar.height() - 1)
        r, g, b = (int(v) for v in colors[min(n - 1, round(frac * (n - 1)))][:3])
        painter.setPen(QColor(r, g, b))
        painter.drawLine(bar.left(), bar.top() + row, bar.right(), bar.top() + row)
    translate = QCoreApplication.translate
    painter.setPen(QColor("#f2f2f2"))
    font = QFont(painter.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    painter.setFont(font)
    text_x = bar.right() + 6
    painter.drawText(QRect(text_x, bar.top() - 8, SCALE_WIDTH - text_x, 16),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, translate("Snapshot", "high"))
    painter.drawText(QRect(text_x, bar.bottom() - 8, SCALE_WIDTH - text_x, 16),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, translate("Snapshot", "low"))
    painter.drawText(QRect(0, 4, SCALE_WIDTH, 18), Qt.AlignmentFlag.AlignHCenter, translate("Snapshot", "Heatmap"))
    painter.drawText(QRect(0, bar.bottom() + 6, SCALE_WIDTH, 18), Qt.AlignmentFlag.AlignHCenter,
                     "(Grad-CAM)")
    painter.end()
    return out


def save_snapshot(view: ImageView, path: str | os.PathLike[str]) -> QImage:
    """Write :func:`compose_snapshot` to ``path`` as PNG; returns the image written."""
    image = compose_snapshot(view)
    if not image.save(os.fspath(path), "PNG"):
        raise OSError(f"could not write {os.fspath(path)}")
    return image
