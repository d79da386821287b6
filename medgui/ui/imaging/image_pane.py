"""The Images pane: an X-ray in the viewer, its display controls, header and CNN reading.

Decoding runs on the ``ThreadRunner`` (plain Python, latest request wins); the CNN runs
in the analysis process through ``MLService``. Nothing here blocks the event loop.

Layout: the viewer (tool bar, image, frame controls) on the left; on the right the file
and its reading on top, sized to be read whole and never pushed out of view by the
rest, and under them tabs for the display controls, the DICOM header and the study list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from medgui.core.imaging.display import describe
from medgui.core.imaging.masking import overlay_lines
from medgui.core.imaging.study import Series, discover, is_dicomdir
from medgui.ui.errors import handle_error, show_inline
from medgui.ui.feedback import ReadingActions
from medgui.ui.imaging.frames import FrameNavigator
from medgui.ui.imaging.image_view import ImageView
from medgui.ui.imaging.measure_tool import MeasurementList
from medgui.ui.imaging.prediction_panel import PredictionPanel
from medgui.ui.imaging.study_list import StudyList
from medgui.ui.imaging.tag_table import TagTable
from medgui.ui.imaging.viewer_toolbar import ViewerToolBar
from medgui.ui.imaging.window_level import WindowLevelControls
from medgui.workers.jobs import Job, JobError, Latest, ThreadRunner
from medgui.workers.ml_service import MLService

if TYPE_CHECKING:
    from medgui.core.imaging.loader import XRayImage

TABS_MIN_HEIGHT = 170
"""Height left to the tabs (display, header, study) when the reading needs the rest."""


def _load(path: str, frame: int) -> XRayImage:
    # Imported here, on a worker thread: OpenCV takes ~0.1-0.3 s to import and the
    # window must not wait for it at start-up (the app pre-imports it after showing).
    from medgui.core.imaging.loader import load_image

    return load_image(path, frame)


class ImagePane(QWidget):
    """Open, view and classify one X-ray at a time; list a folder's or DICOMDIR's images.

    Signals
    -------
    sig_image_opened(str)
        An image was decoded and is shown (its path); for the recent-files list.
    sig_status(str)
        A short message for the window's status bar.
    sig_model_used(str), sig_model_failed(str)
        The model (``name@version``) that gave a reading; why no model could be loaded.
    """

    sig_image_opened = Signal(str)
    sig_status = Signal(str)
    sig_model_used = Signal(str)
    sig_model_failed = Signal(str)

    def __init__(self, ml: MLService, runner: ThreadRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ml = ml
        self.runner = runner
        self.image: XRayImage | None = None
        self.last_error: JobError | None = None
        self.loads = Latest()  # a newer open supersedes the one still decoding
        self.readings = Latest()  # a newer classification supersedes the one running
        self.studies = Latest()  # a newer folder scan supersedes the one running
        self._requested: tuple[str, int] | None = None
        self._engine_ready = False
        ml.sig_ready.connect(self._on_engine_ready)

        # The pixel read-out is shown once, under the image (not in the status bar too).
        self.view = ImageView()
        self.toolbar = ViewerToolBar(self.view)
        self.toolbar.sig_status.connect(self.sig_status)
        self.frames = FrameNavigator(busy=lambda: self.loads.busy)
        self.frames.setVisible(False)
        self.frames.sig_frame_chosen.connect(self._on_frame_chosen)
        # Frames are not classified while the cine plays; the one it stops on is.
        self.frames.play_button.toggled.connect(self._on_cine_toggled)
        self.view.sig_frame_step.connect(self.frames.step)
        # Names the tests and the window have used for the frame controls.
        self.frame_box, self.frame_spin, self.frame_slider = (
            self.frames, self.frames.spin, self.frames.slider)

        self.file_label = QLabel(self.tr("No image open"))
        self.file_label.setObjectName("fileLabel")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.file_label.font()
        font.setBold(True)
        self.file_label.setFont(font)
        self.info_label = QLabel("")
        self.info_label.setObjectName("imageInfo")
        self.info_label.setWordWrap(True)
        self.load_error = QLabel("")
        self.load_error.setObjectName("loadError")
        self.load_error.setWordWrap(True)
        self.load_error.setVisible(False)
        self.load_busy = QProgressBar()
        self.load_busy.setObjectName("loadBusy")
        self.load_busy.setRange(0, 0)
        self.load_busy.setMaximumHeight(8)
        self.load_busy.setTextVisible(False)
        self.load_busy.setVisible(False)

        self.controls = WindowLevelControls(self.view)
        self.measurements = MeasurementList(self.view.measure)
        self.prediction = PredictionPanel()
        self.prediction.sig_classify_requested.connect(self.classify)
        self.prediction.sig_cancel_requested.connect(self.cancel_classification)
        self.prediction.sig_heatmap_toggled.connect(self.view.show_heatmap)
        self.prediction.sig_heatmap_opacity_changed.connect(self.view.set_heatmap_opacity)
        self.auto_classify = QCheckBox(self.tr("Classify automatically on open"))
        self.auto_classify.setObjectName("autoClassify")
        self.auto_classify.setChecked(True)
        self.reading_actions = ReadingActions(runner, "image")  # audit entry, feedback, report
        self.tags = TagTable()
        self.tags.sig_reveal_changed.connect(lambda _on: self._show_header())
        self.study = StudyList()
        self.study.sig_open_requested.connect(self.open_path)
        self._build_layout()

    def _build_layout(self) -> None:
        viewer = QWidget()
        column = QVBoxLayout(viewer)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.toolbar)
        column.addWidget(self.view, 1)
        column.addWidget(self.frames)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(4, 4, 4, 4)
        top_layout.addWidget(_group(self.tr("Image"), self.file_label, self.info_label, self.load_error,
                                    self.load_busy))
        self.reading_box = _group(self.tr("Reading"), self.prediction, self.reading_actions, self.auto_classify)
        top_layout.addWidget(self.reading_box)
        top_layout.addStretch(1)
        self.head = QScrollArea()
        self.head.setObjectName("readingArea")
        self.head.setWidgetResizable(True)
        self.head.setFrameShape(QFrame.Shape.NoFrame)
        self.head.setWidget(top)
        self.head.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._side_top = top

        page = QWidget()
        display_layout = QVBoxLayout(page)
        display_layout.addWidget(self.controls)
        display_layout.addWidget(QLabel(self.tr("Measurements")))
        self.measurements.setMinimumHeight(3 * self.fontMetrics().height() + 8)
        display_layout.addWidget(self.measurements, 1)
        # On a short window the page scrolls; its controls are never squashed.
        display = QScrollArea()
        display.setWidgetResizable(True)
        display.setFrameShape(QFrame.Shape.NoFrame)
        display.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        display.setWidget(page)
        self.details = QTabWidget()
        self.details.setObjectName("detailTabs")
        self.details.setDocumentMode(True)
        self.details.addTab(display, self.tr("Display"))
        self.details.addTab(self.tags, self.tr("DICOM header"))
        self.details.addTab(self.study, self.tr("Study"))
        self.details.setMinimumHeight(90)

        side = QSplitter(Qt.Orientation.Vertical)
        side.setObjectName("sidePanel")
        side.addWidget(self.head)
        side.addWidget(self.details)
        side.setCollapsible(0, False)
        side.setCollapsible(1, False)
        side.setStretchFactor(0, 0)
        side.setStretchFactor(1, 1)
        side.setMinimumWidth(360)
        self.side = side
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(viewer)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([940, 440])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        for signal in (self.prediction.sig_layout_changed, self.side.splitterMoved):
            signal.connect(self._schedule_fit)

    # -- keeping the reading in view -------------------------------------------------
    def head_needed(self) -> int:
        """The height the file and reading need to be shown whole."""
        top = self._side_top
        width = self.head.viewport().width()
        return (top.heightForWidth(width) if top.hasHeightForWidth() else 0) or top.sizeHint().height()

    def fit_head(self) -> None:
        """Give the reading the height it needs; the tabs below get the rest (at least
        ``TABS_MIN_HEIGHT`` when there is room). Whatever does not fit scrolls, the
        label first in view."""
        total = self.side.height()
        if total <= 0:
            return
        head = min(self.head_needed() + 2, max(total - TABS_MIN_HEIGHT, total // 2))
        if self.side.sizes()[0] != head:
            self.side.setSizes([head, total - head])
        if self.prediction.result is not None:
            self.head.ensureWidgetVisible(self.prediction.label, 0, 0)

    def _schedule_fit(self, *_: Any) -> None:
        QTimer.singleShot(0, self.fit_head)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._schedule_fit()

    # -- opening --------------------------------------------------------------------
    def open_path(self, path: str | os.PathLike[str], frame: int = 0) -> Job:
        """Decode ``path`` (frame ``frame``) off the GUI thread and show it.

        A folder or a DICOMDIR is listed as a study instead (:meth:`open_study`).
        """
        path = os.fspath(path)
        if os.path.isdir(path) or is_dicomdir(path):
            return self.open_study(path)
        self._requested = (path, frame)
        self.load_busy.setVisible(True)
        self.sig_status.emit(self.tr("Opening {0}…").format(Path(path).name))
        job = self.loads.replace(
            self.runner.submit(lambda progress, cancelled: _load(path, frame), kind="load"))
        job.sig_result.connect(self._on_loaded)
        job.sig_errored.connect(lambda err, p=path: self._on_load_error(p, err))
        job.sig_finished.connect(self._on_load_finished)
        return job

    def open_study(self, path: str | os.PathLike[str]) -> Job:
        """List the images of a folder or DICOMDIR (on a worker), then open the first."""
        source = Path(os.fspath(path))
        self.load_busy.setVisible(True)
        self.sig_status.emit(self.tr("Listing images in {0}…").format(source.name))
        job = self.studies.replace(self.runner.submit(
            lambda progress, cancelled: discover(source, progress, cancelled), kind="study"))
        job.sig_result.connect(lambda series, s=source: self._on_study(s, series))
        job.sig_errored.connect(lambda err, p=str(source): self._on_load_error(p, err))
        job.sig_finished.connect(self._on_load_finished)
        return job

    def _on_study(self, source: Path, series: list[Series]) -> None:
        self.study.set_series(source, series)
        self.details.setCurrentWidget(self.study)
        paths = self.study.paths()
        self.sig_status.emit(self.tr("{0} image(s) in {1}").format(len(paths), source.name))
        if paths:
            self.open_path(paths[0])

    def _on_loaded(self, image: XRayImage) -> None:
        self.readings.cancel()  # a reading of the image shown before is of no use now
        same_file = self.image is not None and self.image.path == image.path
        self.image = image
        self.last_error = None
        show_inline(self.load_error, "")
        self.load_error.setVisible(False)
        if not same_file:
            self.frames.play(False)
        self.view.set_image(
            image.pixels, image.window, image.value_range, modality=image.modality,
            stored_value=image.stored_value, pixel_spacing=image.pixel_spacing,
            keep_view=same_file,
        )
        if not same_file:
            self.view.set_inverted(False)
        self.file_label.setText(image.path.name)
        self.file_label.setToolTip(str(image.path))
        self.info_label.setText(describe(image))
        self.frames.set_frames(image.n_frames, image.frame)
        # Identity is masked again for every new file; frames of the same file keep it.
        self.tags.set_tags(image.tags, keep_reveal=same_file)
        self._show_header()
        self.study.mark_current(image.path)
        self.prediction.clear()
        self.reading_actions.clear()
        self.prediction.classify_button.setEnabled(True)
        self.sig_status.emit(self.tr("Opened {0}").format(image.path))
        if not same_file:
            self.sig_image_opened.emit(str(image.path))
        if self.auto_classify.isChecked() and not self.frames.playing:
            self.classify()

    def _show_header(self) -> None:
        image = self.image
        patient, study = overlay_lines(image.tags, self.tags.reveal) if image else ([], [])
        self.view.overlay.set_header(patient, study)
        self.view.overlay.set_frame(image.frame if image else 0, image.n_frames if image else 1)

    def _on_load_error(self, path: str, error: JobError) -> None:
        self.last_error = error
        self.sig_status.emit(self.tr("Could not open {0}").format(Path(path).name))

        def inline(message: str) -> None:
            show_inline(self.load_error, self.tr("Could not open {0}: {1}").format(Path(path).name, message))
            self.load_error.setVisible(True)
            self._schedule_fit()

        handle_error(self, self.tr("Could not open image"), error, inline)

    def _on_load_finished(self) -> None:
        self.load_busy.setVisible(self.loads.busy or self.studies.busy)

    def _on_cine_toggled(self, playing: bool) -> None:
        if not playing and self.auto_classify.isChecked() and not self.loads.busy:
            self.classify()

    def _on_frame_chosen(self, frame: int) -> None:
        if self.image is not None and frame != self.image.frame:
            self.open_path(self.image.path, frame)

    # -- classifying ----------------------------------------------------------------
    def classify(self) -> Job | None:
        """Ask the analysis process for a reading of the current image (latest wins)."""
        if self.image is None:
            return None
        image = self.image
        payload = {"path": str(image.path), "frame": image.frame, "heatmap": True, "model": None}
        job = self.readings.replace(self.ml.submit("classify_image", payload))
        self.prediction.clear()
        self.reading_actions.clear()
        self.prediction.set_busy(True, (
            self.tr("Classifying {0}…") if self._engine_ready else
            self.tr("Classifying {0}… (starting the analysis engine, first use takes a few seconds)")
        ).format(image.path.name))
        job.sig_result.connect(lambda r, im=image: self._on_prediction(im, r))
        job.sig_errored.connect(self._on_classify_error)
        job.sig_cancelled.connect(lambda j=job, im=image: self._on_classify_cancelled(j, im))
        job.sig_finished.connect(self._on_classify_finished)
        return job

    def cancel_classification(self) -> None:
        self.readings.cancel()

    def _on_prediction(self, image: XRayImage, result: dict[str, Any]) -> None:
        current = self.image
        if current is None:
            return
        if str(result.get("path")) != str(current.path) or current is not image:
            return  # a reading of an image no longer shown
        self.prediction.set_busy(False)
        self.prediction.show_result(result)
        self.reading_actions.reading_shown(result, image=current,
                                           heatmap_visible=self.prediction.heatmap_check.isChecked)
        self.view.set_heatmap(result.get("heatmap"))
        self.view.show_heatmap(self.prediction.heatmap_check.isChecked())
        label = result.get("label") or self.tr("not applicable")  # None: withheld by the model's gate
        self.sig_status.emit(f"{current.path.name}: {label} ({result.get('model')})")
        self.sig_model_used.emit(str(result.get("model", "")))

    def _on_classify_error(self, error: JobError) -> None:
        # No model installed is expected: said once in the reading panel, no dialog per image.
        self.last_error = error
        if error.type == "ModelLoadError":
            self.sig_model_failed.emit(error.message)
        handle_error(self, self.tr("Could not classify image"), error, self.prediction.show_error)

    def _on_classify_cancelled(self, job: Job, image: XRayImage) -> None:
        if self.readings.current is job and self.image is image:  # the user's Cancel
            self.prediction.set_busy(False, self.tr("Classification cancelled."))

    def _on_classify_finished(self) -> None:
        if not self.readings.busy:
            self.prediction.set_busy(False)

    def _on_engine_ready(self, _info: object) -> None:
        self._engine_ready = True


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for widget in widgets:
        layout.addWidget(widget)
    return box


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from medgui.core.imaging.loader import is_probably_image
    from medgui.core.paths import SAMPLES

    app = QApplication(sys.argv)
    ml = MLService(warmup_tasks=("image",))
    pane = ImagePane(ml, ThreadRunner())
    pane.resize(1300, 850)
    pane.show()
    samples = sorted(p for p in SAMPLES.glob("*") if p.is_file() and is_probably_image(p))
    if len(sys.argv) > 1 or samples:
        pane.open_path(sys.argv[1] if len(sys.argv) > 1 else samples[0])
    code = app.exec()
    ml.shutdown()
    sys.exit(code)
