from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from medgui.ui.imaging.image_view import PRESETS, ImageView
from medgui.ui.imaging.window_level import WindowLevelControls
from tests.ui.ui_helpers import drag, move_mouse


@pytest.fixture
def view(qtbot):
    v = ImageView()
    qtbot.addWidget(v)
    v.resize(500, 420)
    v.show()
    qtbot.waitExposed(v)
    return v


def ramp16(h: int = 200, w: int = 300) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx * 10 + yy).astype(np.float32)  # 0 .. 3189, distinct per pixel


def viewport_pos(view: ImageView, x: float, y: float) -> QPoint:
    """Where image point (x, y) is on the graphics viewport."""
    scene = view.viewbox.mapViewToScene(QPointF(x, y))
    return view.graphics.mapFromScene(scene)


def rendered_gray(view: ImageView, x: int, y: int) -> int:
    """The gray level pyqtgraph paints for image pixel (x, y)."""
    view.image_item.render()
    return view.image_item.qimage.pixelColor(x, y).red()


def test_window_maps_values_to_gray_levels(view):
    view.set_image(ramp16(), window=(1000.0, 400.0))
    assert view.window == (1000.0, 400.0)
    assert tuple(view.image_item.levels) == (800.0, 1200.0)
    # value 800 (x=80, y=0) is the bottom of the window: black; 1200 (x=120) white.
    assert rendered_gray(view, 80, 0) == 0
    assert rendered_gray(view, 120, 0) == 255
    assert 120 <= rendered_gray(view, 100, 0) <= 135  # the centre is mid-gray


def test_right_drag_changes_width_horizontally_and_centre_vertically(view):
    view.set_image(ramp16(), window=(1000.0, 400.0))
    port = view.graphics.viewport()
    start = QPoint(200, 200)
    drag(port, start, start + QPoint(120, 0), Qt.MouseButton.RightButton)
    center, width = view.window
    assert center == pytest.approx(1000.0)
    assert width > 400.0
    drag(port, start, start + QPoint(0, 90), Qt.MouseButton.RightButton)
    center2, width2 = view.window
    assert center2 > center
    assert width2 == pytest.approx(width)
    assert tuple(view.image_item.levels) == pytest.approx((center2 - width2 / 2, center2 + width2 / 2))


def test_left_drag_pans_and_does_not_touch_the_window(view):
    view.set_image(ramp16(), window=(1000.0, 400.0))
    view.zoom(2.0)
    before = view.viewbox.viewRect()
    drag(view.graphics.viewport(), QPoint(250, 200), QPoint(150, 200), Qt.MouseButton.LeftButton)
    after = view.viewbox.viewRect()
    assert after.center().x() > before.center().x() + 10  # dragged left: look further right
    assert view.window == (1000.0, 400.0)


def test_keys_zoom_fit_and_actual_size(view, qtbot):
    view.set_image(ramp16(), window=(1000.0, 400.0))
    fitted = view.zoom_factor()
    rect = view.viewbox.viewRect()
    assert rect.width() >= 300 - 1 and rect.height() >= 200 - 1  # whole image visible
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom_factor() == pytest.approx(fitted * 1.25, rel=1e-3)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom_factor() < fitted
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert view.zoom_factor() == pytest.approx(1.0, rel=1e-3)
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.zoom_factor() == pytest.approx(fitted, rel=1e-3)


def test_image_is_upright(view):
    pixels = np.zeros((100, 80), np.float32)
    pixels[:10, :] = 1000.0  # a bright band at the top rows of the array
    view.set_image(pixels, window=(500.0, 1000.0))
    top = view.viewbox.mapViewToScene(QPointF(40, 5)).y()
    bottom = view.viewbox.mapViewToScene(QPointF(40, 95)).y()
    assert top < bottom  # row 0 is drawn at the top of the screen


def test_invert_flips_the_rendering_and_reset_restores(view, qtbot):
    view.set_image(ramp16(), window=(1000.0, 400.0))
    assert rendered_gray(view, 120, 0) == 255
    qtbot.keyClick(view, Qt.Key.Key_I)
    assert view.inverted
    assert rendered_gray(view, 120, 0) == 0
    view.set_window(2000.0, 100.0)
    view.reset()
    assert not view.inverted and view.window == (1000.0, 400.0)
    assert rendered_gray(view, 120, 0) == 255


def test_presets_are_fractions_of_the_range_for_8_bit(view):
    pixels = np.tile(np.arange(256, dtype=np.float32), (20, 1))
    view.set_image(pixels, window=(127.5, 255.0), value_range=(0.0, 255.0))
    c, w = PRESETS["Lung"]
    view.apply_preset("Lung")
    assert view.window == pytest.approx((c * 255.0, w * 255.0))
    view.apply_preset("Full range")
    assert view.window == pytest.approx((127.5, 255.0))
    view.set_window(10.0, 5.0)
    view.apply_preset("Default (header)")
    assert view.window == pytest.approx((127.5, 255.0))


def test_ct_presets_use_hounsfield_units(view):
    view.set_image(np.full((10, 10), -1000, np.float32), window=(40.0, 400.0),
                   value_range=(-1024.0, 3071.0), modality="CT")
    view.apply_preset("Lung")
    assert view.window == (-600.0, 1500.0)


def test_pixel_value_under_cursor(view):
    view.set_image(ramp16(), window=(1000.0, 400.0), stored_value=lambda v: (v - 5.0) / 2.0)
    seen = []
    view.sig_cursor_moved.connect(seen.append)
    move_mouse(view.graphics.viewport(), viewport_pos(view, 37.5, 12.5))
    # pixel (37, 12) holds 37 * 10 + 12 = 382, stored (382 - 5) / 2 = 188.5
    assert view.cursor_label.text() == "x 37  y 12   value 382   stored 188.5"
    assert seen[-1] == view.cursor_label.text()
    move_mouse(view.graphics.viewport(), viewport_pos(view, -20, -20))
    assert view.cursor_label.text().strip() == ""


def test_heatmap_overlay_covers_the_image_and_follows_opacity(view):
    view.set_image(ramp16(), window=(1000.0, 400.0))
    heat = np.zeros((224, 224), np.float32)
    heat[:50, :50] = 1.0
    view.set_heatmap(heat)
    assert not view.heatmap_item.isVisible()  # off until asked for
    view.show_heatmap(True)
    assert view.heatmap_item.isVisible()
    box = view.heatmap_item.mapRectToParent(view.heatmap_item.boundingRect())
    assert (box.width(), box.height()) == pytest.approx((300, 200))
    view.set_heatmap_opacity(0.25)
    assert view.heatmap_item.opacity() == pytest.approx(0.25)
    view.set_image(ramp16(), window=(1000.0, 400.0))  # a new image drops the old heatmap
    assert not view.heatmap_item.isVisible()


def test_controls_follow_and_drive_the_view(view, qtbot):
    controls = WindowLevelControls(view)
    qtbot.addWidget(controls)
    view.set_image(ramp16(), window=(1000.0, 400.0))
    assert (controls.center.value(), controls.width.value()) == (1000.0, 400.0)
    controls.width.setValue(800.0)
    assert view.window == (1000.0, 800.0)
    controls.presets.setCurrentText("Full range")
    controls.presets.activated.emit(controls.presets.currentIndex())
    assert view.window == pytest.approx((1594.5, 3189.0))
    assert controls.center.value() == pytest.approx(1594.5)
    controls.invert.setChecked(True)
    assert view.inverted
