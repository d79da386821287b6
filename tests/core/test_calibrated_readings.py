"""Issue 8: readings on a model's export use its card: calibration, normalisation, population.

The models are tiny hand-written ONNX networks (``tests.core.tiny_onnx``) registered with
real hashes, read through the same code as the shipped models, without TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core.imaging.preprocess import model_input
from medgui.core.ml.image.infer import classify_image_job, get_image_classifier
from medgui.core.ml.text.classify import reading_text_classifier
from medgui.core.runtime.image import ExportedImageClassifier
from medgui.core.training.calibration import apply_calibration
from tests.core import tiny_onnx
from tests.core.dicom_factory import write_dicom
from tests.core.ml.tiny_image_model import write_png

# Pulls P(PNEUMONIA) down: a raw 0.69 becomes 0.23.
PLATT = {"method": "platt", "a": 1.0, "b": -2.0, "positive_index": 1}
KIDS = {"description": "Children aged 1 to 5 years", "age_years": [1, 5]}


def bright(tmp_path, name="bright.png"):
    """A PNG whose model input has mean 0.6: the raw network says PNEUMONIA (0.69)."""
    return write_png(tmp_path / name, np.full((16, 16), 0.6))


def gradient(size: int = 64) -> np.ndarray:
    """Low-contrast uint8 film (40..110): a contrast stretch moves its mean a lot."""
    return (40 + np.add.outer(np.arange(size), np.arange(size)) * 70 / (2 * size - 2)).astype(np.uint8)


def test_a_calibrated_card_shows_calibrated_probabilities_and_thresholds_them(tmp_path):
    card = tiny_onnx.register_image(calibration=PLATT)
    clf = get_image_classifier(card.ref)
    assert isinstance(clf, ExportedImageClassifier)  # the TF-free runtime
    png = bright(tmp_path)
    raw = tiny_onnx.raw_p(np.full((8, 8, 1), 153 / 255))
    assert raw > 0.5  # uncalibrated, the 0.5 threshold would call it PNEUMONIA
    expected = float(apply_calibration([1 - raw, raw], PLATT)[1])
    assert expected < 0.5
    (one,) = clf.classify_paths([png])
    job = classify_image_job({"path": str(png), "model": card.ref}, lambda _: None, lambda: False)
    for result in (one, job):
        assert result["calibrated"] is True
        assert result["probabilities"]["PNEUMONIA"] == pytest.approx(expected, abs=1e-5)
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
        assert result["label"] == "NORMAL"  # the threshold is on the calibrated probability
    assert clf.classify(np.full((1, 8, 8, 1), 153 / 255, np.float32))[0, 1] == pytest.approx(raw, abs=1e-5)


def test_a_card_without_a_map_reads_as_before(tmp_path):
    card = tiny_onnx.register_image()
    (result,) = get_image_classifier(card.ref).classify_paths([bright(tmp_path)])
    assert result["calibrated"] is False
    assert result["probabilities"]["PNEUMONIA"] == pytest.approx(tiny_onnx.raw_p(np.full(1, 153 / 255)), abs=1e-5)
    assert result["label"] == "PNEUMONIA" and result["warnings"] == []


def test_the_cards_normalisation_reaches_the_model_input_in_every_reading_path(tmp_path):
    card = tiny_onnx.register_image(preprocessing={"normalise": "clahe"})
    clf = get_image_classifier(card.ref)
    assert clf.normalise == "clahe"
    film = gradient()
    png = tmp_path / "film.png"
    write_png(png, film / 255.0)
    with_clahe = tiny_onnx.raw_p(model_input(film, tiny_onnx.SIZE, "clahe"))
    without = tiny_onnx.raw_p(model_input(film, tiny_onnx.SIZE, "none"))
    assert abs(with_clahe - without) > 0.05  # the test can tell the two apart
    (batch,) = clf.classify_paths([png])
    job = classify_image_job({"path": str(png), "model": card.ref}, lambda _: None, lambda: False)
    in_memory = clf.classify_image(film)
    for result in (batch, job, in_memory):
        assert result["probabilities"]["PNEUMONIA"] == pytest.approx(with_clahe, abs=1e-4)
    plain = get_image_classifier(tiny_onnx.register_image("plain").ref)
    assert plain.normalise == "none"
    assert plain.classify_image(film)["probabilities"]["PNEUMONIA"] == pytest.approx(without, abs=1e-4)


def test_the_gate_sees_the_plain_input_whatever_the_network_reads(tmp_path, monkeypatch):
    """A gate is fitted on plain inputs (pixels / 255); a CLAHE input looked like a document
    to it and withheld 40 % of real films before this was fixed."""
    from medgui.core.runtime import image as runtime_image

    seen = []
    monkeypatch.setattr(runtime_image, "check_image", lambda gate, image, x, header: seen.append(x))
    clf = get_image_classifier(tiny_onnx.register_image(preprocessing={"normalise": "clahe"}).ref)
    clf.gate = object()  # any gate: the stub above stands in for it
    film = gradient()
    png = tmp_path / "film.png"
    write_png(png, film / 255.0)
    clf.classify_image(film)
    list(clf.classify_paths([png]))
    plain = model_input(film, tiny_onnx.SIZE, "none")
    assert len(seen) == 2 and all(np.allclose(x, plain, atol=1 / 255) for x in seen)
    assert not np.allclose(model_input(film, tiny_onnx.SIZE, "clahe"), plain, atol=1 / 255)


def test_an_adult_dicom_read_by_a_pediatric_model_carries_a_warning_and_a_reading(tmp_path):
    card = tiny_onnx.register_image(population=KIDS)
    clf = get_image_classifier(card.ref)
    pixels = (np.indices((32, 32)).sum(0) * 60).astype(np.uint16)
    adult = write_dicom(tmp_path / "adult.dcm", pixels, PatientAge="045Y")
    child = write_dicom(tmp_path / "child.dcm", pixels, PatientAge="004Y")
    png = bright(tmp_path)
    warning = "the patient's age (45 years) is outside the model's training population (ages 1-5 years)"
    by_path = {r["path"]: r for r in clf.classify_paths([adult, child, png])}
    job = classify_image_job({"path": str(adult), "model": card.ref}, lambda _: None, lambda: False)
    for result in (by_path[str(adult)], job):
        assert result["warnings"] == [warning]
        assert result["age_outside"] == {"amount": 45, "unit": "year", "older": False, "ages": [1.0, 5.0],
                                         "text": warning}  # its parts, for an interface's own words
        # A caution, not a withheld reading: the label stands and the gate had no say.
        assert result["label"] in tiny_onnx.CLASSES and result["reliable"] is True
    assert by_path[str(child)]["warnings"] == [] and by_path[str(png)]["warnings"] == []
    assert by_path[str(child)]["age_outside"] is None and by_path[str(png)]["age_outside"] is None
    # The same film read by a model that states no population: nothing to warn about.
    other = get_image_classifier(tiny_onnx.register_image("no-population").ref)
    assert next(other.classify_paths([adult]))["warnings"] == []


def test_header_warnings_still_withhold_and_the_age_warning_joins_them(tmp_path):
    clf = get_image_classifier(tiny_onnx.register_image(population=KIDS).ref)
    pixels = (np.indices((32, 32)).sum(0) * 60).astype(np.uint16)
    hip = write_dicom(tmp_path / "hip.dcm", pixels, PatientAge="045Y", BodyPartExamined="HIP")
    (result,) = clf.classify_paths([hip])
    assert result["reliable"] is False and result["label"] is None
    assert any("HIP" in w for w in result["warnings"]) and any("45 years" in w for w in result["warnings"])


def test_a_calibrated_text_card_shows_calibrated_probabilities_on_the_export():
    temp = {"method": "temperature", "temperature": 3.0}
    card = tiny_onnx.register_text(calibration=temp)
    clf = reading_text_classifier(card.ref)
    assert clf.model is None  # the export, no TensorFlow
    note = "fever cough lesion biopsy margin tumour colon polyp"
    result = clf.classify(note, top_k=2)
    raw = clf.predict(clf._inputs(note.split(), []))[0]  # the network's own probabilities
    calibrated = apply_calibration(raw, temp)
    assert result["calibrated"] is True
    assert [result["probabilities"][c] for c in ("a", "b")] == pytest.approx(list(calibrated), abs=1e-6)
    assert max(calibrated) < max(raw)  # T > 1 softens
    assert result["top"][0] == [result["label"], pytest.approx(max(calibrated), abs=1e-6)]
    plain = reading_text_classifier(tiny_onnx.register_text("plain-notes").ref).classify(note)
    assert plain["calibrated"] is False
    assert [plain["probabilities"][c] for c in ("a", "b")] == pytest.approx(list(raw), abs=1e-6)
