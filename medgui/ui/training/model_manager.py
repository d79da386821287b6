"""The model manager: list the registry's models, show a card, activate, import, export, delete.

Listing and reading cards is plain JSON. Deleting and exporting run in the
``ThreadRunner``; importing loads the Keras file in safe mode to refuse executable
layers, which needs TensorFlow, so it runs as the ``import_model`` job of the analysis
process (``MLService``), never in the GUI process.
"""

from __future__ import annotations

import contextlib
import json
import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import CARD_FILE, ModelCard, printable
from medgui.core.models.registry import EXPORT_SUFFIX, TASKS, BrokenEntry, Registry
from medgui.core.training.chance import stored_warnings
from medgui.ui.errors import handle_error, show_inline
from medgui.ui.training.card_view import _tr, card_html, chance_html, task_name
from medgui.ui.training.charts import ReliabilityChart
from medgui.workers.jobs import Job, JobError, ThreadRunner

COLUMNS = ["name", "version", "task", "created", "active", "source"]
#: The table's headers, by column (``COLUMNS`` are the keys).
HEADERS = {"name": QT_TRANSLATE_NOOP("ModelManagerDialog", "name"),
           "version": QT_TRANSLATE_NOOP("ModelManagerDialog", "version"),
           "task": QT_TRANSLATE_NOOP("ModelManagerDialog", "task"),
           "created": QT_TRANSLATE_NOOP("ModelManagerDialog", "created"),
           "active": QT_TRANSLATE_NOOP("ModelManagerDialog", "active"),
           "source": QT_TRANSLATE_NOOP("ModelManagerDialog", "source")}
def already_registered(archive: Path, registry: Registry) -> ModelCard | None:
    """The model in ``registry`` whose files have the hashes the card in ``archive`` lists.

    Reads only the archive's small card; anything unreadable is left to the import,
    which says what is wrong with it.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            if zf.getinfo(CARD_FILE).file_size > 1 << 20:
                return None
            data = json.loads(zf.read(CARD_FILE).decode("utf-8"))
    except (OSError, KeyError, ValueError, RecursionError, zipfile.BadZipFile):
        return None  # e.g. "[[[[..." nested past the parser's limit
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not files:
        return None
    return next((c for c in registry.list() if c.task == data.get("task") and c.files == files), None)


class ModelManagerDialog(QDialog):
    """Lists the models in ``registry`` and acts on the selected one.

    Parameters
    ----------
    registry : the registry to manage (default: the user's).
    parent : parent widget.
    runner : thread runner for deleting and exporting (one is made if not given).
    ml : analysis-process service for importing (started on the first import if not given).

    Signals
    -------
    sig_changed : the registry changed (a model was activated, imported or deleted).
    """

    sig_changed = Signal()

    def __init__(self, registry: Registry | None = None, parent: QWidget | None = None,
                 runner: ThreadRunner | None = None, ml: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.registry = registry or Registry()
        self.runner = runner or ThreadRunner(self)
        self._ml = ml
        self._own_ml = False
        self.cards: list[ModelCard] = []
        self.broken: list[BrokenEntry] = []  # listed after the cards, disabled, with the reason
        self.job: Job | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("modelTable")
        self.table.setHorizontalHeaderLabels([_tr(HEADERS[c]) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the buttons, not cell to cell
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.card_view = QTextBrowser()
        self.card_view.setObjectName("cardView")
        self.reliability = ReliabilityChart()  # the selected model's calibration, when recorded
        self.reliability.setMinimumHeight(220)
        self.confirm_box: QMessageBox | None = None
        self.activate_button = QPushButton(self.tr("Activate"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.activate_button.clicked.connect(self.activate_selected)
        self.import_button.clicked.connect(self._choose_import)
        self.export_button.clicked.connect(self._choose_export)
        self.delete_button.clicked.connect(self.delete_selected)
        self.status = QLabel()
        self.status.setObjectName("managerStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # messages quote names from archives
        buttons = QHBoxLayout()
        for b in (self.activate_button, self.import_button, self.export_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        card_side = QSplitter(Qt.Orientation.Vertical)
        card_side.addWidget(self.card_view)
        card_side.addWidget(self.reliability)
        card_side.setSizes([380, 240])
        split.addWidget(card_side)
        split.setSizes([460, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(980, 600)
        self.refresh()

    # -- listing ----------------------------------------------------------------------
    def active_refs(self) -> set[str]:
        refs = set()
        for task in TASKS:
            with contextlib.suppress(ModelLoadError):  # no model for this task
                refs.add(self.registry.active(task).ref)
        return refs

    def refresh(self, select: str | None = None) -> None:
        """Re-read the registry; keep (or move to) the selection ``select``."""
        current = select or (self.selected().ref if self.selected() else None)
        self.cards = self.registry.list()
        self.broken = self.registry.problems()
        active = self.active_refs()
        self.table.setRowCount(len(self.cards) + len(self.broken))
        for r, card in enumerate(self.cards):
            values = [printable(card.name), str(card.version), task_name(card.task),
                      printable(card.created[:19].replace("T", " ")),
                      self.tr("● active") if card.ref in active else "",
                      self.tr("shipped") if card.builtin else self.tr("yours")]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 4 and value:
                    item.setForeground(Qt.GlobalColor.darkGreen)
                self.table.setItem(r, c, item)
        for r, entry in enumerate(self.broken, start=len(self.cards)):
            # Not selectable: nothing can be done with it here (`medgui models delete` removes it).
            values = [printable(entry.name), printable(entry.version), "", "", "",
                      self.tr("broken: {0}").format(entry.reason)]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip(self.tr("{0} cannot be used: {1}").format(printable(entry.ref), entry.reason))
                self.table.setItem(r, c, item)
        refs = [c.ref for c in self.cards]
        row = refs.index(current) if current in refs else (0 if refs else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> ModelCard | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.cards):
            return None
        return self.cards[rows[0].row()]

    def select(self, ref: str) -> None:
        refs = [c.ref for c in self.cards]
        self.table.selectRow(refs.index(ref))

    def _selection_changed(self) -> None:
        card = self.selected()
        busy = self.job is not None
        self.activate_button.setEnabled(card is not None and not busy)
        self.export_button.setEnabled(card is not None and not busy)
        self.delete_button.setEnabled(card is not None and not card.builtin and not busy)
        self.delete_button.setToolTip(self.tr("Shipped models cannot be deleted")
                                      if card and card.builtin else "")
        self.import_button.setEnabled(not busy)
        metrics = card.metrics if card is not None and isinstance(card.metrics, dict) else {}
        self.reliability.set_reliability(metrics.get("reliability"), metrics.get("ece"))
        self.reliability.setVisible(bool(self.reliability.points))
        if card is None:
            self.card_view.setHtml("<p>" + self.tr("No models yet: train one with the training wizard.")
                                   + "</p>")
        else:
            self.card_view.setHtml(chance_html(metrics) + card_html(card, card.ref in self.active_refs()))

    # -- actions ----------------------------------------------------------------------
    def activate_selected(self) -> QMessageBox | None:
        """Activate the selected model; one the chance check warns about only after a
        confirmation (a non-blocking box, No by default, returned)."""
        card = self.selected()
        if card is None:
            return None
        warnings = stored_warnings(card.metrics)
        if not warnings:
            self._activate(card)
            return None
        text = (self.tr("The evaluation of {0} warns that it may be no better than chance:").format(
            printable(card.ref)) + "\n\n" + "\n".join(f"• {printable(w)}" for w in warnings) + "\n\n"
            + self.tr("Make it the active {0} model anyway, used for every new reading?").format(
                task_name(card.task)))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("No better than chance"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmChanceActivate")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self._activate(card))
        box.finished.connect(lambda _result: setattr(self, "confirm_box", None))
        self.confirm_box = box
        box.open()
        return box

    def _activate(self, card: ModelCard) -> None:
        try:
            self.registry.activate(card.ref)  # one small atomic JSON write
        except ModelLoadError as exc:
            show_inline(self.status, self.tr("Cannot activate the model: {0}").format(exc))
            return
        show_inline(self.status, self.tr("{0} is now the active {1} model.").format(
            card.ref, task_name(card.task)), "")
        self.refresh(card.ref)
        self.sig_changed.emit()

    def delete_selected(self) -> QMessageBox | None:
        """Ask for confirmation (a non-blocking box, returned), then delete."""
        card = self.selected()
        if card is None:
            return None
        if card.builtin:
            show_inline(self.status, self.tr("Cannot delete: {0} is shipped with medgui and cannot "
                                             "be deleted; activate another model instead.").format(card.ref))
            return None
        question = self.tr("Delete {0}? Its files are removed from the registry; records "
                           "that cite it keep the name.").format(card.ref)
        if card.ref in self.active_refs():
            question += "\n\n" + self.tr("It is the active {0} model: once it is deleted, the "
                                          "default {0} model takes over (named when it is done).").format(
                task_name(card.task))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete model"), question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDelete")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda ref=card.ref: self._delete(ref))
        box.open()
        return box

    def _delete(self, ref: str) -> None:
        registry, was_active = self.registry, ref in self.active_refs()

        def said(card: Any) -> str:
            task = getattr(card, "task", "")
            deleted = self.tr("Deleted {0}.").format(card.ref)
            if not was_active or not task:
                return deleted
            try:
                successor = self.tr("{0} is now the active {1} model.").format(
                    registry.active(task).ref, task_name(task))
            except ModelLoadError:
                successor = self.tr("No {0} model is left: train or import one.").format(task_name(task))
            return f"{deleted} {successor}"

        self._run(lambda progress, cancelled: registry.delete(ref), "delete", said)

    def _choose_export(self) -> None:
        card = self.selected()
        if card is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export model"),
                                              f"{card.name}-{card.version}{EXPORT_SUFFIX}",
                                              self.tr("medgui models ({0});;Zip (*.zip)").format(
                                                  f"*{EXPORT_SUFFIX}"))
        if path:
            self.export_to(Path(path))

    def export_to(self, dest: Path) -> Job | None:
        card = self.selected()
        if card is None:
            return None
        registry, ref = self.registry, card.ref
        return self._run(lambda progress, cancelled: registry.export(ref, dest), "export",
                         lambda written: self.tr("Exported {0} to {1}.").format(ref, written))

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import model"), "",
                                              self.tr("medgui models ({0});;All files (*)").format(
                                                  f"*{EXPORT_SUFFIX} *.zip"))
        if path:
            self.import_from(Path(path))

    def import_from(self, archive: Path) -> Job | None:
        """Import ``archive`` in the analysis process (the safety check loads the model).

        None, and nothing started, when the registry already holds a model with the same
        files (the export imported twice): a second copy would only add a version number.
        """
        same = already_registered(archive, self.registry)
        if same is not None:
            show_inline(self.status, self.tr("Not imported: {0} is already in your registry as {1} "
                                             "(the same files, by their sha256).").format(archive.name, same.ref))
            self.refresh(same.ref)
            return None
        if self._ml is None:
            from medgui.workers.ml_service import MLService

            self._ml, self._own_ml = MLService(self), True
        job = self._ml.submit("import_model", {"path": str(archive), "root": str(self.registry.root)})
        self._watch(job, "import", lambda card: self.tr("Imported {0}.").format(f"{card['name']}@{card['version']}"))
        show_inline(self.status, self.tr("Checking and importing {0}…").format(archive.name), "")
        return job

    def _run(self, fn: Any, what: str, done: Any) -> Job:
        job = self.runner.submit(fn, kind=f"model-{what}")
        self._watch(job, what, done)
        return job

    def _watch(self, job: Job, what: str, done: Any) -> None:
        self.job = job
        self._selection_changed()
        title, inline = {
            "delete": (self.tr("Could not delete the model"), self.tr("Could not delete: {0}")),
            "export": (self.tr("Could not export the model"), self.tr("Could not export: {0}")),
            "import": (self.tr("Could not import the model"), self.tr("Could not import: {0}")),
        }[what]

        def on_result(result: Any) -> None:
            show_inline(self.status, done(result), "")
            select = f"{result['name']}@{result['version']}" if isinstance(result, dict) else None
            self.refresh(select)
            self.sig_changed.emit()

        def on_error(error: JobError) -> None:
            handle_error(self, title, error, lambda message: show_inline(self.status, inline.format(message)))

        def on_finished() -> None:
            self.job = None
            self._selection_changed()

        job.sig_result.connect(on_result)
        job.sig_errored.connect(on_error)
        job.sig_finished.connect(on_finished)

    def done(self, result: int) -> None:
        if self._own_ml and self._ml is not None:
            self._ml.shutdown()
            self._ml = None
        super().done(result)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    dialog = ModelManagerDialog()
    dialog.show()
    sys.exit(app.exec())
