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
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
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
from medgui.ui import i18n

GUIDE = RESOURCES / "help" / "guide.md"

#: Keys the views handle themselves (no action to read them from).
VIEW_KEYS = [
    ("+ / −", QT_TRANSLATE_NOOP("Help", "Zoom the image in / out (when the image has the focus)")),
    ("0 / 1", QT_TRANSLATE_NOOP("Help", "Fit the image / show it at 100 %")),
    ("I", QT_TRANSLATE_NOOP("Help", "Invert the image")),
    ("← → / PgUp PgDn", QT_TRANSLATE_NOOP("Help", "Previous / next frame of a multi-frame image")),
    ("Ctrl+Z / Ctrl+Shift+Z",
     QT_TRANSLATE_NOOP("Help", "Undo / redo in the record editor (back to the last pause)")),
    ("Tab", QT_TRANSLATE_NOOP("Help", "Move between the search box, filters, list and editor")),
]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


def guide_path() -> Path:
    """The user guide in the interface's language where one is shipped, else English."""
    translated = GUIDE.with_name(f"guide.{i18n.active_language()}.md")
    return translated if translated.is_file() else GUIDE


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
    return sorted(found.items()) + [(keys, _tr(what)) for keys, what in VIEW_KEYS]


def shortcuts_html(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td style='padding-right:16px'><b>{html.escape(k)}</b></td>"
                   f"<td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<h2>{html.escape(_tr('Keyboard shortcuts'))}</h2><table cellpadding='3'>{body}</table>"


def models_html(cards: dict[str, ModelCard | None]) -> str:
    from medgui.ui.training.card_view import card_html  # the manager's card view

    intro = _tr("<h1>Active models</h1><p>The models medgui uses now. Change them in "
                "<b>Models → Model manager…</b>.</p>")
    parts = [intro]
    for task, card in cards.items():
        if card is None:
            what = {"image": _tr("Image"), "text": _tr("Text")}.get(task, task.capitalize())
            parts.append(f"<h2>{html.escape(what)}</h2><p>"
                         + html.escape(_tr("No {0} model is installed.").format(what.lower()))
                         + "</p>")
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
        self.setWindowTitle(self.tr("medgui help"))
        self.tabs = QTabWidget()
        self.guide = self._browser("helpGuide")
        try:
            self.guide.setMarkdown(guide_path().read_text(encoding="utf-8"))
        except OSError as exc:
            self.guide.setPlainText(self.tr("The user guide could not be read ({0}): {1}").format(
                guide_path(), exc.strerror or exc))
        self.keys = self._browser("helpShortcuts")
        self.keys.setHtml(shortcuts_html(shortcuts(window)))
        self.models = self._browser("helpModels")
        self.models.setHtml(models_html(active_cards(registry)))
        self.tabs.addTab(self.guide, self.tr("User guide"))
        self.tabs.addTab(self.keys, self.tr("Shortcuts"))
        self.tabs.addTab(self.models, self.tr("Active models"))
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
