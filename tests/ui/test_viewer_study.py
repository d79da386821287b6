"""Issue 15, row 10, and study lists: extensionless DICOMs are offered by File > Open, and
a folder or DICOMDIR opens as a list of series whose images open on double-click."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QListView

from medgui.ui.main_window import ALL_FILES
from tests.core.dicom_factory import write_dicom
from tests.ui.ui_helpers import gradient, write_png
from tests.ui.viewer_helpers import make_window


@pytest.fixture
def window(qtbot):
    yield from make_window(qtbot)


def disc_folder(folder: Path) -> list[Path]:
    """Two series of extensionless DICOMs, as a CD or a PACS export has them."""
    from pydicom.uid import generate_uid

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for series, count in ((1, 2), (2, 3)):
        uid = generate_uid()
        for i in range(count, 0, -1):
            files.append(write_dicom(folder / f"IM{series}{i:04d}",
                                     np.full((24, 32), 100 * series + i, np.uint16),
                                     SeriesInstanceUID=uid, SeriesNumber=series,
                                     InstanceNumber=i, StudyTime="101010", StudyID="1",
                                     AccessionNumber="A1"))
    return files


def test_open_dialog_shows_dicom_files_without_extension(qtbot, window, tmp_path, monkeypatch):
    folder = tmp_path / "export"
    disc_folder(folder)
    write_png(folder / "photo.png", gradient())
    asked: dict = {}

    def fake_dialog(*args, **kwargs):
        asked["args"], asked["kwargs"] = args, kwargs
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake_dialog)
    window.open_action.trigger()
    args = asked["args"]
    filters = args[3]
    # The filter the dialog opens with: the one passed as selected, else the first.
    selected = args[4] if len(args) > 4 else asked["kwargs"].get("selectedFilter",
                                                                 filters.split(";;")[0])
    assert selected == ALL_FILES
    # The same filters in a real (Qt) file dialog on that folder: the files are listed.
    dialog = QFileDialog(window, "Open X-ray image", str(folder), filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.selectNameFilter(selected)
    qtbot.addWidget(dialog)
    dialog.show()
    view = dialog.findChild(QListView, "listView")
    model = view.model()

    def names() -> list[str]:
        root = view.rootIndex()
        return [model.index(r, 0, root).data() for r in range(model.rowCount(root))]

    qtbot.waitUntil(lambda: "photo.png" in names(), timeout=10000)
    assert {"IM10001", "IM10002", "IM20001"} <= set(names())
    dialog.close()


def test_open_folder_lists_series_and_double_click_opens_an_image(qtbot, window, tmp_path, monkeypatch):
    folder = tmp_path / "export"
    disc_folder(folder)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    pane = window.image_pane
    window.open_folder_action.trigger()
    qtbot.waitUntil(lambda: pane.image is not None and not pane.loads.busy, timeout=15000)
    tree = pane.study.tree
    assert pane.details.currentWidget() is pane.study
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "Series 1 · CR · CHEST · 2 images", "Series 2 · CR · CHEST · 3 images"]
    assert pane.image.path == folder / "IM10001"  # the first image of the first series
    assert tree.currentItem().text(0) == "IM10001 · image 1"

    third = tree.topLevelItem(1).child(2)
    assert third.text(0) == "IM20003 · image 3"
    rect = tree.visualItemRect(third)
    # A hand's double-click: press and release, then the double-click press and release.
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: pane.image.path == folder / "IM20003" and not pane.loads.busy,
                    timeout=15000)
    assert pane.view.pixels[0, 0] == 203
    assert window.recent_files()[0] == str(folder / "IM20003")


def test_a_dicomdir_opens_as_its_study_list(qtbot, window, tmp_path):
    from pydicom.fileset import FileSet

    files = disc_folder(tmp_path / "src")
    fs = FileSet()
    for f in files:
        fs.add(f)
    fs.write(tmp_path / "disc")
    pane = window.image_pane
    window.open_image(tmp_path / "disc" / "DICOMDIR")
    qtbot.waitUntil(lambda: pane.image is not None and not pane.loads.busy, timeout=15000)
    assert pane.study.title.text() == "disc/DICOMDIR: 5 images in 2 series"
    assert len(pane.study.paths()) == 5
    assert pane.image.path == Path(pane.study.paths()[0])
    assert pane.view.pixels[0, 0] == 101


def test_a_folder_without_images_says_so(qtbot, window, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no images here")
    pane = window.image_pane
    job = pane.open_study(empty)
    with qtbot.waitSignal(job.sig_finished, timeout=15000):
        pass
    assert pane.study.title.text() == "No images found in empty."
    assert pane.image is None
