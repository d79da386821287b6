"""Identifying header values are masked wherever they are shown, until revealed."""

from __future__ import annotations

from medgui.core.imaging.loader import DicomTag
from medgui.core.imaging.masking import MASK, SHORT_MASK, overlay_lines, shown_value


def tags() -> list[DicomTag]:
    return [
        DicomTag("(0010,0010)", "PatientName", "Patient's Name", "Doe^Jane", True),
        DicomTag("(0010,0020)", "PatientID", "Patient ID", "P-0001", True),
        DicomTag("(0010,0030)", "PatientBirthDate", "Patient's Birth Date", "19700101", True),
        DicomTag("(0010,0040)", "PatientSex", "Patient's Sex", "F", True),
        DicomTag("(0008,0020)", "StudyDate", "Study Date", "20240102", True),
        DicomTag("(0008,0060)", "Modality", "Modality", "CR", False),
        DicomTag("(0018,0015)", "BodyPartExamined", "Body Part Examined", "CHEST", False),
        DicomTag("(0020,0011)", "SeriesNumber", "Series Number", "3", False),
        DicomTag("(0020,0013)", "InstanceNumber", "Instance Number", "7", False),
    ]


def test_overlay_masks_patient_and_study_identity_by_default():
    patient, study = overlay_lines(tags(), reveal=False)
    assert patient == [SHORT_MASK, f"ID {SHORT_MASK}", f"Born {SHORT_MASK} · {SHORT_MASK}"]
    assert study == [SHORT_MASK, "CR · CHEST", "Series 3 · Image 7"]
    text = " ".join(patient + study)
    assert "Doe" not in text and "P-0001" not in text and "1970" not in text


def test_overlay_shows_identity_when_revealed():
    patient, study = overlay_lines(tags(), reveal=True)
    assert patient == ["Doe Jane", "ID P-0001", "Born 1970-01-01 · F"]
    assert study[0] == "2024-01-02"


def test_a_plain_image_has_no_overlay_identity_and_values_mask_by_tag():
    assert overlay_lines([], reveal=True) == ([], [])
    name, modality = tags()[0], tags()[5]
    assert shown_value(name, reveal=False) == MASK
    assert shown_value(name, reveal=True) == "Doe^Jane"
    assert shown_value(modality, reveal=False) == "CR"
