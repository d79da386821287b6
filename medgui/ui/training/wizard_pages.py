"""The training wizard's first steps: task, data, split, imbalance (check and model have
modules of their own: ``wizard_check``, ``wizard_model``).

Pages read and write wizard fields (``registerField``) and the wizard's shared state
(``wizard().scan``); the dataset scan runs in the wizard's ``ThreadRunner``. Nothing
here imports TensorFlow.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWizardPage,
)

from medgui.core.errors import DatasetError
from medgui.core.training import columns, datasets, splits
from medgui.core.training import options as training_options
from medgui.ui.errors import handle_error, show_inline
from medgui.ui.style import ERROR_STYLE
from medgui.ui.training.option_texts import option_text
from medgui.ui.training.wizard_common import (
    Pages,
    fill_table,
    make_table,
    scan_labels,
    usable_scan,
)
from medgui.workers.jobs import Latest

__all__ = ["DataPage", "ImbalancePage", "SplitPage", "TaskPage"]

class TaskPage(QWizardPage):
    """Step 1: image or text."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("What will the model classify?"))
        self.setSubTitle(self.tr("Pick the kind of data; the later steps adapt to it."))
        self.image = QRadioButton(self.tr("Images (chest X-rays, any format the viewer opens)"))
        self.text = QRadioButton(self.tr("Text (clinical notes: .txt files or a CSV/TSV table)"))
        self.image.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.image)
        group.addButton(self.text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.registerField("task.image", self.image)
        self.registerField("task.text", self.text)


class DataPage(QWizardPage):
    """Step 2: a folder with one subfolder per class, or (text) a CSV/TSV table."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Where is the data?"))
        self.setSubTitle(" ")
        self.folder_mode = QRadioButton(self.tr("A folder with one subfolder per class"))
        self.table_mode = QRadioButton(self.tr("A CSV/TSV table with a text column and a label column"))
        self.folder_mode.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.folder_mode)
        modes.addButton(self.table_mode)
        self.path = QLineEdit()
        self.path.setObjectName("dataPath")
        self.path.setPlaceholderText("/path/to/dataset")
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.text_column = QComboBox()
        self.label_column = QComboBox()
        self.columns_status = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.columns_box = QGroupBox(self.tr("Columns"))
        form = QFormLayout(self.columns_box)
        form.addRow(self.tr("Text column"), self.text_column)
        form.addRow(self.tr("Label column"), self.label_column)
        form.addRow(self.columns_status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_mode)
        layout.addWidget(self.table_mode)
        layout.addLayout(row)
        layout.addWidget(self.columns_box)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.registerField("data.path*", self.path)
        self.registerField("data.table", self.table_mode)
        self.registerField("data.text_column", self.text_column, "currentText")
        self.registerField("data.label_column", self.label_column, "currentText")
        self.path.textChanged.connect(self._path_changed)
        self.table_mode.toggled.connect(self._path_changed)
        self.text_column.currentTextChanged.connect(self.completeChanged)
        self.label_column.currentTextChanged.connect(self.completeChanged)
        self._columns_for = ""
        self._columns_job = Latest()  # a newer table's header supersedes the one being read

    def initializePage(self) -> None:
        text = self.wizard().task() == "text"
        if not text:
            self.folder_mode.setChecked(True)
        self.table_mode.setVisible(text)
        self.folder_mode.setVisible(text)
        self._path_changed()

    def _update_subtitle(self) -> None:
        """Describe the layout chosen now (it changes with the folder/table choice)."""
        if self.table_mode.isChecked():
            self.setSubTitle(self.tr("A CSV or TSV table with one row per note: a column with the text "
                                     "and a column with its label. The label values become the class "
                                     "names."))
            self.path.setPlaceholderText("/path/to/notes.csv")
            return
        text = self.wizard() is not None and self.wizard().task() == "text"
        self.setSubTitle(self.tr("A folder holding one subfolder of text files (.txt) per class; the "
                                 "subfolder names become the class names.") if text else
                         self.tr("A folder holding one subfolder of images per class; the subfolder "
                                 "names become the class names."))
        self.path.setPlaceholderText("/path/to/dataset")

    def _browse(self) -> None:
        if self.table_mode.isChecked():
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a table"), self.path.text(),
                                                  self.tr("Tables (*.csv *.tsv *.txt);;All files (*)"))
        else:
            path = QFileDialog.getExistingDirectory(self, self.tr("Choose the dataset folder"),
                                                    self.path.text())
        if path:
            self.path.setText(path)

    def _path_changed(self) -> None:
        table = self.table_mode.isChecked()
        self._update_subtitle()
        self.columns_box.setVisible(table)
        path = Path(self.path.text().strip()).expanduser()
        if table and path.is_file() and str(path) != self._columns_for:
            self._load_columns(path)
        self.completeChanged.emit()

    def _load_columns(self, path: Path) -> None:
        self._columns_for = str(path)
        self.columns_status.setText(self.tr("Reading the header…"))
        job = self._columns_job.replace(self.wizard().runner.submit(
            lambda progress, cancelled: columns.guess_table_columns(path), kind="table_columns"))
        job.sig_result.connect(self._set_columns)
        job.sig_errored.connect(lambda err: handle_error(
            self, self.tr("Reading the table failed"), err, lambda m: show_inline(self.columns_status, m)))

    def _set_columns(self, guess: columns.ColumnGuess) -> None:
        """Offer the table's columns, the guessed text and label columns chosen."""
        if not guess.text and not guess.label:
            message = self.tr("Choose the text and label column: no column looks like one.")
        elif not guess.text:
            message = self.tr("Choose the text column: no column looks like one.")
        elif not guess.label:
            message = self.tr("Choose the label column: no column looks like one.")
        else:
            message = ""
        show_inline(self.columns_status, message, "")
        for combo, chosen in ((self.text_column, guess.text), (self.label_column, guess.label)):
            combo.clear()
            combo.addItems(guess.columns)
            combo.setCurrentIndex(guess.columns.index(chosen) if chosen else -1)
        self.completeChanged.emit()

    def validatePage(self) -> bool:
        return self.isComplete()

    def isComplete(self) -> bool:
        raw = self.path.text().strip()
        if not raw:
            self.status.setText("")
            return False
        path = Path(raw).expanduser()
        if self.table_mode.isChecked():
            ok = path.is_file()
            self.status.setText("" if ok else self.tr("No such file."))
            cols = self.text_column.currentText(), self.label_column.currentText()
            return ok and all(cols) and cols[0] != cols[1]
        ok = path.is_dir()
        self.status.setText("" if ok else self.tr("No such folder."))
        self.status.setStyleSheet("" if ok else ERROR_STYLE)
        return ok


class SplitPage(QWizardPage):
    """Step 4: stratified train / validation / test percentages, seed, optional groups."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Split the data"))
        self.setSubTitle(self.tr("Each class is split in the same proportions. The test split is kept "
                                 "aside until the evaluation step."))
        train, val, test = training_options.SPLIT_DEFAULT
        self.train, self.val, self.test = (self._percent(v) for v in (train, val, test))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(training_options.SEED_DEFAULT)
        self.sum_label = QLabel()
        self.group = QLineEdit()
        self.group.setPlaceholderText(self.tr(r"e.g. ^(person\d+)_  (the first group is the patient ID)"))
        self.preview = make_table([self.tr("file"), self.tr("group (patient)")])
        self.preview.setMaximumHeight(170)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.form = form = QFormLayout()
        form.addRow(self.tr("Training %"), self.train)
        form.addRow(self.tr("Validation %"), self.val)
        form.addRow(self.tr("Test %"), self.test)
        form.addRow("", self.sum_label)
        form.addRow(self.tr("Random seed"), self.seed)
        form.addRow(self.tr("Group by (regular expression)"), self.group)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.preview_label = QLabel(self.tr("Files of one group (patient) never span two splits. Preview:"))
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.registerField("split.train", self.train)
        self.registerField("split.val", self.val)
        self.registerField("split.test", self.test)
        self.registerField("split.seed", self.seed)
        self.registerField("split.group_pattern", self.group)
        for spin in (self.train, self.val, self.test):
            spin.valueChanged.connect(self._changed)
        self.group.textChanged.connect(self._changed)

    @staticmethod
    def _percent(value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, 100)
        spin.setSuffix(" %")
        spin.setValue(value)
        return spin

    def initializePage(self) -> None:
        files = not self.wizard().uses_table()  # table rows have no file name to group by
        self.form.setRowVisible(self.group, files)
        self.preview_label.setVisible(files)
        self.preview.setVisible(files)
        if not files:
            self.group.clear()
        self._changed()

    def total(self) -> int:
        return self.train.value() + self.val.value() + self.test.value()

    def pattern_error(self) -> str:
        try:
            re.compile(self.group.text())
        except re.error as exc:
            return self.tr("Not a valid regular expression: {0}").format(exc)
        return ""

    def _changed(self) -> None:
        total = self.total()
        ok = total == 100
        self.sum_label.setText((self.tr("Total {0} %") if ok else self.tr("Total {0} % — must be 100 %")).format(total))
        self.sum_label.setStyleSheet("" if ok else ERROR_STYLE)
        error = self.pattern_error()
        self.message.setText(error)
        scan = self.wizard().scan if self.wizard() is not None else None
        rows = []
        if scan is not None and not error:
            pattern = self.group.text() or None
            for item in scan.items[:6]:
                rows.append([item.name, datasets.group_of(item.name, pattern) if pattern
                             else self.tr("(none: each file on its own)")])
        fill_table(self.preview, rows)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.total() == 100 and self.train.value() > 0 and self.test.value() > 0 \
            and not self.pattern_error()

    def compute_split(self) -> Any:
        """The split the current settings give (cheap: index arithmetic over the scan)."""
        labels, groups = scan_labels(self.wizard(), self.group.text() or None)
        return splits.split_items(labels, groups, self.train.value() / 100,
                                    self.val.value() / 100, self.test.value() / 100,
                                    self.seed.value())

    def validatePage(self) -> bool:
        if not self.isComplete():
            return False
        try:
            self.compute_split()
        except DatasetError as exc:
            self.message.setText(str(exc))
            return False
        return True


class ImbalancePage(QWizardPage):
    """Step 5: class weights / oversampling / none, and image augmentation."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Class imbalance and augmentation"))
        self.setSubTitle(self.tr("A class with fewer examples gets more weight in the loss, so the model "
                                 "does not learn to ignore it. Weights computed on the training split:"))
        self.radios: dict[str, QRadioButton] = {}
        self.train_labels: list[str] = []
        self.classes: list[str] = []
        group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for key, label in training_options.IMBALANCE_CHOICES.items():
            radio = QRadioButton(option_text(label))
            group.addButton(radio)
            layout.addWidget(radio)
            self.radios[key] = radio
            radio.toggled.connect(self._update_table)
        self.radios["weights"].setChecked(True)
        self.weights = make_table([self.tr("class"), self.tr("training images"), self.tr("weight")])
        self.weights.setMaximumHeight(180)
        layout.addWidget(self.weights)
        self.augment = QCheckBox(self.tr("Augment training images"))
        self.augment.setChecked(True)
        self.augment_note = QLabel(option_text(training_options.AUGMENTATION_NOTE))
        self.flip = QCheckBox(self.tr("Horizontal flip"))
        self.flip_note = QLabel(option_text(training_options.FLIP_NOTE))
        for note in (self.augment_note, self.flip_note):
            note.setWordWrap(True)
            note.setStyleSheet("color:#555; margin-left:22px;")
        for w in (self.augment, self.augment_note, self.flip, self.flip_note):
            layout.addWidget(w)
        layout.addStretch(1)
        self.registerField("imbalance.augment", self.augment)
        self.registerField("imbalance.flip", self.flip)

    def choice(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())

    def initializePage(self) -> None:
        image = self.wizard().task() == "image"
        for w in (self.augment, self.augment_note, self.flip, self.flip_note):
            w.setVisible(image)
        self.weights.setHorizontalHeaderLabels(
            [self.tr("class"), self.tr("training images") if image else self.tr("training texts"),
             self.tr("weight")])
        split = self.wizard().page(Pages.SPLIT).compute_split()
        labels, _ = scan_labels(self.wizard(), None)
        self.classes = usable_scan(self.wizard()).classes
        self.train_labels = [labels[i] for i in split.train]
        self._update_table()

    def _update_table(self) -> None:
        if not self.classes:
            return
        counts = [self.train_labels.count(c) for c in self.classes]
        if self.choice() == "weights":
            weights = splits.class_weights(self.train_labels, self.classes)
            shown = [f"{weights[k]:.3f}" for k in range(len(self.classes))]
        else:
            shown = [self.tr("1 (not weighted)")] * len(self.classes)
        fill_table(self.weights, [[c, counts[k], shown[k]] for k, c in enumerate(self.classes)])
