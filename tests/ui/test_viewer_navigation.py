"""Issue 15, rows 7, 12 and 16: presets and read-out follow the image; keys move focus
and frames as people expect; cine plays multi-frame files."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from medgui.ui.imaging.window_level import CUSTOM
from tests.core.dicom_factory import write_dicom
from tests.ui.ui_helpers import gradient, move_mouse, write_png
from tests.ui.viewer_helpers import (
    make_pane,
    make_window,
    open_and_wait,
    patient_dicom,
    viewport_point,
)


@pytest.fixture
def pane(qtbot):
    yield from make_pane(qtbot)


@pytest.fixture
def window(qtbot):
    yield from make_window(qtbot)


def choose_preset(controls, name: str) -> None:
    """Pick ``name`` in the Preset box as a person does (the box's activated signal)."""
    index = controls.presets.findText(name)
    controls.presets.setCurrentIndex(index)
    controls.presets.activated.emit(index)


def test_reset_and_new_files_bring_the_preset_box_back_to_the_header_window(qtbot, window, tmp_path):
    pane = window.image_pane
    first = write_png(tmp_path / "a.png", gradient())
    second = write_png(tmp_path / "b.png", gradient() // 2)
    open_and_wait(qtbot, pane, first)
    controls = pane.controls
    assert controls.presets.currentText() == "Default (header)"
    choose_preset(controls, "Bone")
    assert controls.presets.currentText() == "Bone"
    qtbot.mouseClick(controls.reset_button, Qt.MouseButton.LeftButton)
    assert pane.view.window == pane.view.default_window
    assert controls.presets.currentText() == "Default (header)"

    choose_preset(controls, "Bone")
    open_and_wait(qtbot, pane, second)
    assert controls.presets.currentText() == "Default (header)"
    controls.width.setValue(77.0)  # a window no preset has
    assert controls.presets.currentText() == CUSTOM


def test_cursor_read_out_is_shown_once_and_cleared_for_the_next_image(qtbot, window, tmp_path):
    pane = window.image_pane
    first = write_png(tmp_path / "a.png", gradient())
    second = write_png(tmp_path / "b.png", gradient() + 100)
    open_and_wait(qtbot, pane, first)
    port = pane.view.graphics.viewport()
    move_mouse(port, viewport_point(pane, 10.5, 5.5))
    assert pane.view.cursor_label.text() == "x 10  y 5   value 15"
    # Once, under the image: the status bar does not repeat it.
    assert "x 10" not in window.statusBar().currentMessage()
    open_and_wait(qtbot, pane, second)
    assert pane.view.cursor_label.text().strip() == ""  # not the previous image's value
    move_mouse(port, viewport_point(pane, 10.5, 5.5))
    assert pane.view.cursor_label.text() == "x 10  y 5   value 115"
    assert "x 10" not in window.statusBar().currentMessage()


def test_tab_leaves_the_dicom_tag_table(qtbot, pane, tmp_path):
    open_and_wait(qtbot, pane, patient_dicom(tmp_path / "cr.dcm", "Doe^Jane", "P-1"))
    pane.details.setCurrentWidget(pane.tags)
    table = pane.tags.table
    qtbot.waitUntil(table.isVisible)
    rect = table.visualItemRect(table.item(1, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert table.currentRow() == 1  # Tab did not move through the cells either


def multi_frame(tmp_path, n: int = 3):
    frames = np.stack([np.full((30, 40), 100 * (i + 1), np.uint16) for i in range(n)])
    return write_dicom(tmp_path / "multi.dcm", frames)


def wait_frame(qtbot, pane, frame: int) -> None:
    qtbot.waitUntil(lambda: pane.image.frame == frame and not pane.loads.busy, timeout=15000)


def test_arrow_and_page_keys_step_frames(qtbot, pane, tmp_path):
    open_and_wait(qtbot, pane, multi_frame(tmp_path))
    qtbot.mouseClick(pane.view.graphics.viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is pane.view
    steps = [(Qt.Key.Key_Right, 1), (Qt.Key.Key_Down, 2), (Qt.Key.Key_Right, 2),
             (Qt.Key.Key_Left, 1), (Qt.Key.Key_Up, 0), (Qt.Key.Key_PageDown, 1),
             (Qt.Key.Key_End, 2), (Qt.Key.Key_PageUp, 1), (Qt.Key.Key_Home, 0)]
    for key, frame in steps:
        qtbot.keyClick(pane.view, key)
        wait_frame(qtbot, pane, frame)
        assert pane.view.pixels[0, 0] == 100 * (frame + 1), key
        assert pane.frame_spin.value() == frame + 1
    assert "Frame 1 / 3" in pane.view.overlay.labels["top_right"].text()


def test_cine_plays_the_frames_in_a_loop_and_stops(qtbot, pane, tmp_path):
    open_and_wait(qtbot, pane, multi_frame(tmp_path, 4))
    shown: list[int] = []
    pane.sig_status.connect(lambda _m: shown.append(pane.image.frame))
    pane.frames.fps.setValue(30)
    qtbot.mouseClick(pane.frames.play_button, Qt.MouseButton.LeftButton)
    assert pane.frames.playing and pane.frames.play_button.text() == "Stop"
    # It passes the last frame and comes back to the first.
    qtbot.waitUntil(lambda: 3 in shown and shown[-1] == 0 and len(shown) > 4, timeout=15000)
    qtbot.mouseClick(pane.frames.play_button, Qt.MouseButton.LeftButton)
    assert not pane.frames.playing and pane.frames.play_button.text() == "Play"
    qtbot.waitUntil(lambda: not pane.loads.busy)
    stopped_at = pane.image.frame
    qtbot.wait(200)
    assert pane.image.frame == stopped_at


def test_single_frame_files_have_no_frame_controls(qtbot, pane, tmp_path):
    open_and_wait(qtbot, pane, write_png(tmp_path / "a.png", gradient()))
    assert not pane.frames.isVisibleTo(pane)
    qtbot.keyClick(pane.view, Qt.Key.Key_Right)
    assert pane.image.frame == 0 and not pane.loads.busy
