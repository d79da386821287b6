"""DICOM specifics of the X-ray loader: read, decode one frame, map to display values.

:func:`medgui.core.imaging.loader.load_image` calls :func:`load_dicom`; nothing else here is
meant to be used directly. Pixel values follow the display pipeline of DICOM PS3.3
C.11: stored values -> modality LUT (rescale slope/intercept or Modality LUT
Sequence) -> MONOCHROME1 inversion, so that higher always means brighter. The VOI
window from the header becomes the initial window, transformed the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID, ImplicitVRLittleEndian, JPEGLSLossless, JPEGLSNearLossless

from medgui.core.errors import ImageLoadError

#: Values larger than this are read from disk only when needed (the pixel data), so the
#: size check in :func:`load_dicom` runs before a huge image is read into memory.
_DEFER_SIZE = "1 MB"
_MAX_TAG_VALUE = 120

# PS3.15 Annex E basic application level confidentiality profile, reduced to the
# attributes radiographs commonly carry. Rules in _is_identifying() add every person
# name, date/time, instance UID and private tag on top of this list.
_PHI_KEYWORDS = frozenset(
    {
        "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate",
        "PatientBirthTime", "PatientSex", "PatientAge", "PatientSize", "PatientWeight",
        "PatientAddress", "PatientTelephoneNumbers", "OtherPatientIDs",
        "OtherPatientNames", "OtherPatientIDsSequence", "PatientBirthName",
        "PatientMotherBirthName", "MedicalRecordLocator", "EthnicGroup", "Occupation",
        "MilitaryRank", "AdditionalPatientHistory", "PatientComments",
        "CountryOfResidence", "RegionOfResidence", "ResponsiblePerson",
        "ResponsibleOrganization", "PatientInsurancePlanCodeSequence", "AccessionNumber",
        "StudyID", "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName",
        "InstitutionCodeSequence", "ReferringPhysicianAddress",
        "ReferringPhysicianTelephoneNumbers", "StationName", "DeviceSerialNumber",
        "PlateID", "DetectorID", "CassetteID", "GantryID", "StudyDescription",
        "SeriesDescription", "ImageComments", "DerivationDescription", "ProtocolName",
        "RequestAttributesSequence", "RequestedProcedureID", "ScheduledProcedureStepID",
        "PerformedProcedureStepID", "PerformedProcedureStepDescription",
        "ReferencedPatientSequence", "ReferencedStudySequence", "ReferencedImageSequence",
        "SourceImageSequence", "RequestingService", "AdmissionID",
        "CurrentPatientLocation", "PatientState",
    }
)

# UIDs that name a kind of object or encoding, not a patient's study: safe to show.
_CLASS_UIDS = frozenset(
    {"SOPClassUID", "MediaStorageSOPClassUID", "TransferSyntaxUID",
     "ImplementationClassUID", "ReferencedSOPClassUID", "CodingSchemeUID"}
)
_BINARY_VRS = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "UN"})


def _is_identifying(keyword: str, vr: str, private: bool) -> bool:
    if private or keyword in _PHI_KEYWORDS:
        return True
    if vr in ("PN", "DA", "DT", "TM"):
        return True
    return vr == "UI" and keyword not in _CLASS_UIDS


def read_dataset(path: Path) -> Dataset:
    """Parse a DICOM file (with or without preamble/File Meta), pixel data deferred."""
    try:
        ds = pydicom.dcmread(path, defer_size=_DEFER_SIZE)
    except InvalidDicomError:
        # No preamble and no File Meta (older modalities, raw dumps): parse anyway, then
        # insist that something image-like came out, since force=True accepts anything.
        try:
            ds = pydicom.dcmread(path, defer_size=_DEFER_SIZE, force=True)
        except Exception as exc:
            raise ImageLoadError("is not a readable DICOM file.", path=path,
                                 details=repr(exc)) from exc
        if "SOPClassUID" not in ds and "Rows" not in ds and "PixelData" not in ds:
            raise ImageLoadError("is not a DICOM file and not a supported image format.",
                                 path=path) from None
    except (EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise ImageLoadError(
            "could not be read as DICOM: the file is damaged or truncated.",
            path=path, details=repr(exc)) from exc
    meta = ds.file_meta
    if "TransferSyntaxUID" not in meta:
        # Raw datasets carry no transfer syntax; pydicom found the encoding while parsing.
        implicit, little = ds.original_encoding
        meta.TransferSyntaxUID = (ImplicitVRLittleEndian if implicit in (True, None)
                                  else (pydicom.uid.ExplicitVRLittleEndian if little
                                        else pydicom.uid.ExplicitVRBigEndian))
    return ds


def check_dimensions(ds: Dataset, path: Path, frame: int, max_pixels: int) -> int:
    """Validate size and frame index from the header alone; return the frame count."""
    sop = ds.get("SOPClassUID")
    if "PixelData" not in ds:
        name = UID(sop).name if sop else ""
        if name.endswith("Image Storage"):
            # An image object without its image: the file was cut short (or damaged).
            raise ImageLoadError(
                f"is a '{name}' object but its image data is missing: the file is "
                "probably truncated or damaged. Copy or export it again.", path=path)
        what = f" ({name})" if name else ""
        raise ImageLoadError(
            f"contains no image: this DICOM object{what} has no pixel data.", path=path)
    try:
        rows, cols = int(ds.Rows), int(ds.Columns)
        n_frames = int(ds.get("NumberOfFrames") or 1)
    except (AttributeError, TypeError, ValueError) as exc:
        raise ImageLoadError("has pixel data but no valid image size (Rows/Columns).",
                             path=path, details=repr(exc)) from exc
    if rows <= 0 or cols <= 0 or n_frames <= 0:
        raise ImageLoadError(f"declares an empty image ({rows} x {cols}, {n_frames} frames).",
                             path=path)
    if rows * cols > max_pixels:
        raise ImageLoadError(
            f"declares an image of {cols} x {rows} pixels ({rows * cols / 1e6:.0f} megapixels), "
            f"more than the limit of {max_pixels / 1e6:.0f} megapixels; it was not opened "
            "to protect memory.", path=path)
    if not 0 <= frame < n_frames:
        raise ImageLoadError(f"has {n_frames} frame(s); frame {frame + 1} does not exist.",
                             path=path)
    return n_frames


# CharLS (pyjpegls) decodes JPEG-LS about 3x faster than libjpeg (2140 x 1760 CR:
# ~230 ms vs ~700 ms here), but pydicom tries libjpeg first.
_FAST_PLUGINS = {JPEGLSLossless: "pyjpegls", JPEGLSNearLossless: "pyjpegls"}


def decode_frame(ds: Dataset, path: Path, frame: int, n_frames: int) -> np.ndarray:
    """Decode one frame to the stored values (colour converted to RGB)."""
    tsyntax = UID(ds.file_meta.TransferSyntaxUID)
    index = frame if n_frames > 1 else None
    try:
        plugin = _FAST_PLUGINS.get(tsyntax, "")
        if plugin:
            try:
                return pydicom.pixels.pixel_array(ds, index=index, decoding_plugin=plugin)
            except Exception:  # not installed or refuses this file: let pydicom choose
                pass
        return pydicom.pixels.pixel_array(ds, index=index)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: B036 - decoders raise anything, Rust ones panic
        if tsyntax.is_compressed:
            raise ImageLoadError(
                f"its image is compressed as '{tsyntax.name}' ({tsyntax}) and no installed "
                "decoder supports this variant (or the compressed data is damaged). Convert the file to uncompressed or JPEG Lossless DICOM "
                "(e.g. with your PACS export or dcmtk's dcmdjpeg) and open it again.",
                path=path, details=str(exc)) from exc
        raise ImageLoadError(
            "its pixel data is damaged or truncated (it does not match the image size "
            "in the header).", path=path, details=str(exc)) from exc


def _first(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        value = value[0] if len(value) else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _stored_range(ds: Dataset, arr: np.ndarray) -> tuple[float, float]:
    bits = int(ds.get("BitsStored") or arr.dtype.itemsize * 8)
    if int(ds.get("PixelRepresentation") or 0):
        return float(-(2 ** (bits - 1))), float(2 ** (bits - 1) - 1)
    return 0.0, float(2**bits - 1)


@dataclass(frozen=True)
class StoredValueMap:
    """Maps a display value back to the value stored in the file (the read-out's "stored").

    Undoes what :func:`to_display` did: the MONOCHROME1 inversion about the possible
    range (``invert_about`` is ``lo + hi`` of that range, None when not inverted), then
    the rescale slope/intercept.
    """

    slope: float
    intercept: float
    invert_about: float | None = None

    def __call__(self, value: float) -> float:
        modality = value if self.invert_about is None else self.invert_about - value
        return (modality - self.intercept) / self.slope


def to_display(ds: Dataset, arr: np.ndarray) -> dict[str, Any]:
    """Map stored grayscale values to display values; return XRayImage fields."""
    lo, hi = _stored_range(ds, arr)
    slope, intercept = _first(ds.get("RescaleSlope")), _first(ds.get("RescaleIntercept"))
    # A Modality LUT Sequence is not invertible in general: no stored value for it.
    rescale: tuple[float, float] | None = None
    if "ModalityLUTSequence" in ds and "RescaleSlope" not in ds:
        lut_arr = pydicom.pixels.apply_modality_lut(arr, ds)
        pixels = lut_arr.astype(np.float32, copy=False)
        item = ds.ModalityLUTSequence[0]
        lut_bits = int(item.LUTDescriptor[2])
        lo, hi = 0.0, float(2**lut_bits - 1)
    else:
        pixels = arr.astype(np.float32)
        slope = 1.0 if slope is None else slope
        intercept = 0.0 if intercept is None else intercept
        if slope != 1.0 or intercept != 0.0:
            # float32 in place: a float64 copy of a 2k x 2k image costs ~10 ms and 32 MB.
            pixels *= np.float32(slope)
            pixels += np.float32(intercept)
            lo, hi = sorted((lo * slope + intercept, hi * slope + intercept))
        rescale = (slope, intercept)
    center, width = _first(ds.get("WindowCenter")), _first(ds.get("WindowWidth"))
    if (center is None or width is None or width <= 0) and "VOILUTSequence" in ds:
        # A non-linear VOI LUT is approximated by a window spanning its input range.
        desc = ds.VOILUTSequence[0].LUTDescriptor
        n_entries = int(desc[0]) or 65536
        center, width = float(desc[1]) + n_entries / 2, float(n_entries)
    inverted = str(ds.get("PhotometricInterpretation", "")).strip() == "MONOCHROME1"
    if inverted:
        # Invert about the possible range, so every frame of a file maps the same way.
        np.subtract(np.float32(lo + hi), pixels, out=pixels)
        if center is not None:
            center = lo + hi - center
    window = (center, width) if center is not None and width and width > 0 else None
    stored_value = None
    if rescale is not None and rescale[0] != 0 and (rescale != (1.0, 0.0) or inverted):
        stored_value = StoredValueMap(*rescale, invert_about=lo + hi if inverted else None)
    return {"pixels": pixels, "window": window, "inverted": inverted,
            "possible_range": (lo, hi), "stored_value": stored_value}


def _dictionary_vr(tag: int) -> str:
    try:
        return pydicom.datadict.dictionary_VR(tag)
    except KeyError:
        return "UN"


def dicom_tags(ds: Dataset) -> tuple[tuple[str, str, str, str, bool], ...]:
    """List (tag, keyword, name, value, identifying) for File Meta and top-level elements."""
    rows: list[tuple[str, str, str, str, bool]] = []
    for source in (ds.file_meta, ds):
        for tag in list(source.keys()):
            raw = source.get_item(tag)
            if raw is None or tag == 0x7FE00010 or tag & 0xFFFF == 0:
                continue  # pixel data is the image; group lengths are encoding noise
            elem = None
            if isinstance(raw, RawDataElement) and raw.value is None and raw.length:
                # Deferred (large) value: describe it without reading it from disk.
                vr = raw.VR or _dictionary_vr(tag)
                value = f"<{vr} data, {raw.length} bytes>"
            else:
                try:
                    elem = source[tag]
                except Exception:  # a malformed value must not hide the others
                    vr, value = str(raw.VR or "UN"), "<unreadable>"
            if elem is not None:
                vr = elem.VR
                if vr == "SQ":
                    value = f"<sequence of {len(elem.value)} item(s)>"
                elif vr in _BINARY_VRS:
                    value = f"<{vr} data, {len(elem.value or b'')} bytes>"
                else:
                    value = re.sub(r"\s+", " ", str(elem.value)).strip()
            if len(value) > _MAX_TAG_VALUE:
                value = value[: _MAX_TAG_VALUE - 1] + "…"
            keyword = elem.keyword if elem is not None else pydicom.datadict.keyword_for_tag(tag)
            name = (elem.name if elem is not None
                    else pydicom.datadict.dictionary_description(tag)
                    if pydicom.datadict.dictionary_has_tag(tag) else "(unknown)")
            t = pydicom.tag.Tag(tag)
            rows.append((f"({t.group:04X},{t.element:04X})", keyword or "", name, value,
                         _is_identifying(keyword or "", vr, t.is_private)))
    return tuple(rows)


def load_dicom(path: Path, frame: int, max_pixels: int) -> dict[str, Any]:
    """Read *path* and return the fields of an XRayImage (without the dataclass)."""
    ds = read_dataset(path)
    n_frames = check_dimensions(ds, path, frame, max_pixels)
    arr = decode_frame(ds, path, frame, n_frames)
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    samples = int(ds.get("SamplesPerPixel") or 1)
    fields: dict[str, Any]
    if samples == 3 or arr.ndim == 3:
        if arr.dtype != np.uint8:  # 16-bit colour is rare; keep the top 8 bits
            shift = max(int(ds.get("BitsStored") or 16) - 8, 0)
            arr = (arr >> shift).astype(np.uint8)
        fields = {"pixels": np.ascontiguousarray(arr), "window": None, "inverted": False,
                  "possible_range": (0.0, 255.0)}
    elif photometric == "PALETTE COLOR":
        rgb = pydicom.pixels.apply_color_lut(arr, ds)
        rgb = (rgb >> 8).astype(np.uint8) if rgb.dtype != np.uint8 else rgb
        fields = {"pixels": rgb, "window": None, "inverted": False,
                  "possible_range": (0.0, 255.0)}
    else:
        fields = to_display(ds, arr)
    spacing = ds.get("PixelSpacing") or ds.get("ImagerPixelSpacing")
    try:
        row_mm, col_mm = float(spacing[0]), float(spacing[1])
        # Some writers put 0\0 for "unknown": no spacing rather than a zero-size pixel.
        fields["pixel_spacing"] = (row_mm, col_mm) if row_mm > 0 and col_mm > 0 else None
    except (TypeError, ValueError, IndexError):
        fields["pixel_spacing"] = None
    fields.update(n_frames=n_frames, photometric=photometric,
                  modality=str(ds.get("Modality", "") or ""), tags=dicom_tags(ds),
                  bits_stored=int(ds.get("BitsStored") or 8))
    return fields
