"""The training wizard on a text table like MTSamples, driven as a person would: the pages
speak of texts and tables, the columns are guessed, notes filed under several
specialties can be kept, and long class names stay readable."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from medgui.ui.training.charts import ClassBarChart, ConfusionMatrixChart
from medgui.ui.training.training_wizard import Pages, TrainingWizard
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.core.test_multilabel import mtsamples_like
from tests.ui import wizard_helpers
from tests.ui.test_training_wizard import SCAN_TIMEOUT

LONG_NAMES = [*wizard_helpers.SPECIALTIES, "Physical Medicine - Rehab", "IME-QME-Work Comp etc.",
              "Cosmetic / Plastic Surgery", "Emergency Room Reports", "Discharge Summary",
              "Radiology"]


@pytest.fixture
def make_wizard(qtbot):
    made = []

    def make(ml=None) -> TrainingWizard:
        wiz = TrainingWizard(ml or MLService(), ThreadRunner())
        qtbot.addWidget(wiz)
        wiz.show()
        made.append(wiz)
        return wiz

    yield make
    for wiz in made:
        if wiz.page(Pages.TRAIN).running:
            wiz.page(Pages.TRAIN).cancel()
        wiz.runner.wait(10_000)
        wiz.ml.shutdown()


def counts(check) -> dict[str, int]:
    return {check.counts.item(r, 0).text(): int(check.counts.item(r, 1).text())
            for r in range(check.counts.rowCount())}


def open_table(qtbot, wizard, table) -> None:
    wizard.page(Pages.TASK).text.click()
    wizard.next()
    data = wizard.page(Pages.DATA)
    assert "text files (.txt)" in data.subTitle()  # the folder layout is the first choice
    data.table_mode.click()
    assert ".txt" not in data.subTitle() and "table" in data.subTitle()
    data.path.setText(str(table))
    qtbot.waitUntil(lambda: data.text_column.count() > 0, timeout=SCAN_TIMEOUT)
    assert data.text_column.currentText() == "transcription"  # not the first column, "url"
    assert data.label_column.currentText() == "medical_specialty"
    wizard.next()
    assert wizard.currentId() == Pages.CHECK
    qtbot.waitUntil(lambda: wizard.scan is not None, timeout=SCAN_TIMEOUT)


def test_a_text_table_gets_its_columns_guessed_and_pages_that_speak_of_texts(
        qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    open_table(qtbot, wizard, mtsamples_like(tmp_path / "mtsamples.csv"))
    check = wizard.page(Pages.CHECK)
    assert "row of the table" in check.subTitle()
    wizard.next()
    wizard.next()
    assert wizard.currentId() == Pages.IMBALANCE
    weights = wizard.page(Pages.IMBALANCE).weights
    assert weights.horizontalHeaderItem(1).text() == "training texts"


def test_notes_filed_under_several_specialties_can_be_kept(qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    open_table(qtbot, wizard, mtsamples_like(tmp_path / "mtsamples.csv"))
    check = wizard.page(Pages.CHECK)
    assert counts(check) == {"A": 6, "B": 6, "C": 6, "Surgery": 4}  # 6 notes left out
    assert check.multi_label.isVisible()
    assert "left out" in check.warnings.text()
    check.multi_label.setCurrentIndex(check.multi_label.findData("majority"))
    qtbot.waitUntil(lambda: wizard.scan is not None and wizard.scan.multi_label == "majority",
                    timeout=SCAN_TIMEOUT)
    assert counts(check) == {"A": 10, "B": 8, "C": 6, "Surgery": 4}
    check.multi_label.setCurrentIndex(check.multi_label.findData("each"))
    qtbot.waitUntil(lambda: wizard.scan is not None and wizard.scan.multi_label == "each",
                    timeout=SCAN_TIMEOUT)
    assert counts(check)["Surgery"] == 10
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.build_config().multi_label == "each"


def bottom_labels_fit(chart, labels) -> bool:
    """Each bottom-axis label is no wider than the distance between two ticks."""
    view = chart.getViewBox()
    (x0, x1), _ = view.viewRange()
    per_tick = view.width() / (x1 - x0)
    return max(chart.fontMetrics().horizontalAdvance(t) for t in labels) <= per_tick


def test_long_class_names_on_the_charts_do_not_overlap(qtbot):
    bars = ClassBarChart("Examples per class")
    qtbot.addWidget(bars)
    bars.resize(420, 300)
    bars.show()
    bars.set_values({name: 10 + k for k, name in enumerate(LONG_NAMES)})
    qtbot.wait(50)
    if bars.horizontal:  # one row per class, names on the left, elided if very long
        view = bars.getViewBox()
        _, (y0, y1) = view.viewRange()
        assert view.height() / (y1 - y0) >= bars.fontMetrics().height()
        assert bars.tick_labels[0] == LONG_NAMES[0]
        assert max(bars.fontMetrics().horizontalAdvance(t) for t in bars.tick_labels) \
            <= bars.getAxis("left").width()
    else:
        assert bottom_labels_fit(bars, bars.tick_labels)

    matrix = ConfusionMatrixChart()
    qtbot.addWidget(matrix)
    matrix.resize(420, 420)
    matrix.show()
    n = len(wizard_helpers.SPECIALTIES)
    matrix.set_matrix([[5 if i == j else 1 for j in range(n)] for i in range(n)],
                      wizard_helpers.SPECIALTIES)
    qtbot.wait(50)
    bottom, left = matrix.tick_labels
    assert bottom_labels_fit(matrix, bottom)
    assert all(name in " ".join(left) for name in ("Gastroenterology", "Hematology - Oncology"))


@pytest.mark.slow  # the stand-in training runs in the analysis process
def test_the_evaluation_of_a_text_model_shows_every_column_and_speaks_of_texts(
        qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    wizard.train_kind = wizard_helpers.TEXT_BRIEFLY
    open_table(qtbot, wizard, mtsamples_like(tmp_path / "mtsamples.csv"))
    for _ in range(4):
        wizard.next()
    assert wizard.currentId() == Pages.TRAIN
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=60_000)
    wizard.next()
    page = wizard.page(Pages.EVALUATE)
    assert "texts were never used" in page.subTitle()
    table = page.per_class
    ev = wizard.outcome["evaluation"]
    for r, name in enumerate(ev["classes"]):
        assert table.item(r, 4).text() == str(ev["per_class"][name]["support"])
    # The support column is in view, not pushed off by the long class names.
    support = table.columnViewportPosition(4) + table.columnWidth(4)
    assert table.columnWidth(4) > 0 and support <= table.viewport().width()
