"""A study list: the images in a folder or a DICOMDIR, grouped by series, in order.

A clinician gets a CD or a PACS export: a folder of files, often without extensions, or
a DICOMDIR that indexes them. :func:`discover` lists what can be opened, series by
series (DICOM ``SeriesInstanceUID``; plain images group by folder), images by
``InstanceNumber`` then name. Only the headers are read (no pixel data), and nothing
identifying is put in the labels: series are named by number, modality and body part.

Plain Python (pydicom, no Qt): the GUI runs it on a worker thread with a progress
callback and a cancel check.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medgui.core.errors import Cancelled, ImageLoadError

MAX_FILES = 20_000
"""A folder scan stops listing after this many images (a whole archive is not a study)."""

DICOMDIR_NAME = "DICOMDIR"
_HEADER_TAGS = ["SeriesInstanceUID", "SeriesNumber", "InstanceNumber", "Modality",
                "BodyPartExamined", "NumberOfFrames", "SOPClassUID"]


@dataclass(frozen=True)
class StudyImage:
    """One openable file of a study list."""

    path: Path
    instance: int | None = None
    frames: int = 1

    @property
    def label(self) -> str:
        parts = [self.path.name]
        if self.instance is not None:
            parts.append(f"image {self.instance}")
        if self.frames > 1:
            parts.append(f"{self.frames} frames")
        return " · ".join(parts)


@dataclass(frozen=True)
class Series:
    """Images of one series (or one folder of plain images), in reading order."""

    key: str
    number: int | None = None
    modality: str = ""
    body_part: str = ""
    folder: str = ""
    images: tuple[StudyImage, ...] = field(default=())

    @property
    def label(self) -> str:
        parts = [f"Series {self.number}" if self.number is not None else
                 (f"Folder {self.folder}" if self.folder else "Images")]
        parts += [v for v in (self.modality, self.body_part) if v]
        n = len(self.images)
        parts.append(f"{n} image{'s' if n != 1 else ''}")
        return " · ".join(parts)


def is_dicomdir(path: str | os.PathLike[str]) -> bool:
    """True for a file named DICOMDIR (the name the standard requires on media)."""
    p = Path(path)
    return p.name.upper() == DICOMDIR_NAME and p.is_file()


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _group(found: list[tuple[str, dict[str, Any], StudyImage]]) -> list[Series]:
    groups: dict[str, tuple[dict[str, Any], list[StudyImage]]] = {}
    for key, info, image in found:
        groups.setdefault(key, (info, []))[1].append(image)
    series = []
    for key, (info, images) in groups.items():
        images.sort(key=lambda im: (im.instance is None, im.instance or 0, im.path.name))
        series.append(Series(key=key, number=info.get("number"), modality=info.get("modality", ""),
                             body_part=info.get("body_part", ""), folder=info.get("folder", ""),
                             images=tuple(images)))
    series.sort(key=lambda s: (s.number is None, s.number or 0, s.folder, s.key))
    return series


def _header(path: Path) -> dict[str, Any] | None:
    """Series/instance fields of a DICOM file; None when it holds no image."""
    import pydicom

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=_HEADER_TAGS,
                             force=True)
    except Exception:  # an unreadable file is left out of the list, not an error
        return None
    sop = _text(ds.get("SOPClassUID"))
    name = pydicom.uid.UID(sop).name if sop else ""
    if name and name != sop and "Image" not in name:
        return None  # a known non-image object (a report, a presentation state)
    return {"series": _text(ds.get("SeriesInstanceUID")), "number": _int(ds.get("SeriesNumber")),
            "instance": _int(ds.get("InstanceNumber")), "modality": _text(ds.get("Modality")),
            "body_part": _text(ds.get("BodyPartExamined")),
            "frames": _int(ds.get("NumberOfFrames")) or 1}


def scan_folder(folder: Path, progress: Callable[[dict[str, Any]], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                max_files: int = MAX_FILES) -> list[Series]:
    """Every image under ``folder`` (recursively; hidden files and folders skipped)."""
    from medgui.core.imaging.loader import _DICOM_SUFFIXES, SUPPORTED_SUFFIXES, is_probably_image

    found: list[tuple[str, dict[str, Any], StudyImage]] = []
    seen = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if cancelled is not None and cancelled():
                raise Cancelled()
            path = Path(root) / name
            if name.startswith(".") or name.upper() == DICOMDIR_NAME:
                continue
            seen += 1
            if progress is not None and seen % 50 == 0:
                progress({"files": seen, "images": len(found)})
            if not is_probably_image(path):
                continue
            suffix = path.suffix.lower()
            header = None
            if suffix not in SUPPORTED_SUFFIXES or suffix in _DICOM_SUFFIXES:
                header = _header(path)
                if header is None:
                    continue
            rel = os.path.relpath(root, folder)
            if header is not None and header["series"]:
                key = "dicom:" + header["series"]
                info = header
            else:
                key, info = "folder:" + rel, {"folder": "" if rel == "." else rel}
                if header is not None:
                    info.update(modality=header["modality"], body_part=header["body_part"])
            frames = header["frames"] if header else 1
            found.append((key, info, StudyImage(path, header["instance"] if header else None,
                                                frames)))
            if len(found) >= max_files:
                return _group(found)
    return _group(found)


def read_dicomdir(path: Path) -> list[Series]:
    """The images a DICOMDIR indexes that exist beside it (missing files are left out)."""
    import pydicom
    from pydicom.fileset import FileSet

    try:
        fs = FileSet(pydicom.dcmread(path))
    except Exception as exc:
        raise ImageLoadError("is not a readable DICOMDIR (the index of a DICOM disc or "
                             "export). Open its folder instead.", path=path,
                             details=repr(exc)) from exc
    found: list[tuple[str, dict[str, Any], StudyImage]] = []
    for instance in fs:
        try:
            file = Path(instance.path)
        except Exception:
            continue
        if not file.is_file():
            continue

        def field_of(keyword: str, inst: Any = instance) -> Any:
            # The instance looks the keyword up in its record and the records above it.
            return inst[keyword].value if keyword in inst else None

        series_uid = _text(field_of("SeriesInstanceUID"))
        info: dict[str, Any] = {"number": _int(field_of("SeriesNumber")),
                                "modality": _text(field_of("Modality")),
                                "body_part": _text(field_of("BodyPartExamined"))}
        key = "dicom:" + (series_uid or str(file.parent))
        found.append((key, info, StudyImage(file, _int(field_of("InstanceNumber")),
                                            _int(field_of("NumberOfFrames")) or 1)))
    return _group(found)


def discover(path: str | os.PathLike[str],
             progress: Callable[[dict[str, Any]], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[Series]:
    """The study list of a folder or a DICOMDIR file.

    Raises
    ------
    ImageLoadError
        When ``path`` is neither, or a DICOMDIR cannot be read.
    """
    p = Path(os.fsdecode(path))
    if p.is_dir():
        inside = next((c for c in (p / DICOMDIR_NAME, p / DICOMDIR_NAME.lower()) if c.is_file()),
                      None)
        if inside is not None:
            try:
                listed = read_dicomdir(inside)
            except ImageLoadError:
                listed = []
            if listed:
                return listed
        return scan_folder(p, progress, cancelled)
    if is_dicomdir(p):
        return read_dicomdir(p)
    raise ImageLoadError("is not a folder or a DICOMDIR.", path=p)
