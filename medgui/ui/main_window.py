"""The main window: panes in tabs, menus, recent files, drag-and-drop, status bar.

Panes are added with :meth:`MainWindow.add_pane`; the Images pane is always first.
Only window geometry and the recent-files list are kept in QSettings (an INI file in
the medgui home, so tests and portable installs stay self-contained).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QSettings, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from medgui import __version__
from medgui.core import paths
from medgui.core.records.store import RecordStore
from medgui.ui import i18n
from medgui.ui.audit.workflow import WorkflowActions
from medgui.ui.imaging.image_pane import ImagePane
from medgui.ui.imaging.prediction_panel import NOTICE
from medgui.ui.records.record_editor import RecordPane
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService

MAX_RECENT = 10


ALL_FILES = QT_TRANSLATE_NOOP("MainWindow", "All files (*)")


def image_filter() -> str:
    """The Open dialog's filters. "All files" comes first and is the one selected: DICOM
    files often have no extension, and a suffix filter would hide them (the folder would
    look empty). The loader decides by content."""
    from medgui.core.imaging.loader import SUPPORTED_SUFFIXES  # imports OpenCV: not at start-up

    suffixes = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
    translate = QCoreApplication.translate
    return ";;".join((translate("MainWindow", ALL_FILES),
                      translate("MainWindow", "X-ray images ({0})").format(suffixes),
                      "DICOMDIR (DICOMDIR)"))


def settings() -> QSettings:
    """medgui's QSettings, stored as ``settings.ini`` in the medgui home."""
    return QSettings(str(paths.home() / "settings.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    """Hosts the panes; owns the menus every pane shares."""

    def __init__(
        self,
        ml: MLService,
        runner: ThreadRunner,
        parent: QWidget | None = None,
        store: RecordStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.ml = ml
        self.runner = runner
        self.setWindowTitle(self.tr("medgui — diagnosis support"))
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.image_pane = ImagePane(ml, runner)
        self.add_pane(self.image_pane, self.tr("Images"))
        self.image_pane.sig_image_opened.connect(self.add_recent)
        self.image_pane.sig_status.connect(self._show_message)
        self.image_pane.sig_model_used.connect(self._show_model)
        self.image_pane.sig_model_failed.connect(self._on_model_failed)
        self.record_pane = RecordPane(store or RecordStore(), ml, runner)
        self.add_pane(self.record_pane, self.tr("Records"))

        self.engine_label = QLabel(self.tr("Loading analysis engine…"))
        self.engine_label.setObjectName("engineStatus")
        self.statusBar().addPermanentWidget(self.engine_label)
        ml.sig_ready.connect(self._on_engine_ready)
        ml.sig_crashed.connect(self._on_engine_crashed)
        ml.sig_warmup_failed.connect(lambda error: self._on_model_failed(error.message))
        self._build_menus()
        self._restore_geometry()

    # -- panes ----------------------------------------------------------------------
    def add_pane(self, widget: QWidget, title: str) -> int:
        """Add a pane as a tab; returns its index."""
        return self.tabs.addTab(widget, title)

    # -- menus ----------------------------------------------------------------------
    def _action(self, text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.open_action = self._action(
            self.tr("&Open image…"), self.open_dialog, QKeySequence.StandardKey.Open, "openImage"
        )
        file_menu.addAction(self.open_action)
        self.open_folder_action = self._action(
            self.tr("Open &folder…"), self.open_folder_dialog, "Ctrl+Shift+O", "openFolder")
        self.open_folder_action.setToolTip(self.tr("List the images of a folder or a DICOM disc"))
        file_menu.addAction(self.open_folder_action)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        file_menu.addSeparator()
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit, "quit")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)
        self._rebuild_recent_menu()

        view = self.image_pane.view
        view_menu = bar.addMenu(self.tr("&View"))
        # Ctrl-modified shortcuts: bare keys (+, -, 0, 1, I) are handled by the image
        # view itself when it has focus, so typing in a spin box never zooms.
        self.zoom_in_action = self._action(self.tr("Zoom &in"), lambda: view.zoom(1.25), "Ctrl++", "zoomIn")
        self.zoom_out_action = self._action(self.tr("Zoom &out"), lambda: view.zoom(0.8), "Ctrl+-", "zoomOut")
        self.fit_action = self._action(self.tr("&Fit to window"), view.fit, "Ctrl+0", "fit")
        self.actual_size_action = self._action(self.tr("&Actual size (100 %)"), view.zoom_100, "Ctrl+1", "zoom100")
        self.invert_action = self._action(self.tr("&Invert"), view.set_inverted, "Ctrl+I", "invert")
        self.invert_action.setCheckable(True)
        view.sig_inverted_changed.connect(self.invert_action.setChecked)
        self.reset_action = self._action(self.tr("&Reset view"), view.reset, "Ctrl+R", "resetView")
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action,
                       self.actual_size_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.invert_action)
        presets = view_menu.addMenu(self.tr("Window &preset"))
        for name in view.preset_names():
            presets.addAction(self._action(QCoreApplication.translate("WindowPreset", name),
                                           lambda _=False, n=name: view.apply_preset(n)))
        view_menu.addAction(self.reset_action)
        view_menu.addSeparator()
        self._build_language_menu(view_menu)

        self.models_menu = bar.addMenu(self.tr("&Models"))
        self.models_menu.setObjectName("modelsMenu")
        self.active_model_action = QAction(self.tr("Image model: loading…"), self)
        self.active_model_action.setEnabled(False)
        self.models_menu.addAction(self.active_model_action)
        self.text_model_action = QAction(self.tr("Text model: …"), self)
        self.text_model_action.setEnabled(False)
        self.models_menu.addAction(self.text_model_action)
        self.models_menu.addSeparator()
        self.manager_action = self._action(self.tr("Model &manager…"), self.show_model_manager, name="modelManager")
        self.wizard_action = self._action(self.tr("&Train a new model…"), self.show_training_wizard, name="trainWizard")
        self.models_menu.addAction(self.manager_action)
        self.models_menu.addAction(self.wizard_action)
        # Reports, de-identified copies, the audit history, feedback as a dataset.
        self.workflow = WorkflowActions(self, file_menu, self.models_menu)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.guide_action = self._action(self.tr("&User guide"), lambda: self.show_help(0),
                                         QKeySequence.StandardKey.HelpContents, "userGuide")
        self.shortcuts_action = self._action(self.tr("&Keyboard shortcuts"), lambda: self.show_help(1),
                                             name="shortcuts")
        self.models_help_action = self._action(self.tr("Active &models"), lambda: self.show_help(2),
                                               name="activeModels")
        self.about_action = self._action(self.tr("&About medgui"), self.show_about, name="about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        for action in (self.guide_action, self.shortcuts_action, self.models_help_action):
            help_menu.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_language_menu(self, view_menu: Any) -> None:
        """View > Language: System / English / 中文, kept in QSettings for the next start."""
        self.language_menu = view_menu.addMenu(self.tr("&Language"))
        self.language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        current = i18n.language_setting()
        self.language_actions: dict[str, QAction] = {}
        for key, name in i18n.LANGUAGES.items():
            action = QAction(name or self.tr("System default"), self)
            action.setObjectName(f"language_{key}")
            action.setCheckable(True)
            action.setChecked(key == current)
            action.triggered.connect(lambda _checked=False, k=key: self.set_language(k))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[key] = action

    def set_language(self, choice: str) -> None:
        """Keep ``choice`` for the next start and say so (the menus stay as they are now)."""
        i18n.set_language_setting(choice)
        self.language_actions[choice].setChecked(True)
        self._show_message(self.tr("The language changes when medgui is next started."))

    def show_model_manager(self) -> QDialog:
        # Imported on demand: the window must appear without these modules' import cost.
        from medgui.ui.training.model_manager import ModelManagerDialog

        dialog = ModelManagerDialog(parent=self, runner=self.runner, ml=self.ml)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_changed.connect(self.refresh_models)
        dialog.open()
        return dialog

    def show_training_wizard(self) -> QDialog:
        from medgui.ui.training.training_wizard import TrainingWizard

        wizard = TrainingWizard(self.ml, self.runner, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.sig_model_saved.connect(lambda card: self._show_message(self.tr("Registered {0}").format(card.ref)))
        wizard.sig_model_saved.connect(lambda _card: self.refresh_models())
        wizard.sig_progress_text.connect(self._show_message)
        # A window of its own, not modal: the window, readings and records stay usable
        # while a model trains (its progress also shows in the status bar).
        wizard.setWindowModality(Qt.WindowModality.NonModal)
        wizard.show()
        return wizard

    def show_help(self, tab: int = 0) -> QDialog:
        from medgui.ui.help import HelpDialog

        dialog = HelpDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tabs.setCurrentIndex(tab)
        dialog.show()
        return dialog

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("aboutDialog")
        box.setWindowTitle(self.tr("About medgui"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(self.tr("<b>medgui {0}</b><br>Offline diagnosis support for chest X-rays "
                            "and clinical records.").format(__version__))
        box.setInformativeText(QCoreApplication.translate("PredictionPanel", NOTICE))  # once: it already says "not a diagnosis"
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- opening files --------------------------------------------------------------
    def open_dialog(self) -> None:
        start = self.recent_files()[0] if self.recent_files() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open X-ray image"), str(Path(start).parent if Path(start).is_file() else start),
            image_filter(), self.tr(ALL_FILES),
        )
        if path:
            self.open_image(path)

    def open_folder_dialog(self) -> None:
        """Open a folder (a disc, a PACS export) as a study list."""
        start = self.recent_files()[0] if self.recent_files() else str(Path.home())
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Open folder of images"), str(Path(start).parent if Path(start).is_file() else start))
        if folder:
            self.open_image(folder)

    def open_image(self, path: str | os.PathLike[str]) -> None:
        """Show the Images tab and open ``path`` there (a folder or DICOMDIR as a study list)."""
        self.tabs.setCurrentWidget(self.image_pane)
        self.image_pane.open_path(path)

    def recent_files(self) -> list[str]:
        value = settings().value("recent/files", [])
        if isinstance(value, str):  # QSettings returns a lone string for a 1-item list
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())  # as typed, a relative path breaks from another folder
        files = [path] + [p for p in self.recent_files() if p != path]
        settings().setValue("recent/files", files[:MAX_RECENT])
        self._rebuild_recent_menu()

    def clear_recent(self) -> None:
        settings().setValue("recent/files", [])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        files = [p for p in self.recent_files() if Path(p).is_file()]
        if files != self.recent_files():
            settings().setValue("recent/files", files)  # prune files that are gone
        self.recent_menu.clear()
        for i, path in enumerate(files):
            label = f"&{i + 1} {Path(path).name}" if i < 9 else f"1&0 {Path(path).name}"
            action = self._action(label, lambda _=False, p=path: self.open_image(p))
            action.setToolTip(path)
            action.setData(path)
            self.recent_menu.addAction(action)
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self._action(self.tr("Clear list"), self.clear_recent))
        self.recent_menu.setEnabled(bool(files))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if _local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = _local_files(event.mimeData())
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        # One image is shown at a time: the first dropped file is opened.
        self.open_image(files[0])
        if len(files) > 1:
            self._show_message(self.tr("Opened {0}; {1} more file(s) ignored.").format(
                Path(files[0]).name, len(files) - 1))

    # -- status ---------------------------------------------------------------------
    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_engine_ready(self, info: object) -> None:
        from medgui.ui.help import active_cards  # plain JSON, once the window is up

        loaded = info.get("loaded", []) if isinstance(info, dict) else []
        # A model that needs TensorFlow is "deferred": in use, loaded on its first reading.
        deferred = info.get("deferred", []) if isinstance(info, dict) else []
        cards = active_cards()
        image, text = cards.get("image"), cards.get("text")
        if image is not None and image.ref in (*loaded, *deferred):
            self._show_model(image.ref)
        else:
            self.engine_label.setText(self.tr("Analysis engine ready"))
            self.active_model_action.setText(self.tr("Image model: none loaded"))
        self.text_model_action.setText(self.tr("Text model: {0}").format(
            text.ref if text else self.tr("none installed")))
        self.record_pane.set_active_text_model(text.ref if text else "")

    def _show_model(self, ref: str) -> None:
        self.engine_label.setText(self.tr("Model {0}").format(ref))
        self.engine_label.setToolTip("")
        self.active_model_action.setText(self.tr("Image model: {0}").format(ref))

    def refresh_models(self) -> dict[str, str]:
        """Name the active models everywhere after the registry changed (activated,
        deleted, imported, trained): menu, status bar, and the readings shown."""
        from medgui.ui.help import active_cards  # plain JSON; imported on first use

        refs = {task: card.ref if card else "" for task, card in active_cards().items()}
        image, text = refs.get("image", ""), refs.get("text", "")
        none = self.tr("none installed")
        self.active_model_action.setText(self.tr("Image model: {0}").format(image or none))
        self.text_model_action.setText(self.tr("Text model: {0}").format(text or none))
        self.engine_label.setText(self.tr("Model {0}").format(image) if image
                                  else self.tr("No image model installed"))
        self.engine_label.setToolTip(self.tr("Text model {0}").format(text) if text else "")
        self.record_pane.set_active_text_model(text)
        prediction = self.image_pane.prediction
        result = prediction.result or {}
        used = (f"{result['model_name']}@{result['model_version']}" if result.get("model_name")
                else str(result.get("model") or ""))
        if result and used != image:  # a reading by a model no longer in use
            if self.image_pane.image is not None and self.image_pane.auto_classify.isChecked():
                self.image_pane.classify()  # read again with the active model
            else:
                prediction.clear(self.tr("That reading was by {0}; the active image model is now "
                                         "{1}. Press Classify for its reading.").format(
                                             used, image or self.tr("none")))
        return refs

    def _on_model_failed(self, message: str) -> None:
        self.engine_label.setText(self.tr("No usable image model"))
        self.engine_label.setToolTip(message)
        self.active_model_action.setText(self.tr("Image model: none usable"))

    def _on_engine_crashed(self, message: str) -> None:
        self.engine_label.setText(self.tr("Analysis engine stopped; it restarts on next use"))

    # -- geometry -------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 880)
        state = settings().value("window/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.image_pane.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # A child pane's closeEvent does not run when the window closes: save edits here.
        self.record_pane.flush()
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.image_pane.splitter.saveState())
        s.sync()
        super().closeEvent(event)


def _local_files(mime: Any) -> list[str]:
    if mime is None or not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def main() -> int:
    """Run the window alone on a temporary record database with the sample records and
    image (``python -m medgui`` is the application, with its start-up order and hooks)."""
    import sys
    import tempfile

    from PySide6.QtWidgets import QApplication

    from medgui.core.imaging.loader import is_probably_image
    from medgui.core.records import transfer

    app = QApplication.instance() or QApplication(sys.argv)
    store = RecordStore(Path(tempfile.mkdtemp(prefix="medgui-window-")) / "records.sqlite3")
    if (paths.SAMPLES / "records.csv").is_file():
        transfer.import_files(store, [paths.SAMPLES / "records.csv"])
    ml, runner = MLService(), ThreadRunner()
    window = MainWindow(ml, runner, store=store)
    window.show()
    images = sorted(p for p in paths.SAMPLES.glob("*") if p.is_file() and is_probably_image(p))
    if len(sys.argv) > 1 or images:
        window.open_image(sys.argv[1] if len(sys.argv) > 1 else images[0])
    code = app.exec()
    ml.shutdown()
    runner.wait()
    store.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
