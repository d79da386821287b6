"""Build real DICOM (and plain image) files for tests, in a directory the test owns.

Reusable by any test: ``write_dicom(tmp_path / "a.dcm", pixels, ...)`` returns the path.
Everything is written with pydicom and OpenCV; nothing is read from outside the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.uid import (
    PYDICOM_IMPLEMENTATION_UID,
    UID,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
    generate_uid,
)

CR_STORAGE = UID("1.2.840.10008.5.1.4.1.1.1")
SC_STORAGE = UID("1.2.840.10008.5.1.4.1.1.7")
BASIC_TEXT_SR = UID("1.2.840.10008.5.1.4.1.1.88.11")


def base_dataset(sop_class: str = CR_STORAGE, **attrs: Any) -> Dataset:
    """A dataset with File Meta and the patient/study attributes a modality writes."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "P-0001"
    ds.PatientBirthDate = "19700101"
    ds.StudyDate = "20240102"
    ds.InstitutionName = "Test Hospital"
    ds.Modality = "CR"
    ds.BodyPartExamined = "CHEST"
    for key, value in attrs.items():
        setattr(ds, key, value)
    return ds


def write_dicom(
    path: Path,
    pixels: np.ndarray,
    *,
    photometric: str | None = None,
    bits_stored: int | None = None,
    rescale: tuple[float, float] | None = None,
    window: tuple[Any, Any] | None = None,
    modality_lut: np.ndarray | None = None,
    compress: str | None = None,
    file_meta: bool = True,
    implicit: bool = False,
    **attrs: Any,
) -> Path:
    """Write *pixels* as a DICOM image and return *path*.

    ``pixels``: (H, W) or (frames, H, W) uint8/uint16/int16, or (H, W, 3) / (frames, H,
    W, 3) uint8 RGB. ``rescale=(slope, intercept)``, ``window=(center, width)`` (either
    may be a list for multi-valued), ``modality_lut`` a uint16 LUT for stored values 0..n-1,
    ``compress`` a transfer syntax UID pydicom can encode (RLE, JPEG-LS, JPEG 2000
    lossless). ``file_meta=False`` writes a bare dataset without preamble or File Meta.
    """
    ds = base_dataset(**attrs)
    rgb = pixels.ndim == 4 or (pixels.ndim == 3 and pixels.shape[-1] == 3)
    photometric = photometric or ("RGB" if rgb else "MONOCHROME2")
    bits_stored = bits_stored or pixels.dtype.itemsize * 8
    ds.set_pixel_data(pixels, photometric, bits_stored)
    if rescale is not None:
        ds.RescaleSlope, ds.RescaleIntercept = rescale
        ds.RescaleType = "US"
    if window is not None:
        ds.WindowCenter, ds.WindowWidth = window
    if modality_lut is not None:
        item = Dataset()
        item.LUTDescriptor = [len(modality_lut), 0, 16]
        item.ModalityLUTType = "US"
        item.LUTData = modality_lut.astype("<u2").tobytes()  # OW in explicit VR
        ds.ModalityLUTSequence = Sequence([item])
    if compress is not None:
        ds.compress(compress)
    if implicit:
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    if not file_meta:
        del ds.file_meta
        ds.save_as(path, implicit_vr=True, little_endian=True, enforce_file_format=False)
        return path
    ds.save_as(path, enforce_file_format=True)
    return path


def write_jpeg_dicom(path: Path, gray: np.ndarray, quality: int = 95, **attrs: Any) -> bytes:
    """Write a JPEG Baseline DICOM by encapsulating an OpenCV-encoded JPEG.

    Returns the JPEG bitstream, so a test can compare with OpenCV's own decoding.
    """
    ok, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    ds = base_dataset(**attrs)
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.Rows, ds.Columns = gray.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = attrs.get("PhotometricInterpretation", "MONOCHROME2")
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = encapsulate([jpeg.tobytes()])
    ds["PixelData"].VR = "OB"
    ds.save_as(path, enforce_file_format=True)
    return jpeg.tobytes()


def write_encapsulated(path: Path, transfer_syntax: str, fragment: bytes,
                       rows: int = 8, cols: int = 8, bits: int = 12) -> Path:
    """A DICOM claiming *transfer_syntax* whose single fragment is *fragment*."""
    ds = base_dataset()
    ds.file_meta.TransferSyntaxUID = transfer_syntax
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored = 16 if bits > 8 else 8, bits
    ds.HighBit, ds.PixelRepresentation = bits - 1, 0
    ds.PixelData = encapsulate([fragment])
    ds["PixelData"].VR = "OB"
    ds.save_as(path, enforce_file_format=True)
    return path


def write_report(path: Path) -> Path:
    """A Basic Text SR: a valid DICOM object that holds no image."""
    ds = base_dataset(BASIC_TEXT_SR, Modality="SR")
    ds.ValueType = "CONTAINER"
    ds.save_as(path, enforce_file_format=True)
    return path


def write_header_only(path: Path, rows: int, cols: int, frames: int = 1) -> Path:
    """An uncompressed DICOM whose header declares a size its 2-byte pixel data lacks."""
    ds = base_dataset()
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, 1
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = b"\x00\x00"
    ds["PixelData"].VR = "OW"
    ds.save_as(path, enforce_file_format=True)
    return path
