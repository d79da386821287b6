"""Screenshots of the main panes in one interface language, for docs/screenshots/<LANG>/.

    QT_QPA_PLATFORM=offscreen python docs/make_i18n_screenshots.py en
    QT_QPA_PLATFORM=offscreen python docs/make_i18n_screenshots.py zh_CN

Installs the language as the app does at start-up (``medgui.ui.i18n``), then grabs the
main window with a sample chest X-ray read by the active model (the real analysis
process), the image viewer pane, the record editor with a suggestion (a made-up result
of the shape the analysis process returns, as in ``make_ui_screenshots.py``) and the
training wizard's first page. Chinese needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGE = HERE.parent / "resources" / "samples" / "chest_cr_siim_jpeg_baseline.dcm"
MAX_BYTES = 300_000


def main() -> int:
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    out = HERE / "screenshots" / language
    out.mkdir(parents=True, exist_ok=True)
    os.environ["MEDGUI_HOME"] = tempfile.mkdtemp(prefix="medgui-i18n-shots-")
    sys.path.insert(0, str(HERE))
    from make_ui_screenshots import NOTE, suggestion_result
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from medgui.core.records.store import RecordStore
    from medgui.ui import i18n
    from medgui.ui.main_window import MainWindow
    from medgui.workers.jobs import ThreadRunner
    from medgui.workers.ml_service import MLService

    app = QApplication.instance() or QApplication([])
    i18n.install_translators(app, language)
    ml, runner = MLService(warmup_tasks=("image",)), ThreadRunner()
    store = RecordStore(Path(os.environ["MEDGUI_HOME"]) / "records.sqlite3")
    store.create("Follow-up, abdominal pain", "Epigastric pain after meals; no melena.", "P-0007")
    record = store.create("Chest pain on exertion", NOTE, "P-0042")
    window = MainWindow(ml, runner, store=store)
    window.resize(1400, 880)
    window.show()
    ml.start()
    window.open_image(IMAGE)
    pane = window.image_pane
    code = {"value": 1}

    def save(widget: object, path: Path) -> None:
        for _ in range(5):
            app.processEvents()
        image = widget.grab().toImage()  # type: ignore[attr-defined]
        image.save(str(path))
        if path.stat().st_size > MAX_BYTES:  # 256 colours: the text stays sharp
            image.convertToFormat(QImage.Format.Format_Indexed8).save(str(path))
        print(f"saved {path} ({path.stat().st_size // 1024} KB)")

    def finish() -> None:
        recording = pane.prediction.result is not None and pane.reading_actions.entry is None
        if pane.loads.busy or pane.readings.busy or pane.image is None or recording:
            QTimer.singleShot(200, finish)
            return
        pane.prediction.heatmap_check.setChecked(True)
        for _ in range(5):
            app.processEvents()
        pane.fit_head()
        save(window, out / "main-window.png")
        save(pane, out / "image-viewer.png")
        window.tabs.setCurrentWidget(window.record_pane)
        records = window.record_pane
        records.select_record(record.id)
        records._on_classified(record.id, NOTE, suggestion_result(NOTE))  # as if classified
        save(records, out / "record-editor.png")
        wizard = window.show_training_wizard()
        save(wizard, out / "training-wizard.png")
        wizard.close()
        records.flush()
        code["value"] = 0
        app.quit()

    QTimer.singleShot(300, finish)
    app.exec()
    window.close()
    ml.shutdown()
    runner.wait()
    store.close()
    return code["value"]


if __name__ == "__main__":
    raise SystemExit(main())
