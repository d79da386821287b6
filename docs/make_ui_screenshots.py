"""Screenshots of the record pane with a suggestion, the wizard's evaluation page and Help.

    QT_QPA_PLATFORM=offscreen python docs/make_ui_screenshots.py [OUT_FOLDER]

No model is loaded: the suggestion and the evaluation are made-up results of the shape
the analysis process returns, so the pictures show the views, not a model's quality.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

NOTE = ("Chest pain on exertion for three weeks, radiating to the left arm. ECG shows ST "
        "depression in V4-V6. Denies palpitations or syncope. Pain eases with rest. "
        "Plan: troponin, stress echocardiogram, start aspirin.")
SPECIALTIES = ["Cardiovascular / Pulmonary", "Consult - History and Phy.", "Gastroenterology",
               "Hematology - Oncology", "Obstetrics / Gynecology", "SOAP / Chart / Progress Notes"]


def suggestion_result(text: str) -> dict[str, Any]:
    from medgui.core.text import negation
    from medgui.core.text.tokens import tokenize

    weights = {"chest": 1.0, "pain": 0.6, "ecg": 0.7, "st": 0.5, "depression": 0.45,
               "troponin": 0.8, "echocardiogram": 0.6, "aspirin": 0.3, "rest": -0.4,
               "palpitations": 0.3, "syncope": 0.2, "arm": 0.15}
    spans = negation.find_negations(text)
    tokens = [{"text": text[t.start:t.end], "start": t.start, "end": t.end,
               "weight": weights.get(t.text, 0.0), "known": True,
               "negated": negation.is_negated(spans, t.start)} for t in tokenize(text)]
    probabilities = {"Cardiovascular / Pulmonary": 0.78, "Consult - History and Phy.": 0.12,
                     "Gastroenterology": 0.06, "Neurology": 0.04}
    return {"label": "Cardiovascular / Pulmonary", "reliable": True, "reason": "",
            "probabilities": probabilities,
            "top": sorted(([k, v] for k, v in probabilities.items()), key=lambda kv: -kv[1]),
            "model": "specialty-text@1", "model_name": "specialty-text", "model_version": 1,
            "n_tokens": len(tokens), "read_tokens": len(tokens), "truncated": False,
            "tokens": tokens, "warnings": []}


def evaluation() -> dict[str, Any]:
    n = len(SPECIALTIES)
    matrix = [[14 + 3 * i if i == j else (i * 7 + j * 3) % 4 for j in range(n)] for i in range(n)]
    per_class = {c: {"precision": 0.81 - 0.03 * i, "recall": 0.78 - 0.02 * i, "f1": 0.79 - 0.025 * i,
                     "support": sum(matrix[i])} for i, c in enumerate(SPECIALTIES)}
    return {"classes": SPECIALTIES, "accuracy": 0.774, "accuracy_ci": [0.71, 0.83],
            "macro_f1": 0.741, "macro_f1_ci": [0.67, 0.80], "n": sum(map(sum, matrix)),
            "per_class": per_class, "confusion_matrix": matrix,
            "baseline": {"accuracy": 0.75, "accuracy_ci": [0.69, 0.81], "macro_f1": 0.72,
                         "macro_f1_ci": [0.65, 0.78], "beats_model": False}}


def save(widget: Any, path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(f"saved {path}")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    os.environ.setdefault("MEDGUI_HOME", tempfile.mkdtemp(prefix="medgui-shots-"))
    from PySide6.QtWidgets import QApplication

    from medgui.core.records.store import RecordStore
    from medgui.ui.main_window import MainWindow
    from medgui.ui.records.record_editor import RecordPane
    from medgui.ui.training.training_wizard import Pages, TrainingWizard
    from medgui.workers.jobs import ThreadRunner
    from medgui.workers.ml_service import MLService

    app = QApplication.instance() or QApplication([])
    ml, runner = MLService(), ThreadRunner()
    store = RecordStore(Path(os.environ["MEDGUI_HOME"]) / "records.sqlite3")
    store.create("Follow-up, abdominal pain", "Epigastric pain after meals; no melena.", "P-0007")
    record = store.create("Chest pain on exertion", NOTE, "P-0042")
    pane = RecordPane(store, ml, runner)
    pane.resize(1400, 720)
    pane.show()
    pane.select_record(record.id)
    pane._on_classified(record.id, NOTE, suggestion_result(NOTE))  # as if classified
    save(pane, out / "screenshot-record-suggestion.png")
    # The same note after an edit: the suggestion is marked stale, its highlights gone.
    pane.body_edit.appendPlainText("Seen again: pain now at rest.")
    save(pane, out / "screenshot-record-suggestion-stale.png")

    wizard = TrainingWizard(ml, runner)
    wizard.page(Pages.TASK).text.setChecked(True)
    wizard.outcome = {"evaluation": evaluation(), "kfold": None}
    wizard.setStartId(Pages.EVALUATE)
    wizard.restart()
    wizard.show()
    save(wizard, out / "screenshot-wizard-evaluate-text.png")

    window = MainWindow(ml, runner, store=store)
    window.show()
    help_dialog = window.show_help(0)
    save(help_dialog, out / "screenshot-help-guide.png")
    help_dialog.tabs.setCurrentIndex(1)
    save(help_dialog, out / "screenshot-help-shortcuts.png")
    help_dialog.tabs.setCurrentIndex(2)
    save(help_dialog, out / "screenshot-help-models.png")
    pane.flush()
    window.close()
    ml.shutdown()
    runner.wait()
    store.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
