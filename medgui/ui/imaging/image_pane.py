"""The Images pane: an X-ray in the viewer, its display controls, header and CNN reading.

Decoding runs on the ``ThreadRunner`` (plain Python, latest request wins); the CNN runs
in the analysis process through ``MLService``. Nothing here blocks the event loop.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from medgui.ui.errors import handle_error, show_inline
from medgui.ui.imaging.image_view import ImageView
from medgui.ui.imaging.prediction_panel import PredictionPanel
from medgui.ui.imaging.tag_table import TagTable
from medgui.ui.imaging.window_level import WindowLevelControls
from medgui.workers.jobs import Job, JobError, Latest, ThreadRunner
from medgui.workers.ml_service import MLService

if TYPE_CHECKING:
    from medgui.core.imaging.loader import XRayImage


def _load(path: str, frame: int) -> XRayImage:
    # Imported here, on a worker thread: OpenCV takes ~0.1-0.3 s to import and the
    # window must not wait for it at start-up (the app pre-imports it after showing).
    from medgui.core.imaging.loader import load_image

    return load_image(path, frame)


class ImagePane(QWidget):
    """Open, view and classify one X-ray at a time.

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
        self._requested: tuple[str, int] | None = None
        self._engine_ready = False
        ml.sig_ready.connect(self._on_engine_ready)

        self.view = ImageView()
        self.view.sig_cursor_moved.connect(self.sig_status)

        self.file_label = QLabel("No image open")
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
        self.frame_box = QWidget()
        self.frame_spin = QSpinBox()
        self.frame_spin.setObjectName("frameSpin")
        self.frame_spin.setKeyboardTracking(False)
        self.frame_slider = QSlider(Qt.Orientation.Horizontal)
        self.frame_slider.setObjectName("frameSlider")
        self.frame_spin.valueChanged.connect(self.frame_slider.setValue)
        self.frame_slider.valueChanged.connect(self.frame_spin.setValue)
        self.frame_spin.valueChanged.connect(self._on_frame_chosen)
        frame_row = QHBoxLayout(self.frame_box)
        frame_row.setContentsMargins(0, 0, 0, 0)
        frame_row.addWidget(QLabel("Frame"))
        frame_row.addWidget(self.frame_spin)
        frame_row.addWidget(self.frame_slider, 1)
        self.frame_box.setVisible(False)

        self.controls = WindowLevelControls(self.view)
        self.prediction = PredictionPanel()
        self.prediction.sig_classify_requested.connect(self.classify)
        self.prediction.sig_cancel_requested.connect(self.cancel_classification)
        self.prediction.sig_heatmap_toggled.connect(self.view.show_heatmap)
        self.prediction.sig_heatmap_opacity_changed.connect(self.view.set_heatmap_opacity)
        self.auto_classify = QCheckBox("Classify automatically on open")
        self.auto_classify.setObjectName("autoClassify")
        self.auto_classify.setChecked(True)
        self.tags = TagTable()

        image_box = _group("Image", self.file_label, self.info_label, self.load_error,
                           self.load_busy, self.frame_box)
        display_box = _group("Display", self.controls)
        reading_box = _group("Reading", self.prediction, self.auto_classify)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(4, 4, 4, 4)
        for box in (image_box, display_box, reading_box):
            top_layout.addWidget(box)
        top_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(top)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side = QSplitter(Qt.Orientation.Vertical)
        side.setObjectName("sidePanel")
        side.addWidget(scroll)
        self.tags_box = _group("DICOM header", self.tags)
        self.tags_box.setVisible(False)
        side.addWidget(self.tags_box)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)
        side.setSizes([560, 320])
        side.setMinimumWidth(360)
        self.side = side
        self._side_top = top
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([940, 440])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # -- opening --------------------------------------------------------------------
    def open_path(self, path: str | os.PathLike[str], frame: int = 0) -> Job:
        """Decode ``path`` (frame ``frame``) off the GUI thread and show it."""
        path = os.fspath(path)
        self._requested = (path, frame)
        self.load_busy.setVisible(True)
        self.sig_status.emit(f"Opening {Path(path).name}…")
        job = self.loads.replace(
            self.runner.submit(lambda progress, cancelled: _load(path, frame), kind="load"))
        job.sig_result.connect(self._on_loaded)
        job.sig_errored.connect(lambda err, p=path: self._on_load_error(p, err))
        job.sig_finished.connect(self._on_load_finished)
        return job

    def _on_loaded(self, image: XRayImage) -> None:
        self.readings.cancel()  # a reading of the image shown before is of no use now
        same_file = self.image is not None and self.image.path == image.path
        self.image = image
        self.last_error = None
        show_inline(self.load_error, "")
        self.load_error.setVisible(False)
        self.view.set_image(
            image.pixels, image.window, image.value_range, modality=image.modality,
            stored_value=image.stored_value, keep_view=same_file,
        )
        self.view.set_inverted(False)
        self.file_label.setText(image.path.name)
        self.file_label.setToolTip(str(image.path))
        self.info_label.setText(_describe(image))
        self._show_frames(image)
        self.tags.set_tags(image.tags)
        if image.tags and not self.tags_box.isVisible():
            # Give the reading the room it needs (its class bars are not there yet),
            # the header gets the rest.
            self.tags_box.setVisible(True)
            reserve = 3 * self.fontMetrics().height() + 16
            top = self._side_top.sizeHint().height() + reserve
            self.side.setSizes([top, max(self.side.height() - top, 120)])
        self.tags_box.setVisible(bool(image.tags))
        self.prediction.clear()
        self.prediction.classify_button.setEnabled(True)
        self.sig_status.emit(f"Opened {image.path}")
        if not same_file:
            self.sig_image_opened.emit(str(image.path))
        if self.auto_classify.isChecked():
            self.classify()

    def _on_load_error(self, path: str, error: JobError) -> None:
        self.last_error = error
        self.sig_status.emit(f"Could not open {Path(path).name}")

        def inline(message: str) -> None:
            show_inline(self.load_error, f"Could not open {Path(path).name}: {message}")
            self.load_error.setVisible(True)

        handle_error(self, "Could not open image", error, inline)

    def _on_load_finished(self) -> None:
        self.load_busy.setVisible(self.loads.busy)

    def _show_frames(self, image: XRayImage) -> None:
        multi = image.n_frames > 1
        self.frame_box.setVisible(multi)
        for w in (self.frame_spin, self.frame_slider):
            w.blockSignals(True)
            w.setRange(1, max(1, image.n_frames))
            w.setValue(image.frame + 1)
            w.blockSignals(False)
        self.frame_spin.setSuffix(f" / {image.n_frames}")

    def _on_frame_chosen(self, number: int) -> None:
        if self.image is not None and number - 1 != self.image.frame:
            self.open_path(self.image.path, number - 1)

    # -- classifying ----------------------------------------------------------------
    def classify(self) -> Job | None:
        """Ask the analysis process for a reading of the current image (latest wins)."""
        if self.image is None:
            return None
        image = self.image
        payload = {"path": str(image.path), "frame": image.frame, "heatmap": True, "model": None}
        job = self.readings.replace(self.ml.submit("classify_image", payload))
        self.prediction.clear()
        waiting = "" if self._engine_ready else " (starting the analysis engine, first use takes a few seconds)"
        self.prediction.set_busy(True, f"Classifying {image.path.name}…{waiting}")
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
        self.view.set_heatmap(result.get("heatmap"))
        self.view.show_heatmap(self.prediction.heatmap_check.isChecked())
        self.sig_status.emit(f"{current.path.name}: {result.get('label')} ({result.get('model')})")
        self.sig_model_used.emit(str(result.get("model", "")))

    def _on_classify_error(self, error: JobError) -> None:
        # No model installed is expected: said once in the reading panel, no dialog per image.
        self.last_error = error
        if error.type == "ModelLoadError":
            self.sig_model_failed.emit(error.message)
        handle_error(self, "Could not classify image", error, self.prediction.show_error)

    def _on_classify_cancelled(self, job: Job, image: XRayImage) -> None:
        if self.readings.current is job and self.image is image:  # the user's Cancel
            self.prediction.set_busy(False, "Classification cancelled.")

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


def _describe(image: XRayImage) -> str:
    h, w = image.pixels.shape[:2]
    parts = [image.format, f"{w} × {h}"]
    if image.modality:
        parts.append(image.modality)
    if image.is_rgb:
        parts.append("colour")
    elif image.photometric:
        parts.append(image.photometric + (" (inverted for display)" if image.inverted else ""))
    if image.pixel_spacing and min(image.pixel_spacing) > 0:
        parts.append(f"{image.pixel_spacing[0]:.3g} × {image.pixel_spacing[1]:.3g} mm/px")
    return " · ".join(parts)


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
