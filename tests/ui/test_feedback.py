"""The clinic's workflow in the GUI: readings go into the audit trail, Agree/Disagree
comes back out as a dataset the training wizard trains on, reports, History, menus."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from medgui.core.audit.readings import file_sha256
from medgui.core.audit.trail import AuditTrail
from medgui.core.training.datasets import scan_folder, scan_table
from medgui.ui.audit.history_view import HistoryView
from medgui.ui.imaging.image_pane import ImagePane
from medgui.ui.main_window import MainWindow
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.core.dicom_factory import write_dicom
from tests.dataset_factory import write_image
from tests.pdf_tools import pdf_text
from tests.ui.test_record_editor import FAKE, NOTE, make_pane  # noqa: F401 - a fixture
from tests.ui.ui_helpers import close_dialogs, stop_service

CLASSES = ["NORMAL", "PNEUMONIA"]


@pytest.fixture
def pane(qtbot):
    ml, runner = MLService(), ThreadRunner()
    p = ImagePane(ml, runner)
    p.auto_classify.setChecked(False)  # the readings below come from the test
    qtbot.addWidget(p)
    p.resize(1200, 760)
    p.show()
    yield p
    close_dialogs()
    runner.wait()
    stop_service(ml)


def reading_of(path, label: str) -> dict:
    """A ``classify_image`` result as the analysis process sends it."""
    p = 0.9 if label == "PNEUMONIA" else 0.1
    return {"path": str(path), "label": label, "probabilities": {"NORMAL": 1 - p, "PNEUMONIA": p},
            "threshold": 0.5, "positive_class": "PNEUMONIA", "model": "tiny@1", "model_name": "tiny",
            "model_version": 1, "heatmap": np.full((8, 8), 0.5, np.float32), "warnings": [],
            "timing_ms": {}}


def open_and_read(qtbot, pane: ImagePane, path, label: str) -> None:
    pane.open_path(path)
    qtbot.waitUntil(lambda: pane.image is not None and pane.image.path == path and not pane.loads.busy,
                    timeout=15000)
    with qtbot.waitSignal(pane.reading_actions.sig_recorded, timeout=15000):
        pane._on_prediction(pane.image, reading_of(path, label))  # the analysis process's answer


def give(qtbot, actions, verdict: str, label: str = "", comment: str = "") -> None:
    button = actions.agree_button if verdict == "agree" else actions.disagree_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if label:
        actions.label_combo.setCurrentText(label)
    if comment:
        qtbot.keyClicks(actions.comment_edit, comment)
    with qtbot.waitSignal(actions.sig_feedback_saved, timeout=15000):
        qtbot.mouseClick(actions.save_button, Qt.MouseButton.LeftButton)


@pytest.mark.slow
def test_feedback_given_in_the_gui_becomes_a_dataset_the_wizard_trains_on(qtbot, pane, tmp_path):
    rng = np.random.default_rng(5)
    cases = []  # (file, the truth, what the model said)
    for i in range(5):
        for truth in CLASSES:
            path = write_image(tmp_path / "in" / f"scan{i}{truth[0]}.png", truth == "PNEUMONIA", rng)
            said = truth if i % 2 == 0 else CLASSES[1 - CLASSES.index(truth)]
            cases.append((path, truth, said))
    dcm = write_dicom(tmp_path / "in" / "Quixote.dcm", (rng.random((32, 32)) * 4000).astype(np.uint16),
                      PatientName="Quixote^Alonso")
    cases.append((dcm, "NORMAL", "NORMAL"))
    actions = pane.reading_actions
    for path, truth, said in cases:
        open_and_read(qtbot, pane, path, said)
        assert actions.isVisibleTo(pane) and actions.agree_button.isEnabled()
        assert "audit trail as entry" in actions.status.text()
        assert not actions.label_combo.isVisibleTo(pane)
        if said == truth:
            give(qtbot, actions, "agree")
        else:
            qtbot.mouseClick(actions.disagree_button, Qt.MouseButton.LeftButton)
            assert actions.label_combo.isVisibleTo(pane)
            assert [actions.label_combo.itemText(i) for i in range(actions.label_combo.count())] == [truth]
            give(qtbot, actions, "disagree", truth, "subtle opacity")
        assert "Feedback saved" in actions.status.text()

    trail = AuditTrail()
    entries = trail.entries()
    assert [e.kind for e in entries] == ["reading", "feedback"] * len(cases)
    assert trail.verify().ok
    first = entries[0].body
    assert first["source"] == "gui" and first["input"]["sha256"] == file_sha256(cases[0][0])
    disagreement = next(e.body for e in entries if e.body.get("verdict") == "disagree")
    assert disagreement["comment"] == "subtle opacity" and disagreement["correct_label"] in CLASSES

    from medgui.core.audit.feedback import export_dataset

    out = export_dataset(tmp_path / "dataset")
    assert out.counts == {"image": {"NORMAL": 6, "PNEUMONIA": 5}} and out.skipped == []
    kept = next((out.image_folder / "NORMAL").glob("*.dcm")).read_bytes()
    assert b"Quixote" not in kept  # the case store keeps DICOMs de-identified

    scan = scan_folder(out.image_folder, "image")  # what the wizard's Check page runs
    assert scan.classes == CLASSES and scan.counts == {"NORMAL": 6, "PNEUMONIA": 5}
    assert scan.unreadable == () and scan.too_small == ()

    from medgui.core.ml.train import run_training
    from medgui.core.training.config import TrainingConfig

    events: list[dict] = []
    config = TrainingConfig(task="image", data=str(out.image_folder), architecture="seed_cnn",
                            image_size=32, epochs=1, batch_size=4, seed=1, patience=1)
    outcome = run_training(config, progress=events.append)
    try:
        assert outcome.card.classes == CLASSES
        assert outcome.card.data_fingerprint["n_items"] == 11
        assert any(e["phase"] == "train" for e in events)
        assert (outcome.staging_dir / "model.keras").is_file()
    finally:
        outcome.discard()


@pytest.mark.slow
def test_record_feedback_and_report_from_the_records_pane(qtbot, make_pane, tmp_path):  # noqa: F811
    pane, store = make_pane([("Chest pain", "", "P-0042")])
    qtbot.keyClicks(pane.body_edit, "Name: Alonso Quixano. " + NOTE)
    with qtbot.waitSignal(pane.reading_actions.sig_recorded, timeout=60000):
        qtbot.mouseClick(pane.panel.classify_button, Qt.MouseButton.LeftButton)
    actions = pane.reading_actions
    (entry,) = AuditTrail().entries()
    assert entry.body["input"]["kind"] == "text" and entry.body["input"]["patient_ref"] == "P-0042"
    assert entry.body["model"]["ref"] == "fake-text@3" and entry.body["output"]["label"] == "Cardiology"
    give(qtbot, actions, "disagree", "Pulmonology", "post-viral")

    with qtbot.waitSignal(actions.sig_report_written, timeout=30000) as written:
        actions.export_report(tmp_path / "note.pdf")
    text = " ".join(pdf_text(tmp_path / "note.pdf").split())
    assert "Cardiology" in text and "fake-text@3" in text and "ST depression" in text
    assert "Alonso" not in text and "P-0042" not in text
    assert written.args == [str(tmp_path / "note.pdf")]

    from medgui.core.audit.feedback import export_dataset

    out = export_dataset(tmp_path / "dataset")
    scan = scan_table(out.text_table, "text", "label")
    assert [i.label for i in scan.items] == ["Pulmonology"]
    assert "ST depression" in scan.items[0].text and "Alonso" not in scan.items[0].text


def test_the_report_dialog_is_de_identified_unless_ticked(qtbot, pane, tmp_path):
    path = write_dicom(tmp_path / "Quixote.dcm", (np.arange(32 * 32).reshape(32, 32) * 4).astype(np.uint16),
                       PatientName="Quixote^Alonso")
    open_and_read(qtbot, pane, path, "PNEUMONIA")
    pane.prediction.heatmap_check.setChecked(True)
    dialog = pane.reading_actions.export_report()
    assert not dialog.identifying.isChecked()
    assert "Quixote" not in dialog.path_edit.text()
    dialog.path_edit.setText(str(tmp_path / "r.pdf"))
    with qtbot.waitSignal(pane.reading_actions.sig_report_written, timeout=30000):
        dialog.accept()
    text = " ".join(pdf_text(tmp_path / "r.pdf").split())
    assert "PNEUMONIA" in text and "tiny@1" in text and "Heatmap (Grad-CAM)" in text
    assert "Quixote" not in text and "De-identified report" in text
    dialog = pane.reading_actions.export_report()
    dialog.path_edit.setText(str(tmp_path / "named.pdf"))
    dialog.identifying.setChecked(True)
    with qtbot.waitSignal(pane.reading_actions.sig_report_written, timeout=30000):
        dialog.accept()
    assert "Patient name: Quixote^Alonso" in " ".join(pdf_text(tmp_path / "named.pdf").split())


def test_history_view_lists_entries_and_says_when_the_chain_breaks(qtbot, tmp_path):
    trail = AuditTrail()
    for n in range(3):
        trail.append("reading", {"input": {"kind": "image", "sha256": f"{n:064x}"},
                                 "model": {"ref": "tiny@1"}, "output": {"label": "NORMAL",
                                                                       "probabilities": {"NORMAL": 0.8}},
                                 "user": "ana", "workstation": "ws1"})
    runner = ThreadRunner()
    view = HistoryView(runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_loaded, timeout=15000) as loaded:
        view.refresh()
    assert loaded.args == [True] and view.table.rowCount() == 3
    assert [view.cell(r, 0) for r in range(3)] == ["1", "2", "3"]
    assert view.cell(0, 5) == "NORMAL (80.0 %)" and view.cell(0, 6) == "ana@ws1"
    assert "intact: 3 entries" in view.status.text()
    import sqlite3

    conn = sqlite3.connect(trail.path)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET created = '2000-01-01T00:00:00.000000+00:00' WHERE seq = 2")
    conn.commit()
    conn.close()
    with qtbot.waitSignal(view.sig_loaded, timeout=15000) as loaded:
        view.refresh()
    assert loaded.args == [False] and "BROKEN at entry 2" in view.status.text()
    runner.wait()


def test_window_menus_offer_the_workflow(qtbot, tmp_path):
    ml, runner = MLService(), ThreadRunner()
    window = MainWindow(ml, runner)
    window.image_pane.auto_classify.setChecked(False)
    qtbot.addWidget(window)
    try:
        names = {a.objectName() for a in window.menuBar().actions()[0].menu().actions()}
        assert {"exportReportAction", "exportDeidentified", "auditHistory"} <= names
        assert window.workflow.feedback_action in window.models_menu.actions()
        box = window.workflow.export_report()  # nothing read yet: it says so
        assert isinstance(box, QMessageBox) and "no reading to report" in box.text()
        box.close()
        window.workflow.export_feedback(tmp_path / "empty")
        qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                    and "no usable feedback" in w.text()
                                    for w in window.findChildren(QMessageBox)), timeout=15000)
        close_dialogs()
        # File > Export de-identified copy… on the DICOM shown.
        scan = write_dicom(tmp_path / "Quixote.dcm", np.zeros((16, 16), np.uint16), PatientName="Quixote^Alonso")
        window.open_image(scan)
        qtbot.waitUntil(lambda: window.image_pane.image is not None, timeout=15000)
        with qtbot.waitSignal(window.workflow.sig_done, timeout=15000) as done:
            window.workflow.export_deidentified(tmp_path / "copy.dcm")
        assert "De-identified copy written" in done.args[0]
        copy = (tmp_path / "copy.dcm").read_bytes()
        assert b"Quixote" not in copy and b"113108" in copy
    finally:
        close_dialogs()
        runner.wait()
        stop_service(ml)
