"""The training wizard's first steps: task, data, check, split, imbalance, model.

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
    QDoubleSpinBox,
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
from medgui.ui.training.wizard_common import (
    Pages,
    fill_table,
    make_table,
    scan_labels,
    usable_scan,
)
from medgui.workers.jobs import Latest

__all__ = ["DataPage", "ImbalancePage", "ModelPage", "SplitPage", "TaskPage"]

class TaskPage(QWizardPage):
    """Step 1: image or text."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("What will the model classify?")
        self.setSubTitle("Pick the kind of data; the later steps adapt to it.")
        self.image = QRadioButton("Images (chest X-rays, any format the viewer opens)")
        self.text = QRadioButton("Text (clinical notes: .txt files or a CSV/TSV table)")
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
        self.setTitle("Where is the data?")
        self.setSubTitle(" ")
        self.folder_mode = QRadioButton("A folder with one subfolder per class")
        self.table_mode = QRadioButton("A CSV/TSV table with a text column and a label column")
        self.folder_mode.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.folder_mode)
        modes.addButton(self.table_mode)
        self.path = QLineEdit()
        self.path.setObjectName("dataPath")
        self.path.setPlaceholderText("/path/to/dataset")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.text_column = QComboBox()
        self.label_column = QComboBox()
        self.columns_status = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.columns_box = QGroupBox("Columns")
        form = QFormLayout(self.columns_box)
        form.addRow("Text column", self.text_column)
        form.addRow("Label column", self.label_column)
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
            self.setSubTitle("A CSV or TSV table with one row per note: a column with the text "
                             "and a column with its label. The label values become the class names.")
            self.path.setPlaceholderText("/path/to/notes.csv")
            return
        text = self.wizard() is not None and self.wizard().task() == "text"
        kind = "text files (.txt)" if text else "images"
        self.setSubTitle(f"A folder holding one subfolder of {kind} per class; the subfolder "
                         "names become the class names.")
        self.path.setPlaceholderText("/path/to/dataset")

    def _browse(self) -> None:
        if self.table_mode.isChecked():
            path, _ = QFileDialog.getOpenFileName(self, "Choose a table", self.path.text(),
                                                  "Tables (*.csv *.tsv *.txt);;All files (*)")
        else:
            path = QFileDialog.getExistingDirectory(self, "Choose the dataset folder", self.path.text())
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
        self.columns_status.setText("Reading the header…")
        job = self._columns_job.replace(self.wizard().runner.submit(
            lambda progress, cancelled: columns.guess_table_columns(path), kind="table_columns"))
        job.sig_result.connect(self._set_columns)
        job.sig_errored.connect(lambda err: handle_error(
            self, "Reading the table failed", err, lambda m: show_inline(self.columns_status, m)))

    def _set_columns(self, guess: columns.ColumnGuess) -> None:
        """Offer the table's columns, the guessed text and label columns chosen."""
        missing = [what for what, name in (("text", guess.text), ("label", guess.label)) if not name]
        show_inline(self.columns_status, f"Choose the {' and '.join(missing)} column: no column "
                    "looks like one." if missing else "", "")
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
            self.status.setText("" if ok else "No such file.")
            cols = self.text_column.currentText(), self.label_column.currentText()
            return ok and all(cols) and cols[0] != cols[1]
        ok = path.is_dir()
        self.status.setText("" if ok else "No such folder.")
        self.status.setStyleSheet("" if ok else ERROR_STYLE)
        return ok


class SplitPage(QWizardPage):
    """Step 4: stratified train / validation / test percentages, seed, optional groups."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Split the data")
        self.setSubTitle("Each class is split in the same proportions. The test split is kept "
                         "aside until the evaluation step.")
        train, val, test = training_options.SPLIT_DEFAULT
        self.train, self.val, self.test = (self._percent(v) for v in (train, val, test))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(training_options.SEED_DEFAULT)
        self.sum_label = QLabel()
        self.group = QLineEdit()
        self.group.setPlaceholderText(r"e.g. ^(person\d+)_  (the first group is the patient ID)")
        self.preview = make_table(["file", "group (patient)"])
        self.preview.setMaximumHeight(170)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.form = form = QFormLayout()
        form.addRow("Training %", self.train)
        form.addRow("Validation %", self.val)
        form.addRow("Test %", self.test)
        form.addRow("", self.sum_label)
        form.addRow("Random seed", self.seed)
        form.addRow("Group by (regular expression)", self.group)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.preview_label = QLabel("Files of one group (patient) never span two splits. Preview:")
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
            return f"Not a valid regular expression: {exc}"
        return ""

    def _changed(self) -> None:
        total = self.total()
        ok = total == 100
        self.sum_label.setText(f"Total {total} %" + ("" if ok else " — must be 100 %"))
        self.sum_label.setStyleSheet("" if ok else ERROR_STYLE)
        error = self.pattern_error()
        self.message.setText(error)
        scan = self.wizard().scan if self.wizard() is not None else None
        rows = []
        if scan is not None and not error:
            pattern = self.group.text() or None
            for item in scan.items[:6]:
                rows.append([item.name, datasets.group_of(item.name, pattern) if pattern
                             else "(none: each file on its own)"])
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
        self.setTitle("Class imbalance and augmentation")
        self.setSubTitle("A class with fewer examples gets more weight in the loss, so the model "
                         "does not learn to ignore it. Weights computed on the training split:")
        self.radios: dict[str, QRadioButton] = {}
        self.train_labels: list[str] = []
        self.classes: list[str] = []
        group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for key, label in training_options.IMBALANCE_CHOICES.items():
            radio = QRadioButton(label)
            group.addButton(radio)
            layout.addWidget(radio)
            self.radios[key] = radio
            radio.toggled.connect(self._update_table)
        self.radios["weights"].setChecked(True)
        self.weights = make_table(["class", "training images", "weight"])
        self.weights.setMaximumHeight(180)
        layout.addWidget(self.weights)
        self.augment = QCheckBox("Augment training images")
        self.augment.setChecked(True)
        self.augment_note = QLabel(training_options.AUGMENTATION_NOTE)
        self.flip = QCheckBox("Horizontal flip")
        self.flip_note = QLabel(training_options.FLIP_NOTE)
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
            ["class", "training images" if image else "training texts", "weight"])
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
            shown = ["1 (not weighted)"] * len(self.classes)
        fill_table(self.weights, [[c, counts[k], shown[k]] for k, c in enumerate(self.classes)])


class ModelPage(QWizardPage):
    """Step 6: architecture and training settings."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Model and training settings")
        self.setSubTitle("The defaults suit a first model; early stopping ends training when "
                         "the validation loss stops improving.")
        self.arch = QComboBox()
        self.arch.setObjectName("architecture")
        self.epochs = self._int(1, 500)
        self.batch_size = self._int(1, 1024)
        self.learning_rate = self._float(1e-6, 1.0, 6, 1e-4)
        self.dropout = self._float(0.0, 0.9, 2, 0.05)
        self.weight_decay = self._float(0.0, 0.1, 6, 1e-5)
        self.patience = self._int(0, 100)
        self.patience.setSpecialValueText("off")
        self.restore_best = QCheckBox("Restore the weights of the best validation epoch")
        self.restore_best.setChecked(True)
        self.kfold = self._int(0, 20)
        self.kfold.setSpecialValueText("off")
        self.kfold.valueChanged.connect(self.completeChanged)
        self.kfold_error = QLabel("k-fold needs at least 2 folds (or off).")
        self.kfold_error.setStyleSheet(ERROR_STYLE)
        self.kfold_error.hide()
        self.image_size = self._int(32, 512)
        self.image_size.setSingleStep(32)
        self.vocab_size = self._int(100, 200_000)
        self.seq_len = self._int(10, 2000)
        self.form = QFormLayout()
        self.form.addRow("Architecture", self.arch)
        self.form.addRow("Epochs", self.epochs)
        self.form.addRow("Batch size", self.batch_size)
        self.form.addRow("Learning rate", self.learning_rate)
        self.form.addRow("Dropout", self.dropout)
        self.form.addRow("Weight decay", self.weight_decay)
        self.form.addRow("Early-stopping patience (epochs)", self.patience)
        self.form.addRow("", self.restore_best)
        self.form.addRow("k-fold cross-validation (folds)", self.kfold)
        self.form.addRow("Image size (pixels)", self.image_size)
        self.form.addRow("Vocabulary size", self.vocab_size)
        self.form.addRow("Sequence length (tokens)", self.seq_len)
        note = QLabel("k-fold trains k extra models on the training data and reports the mean and "
                      "spread of each metric, before the final model is trained.")
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.kfold_error)
        layout.addWidget(note)
        layout.addStretch(1)
        for name in ("epochs", "batch_size", "learning_rate", "dropout", "weight_decay",
                     "patience", "restore_best", "kfold", "image_size", "vocab_size", "seq_len"):
            widget = getattr(self, name)
            # QWizard knows QSpinBox's "value" but not QDoubleSpinBox's: name it.
            prop = "checked" if isinstance(widget, QCheckBox) else "value"
            self.registerField(f"model.{name}", widget, prop)
        self._task = ""

    @staticmethod
    def _int(lo: int, hi: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(lo, hi)
        return spin

    @staticmethod
    def _float(lo: float, hi: float, decimals: int, step: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setDecimals(decimals)
        spin.setRange(lo, hi)
        spin.setSingleStep(step)
        return spin

    def architecture(self) -> str:
        return str(self.arch.currentData())

    def validatePage(self) -> bool:
        return self.isComplete()

    def isComplete(self) -> bool:
        ok = self.kfold.value() != 1
        self.kfold_error.setVisible(not ok)
        return ok and self.arch.currentIndex() >= 0

    def initializePage(self) -> None:
        task = self.wizard().task()
        if task == self._task:
            return  # keep what the user set when coming back
        self._task = task
        d = training_options.DEFAULTS[task]
        self.arch.clear()
        for name, label in training_options.ARCHITECTURES[task].items():
            self.arch.addItem(label, name)
        self.arch.setCurrentIndex(self.arch.findData(d.architecture))
        self.epochs.setValue(d.epochs)
        self.batch_size.setValue(d.batch_size)
        self.learning_rate.setValue(d.learning_rate)
        self.dropout.setValue(d.dropout)
        self.weight_decay.setValue(d.weight_decay)
        self.patience.setValue(d.patience)
        self.image_size.setValue(d.image_size)
        self.vocab_size.setValue(d.vocab_size)
        self.seq_len.setValue(d.seq_len)
        for widget, shown in ((self.image_size, task == "image"), (self.vocab_size, task == "text"),
                              (self.seq_len, task == "text")):
            self.form.setRowVisible(widget, shown)
