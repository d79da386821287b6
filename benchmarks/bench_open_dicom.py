"""Open-and-display time of an X-ray: ``load_image(path)`` then ``to_uint8()``.

Usage::

    python benchmarks/bench_open_dicom.py [PATH ...] [--repeat N]

Without PATH it writes a 2048 x 2048 16-bit (12 bits stored) MONOCHROME1 CR DICOM with
rescale and a header window to a temporary folder and measures that. Reports the first
open (decoder plugins load lazily on first use) and the median / min over the
following runs, split into decode (``load_image``) and windowing (``to_uint8``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from medgui.core.imaging.loader import load_image, preload  # noqa: E402


def write_sample(folder: Path) -> Path:
    """A realistic-sized radiograph: smooth anatomy-like field plus noise, 12-bit."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    size = 2048
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    field = 2000 + 1200 * np.sin(6 * x) * np.cos(4 * y)
    noise = np.random.default_rng(0).normal(0, 40, (size, size))
    pixels = np.clip(field + noise, 0, 4095).astype(np.uint16)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.Modality, ds.PatientName = "CR", "Bench^Mark"
    ds.set_pixel_data(pixels, "MONOCHROME1", 12)
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.WindowCenter, ds.WindowWidth = 1000, 2400
    path = folder / "bench_2k_16bit.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def measure(path: Path, repeat: int) -> None:
    t0 = time.perf_counter()
    image = load_image(path)
    image.to_uint8()
    first = time.perf_counter() - t0
    decode, window, total = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        image = load_image(path)
        t1 = time.perf_counter()
        image.to_uint8()
        t2 = time.perf_counter()
        decode.append(t1 - t0)
        window.append(t2 - t1)
        total.append(t2 - t0)
    shape = "x".join(str(s) for s in image.pixels.shape)
    ms = 1000.0
    print(f"{path.name}: {image.format} {shape} {image.photometric}, {path.stat().st_size / 1e6:.1f} MB")
    print(f"  first open (incl. imports): {first * ms:7.1f} ms")
    print(f"  open + to_uint8  median {statistics.median(total) * ms:7.1f} ms   "
          f"min {min(total) * ms:7.1f} ms   (n={repeat})")
    print(f"    load_image     median {statistics.median(decode) * ms:7.1f} ms")
    print(f"    to_uint8       median {statistics.median(window) * ms:7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    preload()  # pydicom and its decoder plugins: a one-off cost the app pays in background
    print(f"import pydicom + decoders: {(time.perf_counter() - t0) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        paths = args.paths or [write_sample(Path(tmp))]
        for path in paths:
            measure(path, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
