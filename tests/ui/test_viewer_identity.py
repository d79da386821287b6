"""Issue 15, row 2 and the overlay: identity is masked on every new file, everywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from medgui.core.imaging.masking import SHORT_MASK
from medgui.ui.imaging.tag_table import MASK
from tests.ui.viewer_helpers import make_pane, open_and_wait, patient_dicom, tick


@pytest.fixture
def pane(qtbot):
    yield from make_pane(qtbot)


def overlay(pane) -> dict[str, str]:
    labels = pane.view.overlay.labels
    return {corner: label.text() if label.isVisible() else "" for corner, label in labels.items()}


def test_identity_is_masked_again_when_the_next_patients_file_opens(qtbot, pane, tmp_path):
    first = patient_dicom(tmp_path / "first.dcm", "Doe^Jane", "P-0001")
    second = patient_dicom(tmp_path / "second.dcm", "Roe^Richard", "P-0002")
    open_and_wait(qtbot, pane, first)
    pane.details.setCurrentWidget(pane.tags)
    tick(qtbot, pane.tags.show_identifying)
    assert pane.tags.show_identifying.isChecked()
    assert "Doe^Jane" in pane.tags.visible_values()
    assert "Doe Jane" in overlay(pane)["top_left"]

    open_and_wait(qtbot, pane, second)
    shown = " ".join(pane.tags.visible_values())
    assert not pane.tags.show_identifying.isChecked()
    assert "Roe^Richard" not in shown and "P-0002" not in shown and MASK in shown
    corners = " ".join(overlay(pane).values())
    assert "Roe" not in corners and "P-0002" not in corners
    assert overlay(pane)["top_left"].splitlines()[0] == SHORT_MASK


def test_another_frame_of_the_same_file_keeps_what_the_user_revealed(qtbot, pane, tmp_path):
    import numpy as np

    from tests.core.dicom_factory import write_dicom

    frames = np.stack([np.full((20, 30), 100 * (i + 1), np.uint16) for i in range(3)])
    path = write_dicom(tmp_path / "cine.dcm", frames, PatientName="Doe^Jane")
    open_and_wait(qtbot, pane, path)
    pane.tags.show_identifying.setChecked(True)
    pane.frames.step(1)
    qtbot.waitUntil(lambda: pane.image.frame == 1 and not pane.loads.busy, timeout=15000)
    assert pane.tags.show_identifying.isChecked()
    assert "Doe^Jane" in pane.tags.visible_values()


def test_overlay_shows_masked_identity_window_level_and_zoom(qtbot, pane, tmp_path):
    path = patient_dicom(tmp_path / "cr.dcm", "Doe^Jane", "P-0001", SeriesNumber=4,
                         InstanceNumber=2)
    open_and_wait(qtbot, pane, path)
    corners = overlay(pane)
    assert corners["top_left"].splitlines() == [SHORT_MASK, f"ID {SHORT_MASK}",
                                                f"Born {SHORT_MASK}"]
    assert "CR · CHEST" in corners["top_right"] and "Series 4 · Image 2" in corners["top_right"]
    assert corners["bottom_left"].splitlines()[0] == "W 4000  L 2000"
    zoom = round(pane.view.zoom_factor() * 100)
    assert corners["bottom_left"].splitlines()[1] == f"Zoom {zoom} %"
    assert corners["bottom_right"] == "0.2 × 0.1 mm/px"

    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_Plus)
    assert overlay(pane)["bottom_left"].splitlines()[1] == f"Zoom {round(zoom * 1.25)} %"
    pane.controls.width.setValue(1000.0)
    assert overlay(pane)["bottom_left"].splitlines()[0] == "W 1000  L 2000"

    pane.tags.show_identifying.setChecked(True)
    assert overlay(pane)["top_left"].splitlines()[:2] == ["Doe Jane", "ID P-0001"]

    pane.toolbar.overlay.trigger()  # the user turns the overlay off
    assert not any(label.isVisible() for label in pane.view.overlay.labels.values())


def test_overlay_says_when_lengths_are_in_pixels(qtbot, pane, tmp_path):
    path = patient_dicom(tmp_path / "nospacing.dcm", "Doe^Jane", "P-1", spacing=None)
    open_and_wait(qtbot, pane, path)
    assert overlay(pane)["bottom_right"] == "No pixel spacing: lengths in px"
