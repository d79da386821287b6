"""A model's suggestion in the record pane, as a clinician meets it: it never writes the
label by itself, it goes stale when the text changes, and it says what it did not read."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from tests.ui import record_helpers
from tests.ui.record_helpers import NOTE, SEQ_LEN, label_column

make_pane = record_helpers.make_pane  # the fixture

pytestmark = pytest.mark.slow  # the stand-in classifier runs in the analysis process


def classify(qtbot, pane):
    with qtbot.waitSignal(pane.sig_classified, timeout=60_000):
        qtbot.mouseClick(pane.panel.classify_button, Qt.MouseButton.LeftButton)


def marked_characters(view):
    """How many characters of the highlight view carry a background or strike-out."""
    cursor = QTextCursor(view.document())
    marked = 0
    for position in range(1, len(view.toPlainText()) + 1):
        cursor.setPosition(position)
        fmt = cursor.charFormat()
        marked += fmt.background().style() != Qt.BrushStyle.NoBrush or fmt.fontStrikeOut()
    return marked


def test_a_suggestion_is_only_a_label_once_accepted_and_goes_stale_on_edit(qtbot, make_pane):
    pane, store = make_pane([("Chest pain", "", "P-1")])
    panel = pane.panel
    record_id = pane.current.id
    qtbot.keyClicks(pane.body_edit, NOTE)
    classify(qtbot, pane)
    assert panel.verdict.text() == "Suggested: Cardiology (82%)"
    # Nothing is written to the record until the clinician accepts it.
    assert label_column(pane, "Chest pain") == ""
    assert store.get(record_id).latest_label is None and store.history(record_id) == []
    assert panel.record_label.text() == "Label: none yet"
    assert panel.accept_button.isEnabled()
    assert marked_characters(panel.view) > 0

    # An edit: the suggestion describes the old text; it is marked, and the highlights go.
    pane.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(pane.body_edit, " Seen again today: pain now at rest.")
    assert "earlier version of the text" in panel.verdict.text()
    assert "Classify again" in panel.notes.text()
    assert not panel.accept_button.isEnabled()
    assert marked_characters(panel.view) == 0
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)  # disabled: nothing
    assert store.history(record_id) == []

    # Classified again, then accepted: now it is the record's label.
    classify(qtbot, pane)
    assert panel.verdict.text() == "Suggested: Cardiology (82%)" and panel.accept_button.isEnabled()
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert store.get(record_id).latest_label == "Cardiology"
    assert [c.model_ref for c in store.history(record_id)] == ["fake-text@3"]
    assert label_column(pane, "Chest pain") == "Cardiology"
    assert panel.record_label.text().startswith("Label: Cardiology")
    assert not panel.accept_button.isEnabled()  # accepted once
    assert panel.history.count() == 1

    # An uncertain result cannot be accepted and leaves the label alone.
    pane.body_edit.selectAll()
    qtbot.keyClicks(pane.body_edit, "ok")
    classify(qtbot, pane)
    assert panel.verdict.text().startswith("Cannot classify reliably")
    assert not panel.accept_button.isEnabled()
    assert label_column(pane, "Chest pain") == "Cardiology"
    assert store.get(record_id).latest_label == "Cardiology" and len(store.history(record_id)) == 1


def test_a_long_note_says_only_the_first_words_were_read(qtbot, make_pane):
    pane, _store = make_pane([("Discharge summary", "", "P-2")])
    long_note = " ".join(["Chest pain on exertion, ECG reviewed, plan discussed."] * 620)
    assert len(long_note) > 31_000
    pane.body_edit.setPlainText(long_note)  # pasted
    classify(qtbot, pane)
    panel = pane.panel
    assert f"Only the first {SEQ_LEN} words were read (of 4,960)" in panel.notes.text()
    assert panel.notes.isVisible()
    # The words after the first 300 are shown as not read (grey), not as plain text.
    cursor = QTextCursor(panel.view.document())
    cursor.setPosition(len(long_note) - 2)
    assert cursor.charFormat().foreground().color().name() == "#808080"
    assert "not read" in cursor.charFormat().toolTip()


def test_a_chinese_note_is_said_to_be_unreadable_by_an_english_model(qtbot, make_pane):
    pane, _store = make_pane([("胸痛", "", "P-3")])
    pane.body_edit.setPlainText("患者胸痛三周，活动后加重，休息后缓解。心电图示ST段压低。")
    classify(qtbot, pane)
    verdict = pane.panel.verdict.text()
    assert "reads English" in verdict and "Chinese" in verdict
    assert "Add more" not in verdict
    assert not pane.panel.accept_button.isEnabled()
