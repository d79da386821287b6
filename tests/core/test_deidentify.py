"""De-identified copies: DICOM (PS3.15 Basic Profile + Retain Patient Characteristics)
and records (patient references replaced)."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from medgui.cli import main
from medgui.core.deid.dicom import DicomDeidentifier, deidentify_path
from medgui.core.deid.text import pseudonymize_records, redactions, scrub
from medgui.core.errors import AuditError
from medgui.core.imaging.loader import load_image
from medgui.core.records.store import RecordStore
from medgui.core.records.transfer import read_csv
from tests.core.dicom_factory import write_dicom

IDENTIFYING = dict(
    PatientName="Quixote^Alonso", PatientID="HOSP-99812", PatientBirthDate="19470315",
    InstitutionName="Hospital de la Mancha", ReferringPhysicianName="Carrasco^Sanson",
    OperatorsName="Panza^Sancho", StationName="CR-ROOM-2", DeviceSerialNumber="SN-4431",
    AccessionNumber="ACC-77", StudyDescription="Chest PA for Alonso", SeriesDate="20240102",
    OtherPatientIDs="OLD-1", PatientAddress="La Mancha", PatientSex="M", PatientAge="077Y",
    PatientWeight="70", ViewPosition="PA", Manufacturer="Acme", ImagerPixelSpacing=[0.15, 0.15],
)


def chest(tmp_path, name="a.dcm", **extra):
    pixels = (np.arange(64 * 48, dtype=np.uint16).reshape(48, 64) * 3)
    ds_path = write_dicom(tmp_path / name, pixels, window=(4000, 9000), **{**IDENTIFYING, **extra})
    ds = pydicom.dcmread(ds_path)
    ds.add_new((0x0009, 0x0010), "LO", "ACME PRIVATE")
    ds.add_new((0x0009, 0x1001), "LO", "Alonso Quixano")  # a private tag holding a name
    ds.save_as(ds_path)
    return ds_path


def test_dicom_copy_keeps_pixels_and_reading_tags_and_drops_identity(tmp_path):
    src = chest(tmp_path)
    (result,) = deidentify_path(src, tmp_path / "out.dcm")
    before, after = pydicom.dcmread(src), pydicom.dcmread(result.output)
    raw = result.output.read_bytes()
    for secret in (b"Quixote", b"Alonso", b"HOSP-99812", b"19470315", b"Mancha", b"Carrasco",
                   b"Panza", b"CR-ROOM-2", b"SN-4431", b"ACC-77", b"OLD-1"):
        assert secret not in raw, secret
    # Z: present and empty; X: gone.
    assert after.PatientName == "" and after.PatientID == "" and after.PatientBirthDate == ""
    assert after.AccessionNumber == "" and after.StudyDate == ""
    for keyword in ("InstitutionName", "OperatorsName", "StationName", "DeviceSerialNumber",
                    "StudyDescription", "SeriesDate", "OtherPatientIDs", "PatientAddress"):
        assert keyword not in after, keyword
    assert not any(elem.tag.is_private for elem in after)
    # Retain Patient Characteristics Option, and what a reader needs.
    assert (after.PatientSex, after.PatientAge, after.PatientWeight) == ("M", "077Y", 70)
    for keyword in ("Modality", "BodyPartExamined", "ViewPosition", "Manufacturer", "WindowCenter",
                    "WindowWidth", "ImagerPixelSpacing", "PhotometricInterpretation", "SOPClassUID"):
        assert after[keyword].value == before[keyword].value, keyword
    assert after.PixelData == before.PixelData
    # UIDs replaced, consistently in File Meta.
    for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"):
        assert after[keyword].value != before[keyword].value and after[keyword].value.startswith("2.25.")
    assert after.file_meta.MediaStorageSOPInstanceUID == after.SOPInstanceUID
    # Says what was done, in words and codes.
    assert after.PatientIdentityRemoved == "YES"
    assert [c.CodeValue for c in after.DeidentificationMethodCodeSequence] == ["113100", "113108"]
    assert after.LongitudinalTemporalInformationModified == "REMOVED"
    image = load_image(result.output)  # still a readable X-ray, same pixels
    np.testing.assert_array_equal(image.pixels, load_image(src).pixels)


def test_one_export_keeps_a_study_together_and_names_no_one(tmp_path):
    folder = tmp_path / "Quixote_Alonso"
    folder.mkdir()
    a = chest(folder, "Quixote-1.dcm")
    b = chest(folder, "Quixote-2.dcm")
    shared = pydicom.dcmread(a).StudyInstanceUID
    ds = pydicom.dcmread(b)
    ds.StudyInstanceUID = shared  # the same study, two images
    ds.save_as(b)
    (folder / "notes.txt").write_text("not a DICOM")
    results = deidentify_path(folder, tmp_path / "out")
    assert len(results) == 2
    outs = [pydicom.dcmread(r.output) for r in results]
    assert outs[0].StudyInstanceUID == outs[1].StudyInstanceUID != shared
    assert outs[0].SOPInstanceUID != outs[1].SOPInstanceUID
    assert all("Quixote" not in r.output.name for r in results)
    again = deidentify_path(a, tmp_path / "again.dcm")[0]  # another export: another key
    assert pydicom.dcmread(again.output).StudyInstanceUID != outs[0].StudyInstanceUID


def test_without_patient_characteristics_they_go_too(tmp_path):
    ds = DicomDeidentifier(retain_patient_characteristics=False).dataset(pydicom.dcmread(chest(tmp_path)))
    assert ds.PatientSex == "" and "PatientAge" not in ds and "PatientWeight" not in ds
    assert [c.CodeValue for c in ds.DeidentificationMethodCodeSequence] == ["113100"]


def test_burned_in_annotation_is_refused(tmp_path):
    src = chest(tmp_path, BurnedInAnnotation="YES")
    with pytest.raises(AuditError, match="burned-in"):
        deidentify_path(src, tmp_path / "out.dcm")
    assert not (tmp_path / "out.dcm").exists()


def test_cli_deid_dicom(tmp_path, capsys):
    src = chest(tmp_path)
    assert main(["deid", str(src), str(tmp_path / "copy.dcm")]) == 0
    assert "Retain Patient Characteristics" in capsys.readouterr().err
    assert pydicom.dcmread(tmp_path / "copy.dcm").PatientName == ""
    assert main(["deid", str(tmp_path / "missing.dcm"), str(tmp_path / "x.dcm")]) == 1


def test_text_redactions():
    text = "Name: Alonso Quixano\nDOB: 15/03/1947\nP-0042 reports chest pain. Seen with p-0042's wife."
    spans = redactions(text, ["P-0042"])
    assert [text[s:e] for s, e in spans] == ["Alonso Quixano", "15/03/1947", "P-0042", "p-0042"]
    assert scrub(text, ["P-0042"]) == ("Name: [redacted]\nDOB: [redacted]\n[redacted] reports chest "
                                       "pain. Seen with [redacted]'s wife.")
    dicom_style = "Jane Doe was seen; Doe, Jane again; Jo stays"
    assert [dicom_style[s:e] for s, e in redactions(dicom_style, ["Doe^Jane^Jo"])] == [
        "Jane Jo Doe", "Doe, Jane", "Jo"][:0] or [dicom_style[s:e] for s, e in redactions(dicom_style, ["Doe^Jane"])] == [
        "Jane Doe", "Doe, Jane"]


def test_records_export_replaces_patient_references(tmp_path):
    store = RecordStore(tmp_path / "records.sqlite3")
    store.create("Visit of P-0042", "P-0042 has a murmur. Name: Alonso Quixano", "P-0042")
    store.create("Follow-up", "Stable.", "P-0042")
    store.create("Knee", "Knee fracture.", "P-0077")
    records = pseudonymize_records(store.records())
    by_body = {r.body.split()[-1]: r for r in records}
    assert {r.patient_ref for r in records} == {"PATIENT-0001", "PATIENT-0002"}
    visit, follow, knee = by_body["[redacted]"], by_body["Stable."], by_body["fracture."]
    assert follow.patient_ref == visit.patient_ref != knee.patient_ref
    ref = visit.patient_ref
    assert (visit.title, visit.body) == (f"Visit of {ref}", f"{ref} has a murmur. Name: [redacted]")
    store.close()
    csv_in = tmp_path / "in.csv"
    from medgui.core.records.transfer import write_csv

    write_csv(csv_in, RecordStore(tmp_path / "records.sqlite3").records())
    assert main(["deid", str(csv_in), str(tmp_path / "out.csv")]) == 0
    rows = read_csv(tmp_path / "out.csv")
    assert len(rows) == 3 and all("P-00" not in r.patient_ref + r.title + r.body for r in rows)
    assert "Alonso" not in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
