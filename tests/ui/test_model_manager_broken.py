"""The model manager opens whatever the registry holds (issue 12, E).

Cards with fields of the wrong type used to stop the dialog from opening at all (a
``TypeError`` while filling the table or the card view); now such versions are listed
as broken, disabled, with the reason, and card text is shown escaped.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from medgui.core.models.registry import Registry
from medgui.ui.training.model_manager import ModelManagerDialog
from medgui.workers.jobs import ThreadRunner
from tests.core.model_archives import card_dict, write_version

HOSTILE = {
    "created": {"created": 12345},
    "arch": {"architecture": None},
    "thresh": {"threshold": "high"},
    "frac": {"version": 2.5},
    "one": {"classes": ["x"]},
    "evil": {"name": "evil\x1b]0;owned\x07\nfake"},
}


@pytest.fixture
def registry(tmp_path):
    reg = Registry(tmp_path / "registry", builtin=None)
    write_version(reg.root, "chest", "1", card_dict(
        notes="<b>bold</b>\x1b[31m\r\nFAKE",
        # Valid card, odd contents: figures that are not numbers, markup in names.
        metrics={"accuracy": "high", "operating_point": {"sensitivity": "x", "specificity": None},
                 "per_class": {"<i>NORMAL</i>": {"precision": "p", "recall": 0.5, "f1": [1]}},
                 "kfold": {"folds": "<script>5</script>", "auc": {"mean": "m", "std": None}}},
        data_fingerprint={"counts": ["not", "a", "dict"], "n_items": "<u>9</u>", "source": "\x07src"},
        training={"seed": "<b>7</b>"}))
    for folder, overrides in HOSTILE.items():
        write_version(reg.root, folder, "2.5" if folder == "frac" else "1",
                      card_dict(**{"name": folder, **overrides}))
    return reg


def test_opens_with_broken_versions_listed_disabled_with_the_reason(qtbot, registry):
    runner = ThreadRunner()
    dialog = ModelManagerDialog(registry, runner=runner)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    assert table.rowCount() == 1 + len(HOSTILE)
    assert [table.item(0, c).text() for c in range(3)] == ["chest", "1", "image"]
    assert table.item(0, 0).flags() & Qt.ItemFlag.ItemIsSelectable
    broken = {table.item(r, 0).text(): table.item(r, 5).text() for r in range(1, table.rowCount())}
    assert set(broken) == set(HOSTILE)
    assert "'created' must be text, not 12345" in broken["created"]
    assert "'threshold' must be a number from 0 to 1" in broken["thresh"]
    assert "'version' must be a whole number" in broken["frac"]
    assert all(text.startswith("broken: ") for text in broken.values())
    for r in range(1, table.rowCount()):
        item = table.item(r, 5)
        assert item.flags() == Qt.ItemFlag.NoItemFlags and "cannot be used" in item.toolTip()
        assert not any(ch in item.text() + item.toolTip() for ch in "\x1b\x07\r\n")
    # The usable model is selected and its card shown, markup and controls as text.
    assert dialog.selected().ref == "chest@1"
    text = dialog.card_view.toPlainText()
    assert "<b>bold</b>\\x1b[31m\\x0d\\x0aFAKE" in text
    assert "<script>5</script>-fold cross-validation" in text and "<i>NORMAL</i>" in text
    assert "sensitivity x, specificity None" in text and "<u>9</u>" in text and "\\x07src" in text
    assert "\x1b" not in text and "\x07" not in text
    # A click on a broken row selects nothing: the selection stays.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualItemRect(table.item(3, 0)).center())
    assert dialog.selected().ref == "chest@1" and dialog.delete_button.isEnabled()
    runner.wait(10_000)
