from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from medgui.ui.imaging.image_pane import ImagePane
from medgui.ui.imaging.prediction_panel import NOTICE, PredictionPanel
from medgui.ui.imaging.tag_table import MASK
from medgui.ui.style import ERROR_STYLE
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.core.dicom_factory import write_dicom
from tests.ui.ui_helpers import (
    close_dialogs,
    error_dialogs,
    gradient,
    move_mouse,
    stop_service,
    write_png,
)


@pytest.fixture
def pane(qtbot):
    ml = MLService()
    runner = ThreadRunner()
    p = ImagePane(ml, runner)
    p.auto_classify.setChecked(False)  # these tests need no analysis process
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    yield p
    close_dialogs()
    runner.wait()
    stop_service(ml)


def open_and_wait(qtbot, pane: ImagePane, path: Path, frame: int = 0) -> None:
    pane.open_path(path, frame)
    qtbot.waitUntil(
        lambda: pane.image is not None and pane.image.path == path and pane.image.frame == frame
        and not pane.loads.busy,
        timeout=15000,
    )


def test_open_png_shows_it_with_name_and_window(qtbot, pane, tmp_path):
    path = write_png(tmp_path / "chest.png", gradient())
    with qtbot.waitSignal(pane.sig_image_opened, timeout=15000) as opened:
        pane.open_path(path)
    assert opened.args == [str(path)]
    assert pane.file_label.text() == "chest.png"
    assert "PNG" in pane.info_label.text() and "64 × 48" in pane.info_label.text()
    np.testing.assert_array_equal(pane.view.pixels, gradient().astype(np.float32))
    assert pane.view.window == (127.5, 255.0)
    assert (pane.controls.center.value(), pane.controls.width.value()) == (127.5, 255.0)
    assert not pane.frame_box.isVisibleTo(pane)  # single frame: no selector
    assert pane.prediction.classify_button.isEnabled()
    assert pane.prediction.notice.text() == NOTICE and pane.prediction.notice.isVisibleTo(pane)
    assert not pane.tags.table.isVisibleTo(pane)  # a PNG has no DICOM header


def test_identifying_tags_are_masked_until_asked(qtbot, pane, tmp_path):
    path = write_dicom(tmp_path / "cr.dcm", gradient(dtype=np.uint16) * 50, window=(2000, 4000))
    open_and_wait(qtbot, pane, path)
    shown = " ".join(pane.tags.visible_values())
    assert "Doe^Jane" not in shown and "P-0001" not in shown and "19700101" not in shown
    assert MASK in shown
    assert "CHEST" in shown and "CR" in shown  # non-identifying tags stay readable
    pane.tags.show_identifying.setChecked(True)
    shown = " ".join(pane.tags.visible_values())
    assert "Doe^Jane" in shown and "P-0001" in shown and MASK not in shown
    assert pane.view.window == (2000.0, 4000.0)  # header window is the initial window


def test_tag_filter_hides_other_rows(qtbot, pane, tmp_path):
    path = write_dicom(tmp_path / "cr.dcm", gradient(dtype=np.uint16))
    open_and_wait(qtbot, pane, path)
    pane.tags.filter.setText("modality")
    table = pane.tags.table
    visible = [table.item(r, 1).text() for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert visible == ["Modality"]


def test_monochrome1_is_shown_inverted_and_reads_stored_values(qtbot, pane, tmp_path):
    stored = np.zeros((40, 50), np.uint16)
    stored[:, 25:] = 4000
    path = write_dicom(tmp_path / "m1.dcm", stored, photometric="MONOCHROME1", bits_stored=12)
    open_and_wait(qtbot, pane, path)
    # Stored 0 is white in MONOCHROME1: displayed higher than stored 4000.
    assert pane.view.pixels[0, 0] > pane.view.pixels[0, 30]
    assert "inverted for display" in pane.info_label.text()
    port = pane.view.graphics.viewport()
    scene = pane.view.viewbox.mapViewToScene(QPointF(30.5, 3.5))
    move_mouse(port, pane.view.graphics.mapFromScene(scene))
    text = pane.view.cursor_label.text()
    assert text.startswith("x 30  y 3") and text.endswith("stored 4000")


def test_rescaled_dicom_reads_stored_values(qtbot, pane, tmp_path):
    stored = np.full((20, 20), 1000, np.uint16)
    path = write_dicom(tmp_path / "ct.dcm", stored, rescale=(2.0, -1024.0))
    open_and_wait(qtbot, pane, path)
    assert pane.view.pixel_text(3, 4) == "x 3  y 4   value 976   stored 1000"


def test_multi_frame_shows_a_frame_selector(qtbot, pane, tmp_path):
    frames = np.stack([np.full((30, 40), 100 * (i + 1), np.uint16) for i in range(3)])
    path = write_dicom(tmp_path / "multi.dcm", frames)
    open_and_wait(qtbot, pane, path)
    assert pane.frame_box.isVisibleTo(pane)
    assert pane.frame_spin.maximum() == 3 and pane.frame_spin.value() == 1
    assert pane.view.pixels[0, 0] == 100
    pane.frame_spin.setValue(3)
    qtbot.waitUntil(lambda: pane.image.frame == 2 and not pane.loads.busy, timeout=15000)
    assert pane.view.pixels[0, 0] == 300
    assert pane.frame_slider.value() == 3


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("empty.dcm", b"", "empty"), ("notes.png", b"just some text\n" * 20, "text")],
)
def test_bad_file_shows_an_error_and_the_pane_keeps_working(qtbot, pane, tmp_path, name, content, reason):
    good = write_png(tmp_path / "good.png", gradient())
    open_and_wait(qtbot, pane, good)
    bad = tmp_path / name
    bad.write_bytes(content)
    with qtbot.waitSignal(pane.open_path(bad).sig_finished, timeout=15000):
        pass
    # Expected: said once, inline under the image's name, in the error style; no dialog.
    assert pane.load_error.isVisibleTo(pane)
    assert name in pane.load_error.text() and reason in pane.load_error.text()
    assert pane.load_error.styleSheet() == ERROR_STYLE
    assert error_dialogs() == []
    assert pane.last_error.type == "ImageLoadError" and pane.last_error.expected
    assert pane.image.path == good  # the previous image stays on screen
    assert pane.file_label.text() == "good.png"
    other = write_png(tmp_path / "other.png", gradient() // 2)
    open_and_wait(qtbot, pane, other)
    assert pane.file_label.text() == "other.png"
    assert not pane.load_error.isVisibleTo(pane)


def test_prediction_panel_shows_every_part_of_a_reading(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.show_result({
        "path": "/x.png", "label": "PNEUMONIA",
        "probabilities": {"NORMAL": 0.1234, "PNEUMONIA": 0.8766},
        "threshold": 0.4, "positive_class": "PNEUMONIA", "model": "pneumonia-cnn@3",
        "model_name": "pneumonia-cnn", "model_version": 3, "heatmap": np.zeros((4, 4), np.float32),
        "timing_ms": {"model": 3.0},
    })
    assert panel.label.text() == "PNEUMONIA"
    assert panel.prob_labels["NORMAL"].text() == "12.3 %"
    assert panel.prob_labels["PNEUMONIA"].text() == "87.7 %"
    assert panel.prob_bars["PNEUMONIA"].value() == 877
    assert panel.threshold.text() == "Decision threshold: 40.0 % for PNEUMONIA"
    assert panel.model.text() == "Model: pneumonia-cnn@3"
    assert panel.heatmap_check.isEnabled()
    panel.clear()
    assert panel.label.text() == "—" and not panel.prob_labels and not panel.heatmap_check.isEnabled()
    assert panel.notice.text() == NOTICE


def test_prediction_panel_shows_why_a_reading_may_not_apply(qtbot):
    from medgui.ui.imaging.prediction_panel import PredictionPanel

    panel = PredictionPanel()
    qtbot.addWidget(panel)
    panel.show()
    result = {"path": "hip.dcm", "label": "PNEUMONIA", "probabilities": {"NORMAL": 0.1, "PNEUMONIA": 0.9},
              "threshold": 0.5, "positive_class": "PNEUMONIA", "model": "m@1", "model_name": "m",
              "model_version": 1, "heatmap": None, "timing_ms": {},
              "warnings": ["its header says the body part is HIP, not the chest"]}
    panel.show_result(result)
    assert panel.applicability.isVisible()
    assert "body part is HIP" in panel.applicability.text()
    panel.show_result({**result, "warnings": []})
    assert not panel.applicability.isVisible()
