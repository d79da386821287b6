"""DICOM header table; identifying (patient) data stays masked until the user asks.

Masking rather than hiding the rows tells the reader the data exists and that the
application withholds it on purpose (``core.imaging.masking``). The switch applies to the
file it was ticked for: every new file starts masked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from medgui.core.imaging.masking import MASK, is_masked, shown_value

__all__ = ["MASK", "TagTable"]


class TagTable(QWidget):
    """Tag / name / value rows with a filter and a "Show identifying data" switch.

    Signals
    -------
    sig_reveal_changed(bool)
        Identifying data is shown (True) or masked again (False), by the user or
        because a new file was shown.
    """

    sig_reveal_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tags: Sequence[Any] = ()
        self.show_identifying = QCheckBox(self.tr("Show identifying data"))
        self.show_identifying.setObjectName("showIdentifying")
        self.show_identifying.setToolTip(self.tr(
            "Patient names, IDs, dates and other identifying DICOM elements are masked "
            "until you tick this, for the file shown; every new file starts masked again."
        ))
        self.show_identifying.toggled.connect(self._on_reveal)
        self.filter = QLineEdit()
        self.filter.setObjectName("tagFilter")
        self.filter.setPlaceholderText(self.tr("Filter tags…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda _t: self._apply_filter())
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("tagTable")
        self.table.setHorizontalHeaderLabels([self.tr("Tag"), self.tr("Name"), self.tr("Value")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        # Tab leaves the table (arrows move within it), as in any form.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(1, 170)
        self.empty = QLabel(self.tr("No DICOM header (not a DICOM file)."))
        self.empty.setObjectName("noTags")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.show_identifying)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.set_tags(())

    @property
    def reveal(self) -> bool:
        return self.show_identifying.isChecked()

    def set_tags(self, tags: Sequence[Any], keep_reveal: bool = False) -> None:
        """Show ``tags`` (objects with tag, keyword, name, value, identifying).

        Identifying data is masked again unless ``keep_reveal`` (another frame of the
        same file).
        """
        self.tags = tuple(tags)
        if not keep_reveal and self.show_identifying.isChecked():
            self.show_identifying.blockSignals(True)
            self.show_identifying.setChecked(False)
            self.show_identifying.blockSignals(False)
            self.sig_reveal_changed.emit(False)
        has = bool(self.tags)
        for widget in (self.table, self.filter, self.show_identifying):
            widget.setVisible(has)
        self.empty.setVisible(not has)
        self._fill()

    def visible_values(self) -> list[str]:
        """The value column as shown (masked or not), for tests and copy."""
        return [self.table.item(r, 2).text() for r in range(self.table.rowCount())]

    def _on_reveal(self, on: bool) -> None:
        self._fill()
        self.sig_reveal_changed.emit(on)

    def _fill(self) -> None:
        reveal = self.show_identifying.isChecked()
        # Filled with updates off and the tag column sized once at the end: per-item
        # resizing made a 100-tag header cost tens of milliseconds on the GUI thread.
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.tags))
        for row, tag in enumerate(self.tags):
            masked = is_masked(tag, reveal)
            value = shown_value(tag, reveal)
            cells = (tag.tag, tag.name or tag.keyword, value)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2 and not masked:
                    item.setToolTip(text)
                if masked:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        self.table.setUpdatesEnabled(True)
        self._apply_filter()

    def _apply_filter(self) -> None:
        needle = self.filter.text().strip().lower()
        for row in range(self.table.rowCount()):
            text = " ".join(self.table.item(row, c).text() for c in range(3)).lower()
            keyword = self.tags[row].keyword.lower() if row < len(self.tags) else ""
            self.table.setRowHidden(row, bool(needle) and needle not in text + " " + keyword)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from medgui.core.imaging.loader import DicomTag

    app = QApplication(sys.argv)
    table = TagTable()
    table.set_tags([
        DicomTag("(0010,0010)", "PatientName", "Patient's Name", "Doe^Jane", True),
        DicomTag("(0008,0060)", "Modality", "Modality", "CR", False),
    ])
    table.show()
    sys.exit(app.exec())
