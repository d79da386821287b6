"""Display masking: what of a DICOM header may be shown on screen, identifying values
masked unless the user asks (de-identified *copies* for export are ``core.deid``).

Every place that shows header values (the tag table, the image overlay, a snapshot)
goes through :func:`shown_value`, so one decision (``reveal``) governs them all. Which
elements are identifying is decided when the header is read
(``DicomTag.identifying``, from DICOM PS3.15 Annex E): names, IDs, dates, UIDs,
institution, descriptions and every private element.

Masking, rather than leaving the value out, tells the reader the data exists and is
withheld on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

MASK = "•••• (identifying, hidden)"
SHORT_MASK = "••••"


class HeaderValue(Protocol):
    @property
    def keyword(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def identifying(self) -> bool: ...


def shown_value(tag: HeaderValue, reveal: bool, mask: str = MASK) -> str:
    """The value of ``tag`` as it may be shown: ``mask`` for identifying data unless ``reveal``."""
    return mask if tag.identifying and not reveal else str(tag.value)


def is_masked(tag: HeaderValue, reveal: bool) -> bool:
    return tag.identifying and not reveal


def _by_keyword(tags: Iterable[HeaderValue]) -> dict[str, HeaderValue]:
    return {t.keyword: t for t in tags if t.keyword}


def _date(value: str) -> str:
    """DICOM YYYYMMDD as YYYY-MM-DD (anything else unchanged)."""
    v = value.strip()
    return f"{v[:4]}-{v[4:6]}-{v[6:8]}" if len(v) == 8 and v.isdigit() else v


def overlay_lines(tags: Sequence[HeaderValue], reveal: bool) -> tuple[list[str], list[str]]:
    """The patient lines (top left) and study lines (top right) of the image overlay.

    Identifying values are masked unless ``reveal``; absent elements are left out. A
    file without a header (PNG, JPEG) gives two empty lists.
    """
    by = _by_keyword(tags)

    def value(keyword: str) -> str:
        tag = by.get(keyword)
        if tag is None or not str(tag.value).strip():
            return ""
        if is_masked(tag, reveal):
            return SHORT_MASK
        text = str(tag.value).strip()
        return _date(text) if keyword.endswith("Date") else text.replace("^", " ").strip()

    patient: list[str] = []
    if name := value("PatientName"):
        patient.append(name)
    if pid := value("PatientID"):
        patient.append(f"ID {pid}")
    born = value("PatientBirthDate")
    sex = value("PatientSex")
    if born or sex:
        patient.append(" · ".join(p for p in (f"Born {born}" if born else "", sex) if p))

    study: list[str] = []
    if date := value("StudyDate"):
        study.append(date)
    if description := value("StudyDescription"):
        study.append(description)
    kind = " · ".join(v for v in (value("Modality"), value("BodyPartExamined")) if v)
    if kind:
        study.append(kind)
    series, instance = value("SeriesNumber"), value("InstanceNumber")
    if series or instance:
        study.append(" · ".join(p for p in (f"Series {series}" if series else "",
                                            f"Image {instance}" if instance else "") if p))
    return patient, study
