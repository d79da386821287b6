"""Thin Qt adapters over plain record data: the list's table model and text highlighting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument

from medgui.core.records.store import Record
from medgui.ui.i18n import format_datetime

Index = QModelIndex | QPersistentModelIndex

# Background colours for words that pushed toward (warm) or away from (cool) the label;
# intensity follows |weight|. Negated findings are grey and struck through.
TOWARD = QColor(255, 140, 0)
AWAY = QColor(70, 130, 230)
NEGATED = QColor(128, 128, 128)
#: Words after the ones the model read (it reads only the start of a long text).
UNREAD = QColor(128, 128, 128)


def local_time(iso: str) -> str:
    """In the workstation's time zone (stored times are UTC) and the locale's date format
    (``2024-05-01 14:03`` without a locale; text that is not ISO 8601 as it is)."""
    return format_datetime(iso)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordTableModel", text)


class RecordTableModel(QAbstractTableModel):
    """The record list: title, patient reference, modified time, latest label."""

    HEADERS = (QT_TRANSLATE_NOOP("RecordTableModel", "Title"), QT_TRANSLATE_NOOP("RecordTableModel", "Patient"),
               QT_TRANSLATE_NOOP("RecordTableModel", "Modified"), QT_TRANSLATE_NOOP("RecordTableModel", "Label"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[Record] = []

    def set_records(self, records: Sequence[Record]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[Record]:
        return list(self._records)

    def record_at(self, row: int) -> Record | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, record_id: int) -> int:
        for row, record in enumerate(self._records):
            if record.id == record_id:
                return row
        return -1

    def update_record(self, record: Record) -> None:
        """Show a saved record's new values in place (no re-sort, the selection stays)."""
        row = self.row_of(record.id)
        if row >= 0:
            self._records[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record_at(index.row()) if index.isValid() else None
        if record is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return record.title or _tr("(untitled)")
            if column == 1:
                return record.patient_ref
            if column == 2:
                return local_time(record.modified)
            latest = record.latest
            if latest is None:
                return ""
            return latest.label or _tr("uncertain")
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return record.body[:300]
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return None


def _tint(colour: QColor, strength: float) -> QColor:
    """``colour`` blended with white: 0 -> white, 1 -> the full colour."""
    s = max(0.0, min(1.0, strength))
    return QColor(
        round(255 + (colour.red() - 255) * s),
        round(255 + (colour.green() - 255) * s),
        round(255 + (colour.blue() - 255) * s),
    )


def _utf16_offsets(text: str) -> list[int]:
    """QTextDocument positions count UTF-16 units; Python offsets count code points."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return offsets


def highlight(document: QTextDocument, text: str, tokens: Sequence[dict[str, Any]],
              unread_from: int | None = None) -> int:
    """Show ``text`` in ``document`` with the classifier's driving words marked.

    Each token is ``{"start", "end", "weight", "negated"}`` (character offsets into
    ``text``, weight in [-1, 1], positive = pushed toward the predicted label). Returns
    how many tokens were marked; tokens whose offsets fall outside ``text`` are skipped.
    Text from ``unread_from`` on (the words the model did not read) is greyed.
    """
    document.setPlainText(text)
    offsets = _utf16_offsets(text)
    cursor = QTextCursor(document)
    if unread_from is not None and 0 <= unread_from < len(text):
        fmt = QTextCharFormat()
        fmt.setForeground(UNREAD)
        fmt.setToolTip(QCoreApplication.translate(
            "Highlight", "not read by the model: it reads only the start of a long text"))
        cursor.setPosition(offsets[unread_from])
        cursor.setPosition(offsets[-1], QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)
    marked = 0
    for token in tokens:
        start, end = int(token.get("start", -1)), int(token.get("end", -1))
        if not 0 <= start < end <= len(text):
            continue
        weight = max(-1.0, min(1.0, float(token.get("weight", 0.0))))
        unread = unread_from is not None and start >= unread_from
        if unread:
            weight = 0.0  # not read, so it drove nothing; a negation is still a fact of the text
        negated = bool(token.get("negated", False))
        if abs(weight) < 0.05 and not negated:
            continue  # too faint to see; keeps the text readable
        fmt = QTextCharFormat()
        if abs(weight) >= 0.05:
            fmt.setBackground(_tint(TOWARD if weight > 0 else AWAY, 0.15 + 0.85 * abs(weight)))
        tip = (QCoreApplication.translate("Highlight", "not read by the model") if unread
               else QCoreApplication.translate("Highlight", "weight {0}").format(f"{weight:+.2f}"))
        if negated:
            fmt.setFontStrikeOut(True)
            fmt.setForeground(NEGATED)
            tip += " · " + QCoreApplication.translate("Highlight", "negated finding")
        fmt.setToolTip(tip)
        cursor.setPosition(offsets[start])
        cursor.setPosition(offsets[end], QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)
        marked += 1
    return marked


LEGEND_HTML = (
    f"<span style='background-color:{_tint(TOWARD, 0.8).name()}'>&nbsp;{{0}}&nbsp;</span>"
    f"&nbsp; <span style='background-color:{_tint(AWAY, 0.8).name()}'>&nbsp;{{1}}&nbsp;</span>"
    f"&nbsp; <span style='color:{NEGATED.name()}; text-decoration:line-through'>{{2}}</span>"
)


def legend_html() -> str:
    """The highlight colours' legend, in the interface's language."""
    translate = QCoreApplication.translate
    return LEGEND_HTML.format(translate("Highlight", "toward the label"),
                              translate("Highlight", "away from it"),
                              translate("Highlight", "negated finding"))
