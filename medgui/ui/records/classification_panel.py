"""The record pane's classification panel: the record's label, the model's suggestion.

The suggestion (top labels, driving words) is advice: it becomes the record's label only
when the clinician presses Accept, and it is marked stale, its highlights removed, as
soon as the text it describes is edited (``core.records.suggestion``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from medgui.core.records.store import Classification
from medgui.core.records.suggestion import Suggestion, unread_from, unreliable_reason
from medgui.ui.errors import show_inline
from medgui.ui.i18n import format_percent
from medgui.ui.records.record_models import highlight, legend_html, local_time
from medgui.ui.style import CAUTION_STYLE, MUTED_STYLE

NO_SUGGESTION = QT_TRANSLATE_NOOP("ClassificationPanel", "No suggestion yet: press Classify.")
STALE = QT_TRANSLATE_NOOP("ClassificationPanel",
                          "The text changed since it was classified; this suggestion may not hold. "
                          "Classify again for a suggestion about the current text.")


def top_of(probabilities: dict[str, float], k: int = 5) -> list[tuple[str, float]]:
    return sorted(probabilities.items(), key=lambda item: -item[1])[:k]


class ClassificationPanel(QWidget):
    """Shows the record's label and one suggestion; the pane owns the buttons' actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classify_button = QPushButton(self.tr("Classify"))
        self.classify_button.setObjectName("classifyButton")
        self.classify_button.setShortcut("Ctrl+Return")
        self.classify_button.setToolTip(
            self.tr("Suggest the specialty this record points to, offline (Ctrl+Enter)"))
        self.status = QLabel("")
        self.status.setObjectName("classifyStatus")
        self.record_label = QLabel("")
        self.record_label.setObjectName("recordLabel")
        self.record_label.setWordWrap(True)
        self.verdict = QLabel(self.tr(NO_SUGGESTION))
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.model_label = QLabel("")
        self.model_label.setObjectName("modelLabel")
        self.model_label.setStyleSheet(MUTED_STYLE)
        self.accept_button = QPushButton(self.tr("Accept as the record's label"))
        self.accept_button.setObjectName("acceptButton")
        self.accept_button.setToolTip(self.tr("The model never sets a label by itself: accept its "
                                              "suggestion only if you agree with it"))
        self.accept_button.setEnabled(False)
        self.notes = QLabel("")
        self.notes.setObjectName("suggestionNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(CAUTION_STYLE)
        self.notes.hide()

        self._bars_box = QWidget()
        self._bars = QGridLayout(self._bars_box)
        self._bars.setContentsMargins(0, 0, 0, 0)
        self._bars.setColumnStretch(1, 1)
        #: (label, probability) rows currently shown, best first.
        self.shown: list[tuple[str, float]] = []

        self.view = QTextBrowser()
        self.view.setObjectName("highlightView")
        self.view.setOpenLinks(False)
        self.view.setPlaceholderText(self.tr("Press Classify to see the words that drove the suggestion."))
        legend = QLabel(legend_html())
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setObjectName("legend")

        self.history = QListWidget()
        self.history.setObjectName("classificationHistory")
        self.history.setMaximumHeight(110)
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        top = QHBoxLayout()
        top.addWidget(self.classify_button)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.record_label)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.model_label)
        layout.addWidget(self._bars_box)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.notes)
        layout.addWidget(QLabel(self.tr("Words that drove the suggestion:")))
        layout.addWidget(self.view, 1)
        layout.addWidget(legend)
        layout.addWidget(QLabel(self.tr("Labels accepted for this record:")))
        layout.addWidget(self.history)

    # -- states -----------------------------------------------------------------------
    def clear(self) -> None:
        """No record open."""
        self.record_label.setText("")
        self.clear_suggestion()
        self.history.clear()

    def clear_suggestion(self, message: str = NO_SUGGESTION) -> None:
        self._set_bars([])
        self.verdict.setText(self.tr(message) if message == NO_SUGGESTION else message)
        self.verdict.setStyleSheet("")
        self.model_label.setText("")
        self.accept_button.setEnabled(False)
        self._set_notes([])
        show_inline(self.status, "")
        self.view.clear()

    def set_busy(self) -> None:
        show_inline(self.status, self.tr("Classifying…"), "")

    def set_failed(self, message: str) -> None:
        show_inline(self.status, self.tr("Classification failed: {0}").format(message))

    def _set_notes(self, notes: Sequence[str]) -> None:
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))

    def _set_bars(self, rows: Sequence[tuple[str, float]]) -> None:
        while self._bars.count():
            item = self._bars.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.shown = [(str(label), float(p)) for label, p in rows]
        for row, (label, p) in enumerate(self.shown):
            name = QLabel(label)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(p * 1000))
            bar.setFormat(format_percent(p))
            bar.setMaximumHeight(16)
            bar.setObjectName(f"bar_{row}")
            self._bars.addWidget(name, row, 0)
            self._bars.addWidget(bar, row, 1)

    def show_label(self, classification: Classification | None) -> None:
        """The record's own label: the latest suggestion a clinician accepted (or imported)."""
        if classification is None or classification.label is None:
            self.record_label.setText(self.tr("Label: none yet"))
            return
        p = classification.probabilities.get(classification.label)
        share = f", {format_percent(p)}" if p is not None else ""
        source = (self.tr("imported") if classification.model_name == "imported"
                  else self.tr("accepted from {0}").format(f"{classification.model_ref}{share}"))
        self.record_label.setText(self.tr("Label: {0} ({1})").format(classification.label, source))

    def show_suggestion(self, suggestion: Suggestion, acceptable: bool = True) -> int:
        """Show ``suggestion`` with its driving words; returns how many words are marked."""
        result = suggestion.result
        probabilities = {str(k): float(v) for k, v in (result.get("probabilities") or {}).items()}
        top = [(str(a), float(b)) for a, b in result.get("top") or top_of(probabilities)]
        self._set_bars(top)
        self._bars_box.setEnabled(True)
        if suggestion.label is None:
            reason = unreliable_reason(suggestion.text, result)
            prefix = "" if reason.lower().startswith("cannot classify") else self.tr("Cannot classify reliably: ")
            self.verdict.setText(prefix + reason)
            self.verdict.setStyleSheet(CAUTION_STYLE)
        else:
            p = suggestion.probability
            share = f" ({format_percent(p)})" if p is not None else ""
            self.verdict.setText(self.tr("Suggested: {0}").format(f"{suggestion.label}{share}"))
            self.verdict.setStyleSheet("")
        self.model_label.setText(self.tr("Model: {0}").format(suggestion.model) if suggestion.model else "")
        self.accept_button.setEnabled(acceptable and suggestion.label is not None)
        self._set_notes(suggestion.notes())
        show_inline(self.status, "")
        return highlight(self.view.document(), suggestion.text, result.get("tokens") or [],
                         unread_from(result))

    def mark_stale(self, suggestion: Suggestion) -> None:
        """The text changed since ``suggestion``: say so, refuse Accept, drop the highlights."""
        what = suggestion.label or self.tr("no reliable label")
        p = suggestion.probability
        share = f" ({format_percent(p)})" if p is not None else ""
        self.verdict.setText(self.tr("For an earlier version of the text: {0}").format(f"{what}{share}"))
        self.verdict.setStyleSheet(MUTED_STYLE)
        self._bars_box.setEnabled(False)  # greyed: these figures are about the old text
        self.accept_button.setEnabled(False)
        self._set_notes([self.tr(STALE)])
        self.view.clear()

    def note_model_changed(self, suggestion: Suggestion, active: str) -> None:
        """The model that made ``suggestion`` is no longer the active text model."""
        changed = self.tr("Made by {0}; the active text model is now {1}. Classify again to ask "
                          "it.").format(suggestion.model, active or self.tr("none"))
        self._set_notes([*suggestion.notes(), changed])

    def set_history(self, history: Sequence[Classification]) -> None:
        self.history.clear()
        for c in reversed(history):  # newest first
            p = c.probabilities.get(c.label or "")
            what = (f"{c.label} {format_percent(p)}" if c.label and p is not None
                    else (c.label or self.tr("uncertain")))
            self.history.addItem(f"{local_time(c.created)}  {what}  ({c.model_ref})")
