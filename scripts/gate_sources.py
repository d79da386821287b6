"""Where ``build_gates.py`` finds its examples: in-domain films and real out-of-domain pictures.

Kept apart from the gate itself (``medgui.core.gate``): these read the shared data folder
and sample pictures bundled in installed packages, which a user's install does not have.
Every reader returns ``(name, group, picture-or-XRayImage)`` triples.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from medgui.core.errors import ImageLoadError
from medgui.core.imaging.loader import XRayImage, load_image

Example = tuple[str, str, "XRayImage | np.ndarray"]


def patient_of(name: str) -> str:
    """Kermany file names name the patient: ``person12_virus_3``, ``IM-0115-0001``,
    ``NORMAL2-IM-1427-0001``."""
    m = re.match(r"(person\d+)_", name) or re.match(r"(?:NORMAL2-)?(IM-\d+)-", name)
    return m.group(1) if m else name


def kermany(root: Path) -> Iterator[Example]:
    for cls in ("NORMAL", "PNEUMONIA"):
        for f in sorted((root / cls).iterdir()):
            yield f"{cls}/{f.name}", patient_of(f.name), f


def load(item: Path | XRayImage | np.ndarray, frame: int = 0) -> XRayImage | np.ndarray | None:
    if isinstance(item, Path):
        try:
            return load_image(item, frame)
        except ImageLoadError:
            return None
    return item


def _read(path: Path) -> np.ndarray | None:
    img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if img is None:
        return None
    if img.ndim == 3:
        img = cv2.cvtColor(img[:, :, :3], cv2.COLOR_BGR2RGB)
    if img.dtype != np.uint8:
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return img


def augment(picture: np.ndarray, rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """``n`` random crops (30-100 % of the side), some mirrored, some resized, of one picture."""
    out = []
    h, w = picture.shape[:2]
    for _ in range(n):
        s = rng.uniform(0.3, 1.0)
        ch, cw = max(8, int(h * s)), max(8, int(w * s * rng.uniform(0.75, 1.33)))
        cw = min(cw, w)
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        crop = picture[y : y + ch, x : x + cw]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        out.append(np.ascontiguousarray(crop))
    return out


PHOTOS_COLOUR = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png",
                 "hubble_deep_field.jpg", "ihc.png", "retina.jpg", "color.png", "logo.png")
PHOTOS_GRAY = ("camera.png", "moon.png", "coins.png", "brick.png", "grass.png", "gravel.png",
               "cell.png", "clock_motion.png", "horse.png", "microaneurysms.png", "text.png", "page.png")


def photos(skimage_data: Path | None, per_image: int, seed: int) -> Iterator[Example]:
    """Natural photographs: scikit-learn's two sample images, plus scikit-image's when given."""
    from sklearn.datasets import load_sample_images

    rng = np.random.default_rng(seed)
    sources: list[tuple[str, np.ndarray]] = [
        (f"sklearn-{i}", img) for i, img in enumerate(load_sample_images().images)]
    if skimage_data is not None:
        for name in PHOTOS_COLOUR + PHOTOS_GRAY:
            img = _read(skimage_data / name)
            if img is not None:
                sources.append((f"skimage-{name}", img))
    for name, img in sources:
        for k, crop in enumerate(augment(img, rng, per_image)):
            if img.ndim == 3 and rng.random() < 0.3:  # a gray copy of a colour photo
                crop = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
            yield f"{name}#{k}", name, crop


def faces(skimage_data: Path) -> Iterator[Example]:
    """Scikit-image's 200 small gray face photographs (Labeled Faces in the Wild)."""
    arr = np.load(skimage_data / "lfw_subset.npy", allow_pickle=False)
    for i, face in enumerate(arr):
        yield f"lfw#{i}", f"lfw{i}", (np.clip(face, 0, 1) * 255).astype(np.uint8)


def dicom_frames(path: Path, limit: int = 100) -> Iterator[Example]:
    first = load(path)
    if first is None:
        return
    assert isinstance(first, XRayImage)
    yield f"{path.name}#0", path.name, first
    for frame in range(1, min(first.n_frames, limit)):
        image = load(path, frame)
        if image is not None:
            yield f"{path.name}#{frame}", path.name, image


def dicom_crops(path: Path, n: int, seed: int) -> Iterator[Example]:
    """The pixels of one DICOM as the app shows them, plus ``n`` crops of them."""
    image = load(path)
    if image is None:
        return
    assert isinstance(image, XRayImage)
    yield path.name, path.name, image
    for k, crop in enumerate(augment(image.to_uint8(), np.random.default_rng(seed), n)):
        yield f"{path.name}#{k}", path.name, crop


def other_medical(pydicom_files: Path, mpl_sample_data: Path | None, skimage_data: Path | None) -> Iterator[Example]:
    """CT, MR, nuclear-medicine, ultrasound and segmentation images from pydicom's test files,
    a brain MR from matplotlib's sample data and the Shepp-Logan phantom."""
    names = ("693_J2KI.dcm", "CT_small.dcm", "J2K_pixelrep_mismatch.dcm", "JPEG2000.dcm", "MR_small.dcm",
             "examples_overlay.dcm", "examples_rgb_color.dcm", "examples_palette.dcm", "examples_jpeg2k.dcm",
             "examples_ybr_color.dcm", "liver_1frame.dcm", "image_dfl.dcm")
    for name in names:
        yield from dicom_frames(pydicom_files / name, limit=10)
    if mpl_sample_data is not None and (mpl_sample_data / "s1045.ima.gz").is_file():
        raw = np.frombuffer(gzip.decompress((mpl_sample_data / "s1045.ima.gz").read_bytes()), "<u2")
        mri = raw.reshape(256, 256).astype(np.float32)
        yield "s1045.ima", "s1045", cv2.normalize(mri, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if skimage_data is not None and (skimage_data / "phantom.png").is_file():
        img = _read(skimage_data / "phantom.png")
        if img is not None:
            yield "phantom.png", "phantom", img


def record_in_card(folder: Path, written: list[str], figures: dict) -> None:
    """List the gate files (with their sha256) in ``folder/card.json`` and put the gate's
    figures under ``metrics["gate"]``; the rest of the card is left as it is."""
    import hashlib
    import json

    card_file = folder / "card.json"
    card = json.loads(card_file.read_text(encoding="utf-8"))
    for rel in written:
        card.setdefault("files", {})[rel] = hashlib.sha256((folder / rel).read_bytes()).hexdigest()
    card.setdefault("metrics", {})["gate"] = figures
    tmp = card_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(card_file)
