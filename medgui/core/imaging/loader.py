"""Load any X-ray a clinician may have (PNG, JPEG, BMP, TIFF, DICOM) as an :class:`XRayImage`.

Grayscale pixels are float32 in *display orientation*: DICOM modality LUT applied and
MONOCHROME1 inverted, so that a higher value is always brighter. Colour images are
RGB uint8. Every failure is an :class:`~medgui.core.errors.ImageLoadError` naming the
file and the reason; nothing else escapes :func:`load_image`.

The file's *content* decides how it is decoded. Two mismatches are refused rather than
guessed: a file named ``.dcm``/``.dicom`` that holds a PNG/JPEG/... (the user expects a
DICOM, with its header's window, orientation and patient data, and would silently get
none of it) and a PNG/JPEG/... name that holds a DICOM. Other names (no extension, a
JPEG called ``.png``) are decoded by content.
"""

from __future__ import annotations

import os
import struct
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from medgui.core.errors import ImageLoadError
from medgui.core.fileio import NotRegularFileError, open_regular

DEFAULT_MAX_PIXELS = 100_000_000
"""Largest image (pixels in one frame) opened; a 100 MP float32 image needs 400 MB."""

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".dcm", ".dicom",
)
_RASTER_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP",
                    ".tif": "TIFF", ".tiff": "TIFF"}
_DICOM_SUFFIXES = (".dcm", ".dicom")
_DICOM_GROUPS = (0x0002, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028)


@dataclass(frozen=True)
class DicomTag:
    """One header element for the tag panel; ``identifying`` marks patient data (PHI)."""

    tag: str
    keyword: str
    name: str
    value: str
    identifying: bool


@dataclass(frozen=True, eq=False)
class XRayImage:
    """A decoded image ready for display and classification.

    Attributes
    ----------
    pixels
        ``(H, W)`` float32 display values (higher = brighter) or ``(H, W, 3)`` uint8 RGB.
        Read-only: images are shared between views and workers.
    window
        Initial ``(center, width)`` in the value space of ``pixels``.
    value_range
        ``(min, max)`` of the values present, for window/level slider limits.
    stored_value
        Maps a value of ``pixels`` back to the value stored in the file (DICOM rescale
        and MONOCHROME1 undone); None when the two are equal or the mapping is not
        invertible (a Modality LUT Sequence).
    """

    pixels: np.ndarray
    path: Path
    format: str
    window: tuple[float, float]
    value_range: tuple[float, float]
    frame: int = 0
    n_frames: int = 1
    photometric: str = "MONOCHROME2"
    inverted: bool = False
    tags: tuple[DicomTag, ...] = ()
    modality: str = ""
    pixel_spacing: tuple[float, float] | None = None
    stored_value: Callable[[float], float] | None = None

    @property
    def is_rgb(self) -> bool:
        return self.pixels.ndim == 3

    def to_uint8(self, window: tuple[float, float] | None = None) -> np.ndarray:
        """Apply a linear window (default :attr:`window`) and return uint8 pixels.

        Values at or below ``center - width/2`` become 0, at or above
        ``center + width/2`` become 255. Returns a new ``(H, W)`` or ``(H, W, 3)`` array.
        """
        center, width = self.window if window is None else window
        width = max(float(width), 1e-6)
        low = float(center) - width / 2
        if self.is_rgb and low == 0.0 and width == 255.0:
            return self.pixels.copy()
        scale = np.float32(255.0 / width)
        # float32 scratch buffer reused in place: ~4 passes over memory, no float64 copy.
        buf = np.subtract(self.pixels, np.float32(low), dtype=np.float32)
        buf *= scale
        np.clip(buf, 0.0, 255.0, out=buf)
        buf += np.float32(0.5)  # round to nearest on the cast below
        return buf.astype(np.uint8)


def is_probably_image(path: str | os.PathLike[str]) -> bool:
    """True when *path* is worth offering to :func:`load_image` (for folder scans).

    Known suffixes are accepted by name; other files (DICOM often has no extension) are
    accepted when their first bytes look like DICOM.
    """
    path = Path(path)
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return True
    try:
        with open_regular(path) as fh:  # a pipe in the folder must not hang the scan
            head = fh.read(256)
    except OSError:
        return False
    return _sniff(head) == "DICOM"


def _sniff(head: bytes) -> str | None:
    """Name the format from the first bytes: DICOM/PNG/JPEG/TIFF/BMP/TEXT, or None."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return "DICOM"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head.startswith(b"BM") and len(head) >= 26:
        return "BMP"
    if len(head) >= 8:
        # A dataset without preamble starts with a low group (File Meta, identification,
        # patient...) and either an explicit VR (two capitals) or a short implicit length.
        group, _element = struct.unpack_from("<HH", head)
        explicit = head[4:6].isalpha() and head[4:6].isupper()
        if group in _DICOM_GROUPS and (explicit or struct.unpack_from("<I", head, 4)[0] < 4096):
            return "DICOM"
    sample = head[:512]
    if sample and all(b in b"\t\n\r" or 32 <= b < 127 or b >= 0x80 for b in sample):
        return "TEXT"
    return None


def _raster_dims(data: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) from the file header, without decoding; None if not found."""
    try:
        if fmt == "PNG":
            return struct.unpack_from(">II", data, 16)
        if fmt == "BMP":
            width, height = struct.unpack_from("<ii", data, 18)
            return abs(width), abs(height)
        if fmt == "JPEG":
            frame = _jpeg_frame(data)
            return None if frame is None else (frame[0], frame[1])
        if fmt == "TIFF":
            end = "<" if data[:2] == b"II" else ">"
            (ifd,) = struct.unpack_from(end + "I", data, 4)
            (count,) = struct.unpack_from(end + "H", data, ifd)
            dims: dict[int, int] = {}
            for i in range(count):
                tag, typ, _n = struct.unpack_from(end + "HHI", data, ifd + 2 + 12 * i)
                if tag in (256, 257):
                    fmt_v = end + ("H" if typ == 3 else "I")
                    dims[tag] = struct.unpack_from(fmt_v, data, ifd + 10 + 12 * i)[0]
            return (dims[256], dims[257]) if len(dims) == 2 else None
    except (struct.error, KeyError, IndexError):
        return None
    return None


def _jpeg_frame(data: bytes) -> tuple[int, int, int, int] | None:
    """(width, height, bits per sample, components) from a JPEG's start-of-frame header."""
    pos = 2
    try:
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            (length,) = struct.unpack_from(">H", data, pos + 2)
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                precision, height, width, components = struct.unpack_from(">BHHB", data, pos + 4)
                return width, height, precision, components
            pos += 2 + length
    except struct.error:
        return None
    return None


def robust_window(pixels: np.ndarray, low_pct: float = 0.5,
                  high_pct: float = 99.5) -> tuple[float, float]:
    """A (center, width) window spanning the given percentiles of *pixels*.

    Computed on a subsample (at most ~250k values) so it costs a few ms at any size.
    """
    step = max(1, int(np.sqrt(pixels.size / 250_000)))
    sample = pixels[::step, ::step]
    low, high = (float(v) for v in np.percentile(sample, (low_pct, high_pct)))
    if high <= low:
        low, high = float(sample.min()), float(sample.max())
    if high <= low:
        high = low + 1.0
    return (low + high) / 2, high - low


def _check_raster(path: Path, data: bytes, fmt: str, max_pixels: int) -> None:
    """Refuse what must not be decoded: too many pixels declared, a truncated JPEG."""
    dims = _raster_dims(data, fmt)
    if dims is not None and dims[0] * dims[1] > max_pixels:
        raise ImageLoadError(
            f"declares an image of {dims[0]} x {dims[1]} pixels "
            f"({dims[0] * dims[1] / 1e6:.0f} megapixels), more than the limit of "
            f"{max_pixels / 1e6:.0f} megapixels; it was not opened to protect memory.",
            path=path)
    if fmt == "JPEG" and b"\xff\xd9" not in data[-64:]:
        # libjpeg pads a truncated JPEG with gray and only warns; a clinician must not
        # read a half-grey radiograph as if it were whole.
        raise ImageLoadError("is a truncated JPEG (the end of the image is missing).",
                             path=path)


def _load_raster(path: Path, data: bytes, fmt: str, max_pixels: int) -> dict:
    _check_raster(path, data, fmt, max_pixels)
    buf = np.frombuffer(data, dtype=np.uint8)
    # ANYDEPTH keeps 16 bits, ANYCOLOR keeps gray as gray; unlike IMREAD_UNCHANGED this
    # honours EXIF orientation (phone photos of films) and drops alpha.
    img = cv2.imdecode(buf, cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR)
    if img is None or img.size == 0:
        raise ImageLoadError(f"could not be decoded as {fmt}: the file is damaged or "
                             "truncated.", path=path)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 3:
        img = img[:, :, :3]
        if (np.array_equal(img[:, :, 0], img[:, :, 1])
                and np.array_equal(img[:, :, 1], img[:, :, 2])):
            img = np.ascontiguousarray(img[:, :, 0])  # gray stored as colour
        else:
            if img.dtype != np.uint8:
                img = (img / 257 if img.dtype == np.uint16 else img).astype(np.uint8)
            rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
            return {"pixels": rgb, "window": (127.5, 255.0), "value_range": (0.0, 255.0),
                    "photometric": "RGB"}
    if img.dtype == np.uint8:
        return {"pixels": img.astype(np.float32), "window": (127.5, 255.0),
                "value_range": (0.0, 255.0), "photometric": "MONOCHROME2"}
    pixels = img.astype(np.float32)
    return {"pixels": pixels, "window": robust_window(pixels),
            "value_range": (float(pixels.min()), float(pixels.max())),
            "photometric": "MONOCHROME2"}


def _read_checked(path: Path) -> bytes:
    """Read the whole file, turning OS errors into clinician-readable ones."""
    try:
        with open_regular(path) as fh:
            return fh.read()
    except NotRegularFileError as exc:
        raise ImageLoadError(f"{exc.strerror}; only image files can be opened.",
                             path=path) from exc
    except FileNotFoundError as exc:
        raise ImageLoadError("file not found.", path=path) from exc
    except IsADirectoryError as exc:
        raise ImageLoadError("is a folder, not an image file.", path=path) from exc
    except PermissionError as exc:
        raise ImageLoadError("cannot be read: permission denied. Ask your administrator "
                             "for read access.", path=path) from exc
    except OSError as exc:
        raise ImageLoadError(f"cannot be read: {exc.strerror or exc}.", path=path,
                             details=repr(exc)) from exc


def load_image(path: str | os.PathLike[str], frame: int = 0,
               max_pixels: int = DEFAULT_MAX_PIXELS) -> XRayImage:
    """Load an X-ray from *path*.

    Parameters
    ----------
    path
        PNG, JPEG, BMP, TIFF (8/16-bit, gray or colour) or DICOM (any transfer syntax an
        installed pydicom plugin decodes; with or without preamble/extension).
    frame
        Zero-based frame of a multi-frame DICOM (ignored by single-frame files only when 0).
    max_pixels
        Refuse images whose header declares more pixels per frame than this.

    Raises
    ------
    ImageLoadError
        For any file that cannot be shown, with a message naming the file and the reason.
    """
    path = Path(os.fsdecode(path))
    try:
        return _load(path, frame, max_pixels)
    except (ImageLoadError, KeyboardInterrupt, SystemExit):
        raise
    except MemoryError as exc:
        raise ImageLoadError("is too large to open with the memory available.",
                             path=path) from exc
    except BaseException as exc:  # noqa: B036 - Rust decoders panic with a BaseException
        # Damaged files reach corners of pydicom and its plugins that raise anything;
        # the user must still get a message, never a traceback.
        raise ImageLoadError(
            f"could not be decoded: the file is damaged or uses an unsupported variant "
            f"({type(exc).__name__}).", path=path,
            details="".join(traceback.format_exception(exc))) from exc


def _load(path: Path, frame: int, max_pixels: int) -> XRayImage:
    if path.is_dir():
        raise ImageLoadError("is a folder, not an image file.", path=path)
    try:
        # Only regular files: a named pipe would block here forever, a device never end.
        with open_regular(path) as fh:
            head = fh.read(1024)
    except OSError:
        _read_checked(path)  # raises the specific, readable error
        raise
    if not head:
        raise ImageLoadError("the file is empty (0 bytes).", path=path)
    kind = _sniff(head)
    suffix = path.suffix.lower()
    if kind == "DICOM" or (kind is None and suffix in _DICOM_SUFFIXES):
        if suffix in _RASTER_SUFFIXES:
            raise ImageLoadError(
                f"is named as a {_RASTER_SUFFIXES[suffix]} image but contains a DICOM file. "
                "Rename it to .dcm to open it.", path=path)
        return _from_dicom(path, frame, max_pixels)
    if kind in ("PNG", "JPEG", "TIFF", "BMP"):
        if suffix in _DICOM_SUFFIXES:
            raise ImageLoadError(
                f"is not a DICOM file: it contains a {kind} image under a DICOM name, so no "
                f"DICOM header (window, orientation, patient data) can be read. Rename it "
                f"to .{kind.lower()} to open it as a plain image.", path=path)
        if frame != 0:
            raise ImageLoadError(f"has 1 frame; frame {frame + 1} does not exist.", path=path)
        fields = _load_raster(path, _read_checked(path), kind, max_pixels)
        pixels = fields.pop("pixels")
        pixels.flags.writeable = False
        return XRayImage(pixels=pixels, path=path, format=kind, **fields)
    if kind == "TEXT":
        raise ImageLoadError("is not an image: it contains text.", path=path)
    raise ImageLoadError(
        "is not an image in a supported format (PNG, JPEG, BMP, TIFF or DICOM).", path=path)


# JPEG's DCT scaling: decode 1/2, 1/4 or 1/8 of each side for the cost of the entropy
# decoding alone (IDCT, colour conversion and the later resize shrink with the image).
_REDUCED_FLAGS = {
    2: (cv2.IMREAD_REDUCED_GRAYSCALE_2, cv2.IMREAD_REDUCED_COLOR_2),
    4: (cv2.IMREAD_REDUCED_GRAYSCALE_4, cv2.IMREAD_REDUCED_COLOR_4),
    8: (cv2.IMREAD_REDUCED_GRAYSCALE_8, cv2.IMREAD_REDUCED_COLOR_8),
}


def reduction_factor(width: int, height: int, min_side: int) -> int:
    """The largest JPEG scale divisor (8, 4 or 2) that leaves at least ``min_side``
    pixels on each side of a ``width`` x ``height`` image; 1 when none does."""
    return next((f for f in (8, 4, 2) if min(width, height) // f >= min_side), 1)


def load_reduced(path: str | os.PathLike[str], min_side: int,
                 max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray | None:
    """An 8-bit JPEG decoded at the smallest DCT scale that keeps ``min_side`` pixels a side.

    For a model whose input is much smaller than the picture: ``load_image`` decodes a
    3000 px film at full size (to show it), then the model input is shrunk from it; here
    libjpeg decodes it at 1/2, 1/4 or 1/8 scale (chosen from the header's dimensions),
    with the same refusals (pixel limit, truncation) and EXIF orientation.

    Returns
    -------
    numpy.ndarray or None
        uint8 ``(h, w)`` gray or ``(h, w, 3)`` RGB (a colour JPEG stays in colour, so a
        colour photograph still looks like one); None when the file is not such a JPEG
        or is too small to reduce: the caller then uses :func:`load_image`.

    Raises
    ------
    ImageLoadError
        As :func:`load_image`, for a JPEG that cannot be read or decoded.
    """
    path = Path(os.fsdecode(path))
    if path.suffix.lower() in _DICOM_SUFFIXES:
        return None  # load_image explains why a JPEG named .dcm is refused
    try:
        with open_regular(path) as fh:
            head = fh.read(1024)
    except OSError:
        return None  # load_image turns it into the readable error
    if _sniff(head) != "JPEG":
        return None
    data = _read_checked(path)
    frame = _jpeg_frame(data)
    if frame is None:
        return None
    width, height, precision, components = frame
    factor = reduction_factor(width, height, min_side)
    if precision != 8 or components not in (1, 3) or factor == 1:
        return None
    _check_raster(path, data, "JPEG", max_pixels)
    gray_flag, colour_flag = _REDUCED_FLAGS[factor]
    try:
        img = cv2.imdecode(np.frombuffer(data, dtype=np.uint8),
                           gray_flag if components == 1 else colour_flag)
    except cv2.error as exc:
        raise ImageLoadError("could not be decoded as JPEG: the file is damaged or truncated.",
                             path=path, details=repr(exc)) from exc
    if img is None or img.size == 0:
        raise ImageLoadError("could not be decoded as JPEG: the file is damaged or truncated.",
                             path=path)
    if img.ndim == 3:
        if np.array_equal(img[:, :, 0], img[:, :, 1]) and np.array_equal(img[:, :, 1], img[:, :, 2]):
            return np.ascontiguousarray(img[:, :, 0])  # gray stored as colour
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    return img


# What a chest-radiograph model can read: projection radiography of the chest.
RADIOGRAPH_MODALITIES = frozenset({"CR", "DX", "DR", "RG", "RF"})
CHEST_BODY_PARTS = ("CHEST", "THORAX", "LUNG", "RIB", "PORTABLE CHEST")


def applicability_warnings(image: XRayImage) -> list[str]:
    """Reasons from the file itself why a chest X-ray model's reading may be meaningless.

    Only what the header states is used (DICOM Modality, Body Part Examined, frames);
    plain image files carry no such information and get no warning.
    """
    warnings = []
    body_part = next((t.value for t in image.tags if t.keyword == "BodyPartExamined"), "")
    if image.modality and image.modality.upper() not in RADIOGRAPH_MODALITIES:
        warnings.append(f"the file is a {image.modality} study, not a plain radiograph")
    elif image.modality.upper() == "RF" and not any(p in body_part.upper() for p in CHEST_BODY_PARTS):
        # Fluoroscopy is mostly of other parts (shoulder, swallow, spine); only a header
        # that names the chest makes it a chest radiograph.
        warnings.append("the file is a fluoroscopy (RF) study whose header does not say it shows the chest")
    if body_part.strip() and not any(p in body_part.upper() for p in CHEST_BODY_PARTS):
        warnings.append(f"its header says the body part is {body_part.strip()}, not the chest")
    if image.n_frames > 1:
        warnings.append(f"it has {image.n_frames} frames; a chest radiograph has one")
    return warnings


def preload() -> None:
    """Import pydicom and its decoders now (1-2 s here) rather than at the first DICOM.

    Meant for a background thread once the window is shown.
    """
    from medgui.core.imaging import dicom  # noqa: F401


def _from_dicom(path: Path, frame: int, max_pixels: int) -> XRayImage:
    from medgui.core.imaging import dicom  # pydicom + decoders take 1-2 s to import: on demand

    fields = dicom.load_dicom(path, frame, max_pixels)
    pixels: np.ndarray = fields["pixels"]
    if pixels.ndim == 3:
        window, value_range = (127.5, 255.0), (0.0, 255.0)
    else:
        value_range = (float(pixels.min()), float(pixels.max()))
        if fields["window"] is not None:
            center, width = fields["window"]
            window = (float(center), float(width))
        elif fields["bits_stored"] <= 8:
            low, high = fields["possible_range"]  # 8-bit: show all 256 levels as stored
            window = ((low + high) / 2, high - low)
        else:
            window = robust_window(pixels)
    pixels.flags.writeable = False
    return XRayImage(
        pixels=pixels, path=path, format="DICOM", window=window, value_range=value_range,
        frame=frame, n_frames=fields["n_frames"], photometric=fields["photometric"],
        inverted=fields["inverted"], tags=tuple(DicomTag(*t) for t in fields["tags"]),
        modality=fields["modality"], pixel_spacing=fields["pixel_spacing"],
        stored_value=fields.get("stored_value"))


if __name__ == "__main__":  # python -m medgui.core.imaging.loader FILE...: what the loader sees
    import sys

    for arg in sys.argv[1:]:
        try:
            img = load_image(arg)
        except ImageLoadError as exc:
            print(exc)
            continue
        print(f"{img.path}: {img.format} {img.photometric} {img.pixels.shape} "
              f"frames={img.n_frames} window={img.window} range={img.value_range} "
              f"inverted={img.inverted} spacing={img.pixel_spacing}")
