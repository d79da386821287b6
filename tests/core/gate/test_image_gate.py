"""The image applicability gate: what it lets through and what it stops (no TensorFlow).

Uses the gate shipped with ``pneumonia-cnn@1``; every input is made here: blank, noise,
a colour photograph (scikit-learn's bundled sample), a page of text, a chest film of the
shipped samples turned 90 degrees, and non-chest DICOMs written with pydicom and
converted to PNG.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file

from medgui.core import paths
from medgui.core.errors import ModelLoadError
from medgui.core.gate import image_negatives
from medgui.core.gate.files import GATE_JSON, read_gate, write_gate
from medgui.core.gate.image_features import N_FEATURES, colour_sample, describe
from medgui.core.gate.image_fit import fit_image_gate, flags
from medgui.core.gate.image_gate import ImageGate, check_image
from medgui.core.imaging.loader import applicability_warnings, load_image
from medgui.core.imaging.preprocess import model_input
from medgui.core.models.card import ModelCard, verify_files
from tests.core.dicom_factory import write_dicom

SHIPPED = paths.builtin_models() / "pneumonia-cnn" / "1"
SAMPLES = paths.RESOURCES / "samples"


@pytest.fixture(scope="module")
def gate() -> ImageGate:
    return ImageGate.from_folder(SHIPPED)


def verdict_for(gate: ImageGate, picture_or_image):  # noqa: ANN001, ANN201
    x = model_input(picture_or_image)
    header = [] if isinstance(picture_or_image, np.ndarray) else applicability_warnings(picture_or_image)
    return check_image(gate, picture_or_image, x, header)


@pytest.mark.parametrize("name", ["kermany_normal_IM-0117-0001.jpeg", "kermany_pneumonia_person1003_virus_1685.jpeg",
                                  "chest_cr_siim_jpeg_baseline.dcm", "chest_cr_nema_RG1_J2KI_monochrome1.dcm"])
def test_chest_films_pass(gate, name):
    verdict = verdict_for(gate, load_image(SAMPLES / name))
    assert verdict.applicable, verdict.scores
    assert verdict.reason == ""


def test_blank_and_noise_are_stopped(gate):
    blank = np.full((300, 300), 128, np.uint8)
    noise = np.random.default_rng(0).integers(0, 256, (300, 300), dtype=np.uint8)
    for picture in (blank, noise):
        verdict = verdict_for(gate, picture)
        assert not verdict.applicable
        assert verdict.reason.startswith("Not applicable: this looks like ")
        assert "chest radiographs" in verdict.reason  # the model's domain is named


def test_colour_photograph_is_stopped(gate):
    from sklearn.datasets import load_sample_images

    for photo in load_sample_images().images:
        verdict = verdict_for(gate, photo)
        assert not verdict.applicable
        assert verdict.looks_like in ("a photograph", "a colour picture", "a drawing or a graphic")


def test_page_of_text_is_stopped(gate):
    page = np.full((1100, 850), 250, np.uint8)
    for i, y in enumerate(range(80, 1040, 34)):
        cv2.putText(page, f"Line {i}: the quarterly report shows revenue up by {i} percent", (60, y),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.8, 20, 2, cv2.LINE_AA)
    verdict = verdict_for(gate, page)
    assert not verdict.applicable
    assert "document" in verdict.looks_like


def test_turned_film_is_stopped_and_named(gate):
    film = load_image(SAMPLES / "kermany_normal_IM-0117-0001.jpeg").to_uint8()
    for how, words in (("rotated 90 degrees", "on its side"), ("rotated 270 degrees", "on its side"),
                       ("upside down", "upside down")):
        verdict = verdict_for(gate, image_negatives.turned(film, how))
        assert not verdict.applicable, how
        assert words in verdict.reason, (how, verdict.reason)


@pytest.mark.parametrize("source, modality, body_part", [("CT_small.dcm", "CT", "ABDOMEN"), ("MR_small.dcm", "MR", "HEAD")])
def test_non_chest_dicom_stopped_by_header_and_as_png_by_pixels(gate, tmp_path, source, modality, body_part):
    pixels = dcmread(get_testdata_file(source)).pixel_array.astype(np.uint16)
    pixels = (pixels - pixels.min()).astype(np.uint16)
    dicom = write_dicom(tmp_path / "scan.dcm", pixels, Modality=modality, BodyPartExamined=body_part)
    image = load_image(dicom)
    by_header = verdict_for(gate, image)
    assert not by_header.applicable and f"the file is a {modality} study" in by_header.reason
    png = tmp_path / "scan.png"
    cv2.imwrite(str(png), image.to_uint8())
    as_png = verdict_for(gate, load_image(png))  # no header any more: the pixels must tell
    assert not as_png.applicable
    assert as_png.reason.startswith("Not applicable: this looks like ")


def test_fluoroscopy_counts_as_chest_only_when_the_header_says_so(tmp_path):
    film = load_image(SAMPLES / "kermany_normal_IM-0117-0001.jpeg").to_uint8()
    shoulder = load_image(write_dicom(tmp_path / "rf.dcm", film, Modality="RF", BodyPartExamined=""))
    assert any("fluoroscopy (RF)" in w for w in applicability_warnings(shoulder))
    chest = load_image(write_dicom(tmp_path / "rf-chest.dcm", film, Modality="RF", BodyPartExamined="CHEST"))
    assert applicability_warnings(chest) == []


def test_unusual_proportions_are_stopped(gate):
    film = load_image(SAMPLES / "kermany_normal_IM-0117-0001.jpeg").to_uint8()
    strip = cv2.resize(film, (film.shape[1] * 3, film.shape[0] // 2))
    verdict = verdict_for(gate, strip)
    assert not verdict.applicable and "proportions" in verdict.looks_like


def test_fit_write_read_round_trip(tmp_path):
    """A gate fitted on one kind of synthetic picture accepts more of it and stops others;
    written as JSON + NPZ and read back without pickle, it gives the same verdicts."""
    rng = np.random.default_rng(3)

    def blobs(n: int) -> np.ndarray:
        rows = []
        for _ in range(n):
            img = np.zeros((64, 64), np.uint8)
            cv2.circle(img, (int(rng.integers(24, 40)), int(rng.integers(24, 40))), int(rng.integers(10, 18)), 200, -1)
            img = cv2.GaussianBlur(img, (0, 0), 3) + rng.integers(0, 20, (64, 64), dtype=np.uint8)
            rows.append(describe(model_input(img, 64), colour_sample(img)))
        return np.stack(rows)

    negatives = {k: np.stack([describe(model_input(p, 64), colour_sample(p)) for p in image_negatives.make(k, 30, 1)])
                 for k in ("noise", "document")}
    meta, arrays = fit_image_gate(blobs(120), blobs(60), negatives, pass_rate=0.95)
    assert flags(blobs(100), meta, arrays).mean() <= 0.15
    assert flags(np.stack([describe(model_input(p, 64), colour_sample(p)) for p in image_negatives.make("pattern", 30, 2)]),
                 meta, arrays).mean() >= 0.9  # a kind it never saw
    write_gate(tmp_path, meta, arrays)
    meta2, arrays2 = read_gate(tmp_path, "image")
    gate = ImageGate(meta2, arrays2)
    x = blobs(20)
    assert [not gate.passes(gate.scores(row)) for row in x] == flags(x, meta, arrays).tolist()
    assert x.shape[1] == N_FEATURES


def test_a_modified_gate_file_fails_the_integrity_check(tmp_path):
    for name in ("card.json", "model.keras", "gate.json", "gate.npz"):
        (tmp_path / name).write_bytes((SHIPPED / name).read_bytes())
    card = ModelCard.from_json(__import__("json").loads((tmp_path / "card.json").read_text()), tmp_path)
    card.files = {k: v for k, v in card.files.items() if (tmp_path / k).exists()}
    verify_files(card)
    with open(tmp_path / GATE_JSON, "a") as fh:
        fh.write(" ")
    with pytest.raises(ModelLoadError, match="gate.json"):
        verify_files(card)


def test_a_gate_of_another_kind_is_refused(tmp_path):
    write_gate(tmp_path, {"kind": "text"})
    with pytest.raises(ModelLoadError):
        ImageGate.from_folder(Path(tmp_path))
