"""The wizard calls out a model no better than chance, asks before saving it, shows its
reliability, proposes the patient grouping, and gives small-data advice."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.metrics import evaluate_probabilities
from medgui.ui.style import ALERT_BOX_STYLE
from medgui.ui.training.training_wizard import Pages, TrainingWizard
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.dataset_factory import write_image

CLASSES = ["NORMAL", "PNEUMONIA"]


def constant_eval() -> dict:
    y = np.array([0] * 20 + [1] * 30 + [0] * 3)
    return evaluate_probabilities(y, np.tile([0.3, 0.7], (len(y), 1)), CLASSES, seed=0)


def good_eval() -> dict:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    score = np.clip(0.5 + (y - 0.5) * 0.8 + rng.normal(0, 0.1, len(y)), 0.01, 0.99)
    return evaluate_probabilities(y, np.stack([1 - score, score], axis=1), CLASSES, seed=0)


@pytest.fixture
def wizard(qtbot, tmp_path):
    runner, ml = ThreadRunner(), MLService()  # no process starts: no job needs one
    wiz = TrainingWizard(ml, runner, registry=Registry(tmp_path / "registry", builtin=None))
    wiz.resize(920, 700)
    qtbot.addWidget(wiz)
    wiz.show()
    yield wiz
    runner.wait(10_000)
    ml.shutdown()


def show_evaluation(wizard: TrainingWizard, ev: dict, tmp_path=None):
    outcome = {"evaluation": ev, "kfold": None}
    if tmp_path is not None:
        staging = tmp_path / "staging"
        staging.mkdir()
        (staging / "model.keras").write_bytes(b"placeholder")
        card = ModelCard(name="m", task="image", classes=CLASSES, architecture="tiny", metrics=ev,
                         threshold=0.5, positive_class="PNEUMONIA")
        outcome.update({"staging_dir": str(staging), "card": card.to_json()})
    wizard.outcome = outcome
    wizard.setStartId(Pages.EVALUATE)
    wizard.restart()  # the page as the user reaches it: shown, laid out
    assert wizard.currentId() == Pages.EVALUATE
    return wizard.page(Pages.EVALUATE)


def test_a_constant_model_is_called_out_in_red_above_the_tables(wizard, qtbot):
    page = show_evaluation(wizard, constant_eval())
    assert page.warnings.isVisible()
    text = page.warnings.text()
    assert "no better than chance" in text and "AUC 0.50" in text
    assert "the majority-class baseline" in text
    assert page.warnings.styleSheet() == ALERT_BOX_STYLE
    top = page.warnings.mapTo(page, page.warnings.rect().bottomLeft()).y()
    assert top < page.per_class.mapTo(page, page.per_class.rect().topLeft()).y()
    assert "Majority-class baseline (always PNEUMONIA)" in page.summary.text()
    # 23 NORMAL and 30 PNEUMONIA: enough; a clean evaluation hides the box again.
    page = show_evaluation(wizard, good_eval())
    assert page.warnings.isHidden() and page.warnings.text() == ""


def test_the_evaluation_shows_the_reliability_diagram_and_notes(wizard, qtbot):
    y = np.array([0] * 30 + [1] * 30 + [2] * 3)
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 0.5, (len(y), 3))
    logits[np.arange(len(y)), y] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    ev = evaluate_probabilities(y, probs, ["a", "b", "rare"], seed=0)
    page = show_evaluation(wizard, ev)
    page.charts.setCurrentWidget(page.reliability)
    chart = page.reliability
    assert [p[2] for p in chart.points] == [b["count"] for b in ev["reliability"]["bins"]]
    assert chart.ece == pytest.approx(ev["ece"])
    assert f"ECE {ev['ece']:.3f}" in chart.caption.text()
    assert not page.notes.isHidden() and "rare (3): too few to evaluate" in page.notes.text()


def test_per_class_table_keeps_its_columns_readable(wizard, qtbot):
    names = ["Cardiovascular / Pulmonary", "Consult - History and Phy.", "Gastroenterology"]
    y = np.repeat([0, 1, 2], 20)
    probs = np.eye(3)[y] * 0.8 + 0.2 / 3
    page = show_evaluation(wizard, evaluate_probabilities(y, probs, names, seed=0))
    header = page.per_class.horizontalHeader()
    for column in range(1, 5):  # every number fits its column
        width = page.per_class.columnWidth(column)
        text = page.per_class.item(0, column).text()
        assert width >= page.per_class.fontMetrics().horizontalAdvance(text)
    assert header.minimumSectionSize() >= 64
    page.per_class.resize(200, 150)  # squeezed: it scrolls rather than crushing the figures
    qtbot.waitUntil(lambda: page.per_class.horizontalScrollBar().maximum() > 0)


def _confirm_box(wizard) -> QMessageBox:
    boxes = [b for b in wizard.findChildren(QMessageBox, "confirmChance") if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_saving_a_warned_model_asks_first_and_no_is_the_default(wizard, qtbot, tmp_path):
    show_evaluation(wizard, constant_eval(), tmp_path)
    wizard.next()
    save = wizard.page(Pages.SAVE)
    assert "no better than chance" in save.status.text()
    save.name.setText("constant")
    save.activate.setChecked(True)
    save.start_save()
    box = _confirm_box(wizard)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert "make it the active model" in box.text() and "AUC 0.50" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: save.confirm_box is None)
    assert wizard.registry.list() == [] and "Not saved" in save.status.text()
    save.start_save()
    with qtbot.waitSignal(wizard.sig_model_saved, timeout=30_000) as saved:
        _confirm_box(wizard).button(QMessageBox.StandardButton.Yes).click()
    assert saved.args[0].ref == "constant@1"
    assert wizard.registry.active("image").ref == "constant@1"


def test_a_model_better_than_chance_is_saved_without_a_question(wizard, qtbot, tmp_path):
    show_evaluation(wizard, good_eval(), tmp_path)
    wizard.next()
    save = wizard.page(Pages.SAVE)
    save.name.setText("good")
    with qtbot.waitSignal(wizard.sig_model_saved, timeout=30_000):
        save.start_save()
    assert not wizard.findChildren(QMessageBox, "confirmChance")


def _kermany_folder(root):
    rng = np.random.default_rng(0)
    for cls, names in (("NORMAL", [f"IM-{p:04d}-000{k}.png" for p in range(1, 7) for k in (1, 2)]),
                       ("PNEUMONIA", [f"person{p}_bacteria_{k}.png" for p in range(1, 7) for k in (1, 2)])):
        for name in names:
            write_image(root / cls / name, cls == "PNEUMONIA", rng)
    return root


def _open(qtbot, wizard, folder):
    wizard.page(Pages.TASK).image.setChecked(True)
    wizard.next()
    wizard.page(Pages.DATA).path.setText(str(folder))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.scan is not None, timeout=30_000)
    return wizard.page(Pages.CHECK)


def test_check_page_proposes_the_patient_grouping_and_warns_when_it_is_off(wizard, qtbot, tmp_path):
    check = _open(qtbot, wizard, _kermany_folder(tmp_path / "chest"))
    assert check.group_use.isChecked()
    pattern = check.group_pattern.text()
    assert wizard.field("split.group_pattern") == pattern
    assert "12 patients found in 24 of 24 file names" in check.group_info.text()
    preview = [[check.group_preview.item(r, c).text() for c in range(2)]
               for r in range(check.group_preview.rowCount())]
    assert ["IM-0001-0001.png", "IM-0001"] in preview
    check.group_use.setChecked(False)
    assert wizard.field("split.group_pattern") == ""
    assert "look grouped by patient" in check.group_info.text() and "too good" in check.group_info.text()
    check.group_use.setChecked(True)
    check.group_pattern.setText(r"(person\d+)_")  # the user edits it
    assert wizard.field("split.group_pattern") == r"(person\d+)_"
    assert "6 patients found in 12 of 24" in check.group_info.text()
    # Small data: k-fold suggested, the width of the intervals said, tiny classes flagged.
    advice = check.advice.text()
    assert "With 24 examples" in advice and "k-fold" in advice
    assert "only known to within about ±" in advice and "Too few to evaluate" in advice
    wizard.next()
    split = wizard.page(Pages.SPLIT)
    assert split.group.text() == r"(person\d+)_"


def test_model_page_offers_start_from_and_intensity_and_greys_out_rnn_fields(wizard, qtbot, tmp_path):
    check = _open(qtbot, wizard, _kermany_folder(tmp_path / "chest"))
    assert check.isComplete()
    while wizard.currentId() != Pages.MODEL:
        wizard.next()
    model = wizard.page(Pages.MODEL)
    assert model.start_from.isVisible() and model.start_from.currentData() == "xray"
    assert "recommended" in model.start_from.currentText()
    assert model.normalise.currentData() == "clahe"
    model.start_from.setCurrentIndex(model.start_from.findData("scratch"))
    model.normalise.setCurrentIndex(model.normalise.findData("none"))
    config = wizard.build_config()
    assert (config.start_from, config.normalise) == ("scratch", "none")
    model._task = "text"  # the text architectures, as the Model page shows them for notes
    model.arch.clear()
    for name in ("ngram_tfidf", "bilstm"):
        model.arch.addItem(name, name)
    model.arch.setCurrentIndex(0)
    assert not model.seq_len.isEnabled() and not model.dropout.isEnabled()
    model.arch.setCurrentIndex(1)
    assert model.seq_len.isEnabled() and model.dropout.isEnabled()


def test_the_progress_bar_is_busy_until_training_really_starts(wizard):
    train = wizard.page(Pages.TRAIN)
    bar = train.progress
    train._on_progress({"phase": "scan", "done": 10, "total": 40, "message": "a.png"})
    assert (bar.maximum(), bar.value()) == (40, 10)
    train._on_progress({"phase": "scan", "done": 40, "total": 40, "message": "z.png"})
    assert bar.maximum() == 0  # busy, not a full bar while TensorFlow loads
    train._on_progress({"phase": "split", "message": "30 training / 5 validation / 5 test examples"})
    assert bar.maximum() == 0
    train._on_progress({"phase": "train", "epoch": 1, "epochs": 2, "batch": 1, "batches": 4,
                        "logs": {"loss": 0.7}, "eta_s": 10.0})
    assert (bar.maximum(), bar.value()) == (8, 1)
