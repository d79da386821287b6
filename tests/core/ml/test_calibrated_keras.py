"""Issue 8 on the Keras path: calibration, normalisation and population as on the export."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core.imaging.preprocess import model_input
from medgui.core.ml.image import infer
from medgui.core.ml.image.cnn import build_image_model
from medgui.core.training.calibration import apply_calibration
from tests.core.dicom_factory import write_dicom
from tests.core.ml import tiny_image_model as tiny

PLATT = {"method": "platt", "a": 0.5, "b": 1.5, "positive_index": 1}
KIDS = {"description": "Children aged 1 to 5 years", "age_years": [1, 5]}


@pytest.fixture(scope="module")
def model():
    """Untrained, with a random head so that its output depends on the input (fast: no training)."""
    net = build_image_model("seed_cnn", 2, input_size=32)
    head = next(layer for layer in reversed(net.layers) if layer.get_weights())
    rng = np.random.default_rng(0)
    head.set_weights([rng.normal(0, 0.5, w.shape).astype(w.dtype) for w in head.get_weights()])
    return net


def film(size: int = 64) -> np.ndarray:
    return (40 + np.add.outer(np.arange(size), np.arange(size)) * 70 / (2 * size - 2)).astype(np.uint8)


def test_keras_readings_are_calibrated_normalised_and_warned_like_the_exports(model, tmp_path):
    card = tiny.register(model, "keras-kids", threshold=0.5)
    card.calibration, card.population = PLATT, KIDS
    card.preprocessing = {**card.preprocessing, "normalise": "clahe"}
    clf = infer.ImageClassifier(card, model)
    image = film()
    x = model_input(image, 32, "clahe")
    raw = clf.classify(x)[0]
    calibrated = apply_calibration(raw, PLATT)
    result = clf.classify_image(image, heatmap=True)
    assert result["calibrated"] is True and result["runtime"] == "keras"
    assert [result["probabilities"][c] for c in tiny.CLASSES] == pytest.approx(list(calibrated), abs=1e-5)
    assert result["label"] == ("PNEUMONIA" if calibrated[1] >= 0.5 else "NORMAL")
    # Grad-CAM explains the network, not the map: the heatmap of the label, as before.
    assert np.allclose(result["heatmap"], clf.heatmap(x, result["label"]), atol=1e-5)
    # Without the card's normalisation the model would have seen other numbers.
    assert not np.allclose(clf.classify(model_input(image, 32, "none"))[0], raw, atol=1e-4)

    adult = write_dicom(tmp_path / "adult.dcm", (np.indices((40, 40)).sum(0) * 50).astype(np.uint16),
                        PatientAge="067Y")
    (batch,) = clf.classify_paths([adult])
    assert batch["calibrated"] is True and batch["label"] is not None
    assert batch["warnings"] == [
        "the patient's age (67 years) is outside the model's training population (ages 1-5 years)"]


def test_a_keras_card_without_a_map_shows_the_networks_probabilities(model):
    card = tiny.register(model, "keras-plain", threshold=0.5)
    clf = infer.ImageClassifier(card, model)
    image = film()
    raw = clf.classify(model_input(image, 32))[0]
    result = clf.classify_image(image)
    assert result["calibrated"] is False
    assert [result["probabilities"][c] for c in tiny.CLASSES] == pytest.approx(list(raw), abs=1e-6)
