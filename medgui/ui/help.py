"""Help: the user guide, the keyboard shortcuts, and the card of each active model.

The guide is a Markdown file shipped in ``resources/help/guide.md``, shown in a
``QTextBrowser`` (no network, no browser). The shortcuts are read from the actions and
buttons of the window that opens the dialog, so the list cannot drift from the keys
that work. The model cards are the registry's, shown as in the model manager.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import TASKS, Registry
from medgui.core.paths import RESOURCES

GUIDE = RESOURCES / "help" / "guide.md"

#: Keys the views handle themselves (no action to read them from).
VIEW_KEYS = [
    ("+ / −", "Zoom the image in / out (when the image has the focus)"),
    ("0 / 1", "Fit the image / show it at 100 %"),
    ("I", "Invert the image"),
    ("← → / PgUp PgDn", "Previous / next frame of a multi-frame image"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo in the record editor (back to the last pause)"),
    ("Tab", "Move between the search box, filters, list and editor"),
]


def active_cards(registry: Registry | None = None) -> dict[str, ModelCard | None]:
    """The active model of each task (None where none is installed)."""
    registry = registry or Registry()
    cards: dict[str, ModelCard | None] = {}
    for task in TASKS:
        cards[task] = None
        with contextlib.suppress(ModelLoadError):
            cards[task] = registry.active(task)
    return cards


def shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do) for every action and button of ``window`` with a shortcut."""
    found: dict[str, str] = {}
    widgets: Iterable[QAction | QAbstractButton] = [
        *window.findChildren(QAction), *window.findChildren(QAbstractButton)]
    for item in widgets:
        keys = item.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        what = (item.toolTip() if isinstance(item, QAbstractButton) else "") or item.text()
        what = re.sub(r"\s*\((Ctrl|Alt|Shift|F\d)[^)]*\)$", "", what.replace("&", "")).rstrip("…").strip()
        if keys and what and keys not in found:
            found[keys] = what
    return sorted(found.items()) + VIEW_KEYS


def shortcuts_html(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td style='padding-right:16px'><b>{html.escape(k)}</b></td>"
                   f"<td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<h2>Keyboard shortcuts</h2><table cellpadding='3'>{body}</table>"


def models_html(cards: dict[str, ModelCard | None]) -> str:
    from medgui.ui.training.model_manager import card_html  # the manager's card view

    intro = ("<h1>Active models</h1><p>The models medgui uses now. Change them in "
             "<b>Models → Model manager…</b>.</p>")
    parts = [intro]
    for task, card in cards.items():
        if card is None:
            parts.append(f"<h2>{task.capitalize()}</h2><p>No {task} model is installed.</p>")
        else:
            parts.append(card_html(card, active=True))
        parts.append("<hr>")
    return "".join(parts)


class HelpDialog(QDialog):
    """The guide, the shortcuts of ``window`` and the active models' cards, in tabs."""

    def __init__(self, window: QWidget, registry: Registry | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("helpDialog")
        self.setWindowTitle("medgui help")
        self.tabs = QTabWidget()
        self.guide = self._browser("helpGuide")
        try:
            self.guide.setMarkdown(GUIDE.read_text(encoding="utf-8"))
        except OSError as exc:
            self.guide.setPlainText(f"The user guide could not be read ({GUIDE}): {exc.strerror or exc}")
        self.keys = self._browser("helpShortcuts")
        self.keys.setHtml(shortcuts_html(shortcuts(window)))
        self.models = self._browser("helpModels")
        self.models.setHtml(models_html(active_cards(registry)))
        self.tabs.addTab(self.guide, "User guide")
        self.tabs.addTab(self.keys, "Shortcuts")
        self.tabs.addTab(self.models, "Active models")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.NonModal)  # read it beside the window
        self.resize(760, 640)

    @staticmethod
    def _browser(name: str) -> QTextBrowser:
        view = QTextBrowser()
        view.setObjectName(name)
        view.setOpenExternalLinks(False)
        return view


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    dialog = HelpDialog(QWidget())
    dialog.show()
    sys.exit(app.exec())
