"""What the training wizard's pages share: page ids, tables, the scan as the user set it.

A module of its own so that the wizard and each of its page modules import it, and none
of them imports another's page module back.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from medgui.core.training import datasets


class Pages(IntEnum):
    """The wizard's page ids, in order."""

    TASK = 0
    DATA = 1
    CHECK = 2
    SPLIT = 3
    IMBALANCE = 4
    MODEL = 5
    TRAIN = 6
    EVALUATE = 7
    SAVE = 8


def fill_table(table: QTableWidget, rows: list[list[Any]]) -> None:
    """Replace the rows of ``table`` with read-only cells."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if isinstance(value, int | float):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def make_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab moves on to the next control, not cell to cell
    return table


# -- the scan's items, seen through the settings of the earlier pages ----------------------
def usable_scan(wizard: Any) -> Any:
    """The scan without the classes the user excluded on the Check page."""
    return wizard.scan.without_classes(wizard.excluded_classes())


def scan_labels(wizard: Any, pattern: str | None) -> tuple[list[str], list[str]]:
    """Class names and groups of the usable items."""
    scan = usable_scan(wizard)
    labels = [item.label for item in scan.items]
    groups = [datasets.group_of(item.name, pattern) if pattern and item.path is not None
              else item.group for item in scan.items]
    return labels, groups
