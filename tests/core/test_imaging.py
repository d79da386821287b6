"""The X-ray loader on files written by the tests: rasters, DICOM variants, bad input."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import cv2
import numpy as np
import pytest
from pydicom.data import get_testdata_file
from pydicom.uid import JPEG2000Lossless, JPEGExtended12Bit, JPEGLSLossless, RLELossless

from medgui.core.errors import ImageLoadError
from medgui.core.imaging.loader import (
    SUPPORTED_SUFFIXES,
    XRayImage,
    is_probably_image,
    load_image,
)
from tests.core.dicom_factory import (
    write_dicom,
    write_encapsulated,
    write_header_only,
    write_jpeg_dicom,
    write_report,
)

RNG = np.random.default_rng(7)


def ramp16(h: int = 24, w: int = 32, bits: int = 12) -> np.ndarray:
    """A 16-bit image with structure (not constant) using the full *bits* range."""
    y, x = np.mgrid[0:h, 0:w]
    img = (x * (2**bits - 1) // (w - 1)).astype(np.uint16)
    img[y % 5 == 0] //= 3
    return img


def gray8(h: int = 24, w: int = 32) -> np.ndarray:
    return RNG.integers(0, 256, (h, w), dtype=np.uint8)


def imwrite(path: Path, img: np.ndarray) -> Path:
    ok, data = cv2.imencode(path.suffix, img)
    assert ok
    path.write_bytes(data.tobytes())
    return path


# ---------------------------------------------------------------- rasters


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".tif"])
def test_8bit_gray_lossless_formats_load_exactly(tmp_path: Path, suffix: str) -> None:
    img = gray8()
    image = load_image(imwrite(tmp_path / f"x{suffix}", img))
    assert image.pixels.dtype == np.float32 and image.pixels.shape == img.shape
    np.testing.assert_array_equal(image.pixels, img)
    assert image.window == (127.5, 255.0) and image.value_range == (0.0, 255.0)
    # The default window of an 8-bit image is the identity.
    np.testing.assert_array_equal(image.to_uint8(), img)
    assert image.format == {".png": "PNG", ".bmp": "BMP", ".tif": "TIFF"}[suffix]
    assert not image.is_rgb and image.tags == ()


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16bit_keeps_full_range_and_gets_percentile_window(tmp_path: Path, suffix: str) -> None:
    img = ramp16(bits=16)
    image = load_image(imwrite(tmp_path / f"x{suffix}", img))
    np.testing.assert_array_equal(image.pixels, img.astype(np.float32))
    assert image.value_range == (float(img.min()), float(img.max()))
    center, width = image.window
    assert img.min() <= center - width / 2 < center + width / 2 <= img.max()
    u8 = image.to_uint8()
    assert u8.dtype == np.uint8 and u8.min() == 0 and u8.max() == 255


def test_jpeg_decodes_like_opencv(tmp_path: Path) -> None:
    img = cv2.GaussianBlur(gray8(64, 64), (5, 5), 0)
    path = imwrite(tmp_path / "x.jpg", img)
    image = load_image(path)
    assert image.format == "JPEG"
    expected = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    np.testing.assert_array_equal(image.pixels, expected)


def test_rgb_png_is_rgb_in_rgb_order(tmp_path: Path) -> None:
    bgr = np.zeros((10, 12, 3), np.uint8)
    bgr[:, :, 2] = 200  # red in OpenCV's BGR order
    bgr[:5, :, 0] = 50
    image = load_image(imwrite(tmp_path / "c.png", bgr))
    assert image.is_rgb and image.pixels.dtype == np.uint8
    assert image.photometric == "RGB"
    np.testing.assert_array_equal(image.pixels[..., 0], 200)
    np.testing.assert_array_equal(image.to_uint8(), image.pixels)
    # Re-windowing applies to colour too: a narrow window saturates.
    assert image.to_uint8((100, 2)).max() == 255 and image.to_uint8((100, 2)).min() == 0


def test_rgba_drops_alpha_and_equal_channels_become_gray(tmp_path: Path) -> None:
    g = gray8()
    bgra = np.dstack([g, g, g, np.full_like(g, 10)])
    image = load_image(imwrite(tmp_path / "a.png", bgra))
    assert not image.is_rgb
    np.testing.assert_array_equal(image.pixels, g)


def test_unicode_path_and_content_over_suffix(tmp_path: Path) -> None:
    img = gray8()
    folder = tmp_path / "thorax ñ 肺"
    folder.mkdir()
    assert np.array_equal(load_image(imwrite(folder / "bild.png", img)).pixels, img)
    # A JPEG named .png is decoded as the JPEG it is.
    ok, data = cv2.imencode(".jpg", img)
    (tmp_path / "really_jpeg.png").write_bytes(data.tobytes())
    assert load_image(tmp_path / "really_jpeg.png").format == "JPEG"


# ---------------------------------------------------------------- DICOM


def test_monochrome2_dicom_with_header_window_and_tags(tmp_path: Path) -> None:
    img = ramp16()
    path = write_dicom(tmp_path / "m2.dcm", img, bits_stored=12, window=(["1000", "2000"],
                                                                          ["500", "800"]))
    image = load_image(path)
    assert image.format == "DICOM" and image.photometric == "MONOCHROME2"
    np.testing.assert_array_equal(image.pixels, img.astype(np.float32))
    assert image.window == (1000.0, 500.0)  # multi-valued: the first
    assert not image.inverted and image.modality == "CR"
    u8 = image.to_uint8()
    assert np.all(u8[img <= 750] == 0) and np.all(u8[img >= 1250] == 255)
    tags = {t.keyword: t for t in image.tags}
    assert tags["PatientName"].value == "Doe^Jane" and tags["PatientName"].identifying
    assert tags["PatientID"].identifying and tags["StudyDate"].identifying
    assert tags["SOPInstanceUID"].identifying and tags["InstitutionName"].identifying
    assert not tags["Modality"].identifying and not tags["SOPClassUID"].identifying
    assert tags["Rows"].tag == "(0028,0010)" and tags["Rows"].name == "Rows"
    assert "PixelData" not in tags


def test_monochrome1_is_inverted_with_its_window(tmp_path: Path) -> None:
    img = ramp16(bits=12)
    path = write_dicom(tmp_path / "m1.dcm", img, photometric="MONOCHROME1", bits_stored=12,
                       window=(1000, 400))
    image = load_image(path)
    assert image.inverted and image.photometric == "MONOCHROME1"
    np.testing.assert_array_equal(image.pixels, 4095 - img.astype(np.float32))
    assert image.window == (4095 - 1000, 400)
    u8 = image.to_uint8()
    # Low stored values (dense tissue in MONOCHROME1) are shown bright.
    assert np.all(u8[img <= 800] == 255) and np.all(u8[img >= 1200] == 0)


def test_rescale_slope_intercept_applied(tmp_path: Path) -> None:
    img = ramp16(bits=12)
    image = load_image(write_dicom(tmp_path / "r.dcm", img, bits_stored=12,
                                   rescale=(2.0, -1024.0)))
    np.testing.assert_array_equal(image.pixels, img.astype(np.float32) * 2 - 1024)
    assert image.value_range == (float(img.min()) * 2 - 1024, float(img.max()) * 2 - 1024)


def test_modality_lut_sequence_applied(tmp_path: Path) -> None:
    img = (np.arange(64, dtype=np.uint16) % 16).reshape(8, 8)
    lut = (np.arange(16) ** 2 * 10).astype(np.uint16)
    image = load_image(write_dicom(tmp_path / "lut.dcm", img, bits_stored=4, modality_lut=lut))
    np.testing.assert_array_equal(image.pixels, lut[img].astype(np.float32))


def test_multiframe_selects_frame(tmp_path: Path) -> None:
    frames = np.stack([np.full((6, 7), 100 * i, np.uint16) for i in range(4)])
    path = write_dicom(tmp_path / "mf.dcm", frames, bits_stored=12)
    image = load_image(path, frame=2)
    assert image.n_frames == 4 and image.frame == 2
    np.testing.assert_array_equal(image.pixels, 200)
    with pytest.raises(ImageLoadError, match="has 4 frame.*frame 5 does not exist"):
        load_image(path, frame=4)


def test_rgb_dicom(tmp_path: Path) -> None:
    rgb = RNG.integers(0, 256, (8, 9, 3), dtype=np.uint8)
    image = load_image(write_dicom(tmp_path / "rgb.dcm", rgb))
    assert image.is_rgb
    np.testing.assert_array_equal(image.pixels, rgb)


def test_no_preamble_no_meta_no_extension(tmp_path: Path) -> None:
    img = ramp16(bits=10)
    path = write_dicom(tmp_path / "IM0001", img, photometric="MONOCHROME1", bits_stored=10,
                       file_meta=False)
    assert path.read_bytes()[128:132] != b"DICM"
    assert is_probably_image(path)
    image = load_image(path)
    np.testing.assert_array_equal(image.pixels, 1023 - img.astype(np.float32))


@pytest.mark.parametrize("syntax", [RLELossless, JPEGLSLossless, JPEG2000Lossless])
def test_compressed_dicom_decodes_to_original(tmp_path: Path, syntax: str) -> None:
    img = ramp16(40, 48, bits=12)
    path = write_dicom(tmp_path / "c.dcm", img, bits_stored=12, compress=syntax)
    image = load_image(path)
    assert next(t.value for t in image.tags if t.keyword == "TransferSyntaxUID") == syntax
    np.testing.assert_array_equal(image.pixels, img.astype(np.float32))


def test_jpeg_baseline_dicom_matches_the_jpeg(tmp_path: Path) -> None:
    img = cv2.GaussianBlur(gray8(32, 40), (5, 5), 0)
    jpeg = write_jpeg_dicom(tmp_path / "jb.dcm", img)
    expected = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    image = load_image(tmp_path / "jb.dcm")
    # Two JPEG decoders may round the IDCT differently by one level.
    assert np.abs(image.pixels - expected).max() <= 2
    assert image.window == (127.5, 255.0)


def test_jpeg_lossless_dicom_from_pydicom_test_files() -> None:
    # pydicom ships these small files with its wheel (MIT): the same RGB pixels stored
    # as JPEG Lossless (process 14) and as RLE.
    lossless = load_image(get_testdata_file("SC_rgb_jpeg_gdcm.dcm"))
    reference = load_image(get_testdata_file("SC_rgb_rle.dcm"))
    assert lossless.is_rgb
    np.testing.assert_array_equal(lossless.pixels, reference.pixels)


def test_signed_pixels_with_rescale(tmp_path: Path) -> None:
    img = (ramp16(bits=11).astype(np.int16) - 1000).astype(np.int16)  # negative values
    image = load_image(write_dicom(tmp_path / "ct.dcm", img, bits_stored=12,
                                   rescale=(1.0, -24.0), Modality="CT"))
    np.testing.assert_array_equal(image.pixels, img.astype(np.float32) - 24)
    assert image.value_range[0] < -1000 and image.modality == "CT"


def test_ybr_and_big_endian_from_pydicom_test_files() -> None:
    rgb = load_image(get_testdata_file("SC_rgb_rle.dcm")).pixels.astype(int)
    ybr = load_image(get_testdata_file("SC_ybr_full_422_uncompressed.dcm"))
    assert ybr.is_rgb and ybr.photometric == "YBR_FULL_422"
    assert np.abs(ybr.pixels.astype(int) - rgb).max() <= 8  # YCbCr rounding only
    big = load_image(get_testdata_file("MR_small_bigendian.dcm"))
    little = load_image(get_testdata_file("MR_small.dcm"))
    np.testing.assert_array_equal(big.pixels, little.pixels)


# ---------------------------------------------------------------- bad input


def expect_error(path: Path, *fragments: str, **kwargs: object) -> ImageLoadError:
    with pytest.raises(ImageLoadError) as info:
        load_image(path, **kwargs)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    return info.value


def test_missing_empty_folder_and_text(tmp_path: Path) -> None:
    expect_error(tmp_path / "nope.dcm", "not found")
    (tmp_path / "empty.png").write_bytes(b"")
    expect_error(tmp_path / "empty.png", "empty")
    expect_error(tmp_path, "folder")
    (tmp_path / "notes.dcm").write_text("Patient seen today, chest clear.\n" * 20)
    expect_error(tmp_path / "notes.dcm", "not an image", "text")
    (tmp_path / "noise.bin").write_bytes(bytes(RNG.integers(0, 256, 600, dtype=np.uint8)))
    expect_error(tmp_path / "noise.bin", "not an image in a supported format")


def test_file_the_os_refuses_to_read(tmp_path: Path) -> None:
    # A socket has a name on disk but cannot be opened: the OS refuses, as it does for a
    # locked file. (Root ignores file permissions, so chmod alone cannot test this in CI.)
    sock_path = tmp_path / "scan.dcm"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(ImageLoadError) as info:
            load_image(sock_path)
    assert "scan.dcm" in str(info.value)
    if os.geteuid() != 0:
        path = imwrite(tmp_path / "locked.png", gray8())
        path.chmod(0)
        expect_error(path, "permission denied")


def test_truncated_files(tmp_path: Path) -> None:
    for suffix in (".png", ".jpg"):
        data = imwrite(tmp_path / f"full{suffix}", gray8(64, 64)).read_bytes()
        (tmp_path / f"cut{suffix}").write_bytes(data[: len(data) // 2])
        expect_error(tmp_path / f"cut{suffix}", "truncated")
    data = write_dicom(tmp_path / "full.dcm", ramp16(), bits_stored=12).read_bytes()
    (tmp_path / "cut.dcm").write_bytes(data[:-200])
    expect_error(tmp_path / "cut.dcm", "damaged or truncated")
    (tmp_path / "header_only.dcm").write_bytes(data[:600])  # cut before the pixel data
    expect_error(tmp_path / "header_only.dcm", "Computed Radiography Image Storage",
                 "image data is missing", "truncated")


@pytest.mark.parametrize("syntax", [RLELossless, JPEG2000Lossless])
def test_damaged_compressed_dicom_never_escapes_as_other_error(tmp_path: Path,
                                                              syntax: str) -> None:
    # Decoders fail in many ways (the RLE plugin even panics in Rust): every cut and
    # every flipped byte must end as ImageLoadError or as a loaded image.
    data = write_dicom(tmp_path / "c.dcm", ramp16(40, 48, bits=12), bits_stored=12,
                       compress=syntax).read_bytes()
    damaged = tmp_path / "damaged.dcm"
    outcomes = set()
    # Every byte of the pixel data's start (offset table, RLE/J2K headers), then a stride.
    start = data.rfind(b"\xe0\x7f\x10\x00")
    positions = [*range(start, start + 120), *range(1, len(data), max(1, len(data) // 40))]
    for n in positions:
        for variant in (data[:n], data[:n] + bytes([data[n] ^ 0xFF]) + data[n + 1:]):
            damaged.write_bytes(variant)
            try:
                load_image(damaged)
                outcomes.add("loaded")
            except ImageLoadError as exc:
                assert str(damaged) in str(exc)
                outcomes.add("error")
    assert outcomes == {"loaded", "error"}


def test_png_renamed_dcm_is_refused_with_reason(tmp_path: Path) -> None:
    data = imwrite(tmp_path / "x.png", gray8()).read_bytes()
    (tmp_path / "x.dcm").write_bytes(data)
    expect_error(tmp_path / "x.dcm", "not a DICOM file", "PNG", "Rename it to .png")


def test_dicom_without_image(tmp_path: Path) -> None:
    expect_error(write_report(tmp_path / "sr.dcm"), "contains no image", "Basic Text SR Storage")


def test_no_decoder_names_transfer_syntax(tmp_path: Path) -> None:
    path = write_encapsulated(tmp_path / "jply.dcm", JPEGExtended12Bit,
                              b"\xff\xd8\xff\xc1" + bytes(40) + b"\xff\xd9")
    error = expect_error(path, "JPEG Extended (Process 2 and 4)", "1.2.840.10008.1.2.4.51",
                         "no installed decoder", "uncompressed")
    assert error.details  # the decoders' own messages, for "Show details"
    mpeg = write_encapsulated(tmp_path / "mpeg.dcm", "1.2.840.10008.1.2.4.100", bytes(64))
    expect_error(mpeg, "MPEG2", "no installed decoder")


def test_oversized_images_refused_before_decoding(tmp_path: Path) -> None:
    # The header claims 30000 x 30000 x 16 bit (1.8 GB) over 2 bytes of pixel data.
    expect_error(write_header_only(tmp_path / "huge.dcm", 30000, 30000), "900 megapixels",
                 "limit")
    png = imwrite(tmp_path / "big.png", gray8(20, 30))
    expect_error(png, "30 x 20 pixels", max_pixels=500)
    data = bytearray(png.read_bytes())
    data[16:24] = (40000).to_bytes(4, "big") * 2  # IHDR claims 40000 x 40000
    (tmp_path / "bomb.png").write_bytes(bytes(data))
    expect_error(tmp_path / "bomb.png", "40000 x 40000", "limit")
    for suffix in (".jpg", ".bmp", ".tif"):
        expect_error(imwrite(tmp_path / f"big{suffix}", gray8(20, 30)), "30 x 20",
                     max_pixels=500)


def test_frame_out_of_range_for_single_frame(tmp_path: Path) -> None:
    expect_error(imwrite(tmp_path / "x.png", gray8()), "frame 2 does not exist", frame=1)
    path = write_dicom(tmp_path / "x.dcm", ramp16(), bits_stored=12)
    expect_error(path, "frame 3 does not exist", frame=2)


def test_is_probably_image(tmp_path: Path) -> None:
    assert {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".dcm", ".dicom"} == set(
        SUPPORTED_SUFFIXES)
    (tmp_path / "README").write_text("not an image")
    assert not is_probably_image(tmp_path / "README")
    assert is_probably_image(tmp_path / "IMG.PNG")  # by name, even before it exists
    dicom = write_dicom(tmp_path / "x.dcm", ramp16(), bits_stored=12)
    os.replace(dicom, tmp_path / "IM0002")
    assert is_probably_image(tmp_path / "IM0002")


def test_pixels_are_read_only(tmp_path: Path) -> None:
    image = load_image(imwrite(tmp_path / "x.png", gray8()))
    assert isinstance(image, XRayImage)
    with pytest.raises(ValueError):
        image.pixels[0, 0] = 1


def test_shipped_samples_load_and_look_right() -> None:
    from medgui.core.paths import SAMPLES

    def spine_vs_lungs(pixels: np.ndarray) -> tuple[float, float]:
        h, w = pixels.shape
        band = pixels[h // 3: 2 * h // 3]
        spine = float(band[:, w // 2 - 40: w // 2 + 40].mean())
        lungs = float(np.mean([band[:, int(w * f) - 40: int(w * f) + 40].mean()
                               for f in (0.25, 0.72)]))
        return spine, lungs

    mono1 = load_image(SAMPLES / "chest_cr_nema_RG1_J2KI_monochrome1.dcm")
    assert mono1.inverted and mono1.pixels.shape == (1955, 1841)
    assert mono1.pixel_spacing is None  # the file says 0\0: unknown
    spine, lungs = spine_vs_lungs(mono1.pixels)
    assert spine > lungs + 3000  # bone white, lungs dark after inversion
    jpeg = load_image(SAMPLES / "chest_cr_siim_jpeg_baseline.dcm")
    assert jpeg.pixels.shape == (1024, 1024) and jpeg.pixel_spacing == (0.168, 0.168)
    spine, lungs = spine_vs_lungs(jpeg.pixels)
    assert spine > lungs + 50
    for name in ("kermany_normal_IM-0117-0001.jpeg",
                 "kermany_pneumonia_person1003_virus_1685.jpeg"):
        image = load_image(SAMPLES / name)
        assert image.format == "JPEG" and not image.is_rgb


def test_applicability_warnings_come_from_the_header(tmp_path: Path) -> None:
    from medgui.core.imaging.loader import applicability_warnings

    pixels = ramp16()
    chest = load_image(write_dicom(tmp_path / "chest.dcm", pixels, bits_stored=12))
    assert applicability_warnings(chest) == []
    knee = load_image(write_dicom(tmp_path / "knee.dcm", pixels, bits_stored=12,
                                  BodyPartExamined="KNEE"))
    assert applicability_warnings(knee) == ["its header says the body part is KNEE, not the chest"]
    ct = load_image(write_dicom(tmp_path / "ct.dcm", pixels, bits_stored=12, Modality="CT"))
    assert applicability_warnings(ct) == ["the file is a CT study, not a plain radiograph"]
    png = load_image(imwrite(tmp_path / "plain.png", gray8()))
    assert applicability_warnings(png) == []
