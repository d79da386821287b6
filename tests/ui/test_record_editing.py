"""Writing in the record pane as a clinician does: undo after autosaves, the keyboard
around the list, an editor that only takes text when a record is open, Delete, import."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui import record_helpers
from tests.ui.record_helpers import titles

make_pane = record_helpers.make_pane  # the fixture

CTRL = Qt.KeyboardModifier.ControlModifier


def test_undo_after_two_autosaves_takes_back_only_the_last_words_typed(qtbot, make_pane):
    pane, store = make_pane([("Note", "", "P-1")])
    record_id = pane.current.id
    qtbot.keyClicks(pane.body_edit, "Fever since Monday.")
    qtbot.waitUntil(lambda: store.get(record_id).body == "Fever since Monday.", timeout=2500)
    qtbot.keyClicks(pane.body_edit, " Dry cough at night.")
    full = "Fever since Monday. Dry cough at night."
    qtbot.waitUntil(lambda: store.get(record_id).body == full, timeout=2500)
    qtbot.keyClick(pane.body_edit, Qt.Key.Key_Z, CTRL)
    assert pane.body_edit.toPlainText() == "Fever since Monday."
    assert pane.undo_action.isEnabled() and pane.redo_action.isEnabled()
    qtbot.waitUntil(lambda: store.get(record_id).body == "Fever since Monday.", timeout=2500)
    qtbot.keyClick(pane.body_edit, Qt.Key.Key_Z,
                   CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert pane.body_edit.toPlainText() == full
    qtbot.waitUntil(lambda: store.get(record_id).body == full, timeout=2500)


def test_tab_from_the_search_box_never_opens_another_record(qtbot, make_pane):
    pane, _store = make_pane([(f"Note {i}", f"text {i}", "P-1") for i in range(6)])
    opened = pane.current.id
    pane.browser.search_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.browser.search_edit)
    visited = []
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        assert pane.current.id == opened
    # The table is one stop in the Tab chain, not a cell-by-cell walk.
    assert visited.count(pane.browser.table) <= 2
    assert not pane.browser.table.tabKeyNavigation()


def test_the_editor_takes_no_text_until_a_record_is_open(qtbot, make_pane):
    pane, store = make_pane()
    assert pane.current is None
    for edit in (pane.patient_edit, pane.title_edit, pane.body_edit):
        assert not edit.isEnabled()
    qtbot.keyClicks(pane.body_edit, "typed into nothing")
    assert pane.body_edit.toPlainText() == ""
    pane.browser.new_action.trigger()
    assert pane.body_edit.isEnabled() and pane.current is not None
    qtbot.keyClicks(pane.body_edit, "kept")
    assert pane.save() and store.get(pane.current.id).body == "kept"


def test_delete_key_in_the_list_asks_then_moves_to_the_trash(qtbot, make_pane):
    pane, store = make_pane([("Keep", "a", "P-1"), ("Remove", "b", "P-1")])
    table = pane.browser.table
    table.selectRow(titles(pane).index("Remove"))
    target = pane.current.id
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    box = pane.findChild(QMessageBox, "confirmTrash")
    assert box is not None and box.isVisible() and "Remove" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert not store.get(target).deleted
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    box = pane.findChild(QMessageBox, "confirmTrash")
    box.button(QMessageBox.StandardButton.Yes).click()
    assert store.get(target).deleted
    assert titles(pane) == ["Keep"]


def test_import_says_how_many_records_came_in(qtbot, make_pane, tmp_path):
    pane, _store = make_pane([("Existing", "x", "")])
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Letter {name}.", encoding="utf-8")
    with qtbot.waitSignal(pane.sig_imported, timeout=10_000):
        pane.import_files(sorted(tmp_path.glob("*.txt")))
    assert pane.browser.status.text() == "Imported 3 records (4 shown)"
