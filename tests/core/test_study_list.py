"""Study lists from a folder (extensionless DICOMs included) and from a DICOMDIR."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from pydicom.fileset import FileSet
from pydicom.uid import generate_uid

from medgui.core.errors import ImageLoadError
from medgui.core.imaging.study import discover, is_dicomdir
from tests.core.dicom_factory import write_dicom, write_report


def write_png(path, pixels=None):
    assert cv2.imwrite(str(path), np.zeros((6, 9), np.uint8) if pixels is None else pixels)
    return path


def series_of(folder, number: int, instances: list[int], uid: str | None = None, **attrs):
    uid = uid or generate_uid()
    return [write_dicom(folder / f"IM{number}{i:03d}", np.full((8, 8), i, np.uint16),
                        SeriesInstanceUID=uid, SeriesNumber=number, InstanceNumber=i,
                        StudyTime="101010", StudyID="1", AccessionNumber="A1", **attrs)
            for i in instances]


def test_folder_lists_series_in_order_with_extensionless_dicoms(tmp_path):
    series_of(tmp_path, 2, [3, 1, 2])
    sub = tmp_path / "sub"
    sub.mkdir()
    series_of(sub, 1, [1], Modality="DX")
    write_png(tmp_path / "photo.png")
    write_report(tmp_path / "report")  # a DICOM without an image: not listed
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".hidden.dcm").write_bytes(b"")
    found = discover(tmp_path)
    assert [s.label for s in found] == [
        "Series 1 · DX · CHEST · 1 image",
        "Series 2 · CR · CHEST · 3 images",
        "Images · 1 image",
    ]
    assert [im.path.name for im in found[1].images] == ["IM2001", "IM2002", "IM2003"]
    assert [im.label for im in found[1].images][0] == "IM2001 · image 1"
    assert found[2].images[0].path == tmp_path / "photo.png"
    labels = " ".join(s.label for s in found) + " ".join(i.label for s in found for i in s.images)
    assert "Doe" not in labels and "P-0001" not in labels  # no identity in the list


def test_dicomdir_lists_the_files_it_indexes(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    files = series_of(src, 5, [2, 1])
    fs = FileSet()
    for f in files:
        fs.add(f)
    fs.write(tmp_path / "disc")
    dicomdir = tmp_path / "disc" / "DICOMDIR"
    assert is_dicomdir(dicomdir)
    for path in (dicomdir, tmp_path / "disc"):
        found = discover(path)
        assert [s.label for s in found] == ["Series 5 · CR · 2 images"]
        images = found[0].images
        assert [im.instance for im in images] == [1, 2]
        assert all(im.path.is_file() and im.path.is_relative_to(tmp_path / "disc")
                   for im in images)


def test_multi_frame_files_say_how_many_frames(tmp_path):
    frames = np.zeros((4, 8, 8), np.uint16)
    write_dicom(tmp_path / "cine", frames, SeriesNumber=1, InstanceNumber=1)
    (image,) = discover(tmp_path)[0].images
    assert image.frames == 4 and image.label == "cine · image 1 · 4 frames"


def test_not_a_folder_or_dicomdir_is_an_error(tmp_path):
    png = write_png(tmp_path / "a.png")
    with pytest.raises(ImageLoadError, match="not a folder or a DICOMDIR"):
        discover(png)
    bad = tmp_path / "DICOMDIR"
    bad.write_bytes(b"garbage" * 40)
    with pytest.raises(ImageLoadError, match="not a readable DICOMDIR"):
        discover(bad)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert discover(empty) == []
