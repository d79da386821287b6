"""The training wizard's Check step: scan the data and show the user what it holds.

Nothing is trained on data the user has not seen summarised: the page is complete
only when the scan has finished and every class too small to split is either gone
(more data) or excluded by the user's explicit choice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from medgui.core.training import datasets, multilabel
from medgui.ui.errors import handle_error
from medgui.ui.style import ERROR_STYLE, WARNING_STYLE
from medgui.ui.training.charts import ClassBarChart
from medgui.ui.training.wizard_common import fill_table, make_table
from medgui.workers.jobs import Job, JobError


class CheckPage(QWizardPage):
    """Step 3: scan in the background, then counts, bad files, duplicates and warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Check the data")
        self.setSubTitle("Every file is opened once. Unreadable files and duplicates are "
                         "listed and skipped; nothing here stops the scan.")
        self.progress = QProgressBar()
        self.progress.setObjectName("scanProgress")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("scanWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.counts = make_table(["class", "usable", "note"])
        self.counts.setObjectName("classCounts")
        self.chart = ClassBarChart("Examples per class")
        # Many classes are drawn as horizontal bars, one row each: let them scroll.
        chart_area = QScrollArea()
        chart_area.setWidgetResizable(True)
        chart_area.setWidget(self.chart)
        self.multi_label = QComboBox()
        self.multi_label.setObjectName("multiLabel")
        for rule, text in multilabel.RULES.items():
            self.multi_label.addItem(text, rule)
        self.multi_label.setToolTip("A note filed under two classes (two rows, or one cell naming "
                                    "both): which label to train on")
        self.multi_label.currentIndexChanged.connect(self._rule_changed)
        self.multi_box = QWidget()
        multi_form = QFormLayout(self.multi_box)
        multi_form.setContentsMargins(0, 0, 0, 0)
        multi_form.addRow("Examples filed under several classes", self.multi_label)
        self.unreadable = QListWidget()
        self.unreadable.setObjectName("unreadableList")
        self.duplicates = QListWidget()
        self.cross = QListWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.unreadable, "Unreadable")
        self.tabs.addTab(self.duplicates, "Duplicates")
        self.tabs.addTab(self.cross, "Across classes")
        self.tabs.setMaximumHeight(150)
        self.too_small = QLabel()
        self.too_small.setWordWrap(True)
        self.too_small.setStyleSheet(ERROR_STYLE)
        self.exclude = QCheckBox("Exclude these classes from training")
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
        what = "row of the table" if self.wizard().uses_table() else "file"
        self.setSubTitle(f"Every {what} is read once. Unreadable ones and duplicates are "
                         "listed and skipped; nothing here stops the scan.")
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
        self.status.setText(f"Scanning {path} …")
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
        self.status.setText(f"Scanning … {done} of {total}: {info.get('message', '')}")

    def _on_error(self, error: JobError) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._job = None

        def inline(message: str) -> None:
            self.status.setText(f"The data cannot be used: {message}")
            self.status.setStyleSheet(ERROR_STYLE)

        handle_error(self, "Scanning the data failed", error, inline)

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
            self.too_small.hide()
            self.exclude.hide()
            self.completeChanged.emit()
            return
        small = set(scan.too_small)
        rows = [[c, scan.counts[c], "too few to split" if c in small else ""] for c in scan.classes]
        fill_table(self.counts, rows)
        self.chart.set_values(scan.counts, highlight=scan.too_small)
        rel = _relative_to(scan.source)
        self.unreadable.addItems([f"{rel(p)} — {reason}" for p, reason in scan.unreadable])
        self.duplicates.addItems(["  =  ".join(rel(p) for p in group) for group in scan.duplicates])
        self.cross.addItems(["  =  ".join(rel(p) for p in group) for group in scan.cross_class_duplicates])
        self.tabs.setTabText(0, f"Unreadable ({len(scan.unreadable)})")
        self.tabs.setTabText(1, f"Duplicates ({len(scan.duplicates)})")
        self.tabs.setTabText(2, f"Across classes ({len(scan.cross_class_duplicates)})")
        self.multi_box.setVisible(bool(scan.cross_class_duplicates) or self.rule() != multilabel.DEFAULT)
        self.status.setText(f"{len(scan.items)} usable {scan.task} examples in "
                            f"{len(scan.classes)} classes, from {scan.source}.")
        if len(scan.classes) < 2:
            self.status.setText(f"Only {len(scan.classes)} class with usable examples was found; "
                                "training needs at least two. Choose another folder.")
            self.status.setStyleSheet(ERROR_STYLE)
        self.warnings.setVisible(bool(scan.warnings))
        self.warnings.setText("⚠ " + "\n⚠ ".join(scan.warnings))
        self.too_small.setVisible(bool(small))
        self.exclude.setVisible(bool(small))
        if small:
            self.too_small.setText(
                f"{', '.join(scan.too_small)}: fewer than {datasets.MIN_PER_CLASS} usable "
                "examples, too few to put one in each of the training, validation and test "
                "splits. Add examples to the folder and go Back and Next to scan again, or "
                "exclude these classes.")
        self._exclusion_changed()

    def _exclusion_changed(self) -> None:
        scan = self.wizard().scan if self.wizard() is not None else None
        if scan is not None and scan.too_small and self.exclude.isChecked():
            left = len(scan.classes) - len(scan.too_small)
            if left < 2:
                self.too_small.setText(f"Only {left} class would be left; training needs at least two.")
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
