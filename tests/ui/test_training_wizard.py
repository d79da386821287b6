"""The training wizard, driven as a person would: radio buttons, a folder, Next, Finish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from medgui.core.models.registry import Registry
from medgui.core.training import options as training_options
from medgui.core.training.metrics import operating_point
from medgui.ui.training.training_wizard import Pages, TrainingWizard
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService

SCAN_TIMEOUT = 30_000
TRAIN_TIMEOUT = 240_000  # spawning the process and importing TensorFlow under load


def make_images(root: Path, counts: dict[str, int], size: int = 32, seed: int = 0) -> Path:
    """One subfolder per class of small PNGs; PNEUMONIA has a bright square, NORMAL none."""
    rng = np.random.default_rng(seed)
    for cls, n in counts.items():
        (root / cls).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            img = (rng.random((size, size)) * 70).astype(np.uint8)
            if cls != "NORMAL":
                r, c = rng.integers(2, size // 2, size=2)
                img[r : r + size // 3, c : c + size // 3] = 230
            cv2.imwrite(str(root / cls / f"{cls.lower()}_{i:03d}.png"), img)
    return root


@pytest.fixture(scope="module")
def ml():
    svc = MLService()
    yield svc
    svc.shutdown()


@pytest.fixture
def wizard(qtbot, ml):
    runner = ThreadRunner()
    wiz = TrainingWizard(ml, runner)
    qtbot.addWidget(wiz)
    wiz.show()
    yield wiz
    wiz.page(Pages.TRAIN).cancel()
    runner.wait(10_000)


def next_enabled(wiz: TrainingWizard) -> bool:
    return wiz.button(QWizard.WizardButton.NextButton).isEnabled()


def open_folder(qtbot, wiz: TrainingWizard, folder: Path) -> None:
    """Task: image; Data: ``folder``; then wait on the Check page for the scan."""
    wiz.page(Pages.TASK).image.setChecked(True)
    wiz.next()
    assert wiz.currentId() == Pages.DATA
    assert not next_enabled(wiz)  # no folder yet
    wiz.page(Pages.DATA).path.setText(str(folder))
    assert next_enabled(wiz)
    wiz.next()
    assert wiz.currentId() == Pages.CHECK
    qtbot.waitUntil(lambda: wiz.scan is not None, timeout=SCAN_TIMEOUT)


def test_check_page_lists_corrupt_file_and_refuses_a_tiny_class_until_excluded(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "xray", {"NORMAL": 8, "PNEUMONIA": 8, "RARE": 2})
    (folder / "NORMAL" / "broken.png").write_bytes(b"this is not a PNG")
    open_folder(qtbot, wizard, folder)
    check = wizard.page(Pages.CHECK)
    listed = [check.unreadable.item(i).text() for i in range(check.unreadable.count())]
    assert len(listed) == 1 and "broken.png" in listed[0]
    counts = {check.counts.item(r, 0).text(): int(check.counts.item(r, 1).text())
              for r in range(check.counts.rowCount())}
    assert counts == {"NORMAL": 8, "PNEUMONIA": 8, "RARE": 2}
    assert check.chart.values == {"NORMAL": 8.0, "PNEUMONIA": 8.0, "RARE": 2.0}
    assert check.too_small.isVisible() and "RARE" in check.too_small.text()
    assert not next_enabled(wizard)
    wizard.next()
    assert wizard.currentId() == Pages.CHECK  # refused
    check.exclude.click()
    assert check.exclude.isChecked() and next_enabled(wizard)
    wizard.next()
    assert wizard.currentId() == Pages.SPLIT
    wizard.next()
    assert wizard.currentId() == Pages.IMBALANCE
    imbalance = wizard.page(Pages.IMBALANCE)
    assert [imbalance.weights.item(r, 0).text() for r in range(imbalance.weights.rowCount())] == \
        ["NORMAL", "PNEUMONIA"]
    assert wizard.build_config().exclude_classes == ("RARE",)


def test_check_page_reports_leak_and_duplicates(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "xray", {"NORMAL": 6, "PNEUMONIA": 6})
    same = (folder / "NORMAL" / "normal_000.png").read_bytes()
    (folder / "NORMAL" / "copy.png").write_bytes(same)
    (folder / "PNEUMONIA" / "filed_twice.png").write_bytes(same)
    open_folder(qtbot, wizard, folder)
    check = wizard.page(Pages.CHECK)
    assert check.cross.count() == 1 and "filed_twice.png" in check.cross.item(0).text()
    assert check.warnings.isVisible()
    assert "more than one class" in check.warnings.text()


def test_split_percentages_must_add_up_to_100_and_pattern_must_compile(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "xray", {"NORMAL": 8, "PNEUMONIA": 8})
    open_folder(qtbot, wizard, folder)
    wizard.next()
    split = wizard.page(Pages.SPLIT)
    assert next_enabled(wizard)
    split.train.setValue(80)
    assert not next_enabled(wizard)
    assert "must be 100" in split.sum_label.text()
    split.val.setValue(10)
    split.test.setValue(10)
    assert next_enabled(wizard)
    split.group.setText("(unclosed")
    assert not next_enabled(wizard)
    assert "regular expression" in split.message.text()
    split.group.setText(r"^([a-z]+_\d)")
    assert next_enabled(wizard)
    # The live preview shows the group the pattern finds in the first file names.
    assert split.preview.item(0, 0).text() == "normal_000.png"
    assert split.preview.item(0, 1).text() == "normal_0"
    config_fractions = (80, 10, 10)
    wizard.next()
    config = wizard.build_config()
    assert (config.train_fraction, config.val_fraction, config.test_fraction) == \
        tuple(v / 100 for v in config_fractions)
    assert config.group_pattern == r"^([a-z]+_\d)"


def test_imbalance_page_shows_class_weights_of_the_training_split(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "xray", {"NORMAL": 30, "PNEUMONIA": 10})
    open_folder(qtbot, wizard, folder)
    wizard.next()
    wizard.next()
    page = wizard.page(Pages.IMBALANCE)
    rows = {page.weights.item(r, 0).text(): (int(page.weights.item(r, 1).text()),
                                             float(page.weights.item(r, 2).text()))
            for r in range(page.weights.rowCount())}
    n = rows["NORMAL"][0] + rows["PNEUMONIA"][0]
    for cls in ("NORMAL", "PNEUMONIA"):
        count, weight = rows[cls]
        assert weight == pytest.approx(n / (2 * count), abs=1e-3)
    assert rows["PNEUMONIA"][1] > 1 > rows["NORMAL"][1]
    assert not page.flip.isChecked()  # it moves the heart
    assert "heart" in page.flip_note.text()
    page.radios["none"].setChecked(True)
    assert page.weights.item(0, 2).text().startswith("1")
    wizard.next()
    assert wizard.build_config().imbalance == "none"
    assert wizard.build_config().horizontal_flip is False


def test_model_page_defaults_and_kfold_of_one_is_refused(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "xray", {"NORMAL": 8, "PNEUMONIA": 8})
    open_folder(qtbot, wizard, folder)
    for _ in range(3):
        wizard.next()
    assert wizard.currentId() == Pages.MODEL
    page = wizard.page(Pages.MODEL)
    names = [page.arch.itemData(i) for i in range(page.arch.count())]
    assert names == list(training_options.IMAGE_ARCHITECTURES)
    assert page.architecture() == "compact_cnn"
    page.kfold.setValue(1)
    assert not next_enabled(wizard)
    page.kfold.setValue(3)
    assert next_enabled(wizard)
    assert wizard.build_config().kfold == 3


def test_gui_modules_do_not_import_tensorflow():
    code = ("import sys; import medgui.ui.training.training_wizard, medgui.ui.training.wizard_eval, "
            "medgui.ui.training.model_manager, medgui.core.ml.train; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.slow
def test_architecture_names_match_the_builders():
    from medgui.core.ml.image.cnn import ARCHITECTURES
    from medgui.core.ml.text.model import TEXT_ARCHITECTURES

    assert set(training_options.IMAGE_ARCHITECTURES) == set(ARCHITECTURES)
    assert set(training_options.TEXT_ARCHITECTURES) == set(TEXT_ARCHITECTURES)


def set_up_tiny_training(qtbot, wizard, folder: Path, epochs: int) -> None:
    open_folder(qtbot, wizard, folder)
    wizard.next()  # split
    wizard.next()  # imbalance
    wizard.page(Pages.IMBALANCE).augment.setChecked(False)
    wizard.next()  # model
    model = wizard.page(Pages.MODEL)
    model.epochs.setValue(epochs)
    model.batch_size.setValue(8)
    model.image_size.setValue(32)
    model.patience.setValue(0)


@pytest.mark.slow
def test_walk_from_folder_to_saved_model(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "chest", {"NORMAL": 18, "PNEUMONIA": 18})
    saved_before = [c.ref for c in Registry().list()]
    set_up_tiny_training(qtbot, wizard, folder, epochs=2)
    wizard.next()
    assert wizard.currentId() == Pages.TRAIN
    train = wizard.page(Pages.TRAIN)
    assert not next_enabled(wizard)
    qtbot.waitUntil(lambda: wizard.outcome is not None or "failed" in train.status.text(),
                    timeout=TRAIN_TIMEOUT)
    assert wizard.outcome is not None, train.status.text()
    assert next_enabled(wizard)
    ev = wizard.outcome["evaluation"]
    xs, losses = train.curves.series("loss")
    assert xs == [1.0, 2.0] and len(losses) == 2
    assert train.curves.series("val_accuracy")[0] == [1.0, 2.0]
    assert losses == pytest.approx(wizard.outcome["history"]["loss"], rel=1e-5)

    wizard.next()
    assert wizard.currentId() == Pages.EVALUATE
    page = wizard.page(Pages.EVALUATE)
    assert f"{ev['accuracy']:.3f}" in page.summary.text()
    assert f"{ev['macro_f1']:.3f}" in page.summary.text()
    for r, cls in enumerate(ev["classes"]):
        assert page.per_class.item(r, 0).text() == cls
        assert page.per_class.item(r, 3).text() == f"{ev['per_class'][cls]['f1']:.3f}"
        assert int(page.per_class.item(r, 4).text()) == ev["per_class"][cls]["support"]
    assert page.confusion.matrix.tolist() == ev["confusion_matrix"]
    assert page.roc_box.isVisible()
    assert page.threshold.value() == pytest.approx(ev["threshold"], abs=1e-3)
    page.threshold.setValue(0.3)
    op = operating_point(ev["roc"], 0.3)
    assert f"sensitivity {op['sensitivity']:.3f}" in page.point.text()
    assert f"specificity {op['specificity']:.3f}" in page.point.text()
    assert page.roc.point == pytest.approx((1 - op["specificity"], op["sensitivity"]))

    wizard.next()
    assert wizard.currentId() == Pages.SAVE
    save = wizard.page(Pages.SAVE)
    assert save.name.text()  # a suggestion
    save.name.setText("chest-test")
    save.notes.setPlainText("walked by the test")
    save.activate.setChecked(True)
    with qtbot.waitSignal(wizard.sig_model_saved, timeout=60_000) as saved:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                         Qt.MouseButton.LeftButton)
        # Two epochs on 36 images may learn little: a model the chance check warns about
        # is saved only once the user says Yes (tests/ui/test_wizard_chance.py tests both).
        assert (save.confirm_box is not None) == bool(ev["warnings"])
        if save.confirm_box is not None:
            save.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert saved.args[0].ref == "chest-test@1"
    card = Registry().get("chest-test")
    assert card.metrics["accuracy"] == pytest.approx(ev["accuracy"])
    assert card.metrics["macro_f1"] == pytest.approx(ev["macro_f1"])
    assert card.threshold == pytest.approx(0.3)
    assert card.metrics["operating_point"]["sensitivity"] == pytest.approx(op["sensitivity"])
    assert card.notes == "walked by the test"
    assert card.training["epochs"] == 2 and card.training["image_size"] == 32
    assert Registry().active("image").ref == "chest-test@1"
    assert [c.ref for c in Registry().list()] == sorted(saved_before + ["chest-test@1"])
    assert not Path(wizard.outcome["staging_dir"]).exists()  # moved into the registry
    Registry().verify(card)


@pytest.mark.slow
def test_cancel_during_training_registers_nothing(qtbot, wizard, tmp_path):
    folder = make_images(tmp_path / "chest", {"NORMAL": 18, "PNEUMONIA": 18})
    before = [c.ref for c in Registry().list()]
    set_up_tiny_training(qtbot, wizard, folder, epochs=200)
    wizard.next()
    train = wizard.page(Pages.TRAIN)
    job = train.job
    qtbot.waitUntil(lambda: bool(train.curves._partial["loss"] or train.curves.series("loss")[0]),
                    timeout=TRAIN_TIMEOUT)
    with qtbot.waitSignal(job.sig_finished, timeout=60_000):
        qtbot.mouseClick(train.cancel_button,
                         Qt.MouseButton.LeftButton)
    assert "Cancelled — nothing was registered" in train.status.text()
    assert wizard.outcome is None
    assert not next_enabled(wizard)
    assert [c.ref for c in Registry().list()] == before
    assert not (Registry().root / "active.json").exists()
    wizard.back()
    assert wizard.currentId() == Pages.MODEL
