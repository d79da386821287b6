"""The record pane driven the way a person uses it: type, wait, search, classify."""

from __future__ import annotations

import csv
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox, QProgressBar

from medgui.core.records.store import RecordStore
from medgui.ui.records.record_editor import RecordPane
from medgui.ui.style import ERROR_STYLE
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService

FAKE = "tests.ui.test_record_editor:fake_classify"
NOTE = ("Chest pain on exertion for three weeks. ECG shows ST depression. "
        "Denies palpitations. Pain eases with rest.")


def fake_classify(payload, progress, cancelled):
    """A stand-in for ``classify_text`` with the same result shape (runs in the process)."""
    text = payload["text"]
    weights = {"chest": 1.0, "pain": 0.7, "ecg": 0.5, "rest": -0.6, "palpitations": 0.3}
    tokens = [{"text": m.group(), "start": m.start(), "end": m.end(),
               "weight": weights.get(m.group().lower(), 0.0),
               "negated": m.group().lower() == "palpitations"}
              for m in re.finditer(r"\w+", text)]
    probabilities = {"Cardiology": 0.82, "Pulmonology": 0.11, "Neurology": 0.07}
    reliable = len(tokens) >= 5
    return {
        "label": "Cardiology" if reliable else None, "reliable": reliable,
        "reason": "" if reliable else "Cannot classify reliably: the text is too short",
        "probabilities": probabilities,
        "top": sorted(([k, v] for k, v in probabilities.items()), key=lambda kv: -kv[1])[:payload["top_k"]],
        "model": "fake-text@3", "model_name": "fake-text", "model_version": "3",
        "tokens": tokens,
    }


@pytest.fixture
def make_pane(qtbot):
    made = []

    def make(records=(), kind=FAKE):
        store = RecordStore()
        for title, body, ref in records:
            store.create(title, body, ref)
        ml, runner = MLService(), ThreadRunner()
        pane = RecordPane(store, ml, runner, classify_kind=kind)
        qtbot.addWidget(pane)
        pane.resize(1200, 700)
        pane.show()
        made.append((pane, store, ml, runner))
        return pane, store

    yield make
    for pane, store, ml, runner in made:
        pane.close()
        runner.wait()
        ml.shutdown()
        store.close()


def titles(pane):
    return [pane.model.record_at(r).title for r in range(pane.model.rowCount())]


def error_boxes(pane):
    return [b for b in pane.findChildren(QMessageBox) if b.objectName() == "errorDialog"]


def test_typing_autosaves_within_two_seconds(qtbot, make_pane):
    pane, store = make_pane([("Note", "Start.", "P-1")])
    assert pane.autosave_timer.isSingleShot() and pane.autosave_timer.interval() <= 2000
    pane.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(pane.body_edit, " Fever 38.5 C")
    assert pane.save_status.text() == "Saving…"
    assert store.get(pane.current.id).body == "Start."  # not yet: the timer is pending
    qtbot.waitUntil(lambda: store.get(pane.current.id).body == "Start. Fever 38.5 C", timeout=2500)
    assert pane.save_status.text() == "Saved"
    qtbot.keyClicks(pane.title_edit, " (ward 3)")
    qtbot.waitUntil(lambda: store.get(pane.current.id).title == "Note (ward 3)", timeout=2500)


def test_undo_redo_with_keys_and_toolbar(qtbot, make_pane):
    pane, _store = make_pane([("Note", "", "P-1")])
    assert not pane.undo_action.isEnabled()
    qtbot.keyClicks(pane.body_edit, "no fever")
    assert pane.undo_action.isEnabled()
    qtbot.keyClick(pane.body_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pane.body_edit.toPlainText() == ""
    qtbot.keyClick(pane.body_edit, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert pane.body_edit.toPlainText() == "no fever"
    pane.undo_action.trigger()
    assert pane.body_edit.toPlainText() == ""
    pane.redo_action.trigger()
    assert pane.body_edit.toPlainText() == "no fever"


def test_switching_record_saves_first(qtbot, make_pane):
    pane, store = make_pane([("First", "one", "P-1"), ("Second", "two", "P-2")])
    assert pane.current.title == "Second"  # most recently modified is opened
    pane.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(pane.body_edit, " edited")
    pane.browser.table.selectRow(titles(pane).index("First"))
    assert pane.current.title == "First" and pane.body_edit.toPlainText() == "one"
    assert store.search("Second")[0].body == "two edited"  # saved before switching


def test_failed_save_keeps_text_and_tells_the_user(qtbot, make_pane):
    pane, store = make_pane([("Other", "x", ""), ("Note", "original", "P-1")])
    record_id = pane.current.id
    conn = store.connection()  # the GUI thread's connection: the pane saves on this thread
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
    pane.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    pasted = " pasted " + "lab results " * 20000
    pane.body_edit.insertPlainText(pasted)
    qtbot.waitUntil(lambda: pane.save_status.text().startswith("Not saved:"), timeout=2500)
    assert "disk is full" in pane.save_status.text()
    assert pane.save_status.styleSheet() == ERROR_STYLE
    assert error_boxes(pane) == []  # expected: said next to the text, no dialog
    assert pane.body_edit.toPlainText() == "original" + pasted
    assert store.get(record_id).body == "original"
    # Leaving the record would lose the text: the pane stays on it.
    pane.browser.table.selectRow(titles(pane).index("Other"))
    assert pane.current.id == record_id
    assert pane.body_edit.toPlainText() == "original" + pasted
    assert error_boxes(pane) == []  # not on the retries either
    # Space is back: the retry saves it.
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert pane.save() is True
    assert store.get(record_id).body == "original" + pasted
    assert pane.save_status.text() == "Saved"


def test_search_and_filters(qtbot, make_pane):
    pane, store = make_pane([("Cough", "productive cough", "P-1"),
                             ("Headache", "throbbing headache", "P-2"),
                             ("Follow-up", "cough better", "P-2")])
    ids = {r.title: r.id for r in store.records()}
    store.add_classification(ids["Cough"], "Pulmonology", {"Pulmonology": 0.9}, "m", "1")
    store.add_classification(ids["Headache"], "Neurology", {"Neurology": 0.8}, "m", "1")
    pane.refresh()
    pane._fill_filters()
    qtbot.keyClicks(pane.browser.search_edit, "cough")
    qtbot.waitUntil(lambda: sorted(titles(pane)) == ["Cough", "Follow-up"], timeout=2000)
    pane.browser.search_edit.clear()
    qtbot.waitUntil(lambda: len(titles(pane)) == 3, timeout=2000)
    pane.browser.label_combo.setCurrentIndex(pane.browser.label_combo.findText("Neurology"))
    assert titles(pane) == ["Headache"]
    pane.browser.label_combo.setCurrentIndex(pane.browser.label_combo.findText("Unclassified"))
    assert titles(pane) == ["Follow-up"]
    pane.browser.label_combo.setCurrentIndex(0)
    pane.browser.patient_combo.setCurrentIndex(pane.browser.patient_combo.findText("P-2"))
    assert sorted(titles(pane)) == ["Follow-up", "Headache"]
    row = titles(pane).index("Headache")
    assert pane.model.index(row, 3).data() == "Neurology"
    assert pane.model.index(row, 1).data() == "P-2"


def test_new_duplicate_delete_trash_restore(qtbot, make_pane):
    pane, store = make_pane([("Note", "body text", "P-1")])
    original = pane.current.id
    copy = pane.duplicate_record()
    assert pane.current.id == copy.id and pane.title_edit.text() == "Note (copy)"
    new = pane.new_record()
    assert pane.current.id == new.id and pane.body_edit.toPlainText() == ""
    qtbot.keyClicks(pane.body_edit, "brand new")
    pane.delete_record()  # saves, then moves to the trash
    assert store.get(new.id).deleted and store.get(new.id).body == "brand new"
    assert new.id not in [r.id for r in pane.model.records()]
    pane.browser.trash_action.trigger()
    assert [r.id for r in pane.model.records()] == [new.id]
    assert pane.current.id == new.id and pane.body_edit.isReadOnly()
    assert pane.browser.restore_action.isEnabled() and not pane.browser.new_action.isEnabled()
    pane.restore_record()
    assert not store.get(new.id).deleted and pane.model.rowCount() == 0
    pane.browser.trash_action.trigger()
    assert {r.id for r in pane.model.records()} == {original, copy.id, new.id}
    assert not pane.body_edit.isReadOnly()


def test_import_and_export_run_in_the_background(qtbot, make_pane, tmp_path):
    pane, store = make_pane()
    table = tmp_path / "in.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_ref", "title", "body"])
        writer.writerow(["P-7", "Imported, with comma", 'line one\n"quoted" line two'])
    note = tmp_path / "Clinic letter.txt"
    note.write_text("Seen in clinic.", encoding="utf-8")
    with qtbot.waitSignal(pane.sig_imported, timeout=10000) as blocker:
        pane.import_files([table, note])
    assert blocker.args == [2]
    assert sorted(titles(pane)) == ["Clinic letter", "Imported, with comma"]
    assert pane.browser.patient_combo.findText("P-7") > 0
    out = tmp_path / "out.csv"
    job = pane.export_records(out)
    with qtbot.waitSignal(job.sig_finished, timeout=10000):
        pass
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["title"]: r for r in csv.DictReader(handle)}
    assert rows["Imported, with comma"]["body"] == 'line one\n"quoted" line two'
    assert "Exported 2" in pane.browser.status.text()
    # A bad file is reported and nothing is imported.
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    job = pane.import_files([bad])
    with qtbot.waitSignal(job.sig_finished, timeout=10000):
        pass
    # Expected: said under the list, in the error style, without a dialog.
    assert pane.browser.status.text().startswith("Import failed: ")
    assert "no 'body' column" in pane.browser.status.text()
    assert pane.browser.status.styleSheet() == ERROR_STYLE
    assert error_boxes(pane) == []
    assert len(store.records()) == 2


def char_format_at(view, position):
    cursor = QTextCursor(view.document())
    cursor.setPosition(position + 1)  # the format of the character before the cursor
    return cursor.charFormat()


@pytest.mark.slow
def test_classify_shows_labels_highlights_negation_and_history(qtbot, make_pane):
    pane, store = make_pane([("Chest pain", "", "P-1")])
    qtbot.keyClicks(pane.body_edit, NOTE)
    with qtbot.waitSignal(pane.sig_classified, timeout=60000):
        qtbot.mouseClick(pane.panel.classify_button, Qt.MouseButton.LeftButton)
    assert store.get(pane.current.id).body == NOTE  # saved before classifying
    panel = pane.panel
    assert panel.shown[0] == ("Cardiology", pytest.approx(0.82))
    assert [label for label, _ in panel.shown] == ["Cardiology", "Pulmonology", "Neurology"]
    assert panel.findChild(QProgressBar, "bar_0").text() == "82%"
    assert panel.verdict.text() == "Suggested: Cardiology (82%)"
    assert panel.model_label.text() == "Model: fake-text@3"
    view = panel.view
    assert view.toPlainText() == NOTE
    chest = char_format_at(view, NOTE.index("Chest"))
    rest = char_format_at(view, NOTE.index("rest"))
    plain = char_format_at(view, NOTE.index("weeks"))
    negated = char_format_at(view, NOTE.index("palpitations"))
    assert chest.background().color().red() > chest.background().color().blue()  # toward
    assert rest.background().color().blue() > rest.background().color().red()  # away
    assert plain.background().style() == Qt.BrushStyle.NoBrush
    assert negated.fontStrikeOut() and not chest.fontStrikeOut()
    # A suggestion becomes the record's label only when the clinician accepts it.
    assert store.history(pane.current.id) == [] and pane.model.index(0, 3).data() == ""
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    history = store.history(pane.current.id)
    assert [(c.label, c.model_name, c.model_version) for c in history] == [("Cardiology", "fake-text", "3")]
    assert history[0].probabilities["Pulmonology"] == pytest.approx(0.11)
    assert pane.model.index(0, 3).data() == "Cardiology"
    assert panel.history.count() == 1 and "Cardiology 82%" in panel.history.item(0).text()

    # Too little text: no confident label, the reason instead; nothing to accept, and the
    # accepted label stays.
    pane.body_edit.selectAll()
    qtbot.keyClicks(pane.body_edit, "ok")
    with qtbot.waitSignal(pane.sig_classified, timeout=60000):
        pane.classify()
    assert panel.verdict.text() == "Cannot classify reliably: the text is too short"
    assert not panel.accept_button.isEnabled()
    assert store.get(pane.current.id).latest_label == "Cardiology"
    assert panel.history.count() == 1


def train_tiny_model_job(payload, progress, cancelled):
    """Train and activate the tiny text model inside the analysis process.

    The GUI test process never imports TensorFlow, as in the app; the classify job
    that follows finds TensorFlow already loaded in the same process.
    """
    from medgui.core.models.registry import Registry
    from tests.core.ml import tiny_text_model as tiny

    model, _history = tiny.trained("lstm")
    card = tiny.register(model, name="tiny-records")
    Registry().activate(card.ref)  # the registry under this test's $MEDGUI_HOME
    return {"ref": card.ref, "classes": tiny.CLASSES, "words": tiny.CLASS_WORDS}


@pytest.mark.slow
def test_classify_with_the_real_text_job_and_a_tiny_model(qtbot, make_pane):
    pane, store = make_pane([("Cardiac review", "", "P-4")], kind="classify_text")
    job = pane.ml.submit("tests.ui.test_record_editor:train_tiny_model_job")
    with qtbot.waitSignal(job.sig_result, timeout=180000) as trained:
        pass
    tiny = trained.args[0]
    text = ("The patient was seen today with angina and a murmur, stent noted. "
            "Plan reviewed. No evidence of fracture.")
    qtbot.keyClicks(pane.body_edit, text)
    with qtbot.waitSignal(pane.sig_classified, timeout=120000) as blocker:
        qtbot.mouseClick(pane.panel.classify_button, Qt.MouseButton.LeftButton)
    result = blocker.args[1]
    panel = pane.panel
    assert result["model"] == tiny["ref"] and panel.model_label.text() == f"Model: {tiny['ref']}"
    assert result["label"] == "cardiology"
    assert panel.verdict.text().startswith("Suggested: cardiology (")
    assert sorted(label for label, _ in panel.shown) == sorted(tiny["classes"])
    assert sum(p for _, p in panel.shown) == pytest.approx(1.0, abs=1e-3)
    # The words the job says drove the answer are the ones highlighted, with the same
    # sign; "fracture" after "No evidence of" is marked as negated.
    view = panel.view
    assert view.toPlainText() == text
    strongest = max(result["tokens"], key=lambda t: t["weight"])
    assert strongest["text"].lower() in tiny["words"]["cardiology"]
    fmt = char_format_at(view, strongest["start"])
    assert fmt.background().color().red() > fmt.background().color().blue()
    fracture = next(t for t in result["tokens"] if t["text"] == "fracture")
    assert fracture["negated"] and char_format_at(view, fracture["start"]).fontStrikeOut()
    assert not char_format_at(view, text.index("angina")).fontStrikeOut()
    assert store.history(pane.current.id) == []  # a suggestion until accepted
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    stored = store.history(pane.current.id)
    assert [(c.label, c.model_ref) for c in stored] == [("cardiology", tiny["ref"])]
    assert set(stored[0].probabilities) == set(tiny["classes"])


def test_highlight_offsets_are_characters_even_beyond_the_bmp(qtbot):
    from PySide6.QtGui import QTextDocument

    from medgui.ui.records.record_models import highlight

    text = "𝒳 胸痛 no chest pain"  # 𝒳 is two UTF-16 units in Qt, one character in Python
    tokens = [{"start": text.index("胸痛"), "end": text.index("胸痛") + 2, "weight": 0.9, "negated": False},
              {"start": text.index("chest"), "end": text.index("chest") + 5, "weight": 0.4, "negated": True},
              {"start": 50, "end": 60, "weight": 1.0, "negated": False}]  # out of range: skipped
    doc = QTextDocument()
    assert highlight(doc, text, tokens) == 2
    cursor = QTextCursor(doc)

    def fmt(py_index):
        cursor.setPosition(len(text[:py_index].encode("utf-16-le")) // 2 + 1)
        return cursor.charFormat()

    assert fmt(text.index("胸")).background().style() != Qt.BrushStyle.NoBrush
    assert fmt(text.index(" 胸")).background().style() == Qt.BrushStyle.NoBrush
    assert fmt(text.index("chest")).fontStrikeOut() and fmt(text.index("st pain")).fontStrikeOut()
    assert not fmt(text.index("no")).fontStrikeOut() and not fmt(text.index("pain")).fontStrikeOut()
    # Stronger weight, deeper colour.
    assert fmt(text.index("胸")).background().color().lightness() < fmt(text.index("chest")).background().color().lightness()
