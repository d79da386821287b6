"""Under each reading: the clinician's Agree / Disagree (with the correct label and a
comment) and Export report…; the reading itself goes into the audit trail.

A thin view: recording (``core.audit.readings``), feedback (``core.audit.feedback``) and
reports (``core.reports``) are core functions, run on the ``ThreadRunner`` because they
hash files, copy a case and draw a PDF. A pane calls :meth:`ReadingActions.reading_shown`
when it shows a reading and :meth:`ReadingActions.clear` when it forgets it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from medgui.ui.errors import handle_error, show_inline
from medgui.ui.style import MUTED_STYLE
from medgui.workers.jobs import Job, JobError, ThreadRunner


class ReportDialog(QDialog):
    """Where to save the PDF, and whether it may identify the patient (off by default)."""

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export report"))
        self.setObjectName("reportDialog")
        self.path_edit = QLineEdit(str(default_path))
        self.path_edit.setObjectName("reportPath")
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.identifying = QCheckBox(self.tr("Include identifying data (patient name, ID, birth date, file name)"))
        self.identifying.setObjectName("includeIdentifying")
        self.identifying.setToolTip(self.tr("Off: the report is de-identified and can be filed or "
                                            "shared without naming the patient"))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Save the report as (PDF):")))
        layout.addLayout(row)
        layout.addWidget(self.identifying)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report"), self.path_edit.text(),
                                              "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")


class ReadingActions(QWidget):
    """Feedback and report for the reading shown by a pane (``kind`` image or text).

    Signals
    -------
    sig_recorded(object)
        The reading's audit ``Entry``, once written.
    sig_feedback_saved(object)
        The feedback ``Entry``.
    sig_report_written(str)
        The path of a PDF report.
    """

    sig_recorded = Signal(object)
    sig_feedback_saved = Signal(object)
    sig_report_written = Signal(str)

    def __init__(self, runner: ThreadRunner, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.kind = runner, kind
        self.result: dict[str, Any] | None = None
        self.entry: Any = None  # the reading's audit Entry
        self.context: dict[str, Any] = {}
        self._token = 0  # a newer reading makes older jobs' answers moot

        self.agree_button = QPushButton(self.tr("Agree"))
        self.agree_button.setObjectName("agreeButton")
        self.disagree_button = QPushButton(self.tr("Disagree"))
        self.disagree_button.setObjectName("disagreeButton")
        self.verdicts = QButtonGroup(self)
        for button in (self.agree_button, self.disagree_button):
            button.setCheckable(True)
            self.verdicts.addButton(button)
        self.verdicts.buttonToggled.connect(lambda *_: self._update())
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("correctLabel")
        self.label_combo.setEditable(True)
        self.label_combo.setToolTip(self.tr("What the correct label is; type one if it is not listed"))
        self.comment_edit = QLineEdit()
        self.comment_edit.setObjectName("feedbackComment")
        self.comment_edit.setPlaceholderText(self.tr("Comment (optional; no patient names)"))
        self.save_button = QPushButton(self.tr("Save feedback"))
        self.save_button.setObjectName("saveFeedback")
        self.save_button.clicked.connect(self.save_feedback)
        self.report_button = QPushButton(self.tr("Export report…"))
        self.report_button.setObjectName("exportReport")
        self.report_button.clicked.connect(lambda: self.export_report())
        self.status = QLabel("")
        self.status.setObjectName("feedbackStatus")
        self.status.setWordWrap(True)

        verdict_row = QHBoxLayout()
        verdict_row.addWidget(QLabel(self.tr("Your assessment:")))
        verdict_row.addWidget(self.agree_button)
        verdict_row.addWidget(self.disagree_button)
        verdict_row.addStretch(1)
        form = QFormLayout()
        self.label_row_label = QLabel(self.tr("Correct label:"))
        form.addRow(self.label_row_label, self.label_combo)
        form.addRow(self.tr("Comment:"), self.comment_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(verdict_row)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.clear()

    # -- states -----------------------------------------------------------------------
    def clear(self) -> None:
        """No reading shown."""
        self._token += 1
        self.result, self.entry, self.context = None, None, {}
        self._reset_verdict()
        self.comment_edit.clear()
        self.label_combo.clear()
        show_inline(self.status, "")
        self.setVisible(False)

    def _reset_verdict(self) -> None:
        self.verdicts.setExclusive(False)
        for button in (self.agree_button, self.disagree_button):
            button.setChecked(False)
        self.verdicts.setExclusive(True)
        self._update()

    def _update(self) -> None:
        recorded = self.entry is not None
        disagree = self.disagree_button.isChecked()
        for w in (self.agree_button, self.disagree_button, self.comment_edit):
            w.setEnabled(recorded)
        self.label_combo.setVisible(disagree)
        self.label_row_label.setVisible(disagree)
        self.save_button.setEnabled(recorded and (disagree or self.agree_button.isChecked()))
        self.report_button.setEnabled(self.result is not None)

    def _say(self, text: str) -> None:
        show_inline(self.status, text, MUTED_STYLE)

    def _submit(self, fn: Callable[[], Any], title: str, done: Callable[[Any], None]) -> Job:
        token = self._token
        job = self.runner.submit(lambda _progress, _cancelled: fn(), kind="audit")
        job.sig_result.connect(lambda value: done(value) if token == self._token else None)
        job.sig_errored.connect(lambda error: self._failed(title, error) if token == self._token else None)
        return job

    def _failed(self, title: str, error: JobError) -> None:
        handle_error(self, title, error,
                     lambda message: show_inline(self.status, self.tr("{0}: {1}").format(title, message)))

    # -- a reading --------------------------------------------------------------------
    def reading_shown(self, result: dict[str, Any], *, image: Any = None, text: str | None = None,
                      patient_ref: str = "", title: str = "",
                      heatmap_visible: Callable[[], bool] | None = None) -> Job:
        """A pane shows ``result`` for ``image`` (an ``XRayImage``) or ``text``: record it
        in the audit trail, then offer feedback and the report."""
        self.clear()
        self.result = result
        self.context = {"image": image, "text": text, "patient_ref": patient_ref, "title": title,
                        "heatmap_visible": heatmap_visible}
        label = result.get("label")
        self.label_combo.addItems([str(c) for c in (result.get("probabilities") or {}) if c != label])
        self.label_combo.setCurrentIndex(-1)
        self.setVisible(True)
        self._update()
        self._say(self.tr("Recording the reading in the audit trail…"))
        plain = {k: v for k, v in result.items() if k not in ("heatmap", "tokens")}

        def record() -> Any:
            from medgui.core.audit import readings

            if text is not None:
                return readings.log_text_reading(plain, text, source="gui", patient_ref=patient_ref)
            return readings.log_image_reading(plain, image.path, source="gui",
                                              input_format=image.format, frame=image.frame)

        return self._submit(record, self.tr("The reading could not be recorded in the audit trail"),
                            self._on_recorded)

    def _on_recorded(self, entry: Any) -> None:
        self.entry = entry
        self._update()
        self._say(self.tr("Recorded in the audit trail as entry #{0}. Agree or disagree to "
                          "give your feedback.").format(entry.seq))
        self.sig_recorded.emit(entry)

    # -- feedback ---------------------------------------------------------------------
    def save_feedback(self) -> Job | None:
        """Save the chosen verdict, correct label and comment as a feedback entry."""
        if self.entry is None or self.verdicts.checkedButton() is None:
            return None
        verdict = "agree" if self.agree_button.isChecked() else "disagree"
        label = self.label_combo.currentText().strip() if verdict == "disagree" else ""
        comment = self.comment_edit.text()
        seq, ctx = self.entry.seq, dict(self.context)
        image = ctx.get("image")

        def give() -> Any:
            from medgui.core.audit.feedback import give_feedback

            return give_feedback(seq, verdict, label, comment,
                                 source_path=image.path if image is not None else None,
                                 source_text=ctx.get("text"))

        self.save_button.setEnabled(False)
        self._say(self.tr("Saving your feedback…"))
        return self._submit(give, self.tr("The feedback could not be saved"), self._on_feedback)

    def _on_feedback(self, entry: Any) -> None:
        body = entry.body
        what = self.tr("agree") if body.get("verdict") == "agree" else (
            self.tr("disagree, correct label {0}").format(body["correct_label"]) if body.get("correct_label")
            else self.tr("disagree (no correct label given: not usable for training)"))
        self._update()
        self._say(self.tr("Feedback saved as audit entry #{0} ({1}). Saving again replaces it.").format(
            entry.seq, what))
        self.sig_feedback_saved.emit(entry)

    # -- report -----------------------------------------------------------------------
    def default_report_path(self) -> Path:
        from medgui.core.reports import report_name

        sha = str(self.entry.body.get("input", {}).get("sha256", "")) if self.entry is not None else ""
        name = report_name(sha, self.entry.seq) if self.entry is not None else "reading.pdf"
        return Path.home() / name

    def export_report(self, path: str | Path | None = None, include_identifying: bool = False) -> Job | ReportDialog | None:
        """Write the PDF report of the reading shown. Without ``path``, ask (a dialog)."""
        if self.result is None:
            return None
        if path is None:
            dialog = ReportDialog(self.default_report_path(), self)
            dialog.accepted.connect(lambda: self.export_report(dialog.path_edit.text(),
                                                               dialog.identifying.isChecked()))
            dialog.open()
            return dialog
        result, ctx, entry, target = dict(self.result), dict(self.context), self.entry, Path(path)
        visible = ctx.get("heatmap_visible")
        heatmap = result.get("heatmap") if visible is not None and visible() else None

        def write() -> str:
            from medgui.core.audit.readings import find_card
            from medgui.core.reports.content import image_report, text_report
            from medgui.core.reports.pdf import write_pdf

            card = find_card(str(result.get("model", "")))
            if ctx.get("text") is not None:
                content = text_report(result, ctx["text"], card, patient_ref=ctx["patient_ref"],
                                      title=ctx["title"], include_identifying=include_identifying,
                                      entry=entry)
            else:
                content = image_report(result, ctx["image"], card, heatmap=heatmap,
                                       include_identifying=include_identifying, entry=entry)
            return str(write_pdf(content, target))

        self._say(self.tr("Writing the report…"))
        return self._submit(write, self.tr("The report could not be written"), self._on_report)

    def _on_report(self, path: str) -> None:
        self._say(self.tr("Report saved: {0}").format(path))
        self.sig_report_written.emit(path)
