"""The record pane's classification panel: top labels, driving words, history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
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
from medgui.ui.errors import show_inline
from medgui.ui.records.record_models import LEGEND_HTML, highlight, local_time
from medgui.ui.style import CAUTION_STYLE, MUTED_STYLE


def top_of(probabilities: dict[str, float], k: int = 5) -> list[tuple[str, float]]:
    return sorted(probabilities.items(), key=lambda item: -item[1])[:k]


class ClassificationPanel(QWidget):
    """Shows one classification result; the pane owns the Classify button's action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classify_button = QPushButton("Classify")
        self.classify_button.setObjectName("classifyButton")
        self.classify_button.setShortcut("Ctrl+Return")
        self.classify_button.setToolTip(
            "Suggest the specialty this record points to, offline (Ctrl+Enter)")
        self.status = QLabel("")
        self.status.setObjectName("classifyStatus")
        self.verdict = QLabel("Not classified yet.")
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.model_label = QLabel("")
        self.model_label.setObjectName("modelLabel")
        self.model_label.setStyleSheet(MUTED_STYLE)

        self._bars_box = QWidget()
        self._bars = QGridLayout(self._bars_box)
        self._bars.setContentsMargins(0, 0, 0, 0)
        self._bars.setColumnStretch(1, 1)
        #: (label, probability) rows currently shown, best first.
        self.shown: list[tuple[str, float]] = []

        self.view = QTextBrowser()
        self.view.setObjectName("highlightView")
        self.view.setOpenLinks(False)
        self.view.setPlaceholderText("Press Classify to see the words that drove the result.")
        legend = QLabel(LEGEND_HTML)
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
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.model_label)
        layout.addWidget(self._bars_box)
        layout.addWidget(QLabel("Words that drove the result:"))
        layout.addWidget(self.view, 1)
        layout.addWidget(legend)
        layout.addWidget(QLabel("History:"))
        layout.addWidget(self.history)

    # -- states -----------------------------------------------------------------------
    def clear(self) -> None:
        self._set_bars([])
        self.verdict.setText("Not classified yet.")
        self.model_label.setText("")
        show_inline(self.status, "")
        self.view.clear()
        self.history.clear()

    def set_busy(self) -> None:
        show_inline(self.status, "Classifying…", "")

    def set_failed(self, message: str) -> None:
        show_inline(self.status, f"Classification failed: {message}")

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
            bar.setFormat(f"{p:.0%}")
            bar.setMaximumHeight(16)
            bar.setObjectName(f"bar_{row}")
            self._bars.addWidget(name, row, 0)
            self._bars.addWidget(bar, row, 1)

    def _set_verdict(self, label: str | None, probability: float | None, reason: str,
                     model: str) -> None:
        if label is None:
            reason = reason or "no reason given"
            prefix = "" if reason.lower().startswith("cannot classify") else "Cannot classify reliably: "
            self.verdict.setText(prefix + reason)
            self.verdict.setStyleSheet(CAUTION_STYLE)
        else:
            share = f" ({probability:.0%})" if probability is not None else ""
            self.verdict.setText(f"Suggested: {label}{share}")
            self.verdict.setStyleSheet("")
        self.model_label.setText(f"Model: {model}" if model else "")

    def show_result(self, text: str, result: dict[str, Any]) -> int:
        """Show a ``classify_text`` result for ``text``; returns how many words are marked."""
        probabilities = {str(k): float(v) for k, v in result.get("probabilities", {}).items()}
        top = [(str(a), float(b)) for a, b in result.get("top") or top_of(probabilities)]
        self._set_bars(top)
        label = result.get("label") if result.get("reliable", True) else None
        self._set_verdict(label, probabilities.get(label or ""),
                          str(result.get("reason", "")), str(result.get("model", "")))
        show_inline(self.status, "")
        return highlight(self.view.document(), text, result.get("tokens") or [])

    def show_stored(self, classification: Classification | None) -> None:
        """Show the latest stored classification (the highlights need a fresh run)."""
        self.view.clear()
        if classification is None:
            self._set_bars([])
            self.verdict.setText("Not classified yet.")
            self.verdict.setStyleSheet("")
            self.model_label.setText("")
            return
        self._set_bars(top_of(classification.probabilities))
        self._set_verdict(classification.label,
                          classification.probabilities.get(classification.label or ""),
                          classification.reason, classification.model_ref)

    def set_history(self, history: Sequence[Classification]) -> None:
        self.history.clear()
        for c in reversed(history):  # newest first
            p = c.probabilities.get(c.label or "")
            what = f"{c.label} {p:.0%}" if c.label and p is not None else (c.label or "uncertain")
            self.history.addItem(f"{local_time(c.created)}  {what}  ({c.model_ref})")
