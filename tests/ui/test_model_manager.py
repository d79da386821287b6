"""The model manager lists, shows, activates, exports, imports and deletes models."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.ui.style import ERROR_STYLE
from medgui.ui.training.model_manager import ModelManagerDialog
from medgui.workers.jobs import ThreadRunner


def fake_model(tmp_path: Path, name: str, task: str = "image", builtin_root: Path | None = None,
               **extra) -> ModelCard:
    """Register a model whose ``model.keras`` is a placeholder: listing never loads it."""
    staging = tmp_path / f"stage-{name}-{task}"
    staging.mkdir()
    (staging / "model.keras").write_bytes(b"placeholder for " + name.encode())
    card = ModelCard(name=name, task=task, classes=["NORMAL", "PNEUMONIA"], architecture="compact_cnn",
                     **extra)
    registry = Registry(builtin_root, builtin=None) if builtin_root else Registry(builtin=None)
    return registry.register(staging, card)


@pytest.fixture
def registry(tmp_path):
    shipped = tmp_path / "shipped"
    fake_model(tmp_path, "default-cnn", builtin_root=shipped)
    reg = Registry(builtin=shipped)
    fake_model(tmp_path, "mine", threshold=0.42, positive_class="PNEUMONIA", notes="trained on ward 3 data",
               metrics={"accuracy": 0.91, "accuracy_ci": [0.88, 0.94], "auc": 0.95, "auc_ci": [0.93, 0.97],
                        "macro_f1": 0.9},
               data_fingerprint={"source": "/data/chest", "n_items": 120, "counts": {"NORMAL": 60,
                                                                                      "PNEUMONIA": 60},
                                 "sha256": "ab" * 32},
               training={"epochs": 12, "seed": 7, "learning_rate": 0.001})
    fake_model(tmp_path, "notes", task="text")
    return reg


@pytest.fixture
def dialog(qtbot, registry):
    runner = ThreadRunner()
    dlg = ModelManagerDialog(registry, runner=runner)
    qtbot.addWidget(dlg)
    dlg.show()
    yield dlg
    runner.wait(10_000)


def rows(dlg: ModelManagerDialog) -> list[list[str]]:
    return [[dlg.table.item(r, c).text() for c in range(dlg.table.columnCount())]
            for r in range(dlg.table.rowCount())]


def test_lists_models_with_active_and_builtin_markers(dialog):
    listed = {(r[0], r[1]): r for r in rows(dialog)}
    assert set(listed) == {("default-cnn", "1"), ("mine", "1"), ("notes", "1")}
    assert listed[("default-cnn", "1")][2] == "image"
    assert listed[("default-cnn", "1")][4:] == ["● active", "shipped"]
    assert listed[("mine", "1")][3]  # created
    assert listed[("mine", "1")][4] == "" and listed[("mine", "1")][5] == "yours"
    # No text model is shipped: the only one is the default for its task.
    assert listed[("notes", "1")][4] == "● active"


def test_card_view_shows_metrics_with_ci_threshold_data_and_notes(dialog):
    dialog.select("mine@1")
    text = dialog.card_view.toPlainText()
    assert "0.910" in text and "0.880 – 0.940" in text
    assert "0.950" in text and "0.930 – 0.970" in text
    assert "P ≥ 0.420" in text and "PNEUMONIA" in text
    assert "120 (NORMAL 60, PNEUMONIA 60)" in text
    assert "trained on ward 3 data" in text
    assert "learning_rate" in text and "compact_cnn" in text


def test_activate_marks_the_model_and_writes_the_registry(dialog, registry, qtbot):
    dialog.select("mine@1")
    with qtbot.waitSignal(dialog.sig_changed):
        dialog.activate_button.click()
    assert registry.active("image").ref == "mine@1"
    listed = {r[0]: r[4] for r in rows(dialog)}
    assert listed["mine"] == "● active" and listed["default-cnn"] == ""
    assert "mine@1 is now the active image model" in dialog.status.text()


def test_delete_asks_then_removes_and_refuses_builtins(dialog, registry, qtbot):
    dialog.select("default-cnn@1")
    assert not dialog.delete_button.isEnabled()
    assert dialog.delete_selected() is None  # refused inline, nothing asked
    assert "default-cnn@1 is shipped with medgui" in dialog.status.text()
    assert dialog.status.styleSheet() == ERROR_STYLE
    assert "default-cnn@1" in [c.ref for c in registry.list()]

    dialog.select("mine@1")
    registry.activate("mine@1")
    box = dialog.delete_selected()
    assert isinstance(box, QMessageBox) and "mine@1" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert "mine@1" in [c.ref for c in registry.list()]

    box = dialog.delete_selected()
    with qtbot.waitSignal(dialog.sig_changed, timeout=10_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert "mine@1" not in [c.ref for c in registry.list()]
    assert [r[0] for r in rows(dialog)] == ["default-cnn", "notes"]
    assert registry.active("image").ref == "default-cnn@1"  # back to the shipped default
    assert "Deleted mine@1" in dialog.status.text()


def test_export_writes_an_archive_with_the_card_and_files(dialog, tmp_path, qtbot):
    dialog.select("mine@1")
    dest = tmp_path / "out.medgui-model"
    job = dialog.export_to(dest)
    with qtbot.waitSignal(job.sig_finished, timeout=10_000):
        pass
    with zipfile.ZipFile(dest) as zf:
        assert sorted(zf.namelist()) == ["card.json", "model.keras"]
        assert zf.read("model.keras") == b"placeholder for mine"
    assert str(dest) in dialog.status.text()


@pytest.mark.slow
def test_import_refuses_a_file_that_is_not_a_keras_model(dialog, registry, tmp_path, qtbot):
    """The placeholder model.keras is no Keras model: the import is refused, nothing added.

    (Refusing a real Keras model that carries code, a ``Lambda`` layer, is tested in
    ``tests/core/ml/test_registry.py``.)"""
    from medgui.workers.ml_service import MLService

    dialog.select("mine@1")
    archive = tmp_path / "mine.medgui-model"
    with qtbot.waitSignal(dialog.export_to(archive).sig_finished, timeout=10_000):
        pass
    registry.delete("mine@1")  # else the import is refused as a copy of what is there
    before = [c.ref for c in registry.list()]
    ml = MLService()
    dialog._ml = ml
    try:
        job = dialog.import_from(archive)
        errors = []
        job.sig_errored.connect(errors.append)
        with qtbot.waitSignal(job.sig_finished, timeout=180_000):
            pass
    finally:
        ml.shutdown()
    assert errors and errors[0].type == "ModelLoadError"
    assert "Could not import" in dialog.status.text()
    assert [c.ref for c in registry.list()] == before


def test_importing_the_same_export_again_is_refused_naming_the_copy_there(dialog, registry, tmp_path,
                                                                          qtbot):
    dialog.select("mine@1")
    archive = tmp_path / "mine-again.medgui-model"
    with qtbot.waitSignal(dialog.export_to(archive).sig_finished, timeout=10_000):
        pass
    before = [c.ref for c in registry.list()]
    # Checked from the archive's card before anything is unpacked or loaded.
    assert dialog.import_from(archive) is None
    assert "already in your registry as mine@1" in dialog.status.text()
    assert dialog.status.styleSheet() == ERROR_STYLE
    assert [c.ref for c in registry.list()] == before
    assert dialog._ml is None  # no analysis process was started for it


def test_deleting_the_active_model_says_which_model_takes_over(dialog, registry, qtbot):
    dialog.select("mine@1")
    with qtbot.waitSignal(dialog.sig_changed):
        dialog.activate_button.click()
    box = dialog.delete_selected()
    assert "active image model" in box.text()
    with qtbot.waitSignal(dialog.sig_changed, timeout=10_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert "Deleted mine@1" in dialog.status.text()
    assert "default-cnn@1 is now the active image model" in dialog.status.text()
    listed = {r[0]: r[4] for r in rows(dialog)}
    assert listed["default-cnn"] == "● active"
