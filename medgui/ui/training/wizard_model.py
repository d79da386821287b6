"""The training wizard's Model step: starting weights, intensity, architecture, settings.

The architectures and choices are plain data (``core.training.options``); the starting
values are ``TrainingConfig``'s defaults. Nothing here imports TensorFlow.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWizardPage,
)

from medgui.core.training import options as training_options
from medgui.ui.style import ERROR_STYLE
from medgui.ui.training.option_texts import option_text


class ModelPage(QWizardPage):
    """Step 6: architecture and training settings."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Model and training settings"))
        self.setSubTitle(self.tr("The defaults suit a first model; early stopping ends training when "
                                 "the validation loss stops improving."))
        self.arch = QComboBox()
        self.arch.setObjectName("architecture")
        self.epochs = self._int(1, 500)
        self.batch_size = self._int(1, 1024)
        self.learning_rate = self._float(1e-6, 1.0, 6, 1e-4)
        self.dropout = self._float(0.0, 0.9, 2, 0.05)
        self.weight_decay = self._float(0.0, 0.1, 6, 1e-5)
        self.patience = self._int(0, 100)
        self.patience.setSpecialValueText(self.tr("off"))
        self.restore_best = QCheckBox(self.tr("Restore the weights of the best validation epoch"))
        self.restore_best.setChecked(True)
        self.kfold = self._int(0, 20)
        self.kfold.setSpecialValueText(self.tr("off"))
        self.kfold.valueChanged.connect(self.completeChanged)
        self.kfold_error = QLabel(self.tr("k-fold needs at least 2 folds (or off)."))
        self.kfold_error.setStyleSheet(ERROR_STYLE)
        self.kfold_error.hide()
        self.image_size = self._int(32, 512)
        self.image_size.setSingleStep(32)
        self.vocab_size = self._int(100, 200_000)
        self.seq_len = self._int(10, 2000)
        self.start_from = self._combo("startFrom", training_options.START_FROM_CHOICES)
        self.normalise = self._combo("normalise", training_options.NORMALISE_CHOICES)
        self.arch.currentIndexChanged.connect(self._arch_changed)
        self.form = QFormLayout()
        self.form.addRow(self.tr("Start from"), self.start_from)
        self.form.addRow(self.tr("Intensity"), self.normalise)
        self.form.addRow(self.tr("Architecture"), self.arch)
        self.form.addRow(self.tr("Epochs"), self.epochs)
        self.form.addRow(self.tr("Batch size"), self.batch_size)
        self.form.addRow(self.tr("Learning rate"), self.learning_rate)
        self.form.addRow(self.tr("Dropout"), self.dropout)
        self.form.addRow(self.tr("Weight decay"), self.weight_decay)
        self.form.addRow(self.tr("Early-stopping patience (epochs)"), self.patience)
        self.form.addRow("", self.restore_best)
        self.form.addRow(self.tr("k-fold cross-validation (folds)"), self.kfold)
        self.form.addRow(self.tr("Image size (pixels)"), self.image_size)
        self.form.addRow(self.tr("Vocabulary size"), self.vocab_size)
        self.form.addRow(self.tr("Sequence length (tokens)"), self.seq_len)
        note = QLabel(self.tr("k-fold trains k extra models on the training data and reports the mean "
                              "and spread of each metric, before the final model is trained."))
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
    def _combo(name: str, choices: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for key, label in choices.items():
            combo.addItem(option_text(label), key)
        return combo

    def choices(self) -> dict[str, str]:
        """``start_from`` and ``normalise`` as chosen (images; the defaults for text)."""
        if self._task != "image":
            d = training_options.DEFAULTS["image"]
            return {"start_from": d.start_from, "normalise": d.normalise}
        return {"start_from": str(self.start_from.currentData()),
                "normalise": str(self.normalise.currentData())}

    def _arch_changed(self) -> None:
        """A linear text model is fitted by a solver: grey out what only networks use."""
        linear = self.architecture() in training_options.LINEAR_TEXT
        why = self.tr("Does not apply to the TF-IDF model, which reads the whole note") if linear else ""
        for widget in (self.seq_len, self.dropout):
            widget.setEnabled(not linear)
            widget.setToolTip(why)

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
            self.arch.addItem(option_text(label), name)
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
        self.start_from.setCurrentIndex(self.start_from.findData(d.start_from))
        self.normalise.setCurrentIndex(self.normalise.findData(d.normalise))
        for widget, shown in ((self.image_size, task == "image"), (self.vocab_size, task == "text"),
                              (self.seq_len, task == "text"), (self.start_from, task == "image"),
                              (self.normalise, task == "image")):
            self.form.setRowVisible(widget, shown)
        self._arch_changed()
