"""De-identify DICOM files: DICOM PS3.15 Annex E, Basic Application Level Confidentiality
Profile, with the Retain Patient Characteristics Option.

What is done (PS3.15 Table E.1-1, "Basic Profile" column, for the attributes a
radiograph carries, plus the profile's general rules):

* patient name, ID and birth date, the study date and time, the study ID, accession
  number and referring physician become empty (action Z: type 2 attributes stay present);
* other identifying attributes are removed (X): addresses, telephone numbers, other IDs
  and names, institution and department, station name, device serial number and
  detector/plate/cassette IDs, operators and physicians, descriptions and comments
  (study, series, image, protocol, derivation), request and procedure-step attributes,
  referenced patient/study/image sequences, every other date and time, every other
  person name, every private attribute (no Retain Safe Private Option), curves and
  overlays (groups 50xx and 60xx: overlays can carry burned-in text), and the
  digital signatures and original/modified attribute sequences;
* every instance UID (study, series, SOP instance, frame of reference, referenced
  SOP instance, ...) is replaced (U) by a ``2.25.`` UID derived from it with a key made
  for each :class:`DicomDeidentifier`: the images of one export keep their study and
  series together, and nothing links them back to the originals;
* Patient Identity Removed = YES, De-identification Method and its code sequence
  (DCM 113100 Basic Application Confidentiality Profile, DCM 113108 Retain Patient
  Characteristics Option) and Longitudinal Temporal Information Modified = REMOVED
  are added.

Options: **Retain Patient Characteristics** is implemented (on by default: a reader
needs the patient's sex, age, size and weight, e.g. to tell a child's film from an
adult's); it keeps Patient's Sex, Age, Size, Weight, Ethnic Group, Occupation,
Smoking Status, Pregnancy Status and Allergies. Not implemented, so their attributes
are removed as the Basic Profile says: Retain Device Identity, Retain Institution
Identity, Retain UIDs, Retain Longitudinal Temporal Information (dates), Retain Safe
Private, Clean Descriptors, Clean Structured Content, Clean Graphics. Clean Pixel
Data is not implemented either, so a file whose header says Burned In Annotation = YES
is refused rather than exported with names in its pixels.

Kept as they are: the pixel data (never decoded or re-encoded) and everything the
profile does not list, which is what a reader needs: modality, body part, view
position, laterality, patient orientation, pixel and imager spacing, photometric
interpretation, bits, window and rescale values, LUTs, exposure and geometry values,
the manufacturer and model, and the SOP class.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID

from medgui import __version__
from medgui.core.errors import AuditError, ImageLoadError
from medgui.core.fileio import atomic_write_bytes

PROFILE = "DICOM PS3.15 E.1 Basic Application Level Confidentiality Profile"
OPTIONS_IMPLEMENTED = ("Retain Patient Characteristics Option",)
PROFILE_CODE = ("113100", "Basic Application Confidentiality Profile")
RETAIN_PATIENT_CHARACTERISTICS_CODE = ("113108", "Retain Patient Characteristics Option")

# Z: keep the attribute, empty. The rest of the listed attributes are removed (X).
_EMPTY = frozenset({
    "PatientName", "PatientID", "PatientBirthDate", "StudyDate", "StudyTime", "StudyID",
    "AccessionNumber", "ReferringPhysicianName", "ContentDate", "ContentTime",
    "PatientSex",  # Z in the Basic Profile; kept with Retain Patient Characteristics
})
_REMOVE = frozenset({
    "IssuerOfPatientID", "IssuerOfPatientIDQualifiersSequence", "PatientBirthTime",
    "PatientBirthName", "PatientMotherBirthName", "OtherPatientIDs", "OtherPatientIDsSequence",
    "OtherPatientNames", "PatientAddress", "PatientTelephoneNumbers",
    "PatientTelecomInformation", "CountryOfResidence", "RegionOfResidence",
    "PatientReligiousPreference", "MilitaryRank", "BranchOfService", "MedicalRecordLocator",
    "PatientInsurancePlanCodeSequence", "PatientPrimaryLanguageCodeSequence",
    "AdditionalPatientHistory", "PatientComments", "PatientState", "ResponsiblePerson",
    "ResponsibleOrganization", "PatientAge", "PatientSize", "PatientWeight", "EthnicGroup",
    "Occupation", "SmokingStatus", "PregnancyStatus", "Allergies", "MedicalAlerts",
    "AdmissionID", "AdmittingDiagnosesDescription", "AdmittingDiagnosesCodeSequence",
    "CurrentPatientLocation", "PatientTransportArrangements", "IssuerOfAdmissionIDSequence",
    "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName",
    "InstitutionCodeSequence", "InstitutionalDepartmentTypeCodeSequence",
    "ReferringPhysicianAddress", "ReferringPhysicianTelephoneNumbers",
    "ReferringPhysicianIdentificationSequence", "ConsultingPhysicianName",
    "ConsultingPhysicianIdentificationSequence", "PhysiciansOfRecord",
    "PhysiciansOfRecordIdentificationSequence", "NameOfPhysiciansReadingStudy",
    "PhysiciansReadingStudyIdentificationSequence", "PerformingPhysicianName",
    "PerformingPhysicianIdentificationSequence", "OperatorsName", "OperatorIdentificationSequence",
    "RequestingPhysician", "RequestingService", "ScheduledPerformingPhysicianName",
    "StationName", "DeviceSerialNumber", "DeviceUID", "PlateID", "DetectorID", "CassetteID",
    "GantryID", "GeneratorID", "DeviceDescription", "StudyDescription", "SeriesDescription",
    "ImageComments", "DerivationDescription", "ProtocolName", "AcquisitionComments",
    "RequestAttributesSequence", "RequestedProcedureID", "RequestedProcedureDescription",
    "RequestedProcedureCodeSequence", "ScheduledProcedureStepID",
    "ScheduledProcedureStepDescription", "PerformedProcedureStepID",
    "PerformedProcedureStepDescription", "PerformedProcedureStepStartDate",
    "PerformedProcedureStepStartTime", "PerformedProcedureStepEndDate",
    "PerformedProcedureStepEndTime", "ReferencedPerformedProcedureStepSequence",
    "ReferencedPatientSequence", "ReferencedStudySequence", "ReferencedImageSequence",
    "SourceImageSequence", "ReferencedPatientPhotoSequence", "ReasonForStudy",
    "ReasonForTheRequestedProcedure", "RequestedContrastAgent", "StudyComments",
    "InterpretationAuthor", "TextComments", "TextString", "TimezoneOffsetFromUTC",
    "InstanceCreatorUID", "SeriesDate", "SeriesTime", "AcquisitionDate", "AcquisitionTime",
    "AcquisitionDateTime", "InstanceCreationDate", "InstanceCreationTime", "OverlayDate",
    "OverlayTime", "CurveDate", "CurveTime", "DigitalSignaturesSequence",
    "MACParametersSequence", "OriginalAttributesSequence", "ModifiedAttributesSequence",
    "EncryptedAttributesSequence", "HangingProtocolCreator", "ContentCreatorName",
    "VerifyingObserverName", "VerifyingObserverSequence", "PersonName", "PersonAddress",
    "PersonTelephoneNumbers", "ScheduledStationName", "PerformedStationName",
    "PerformedLocation", "ScheduledProcedureStepLocation", "ServiceEpisodeID",
    "ServiceEpisodeDescription", "VisitComments", "FillerOrderNumberImagingServiceRequest",
    "PlacerOrderNumberImagingServiceRequest", "OrderEntererLocation", "OrderCallbackPhoneNumber",
    "StorageMediaFileSetUID", "StorageMediaFileSetID", "ClinicalTrialSponsorName",
})
_PATIENT_CHARACTERISTICS = frozenset({
    "PatientSex", "PatientAge", "PatientSize", "PatientWeight", "EthnicGroup", "Occupation",
    "SmokingStatus", "PregnancyStatus", "Allergies",
})
# UIDs that name a kind of thing (a SOP class, an encoding, a code scheme), not a patient's
# images: kept. Every other UI value is an instance UID and is replaced.
_CLASS_UIDS = frozenset({
    "SOPClassUID", "MediaStorageSOPClassUID", "ReferencedSOPClassUID", "TransferSyntaxUID",
    "ImplementationClassUID", "CodingSchemeUID", "ReferencedSOPClassUIDInFile",
    "RelatedGeneralSOPClassUID", "OriginalSpecializedSOPClassUID", "ContextGroupExtensionCreatorUID",
    "MappingResourceUID", "SOPClassesInStudy", "PrivateInformationCreatorUID",
})
_DATE_VRS = frozenset({"DA", "DT", "TM"})


@dataclass(frozen=True)
class DeidResult:
    """One de-identified file: where it came from, where it went, what changed."""

    source: Path
    output: Path
    removed: int
    emptied: int
    uids_replaced: int


class DicomDeidentifier:
    """Applies the profile to datasets; one key per object keeps UIDs consistent within
    one export (a study's images stay one study) and unlinkable to the originals."""

    def __init__(self, retain_patient_characteristics: bool = True, key: bytes | None = None) -> None:
        self.retain_patient_characteristics = retain_patient_characteristics
        self._key = key if key is not None else secrets.token_bytes(32)
        self._counts = [0, 0, 0]

    @property
    def options(self) -> tuple[str, ...]:
        return OPTIONS_IMPLEMENTED if self.retain_patient_characteristics else ()

    def new_uid(self, uid: str) -> str:
        """The replacement of ``uid``: ``2.25.`` and a 128-bit number keyed on it."""
        digest = hmac.new(self._key, str(uid).strip().encode("ascii", "replace"), hashlib.sha256).digest()
        return f"2.25.{int.from_bytes(digest[:16], 'big')}"

    def _action(self, keyword: str, vr: str, group: int, private: bool) -> str:
        if private or not keyword or group in range(0x5000, 0x5100) or group in range(0x6000, 0x6100):
            return "X"  # private, unknown to the data dictionary, curves and overlays
        if self.retain_patient_characteristics and keyword in _PATIENT_CHARACTERISTICS:
            return "K"
        if keyword in _EMPTY:
            return "Z"
        if keyword in _REMOVE:
            return "X"
        if vr == "SQ":
            return "S"  # recurse: items are cleaned by the same rules
        if vr == "PN":
            return "X"  # any other person's name
        if vr in _DATE_VRS:
            return "X"  # no Retain Longitudinal Temporal Information Option
        if vr == "UI" and keyword not in _CLASS_UIDS:
            return "U"
        return "K"

    def _clean(self, ds: Dataset) -> None:
        for elem in list(ds):
            action = self._action(elem.keyword, elem.VR, elem.tag.group, elem.tag.is_private)
            if action == "X":
                del ds[elem.tag]
                self._counts[0] += 1
            elif action == "Z":
                ds[elem.tag].value = [] if elem.VR == "SQ" else ""
                self._counts[1] += 1
            elif action == "U" and elem.value not in (None, ""):
                values = elem.value if elem.VM > 1 else [elem.value]
                new = [self.new_uid(v) for v in values]
                ds[elem.tag].value = new if elem.VM > 1 else new[0]
                self._counts[2] += 1
            elif action == "S" and elem.value is not None:
                for item in elem.value:
                    self._clean(item)

    def dataset(self, ds: Dataset) -> Dataset:
        """De-identify ``ds`` in place (File Meta included) and return it."""
        burned = str(ds.get("BurnedInAnnotation", "") or "").strip().upper()
        if burned == "YES":
            raise AuditError("says it has burned-in annotation (text in the image, which may "
                             "name the patient); medgui cannot clean pixel data, so it does "
                             "not export this file. Use a copy without burned-in text.")
        self._clean(ds)
        meta = getattr(ds, "file_meta", None)
        if meta is None:
            meta = ds.file_meta = FileMetaDataset()
        for keyword in ("SourceApplicationEntityTitle", "SendingApplicationEntityTitle",
                        "ReceivingApplicationEntityTitle", "PrivateInformation"):
            if keyword in meta:
                delattr(meta, keyword)
        if "SOPInstanceUID" in ds:
            meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        if "SOPClassUID" in ds:
            meta.MediaStorageSOPClassUID = ds.SOPClassUID
        if "ImplementationClassUID" not in meta:
            meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
        ds.PatientIdentityRemoved = "YES"
        ds.DeidentificationMethod = "; ".join((PROFILE, *self.options, f"medgui {__version__}"))[:64]
        codes = [PROFILE_CODE] + ([RETAIN_PATIENT_CHARACTERISTICS_CODE] if self.options else [])
        items = []
        for value, meaning in codes:
            item = Dataset()
            item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "DCM", meaning
            items.append(item)
        ds.DeidentificationMethodCodeSequence = Sequence(items)
        ds.LongitudinalTemporalInformationModified = "REMOVED"
        return ds

    def _read(self, src: Path) -> Dataset:
        from medgui.core.imaging.dicom import read_dataset  # pydicom's decoders: on demand

        try:
            return read_dataset(src)
        except ImageLoadError as exc:
            raise AuditError(exc.message, path=src) from exc

    def to_bytes(self, src: str | Path) -> bytes:
        """The de-identified file ``src`` as bytes (nothing written)."""
        ds = self.dataset(self._read(Path(src)))
        buffer = BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        return buffer.getvalue()

    def file(self, src: str | Path, dst: str | Path) -> DeidResult:
        """Write the de-identified copy of ``src`` to ``dst`` (atomically)."""
        src, dst = Path(src), Path(dst)
        before = list(self._counts)
        data = self.to_bytes(src)
        write_bytes(dst, data)
        after = self._counts
        return DeidResult(src, dst, after[0] - before[0], after[1] - before[1], after[2] - before[2])


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (``core.fileio.atomic_write_bytes``)."""
    atomic_write_bytes(path, data)


def dicom_files(root: Path) -> Iterator[Path]:
    """The DICOM files under ``root`` (recursively, sorted; hidden entries skipped)."""
    from medgui.core.fileio import open_regular
    from medgui.core.imaging.loader import _sniff

    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts) or not path.is_file():
            continue
        try:
            with open_regular(path) as fh:
                head = fh.read(256)
        except OSError:
            continue
        if _sniff(head) == "DICOM":
            yield path


def deidentify_path(src: str | Path, dst: str | Path,
                    retain_patient_characteristics: bool = True) -> list[DeidResult]:
    """De-identify a DICOM file, or every DICOM file in a folder, into ``dst``.

    A file goes to ``dst`` (or into it, when ``dst`` is an existing folder); a folder's
    files go into the folder ``dst``, flat, each named by its new SOP Instance UID:
    original file and folder names often carry the patient's name and are not copied.
    One key serves the whole call, so the copies of one study stay one study.
    """
    src, dst = Path(src), Path(dst)
    tool = DicomDeidentifier(retain_patient_characteristics)
    if not src.exists():
        raise AuditError("there is no such file or folder", path=src)
    if src.is_dir():
        files = list(dicom_files(src))
        if not files:
            raise AuditError("holds no DICOM files", path=src)
        if dst.exists() and not dst.is_dir():
            raise AuditError("is a file; give a folder for the de-identified copies", path=dst)
        results: list[DeidResult] = []
        for file in files:
            data = tool.to_bytes(file)
            name = _instance_name(data) or f"image-{len(results) + 1:05d}"
            target = dst / f"{name}.dcm"
            write_bytes(target, data)
            results.append(DeidResult(file, target, 0, 0, 0))
        return results
    if dst.is_dir():
        data = tool.to_bytes(src)
        target = dst / f"{_instance_name(data) or 'image'}.dcm"
        write_bytes(target, data)
        return [DeidResult(src, target, 0, 0, 0)]
    return [tool.file(src, dst)]


def _instance_name(data: bytes) -> str:
    import pydicom

    ds = pydicom.dcmread(BytesIO(data), stop_before_pixels=True)
    return str(ds.get("SOPInstanceUID", "") or "")
