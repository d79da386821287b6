"""The training wizard's Check step: scan the data and show the user what it holds.

Nothing is trained on data the user has not seen summarised: the page is complete
only when the scan has finished and every class too small to split is either gone
(more data) or excluded by the user's explicit choice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from medgui.core.training import datasets, grouping, multilabel, splits
from medgui.ui.errors import handle_error
from medgui.ui.style import ERROR_STYLE, WARNING_STYLE
from medgui.ui.training.charts import ClassBarChart
from medgui.ui.training.option_texts import option_text
from medgui.ui.training.wizard_common import fill_table, make_table
from medgui.workers.jobs import Job, JobError


class CheckPage(QWizardPage):
    """Step 3: scan in the background, then counts, bad files, duplicates and warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Check the data"))
        self.setSubTitle(self.tr("Every file is opened once. Unreadable files and duplicates are "
                                 "listed and skipped; nothing here stops the scan."))
        self.progress = QProgressBar()
        self.progress.setObjectName("scanProgress")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("scanWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.counts = make_table([self.tr("class"), self.tr("usable"), self.tr("note")])
        self.counts.setObjectName("classCounts")
        self.chart = ClassBarChart(self.tr("Examples per class"))
        # Many classes are drawn as horizontal bars, one row each: let them scroll.
        chart_area = QScrollArea()
        chart_area.setWidgetResizable(True)
        chart_area.setWidget(self.chart)
        self.multi_label = QComboBox()
        self.multi_label.setObjectName("multiLabel")
        for rule, text in multilabel.RULES.items():
            self.multi_label.addItem(option_text(text), rule)
        self.multi_label.setToolTip(self.tr("A note filed under two classes (two rows, or one cell "
                                            "naming both): which label to train on"))
        self.multi_label.currentIndexChanged.connect(self._rule_changed)
        self.multi_box = QWidget()
        multi_form = QFormLayout(self.multi_box)
        multi_form.setContentsMargins(0, 0, 0, 0)
        multi_form.addRow(self.tr("Examples filed under several classes"), self.multi_label)
        self.unreadable = QListWidget()
        self.unreadable.setObjectName("unreadableList")
        self.duplicates = QListWidget()
        self.cross = QListWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.unreadable, self.tr("Unreadable"))
        self.tabs.addTab(self.duplicates, self.tr("Duplicates"))
        self.tabs.addTab(self.cross, self.tr("Across classes"))
        # Patients: the grouping the file names suggest, for the user to accept or edit.
        self.group_use = QCheckBox(self.tr("Keep each patient's images together; patient = "))
        self.group_use.setObjectName("useGrouping")
        self.group_pattern = QLineEdit()
        self.group_pattern.setObjectName("groupPattern")
        self.group_info = QLabel()
        self.group_info.setObjectName("groupingInfo")
        self.group_info.setWordWrap(True)
        self.group_preview = make_table([self.tr("file"), self.tr("patient (group)")])
        self.tabs.addTab(self.group_preview, self.tr("Patients"))
        self.group_box = QWidget()
        group_layout = QVBoxLayout(self.group_box)
        group_layout.setContentsMargins(0, 0, 0, 0)
        group_row = QHBoxLayout()
        group_row.addWidget(self.group_use)
        group_row.addWidget(self.group_pattern, 1)
        group_layout.addLayout(group_row)
        group_layout.addWidget(self.group_info)
        self.group_use.toggled.connect(self._grouping_changed)
        self.group_pattern.textChanged.connect(self._grouping_changed)
        self.proposal: grouping.GroupingProposal | None = None
        # Small data: k-fold, how wide the intervals will be, classes too few to evaluate.
        self.advice = QLabel()
        self.advice.setObjectName("smallDataAdvice")
        self.advice.setWordWrap(True)
        self.tabs.setMaximumHeight(150)
        self.too_small = QLabel()
        self.too_small.setWordWrap(True)
        self.too_small.setStyleSheet(ERROR_STYLE)
        self.exclude = QCheckBox(self.tr("Exclude these classes from training"))
        self.exclude.setObjectName("excludeSmall")
        self.exclude.toggled.connect(self._exclusion_changed)
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.counts, 1)
        middle.addWidget(chart_area, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.warnings)
        layout.addWidget(self.group_box)
        layout.addWidget(self.advice)
        layout.addLayout(middle, 1)
        layout.addWidget(self.multi_box)
        layout.addWidget(self.tabs)
        layout.addWidget(self.too_small)
        layout.addWidget(self.exclude)
        self._job: Job | None = None
        self._key: tuple[Any, ...] | None = None
        self._done = False
        self._show(None)

    # -- scanning -----------------------------------------------------------------------
    def _source(self) -> tuple[Any, ...]:
        w = self.wizard()
        table = w.uses_table()
        return (w.task(), str(w.field("data.path")).strip(), table,
                w.field("data.text_column") if table else None,
                w.field("data.label_column") if table else None, self.rule())

    def initializePage(self) -> None:
        self.setSubTitle(self.tr("Every row of the table is read once. Unreadable ones and duplicates "
                                 "are listed and skipped; nothing here stops the scan.")
                         if self.wizard().uses_table() else
                         self.tr("Every file is read once. Unreadable ones and duplicates are listed "
                                 "and skipped; nothing here stops the scan."))
        key = self._source()
        if key == self._key and self._done:
            return  # same data as last time: keep the scan and the user's choices
        self.start_scan(key)

    def start_scan(self, key: tuple[Any, ...]) -> None:
        self.cancel()
        task, path, table, text_col, label_col, rule = key
        self._key, self._done = key, False
        self.wizard().scan = None
        self.exclude.setChecked(False)
        self._show(None)
        self.progress.setRange(0, 0)  # busy until the first report gives a total
        self.status.setText(self.tr("Scanning {0} …").format(path))
        self.status.setStyleSheet("")

        def scan(progress: Any, cancelled: Any) -> datasets.DatasetScan:
            if table:
                return datasets.scan_table(Path(path), text_col, label_col, progress, cancelled,
                                           multi_label=rule)
            return datasets.scan_folder(Path(path), task, progress, cancelled, multi_label=rule)

        job = self.wizard().runner.submit(scan, kind="scan")  # cancel() above: latest wins
        job.sig_progress.connect(self._on_progress)
        job.sig_result.connect(self._on_result)
        job.sig_errored.connect(self._on_error)
        self._job = job

    def rule(self) -> str:
        """What to do with examples filed under several classes (``multilabel.RULES``)."""
        return str(self.multi_label.currentData() or multilabel.DEFAULT)

    def _rule_changed(self) -> None:
        if self.wizard() is not None and self._key is not None:
            self.start_scan(self._source())  # cheap: the same files, another resolution

    def cancel(self) -> None:
        if self._job is not None and not self._job.done:
            self._job.cancel()
        self._job = None

    def cleanupPage(self) -> None:
        self.cancel()  # going Back: stop scanning; entering again rescans if the data changed
        if not self._done:
            self._key = None

    def _on_progress(self, info: dict[str, Any]) -> None:
        total, done = int(info.get("total") or 0), int(info.get("done") or 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(self.tr("Scanning … {0} of {1}: {2}").format(done, total, info.get("message", "")))

    def _on_error(self, error: JobError) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._job = None

        def inline(message: str) -> None:
            self.status.setText(self.tr("The data cannot be used: {0}").format(message))
            self.status.setStyleSheet(ERROR_STYLE)

        handle_error(self, self.tr("Scanning the data failed"), error, inline)

    def _on_result(self, scan: datasets.DatasetScan) -> None:
        self._job = None
        self._done = True
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.wizard().scan = scan
        self._show(scan)

    # -- showing -------------------------------------------------------------------------
    def _show(self, scan: datasets.DatasetScan | None) -> None:
        for widget in (self.unreadable, self.duplicates, self.cross):
            widget.clear()
        if scan is None:
            self.multi_box.setVisible(self.rule() != multilabel.DEFAULT)
            fill_table(self.counts, [])
            self.chart.set_values({})
            self.warnings.hide()
            self.group_box.hide()
            self.advice.hide()
            self.too_small.hide()
            self.exclude.hide()
            self.completeChanged.emit()
            return
        small = set(scan.too_small)
        too_few = self.tr("too few to split")
        rows = [[c, scan.counts[c], too_few if c in small else ""] for c in scan.classes]
        fill_table(self.counts, rows)
        self.chart.set_values(scan.counts, highlight=scan.too_small)
        rel = _relative_to(scan.source)
        self.unreadable.addItems([f"{rel(p)} — {reason}" for p, reason in scan.unreadable])
        self.duplicates.addItems(["  =  ".join(rel(p) for p in group) for group in scan.duplicates])
        self.cross.addItems(["  =  ".join(rel(p) for p in group) for group in scan.cross_class_duplicates])
        self.tabs.setTabText(0, self.tr("Unreadable ({0})").format(len(scan.unreadable)))
        self.tabs.setTabText(1, self.tr("Duplicates ({0})").format(len(scan.duplicates)))
        self.tabs.setTabText(2, self.tr("Across classes ({0})").format(len(scan.cross_class_duplicates)))
        self.multi_box.setVisible(bool(scan.cross_class_duplicates) or self.rule() != multilabel.DEFAULT)
        usable = (self.tr("{0} usable image examples in {1} classes, from {2}.") if scan.task == "image"
                  else self.tr("{0} usable text examples in {1} classes, from {2}."))
        self.status.setText(usable.format(len(scan.items), len(scan.classes), scan.source))
        if len(scan.classes) < 2:
            self.status.setText(self.tr("Only {0} class with usable examples was found; training needs "
                                        "at least two. Choose another folder.").format(len(scan.classes)))
            self.status.setStyleSheet(ERROR_STYLE)
        self.warnings.setVisible(bool(scan.warnings))
        self.warnings.setText("⚠ " + "\n⚠ ".join(scan.warnings))
        self._show_grouping(scan)
        self.too_small.setVisible(bool(small))
        self.exclude.setVisible(bool(small))
        if small:
            self.too_small.setText(self.tr(
                "{0}: fewer than {1} usable examples, too few to put one in each of the training, "
                "validation and test splits. Add examples to the folder and go Back and Next to scan "
                "again, or exclude these classes.").format(", ".join(scan.too_small),
                                                           datasets.MIN_PER_CLASS))
        self._exclusion_changed()

    def _show_grouping(self, scan: datasets.DatasetScan) -> None:
        """Propose the patient grouping the file names suggest (DICOM: PatientID, done)."""
        names = [item.path.name for item in scan.items if item.path is not None]
        self.proposal = None if scan.grouping or not names else grouping.propose_pattern(names)
        self.group_box.setVisible(bool(names))
        self.group_use.setVisible(not scan.grouping)
        self.group_pattern.setVisible(not scan.grouping)
        self.group_pattern.blockSignals(True)
        self.group_pattern.setText(self.proposal.pattern if self.proposal else "")
        self.group_pattern.blockSignals(False)
        self.group_use.setChecked(self.proposal is not None)  # the honest default: by patient
        self._grouping_changed()

    def _grouping_changed(self) -> None:
        scan = self.wizard().scan if self.wizard() is not None else None
        if scan is None:
            return
        names = [item.path.name for item in scan.items if item.path is not None]
        pattern = self.group_pattern.text().strip()
        error = ""
        try:
            re.compile(pattern)
        except re.error as exc:
            error = self.tr("Not a valid regular expression: {0}").format(exc)
        use = self.group_use.isChecked() and bool(pattern) and not error
        self.wizard().setField("split.group_pattern", pattern if use else "")
        rows: list[list[Any]] = []
        style = ""
        if scan.grouping:
            text = self.tr("Images are grouped {0}: each patient's images stay in one split.").format(scan.grouping)
            rows = [[item.name, item.group] for item in scan.items[:6]]
        elif error:
            text, style = error, ERROR_STYLE
        elif use:
            preview = grouping.preview_pattern(names, pattern)
            text = self.tr("Grouping by patient: {0}.").format(preview.describe())
            rows = [list(example) for example in preview.examples]
        elif self.proposal is not None:
            text = self.tr("The file names look grouped by patient ({0}), but no grouping is set: one "
                           "patient's images could land in both training and test, and the figures "
                           "would be too good.").format(self.proposal.describe())
            style = WARNING_STYLE
            rows = [list(example) for example in self.proposal.examples]
        else:
            text = self.tr("No patient key found in the file names: each image is its own group. If "
                           "one patient has several images, tick the box and give a pattern.")
        self.group_info.setText(text)
        self.group_info.setStyleSheet(style)
        fill_table(self.group_preview, rows)

    def _show_advice(self) -> None:
        scan = self.wizard().scan if self.wizard() is not None else None
        if scan is None:
            self.advice.hide()
            return
        dropped = set(self.excluded())
        counts = {c: n for c, n in scan.counts.items() if c not in dropped}
        test = int(self.wizard().field("split.test") or 15) / 100
        lines = splits.small_data_advice(counts, test, int(self.wizard().field("model.kfold") or 0))
        self.advice.setText("\n".join(f"ⓘ {line}" for line in lines))
        self.advice.setVisible(bool(lines))

    def _exclusion_changed(self) -> None:
        self._show_advice()
        scan = self.wizard().scan if self.wizard() is not None else None
        if scan is not None and scan.too_small and self.exclude.isChecked():
            left = len(scan.classes) - len(scan.too_small)
            if left < 2:
                self.too_small.setText(self.tr("Only {0} class would be left; training needs at least "
                                                "two.").format(left))
        self.completeChanged.emit()

    def excluded(self) -> list[str]:
        """The classes the user chose to leave out."""
        scan = self.wizard().scan if self.wizard() is not None else None
        if scan is None or not self.exclude.isChecked():
            return []
        return list(scan.too_small)

    def validatePage(self) -> bool:
        return self.isComplete()  # wizard.next() does not look at the Next button

    def isComplete(self) -> bool:
        scan = self.wizard().scan if self.wizard() is not None else None
        if not self._done or scan is None:
            return False
        if scan.too_small and not self.exclude.isChecked():
            return False
        return len(scan.classes) - len(self.excluded()) >= 2


def _relative_to(root: Path) -> Any:
    """Show paths under the dataset folder relative to it: shorter, and what the user knows."""
    prefix = str(root).rstrip("/\\") + "/"

    def rel(text: str) -> str:
        # Cross-class entries read "label: path"; keep the label.
        head, sep, tail = text.rpartition(": ")
        if sep and tail.startswith(prefix):
            return f"{head}: {tail[len(prefix):]}"
        return text[len(prefix):] if text.startswith(prefix) else text

    return rel
