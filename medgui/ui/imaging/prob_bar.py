"""A probability bar with the decision threshold marked on it.

Without the mark a bar says "longer = more likely" and nothing about the decision: a
52 % PNEUMONIA bar next to a NORMAL label looks like a contradiction. The mark shows
where the bar would have to reach for the finding to be called.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QProgressBar, QStyle, QStyleOptionProgressBar, QWidget

MARK_COLOR = QColor("#202020")


class ThresholdBar(QProgressBar):
    """A 0..1000 progress bar showing a probability, with an optional threshold tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 1000)
        self.setTextVisible(False)
        self.setMinimumHeight(14)
        self.setMaximumHeight(16)
        self.threshold: float | None = None

    def set_probability(self, p: float) -> None:
        self.setValue(round(1000 * float(p)))

    def set_threshold(self, threshold: float | None) -> None:
        """Mark ``threshold`` (0..1) on the bar, or remove the mark (None)."""
        self.threshold = None if threshold is None else min(max(float(threshold), 0.0), 1.0)
        self.update()

    def mark_x(self) -> int | None:
        """The x (widget pixels) of the threshold mark, None when there is none."""
        if self.threshold is None:
            return None
        groove = self._groove()
        return groove.left() + round(self.threshold * (groove.width() - 1))

    def _groove(self):  # noqa: ANN202 - a QRect
        option = QStyleOptionProgressBar()
        self.initStyleOption(option)
        rect = self.style().subElementRect(QStyle.SubElement.SE_ProgressBarGroove, option, self)
        return rect if rect.isValid() and rect.width() > 0 else self.rect()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        x = self.mark_x()
        if x is None:
            return
        painter = QPainter(self)
        painter.setPen(QPen(MARK_COLOR, 2))
        painter.drawLine(QPoint(x, 0), QPoint(x, self.height()))
        painter.setPen(QPen(Qt.GlobalColor.white, 1))
        painter.drawLine(QPoint(x + 2, 0), QPoint(x + 2, self.height()))
        painter.end()


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    bar = ThresholdBar()
    bar.set_probability(0.506)
    bar.set_threshold(0.656)
    bar.resize(300, 16)
    bar.show()
    sys.exit(app.exec())
