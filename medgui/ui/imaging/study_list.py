"""The study list: the series and images of an opened folder or DICOMDIR.

Discovery is ``core.imaging.study`` (run on a worker by the pane); this view only lists
the result. Double-click (or Enter on) an image to open it; the image shown is
highlighted. Labels carry no identifying data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from medgui.core.imaging.study import Series

PATH_ROLE = Qt.ItemDataRole.UserRole


class StudyList(QWidget):
    """Series as top-level rows, their images under them.

    Signals
    -------
    sig_open_requested(str)
        The user asked to open this file.
    """

    sig_open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: Path | None = None
        self.series: list[Series] = []
        self.title = QLabel(self.tr("Open a folder or a DICOMDIR (File > Open folder…) to list its images."))
        self.title.setObjectName("studyTitle")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("studyTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        # Activation is a double-click (or a single click where the desktop says so) or Enter.
        self.tree.itemActivated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    def set_series(self, source: Path, series: Sequence[Series]) -> None:
        """List ``series`` found in ``source`` (a folder or a DICOMDIR)."""
        self.source = source
        self.series = list(series)
        self.tree.clear()
        n = sum(len(s.images) for s in self.series)
        where = source.parent.name + "/DICOMDIR" if source.name.upper() == "DICOMDIR" else source.name
        if not n:
            self.title.setText(self.tr("No images found in {0}.").format(where))
            return
        text = (self.tr("{0}: {1} images in {2} series") if n != 1
                else self.tr("{0}: {1} image in {2} series"))
        self.title.setText(text.format(where, n, len(self.series)))
        for s in self.series:
            top = QTreeWidgetItem([s.label])
            font = QFont(top.font(0))
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for image in s.images:
                child = QTreeWidgetItem([image.label])
                child.setData(0, PATH_ROLE, str(image.path))
                child.setToolTip(0, str(image.path))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()

    def paths(self) -> list[str]:
        """Every listed file, in list order."""
        return [str(im.path) for s in self.series for im in s.images]

    def item_for(self, path: str | Path) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, PATH_ROLE) == str(path):
                    return top.child(j)
        return None

    def mark_current(self, path: str | Path) -> None:
        """Select the row of the file now shown (when it is in the list)."""
        item = self.item_for(path)
        if item is None:
            self.tree.clearSelection()
            return
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        path = item.data(0, PATH_ROLE)
        if path:
            self.sig_open_requested.emit(str(path))


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from medgui.core.imaging.study import discover

    app = QApplication(sys.argv)
    widget = StudyList()
    widget.sig_open_requested.connect(print)
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "resources" / "samples"
    widget.set_series(folder, discover(folder))
    widget.resize(420, 500)
    widget.show()
    sys.exit(app.exec())
