"""The left side of the record pane: actions, search, filters and the record table.

A plain view: it knows nothing of the store. ``RecordPane`` fills it and acts on its
signals and actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from medgui.core.records.store import UNCLASSIFIED
from medgui.ui.records.record_models import RecordTableModel


class RecordBrowser(QWidget):
    """Search box, label and patient filters, the record table and the list actions.

    ``sig_filters_changed`` fires when the search text (debounced), label or patient
    filter changes; ``sig_row_chosen(row)`` when the user picks a row.
    """

    sig_filters_changed = Signal()
    sig_row_chosen = Signal(int)
    SEARCH_DELAY_MS = 150

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search_timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.sig_filters_changed)
        self.search_edit = QLineEdit(placeholderText=self.tr("Search text or patient…"), clearButtonEnabled=True)
        self.search_edit.setObjectName("recordSearch")
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.label_combo = QComboBox(toolTip=self.tr("Latest classification"))
        self.patient_combo = QComboBox(toolTip=self.tr("Patient reference"))
        for combo in (self.label_combo, self.patient_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self.sig_filters_changed.emit())

        self.model = RecordTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("recordTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Tab leaves the table (to the next control) instead of walking its cells, which
        # moved the current row and so opened another record every few presses.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.sig_row_chosen.emit(current.row()))

        bar = QToolBar()
        self.new_action = bar.addAction(self.tr("New"))
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.duplicate_action = bar.addAction(self.tr("Duplicate"))
        self.delete_action = bar.addAction(self.tr("Delete"))
        self.delete_action.setToolTip(self.tr("Move the record to the trash (Delete in the list)"))
        self.delete_key_action = QAction(self.tr("In the record list: move the record to the trash "
                                                 "(asks first)"), self.table)
        self.delete_key_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_key_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.delete_key_action)
        self.trash_action = bar.addAction(self.tr("Trash"))
        self.trash_action.setCheckable(True)
        self.trash_action.setToolTip(self.tr("Show the records in the trash"))
        self.restore_action = bar.addAction(self.tr("Restore"))
        self.purge_action = bar.addAction(self.tr("Delete forever"))
        io_bar = QToolBar()
        self.import_action = io_bar.addAction(self.tr("Import…"))
        self.import_action.setToolTip(self.tr("Import .txt files (one record each) or a .csv file"))
        self.export_action = io_bar.addAction(self.tr("Export…"))
        self.export_action.setToolTip(self.tr("Export the records to a .csv file"))
        self.status = QLabel("")
        self.status.setObjectName("listStatus")

        filters = QHBoxLayout()
        filters.addWidget(self.label_combo, 1)
        filters.addWidget(self.patient_combo, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(io_bar)
        bottom.addWidget(self.status, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(bar)
        box.addWidget(self.search_edit)
        box.addLayout(filters)
        box.addWidget(self.table, 1)
        box.addLayout(bottom)
        self.set_choices([], [])

    @property
    def trash_mode(self) -> bool:
        return self.trash_action.isChecked()

    def set_choices(self, labels: Sequence[str], patient_refs: Sequence[str]) -> None:
        """Refill the filter combos, keeping the current choice where it still exists."""
        for combo, first, items in (
            (self.label_combo, self.tr("All labels"),
             [(self.tr("Unclassified"), UNCLASSIFIED)] + [(label, label) for label in labels]),
            (self.patient_combo, self.tr("All patients"), [(ref, ref) for ref in patient_refs]),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.blockSignals(False)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``RecordStore.search``."""
        return {"text": self.search_edit.text(), "label": self.label_combo.currentData(),
                "patient_ref": self.patient_combo.currentData(), "only_deleted": self.trash_mode}

    def select(self, record_id: int | None) -> None:
        """Highlight the row of ``record_id`` (none if absent) without emitting a choice."""
        row = self.model.row_of(record_id) if record_id is not None else -1
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            index = self.model.index(row, 0)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        else:
            selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
        selection.blockSignals(False)
