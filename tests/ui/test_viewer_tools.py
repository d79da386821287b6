"""Viewer tools: measure in mm (px without spacing), turn and flip the view only, and save
a snapshot with the heatmap's colour scale."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QGraphicsTextItem

from medgui.ui.imaging.image_view import ImageView
from medgui.ui.imaging.snapshot import SCALE_WIDTH, scale_bar_rect
from medgui.ui.imaging.view_scene import heat_colors
from medgui.ui.imaging.viewer_toolbar import ViewerToolBar
from tests.ui.ui_helpers import gradient, move_mouse, write_png
from tests.ui.viewer_helpers import click, make_pane, open_and_wait, patient_dicom, viewport_point


@pytest.fixture
def pane(qtbot):
    yield from make_pane(qtbot)


def click_image(pane, x: float, y: float) -> None:
    click(pane.view.graphics.viewport(), viewport_point(pane, x, y))


def test_distance_in_mm_uses_the_files_row_and_column_spacing(qtbot, pane, tmp_path):
    # PixelSpacing 0.2 mm between rows, 0.1 mm between columns.
    open_and_wait(qtbot, pane, patient_dicom(tmp_path / "cr.dcm", "Doe^Jane", "P-1"))
    pane.toolbar.distance.trigger()
    assert pane.view.measure.mode == "distance" and pane.toolbar.distance.isChecked()
    with qtbot.waitSignal(pane.view.measure.sig_measured) as done:
        click_image(pane, 10, 10)
        click_image(pane, 40, 50)
    m = done.args[0]
    (x0, y0), (x1, y1) = m.points
    assert (x0, y0) == pytest.approx((10, 10), abs=0.6) and (x1, y1) == pytest.approx((40, 50), abs=0.6)
    assert m.unit == "mm"
    assert m.value == pytest.approx(math.hypot((x1 - x0) * 0.1, (y1 - y0) * 0.2))
    assert m.value == pytest.approx(math.hypot(3.0, 8.0), abs=0.15)
    assert m.text == f"{m.value:.1f} mm"
    assert pane.view.measure.measurements == [m]
    # The measurement is drawn with its read-out on the image.
    texts = [item.toPlainText() for item in pane.view.graphics.scene().items()
             if isinstance(item, QGraphicsTextItem) and item.isVisible()]
    assert m.text in texts
    assert pane.measurements.texts() == [f"1. Distance {m.text}"]  # listed to read or copy


def test_angle_and_pixels_when_the_file_has_no_spacing(qtbot, pane, tmp_path):
    open_and_wait(qtbot, pane, write_png(tmp_path / "a.png", gradient(60, 80)))
    pane.toolbar.angle.trigger()
    click_image(pane, 50, 10)
    move_mouse(pane.view.graphics.viewport(), viewport_point(pane, 30, 20))
    assert pane.view.measure.pending == [pytest.approx((50, 10), abs=0.6)]
    click_image(pane, 10, 10)  # the vertex
    click_image(pane, 10, 50)
    (angle,) = pane.view.measure.measurements
    assert angle.kind == "angle" and angle.value == pytest.approx(90.0, abs=2.0)
    assert angle.text.endswith("°")
    pane.toolbar.distance.trigger()
    click_image(pane, 0, 0)
    click_image(pane, 30, 40)
    distance = pane.view.measure.measurements[-1]
    assert distance.unit == "px" and distance.value == pytest.approx(50.0, abs=1.0)
    assert not pane.toolbar.angle.isChecked()  # one tool at a time
    qtbot.keyClick(pane.view, Qt.Key.Key_Escape)
    assert pane.view.measure.mode == "" and not pane.toolbar.distance.isChecked()
    assert [t.split(" ", 2)[1] for t in pane.measurements.texts()] == ["Angle", "Distance"]
    pane.toolbar.clear.trigger()
    assert pane.view.measure.measurements == [] and pane.measurements.count() == 0
    # A new image starts without the old image's measurements.
    pane.toolbar.distance.trigger()
    click_image(pane, 0, 0)
    click_image(pane, 3, 4)
    open_and_wait(qtbot, pane, write_png(tmp_path / "b.png", gradient(60, 80) // 2))
    assert pane.view.measure.measurements == [] and pane.view.measure.mode == ""


def test_rotate_and_flip_change_the_view_only(qtbot, pane, tmp_path):
    pixels = gradient(48, 64)
    open_and_wait(qtbot, pane, write_png(tmp_path / "a.png", pixels))
    original = pane.image.pixels
    pane.toolbar.rotate_right.trigger()
    view = pane.view
    # The original top-left corner is now drawn at the top right of the image.
    shown = view.image_item.mapRectToParent(view.image_item.boundingRect())
    assert (shown.width(), shown.height()) == pytest.approx((48, 64))
    top_right = view.image_item.mapFromParent(shown.topRight())  # in the file's coordinates
    assert top_right.toTuple() == pytest.approx((0, 0), abs=1e-6)
    # Whole image fitted after the turn, read-out still in the file's coordinates.
    rect = view.viewbox.viewRect()
    assert rect.width() >= 48 - 1 and rect.height() >= 64 - 1
    move_mouse(view.graphics.viewport(), viewport_point(pane, 5.5, 2.5))
    assert view.cursor_label.text() == "x 5  y 2   value 7"
    assert "Rotated 90° clockwise" in view.overlay.labels["bottom_left"].text()
    # The model reads the file's pixels, untouched.
    assert view.pixels is original and pane.image.pixels is original
    np.testing.assert_array_equal(original, pixels.astype(np.float32))

    pane.toolbar.rotate_left.trigger()
    pane.toolbar.flip_h.trigger()
    left_edge = view.image_item.mapFromParent(shown.topLeft())
    assert left_edge.toTuple() == pytest.approx((64, 0), abs=1e-6)  # mirrored left-right
    assert "Flipped left-right" in view.overlay.labels["bottom_left"].text()
    qtbot.mouseClick(pane.controls.reset_button, Qt.MouseButton.LeftButton)
    assert view.orientation.is_identity
    assert "Rotated" not in view.overlay.labels["bottom_left"].text()


def test_measurements_follow_the_anatomy_when_the_view_turns(qtbot, pane, tmp_path):
    open_and_wait(qtbot, pane, patient_dicom(tmp_path / "cr.dcm", "Doe^Jane", "P-1"))
    pane.toolbar.rotate_right.trigger()
    pane.toolbar.distance.trigger()
    click_image(pane, 10, 10)
    click_image(pane, 10, 50)  # 40 rows: 8 mm at 0.2 mm per row, whatever the turn
    (m,) = pane.view.measure.measurements
    assert m.value == pytest.approx(8.0, abs=0.15)


def test_snapshot_has_the_heatmap_and_its_colour_scale(qtbot, tmp_path, monkeypatch):
    view = ImageView()
    toolbar = ViewerToolBar(view)
    qtbot.addWidget(view)
    qtbot.addWidget(toolbar)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    view.set_image(np.zeros((100, 100), np.float32), window=(0.5, 1.0))
    heat = np.zeros((10, 10), np.float32)
    heat[4:6, 4:6] = 1.0
    view.set_heatmap(heat)
    view.show_heatmap(True)
    target = tmp_path / "shot.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    toolbar.snapshot.trigger()
    assert toolbar.last_snapshot == target
    image = QImage(str(target))
    area = view.image_area()
    assert (image.width(), image.height()) == (area.width() + SCALE_WIDTH, area.height())
    # The colour scale: the heatmap's top colour at the top of the bar, its bottom one below.
    bar = scale_bar_rect(image.height())
    x = area.width() + bar.center().x()
    colors = heat_colors()
    top, bottom = image.pixelColor(x, bar.top()), image.pixelColor(x, bar.bottom())
    assert (top.red(), top.green(), top.blue()) == tuple(int(v) for v in colors[-1][:3])
    assert (bottom.red(), bottom.green(), bottom.blue()) == tuple(int(v) for v in colors[0][:3])
    # The hot spot in the middle of the black image is drawn in the heatmap's colours.
    centre = image.pixelColor(area.width() // 2, area.height() // 2)
    assert centre.red() > 100 and centre.red() > centre.blue()

    view.show_heatmap(False)  # no heatmap: no colour scale, just the image
    toolbar.snapshot.trigger()
    assert QImage(str(target)).width() == area.width()
