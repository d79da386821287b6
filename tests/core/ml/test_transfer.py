"""Image models start from the shipped X-ray model's features (issue #10)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from medgui.core.ml import modelio  # noqa: E402
from medgui.core.ml.image import cnn, transfer  # noqa: E402
from medgui.core.ml.train import register_outcome, run_training  # noqa: E402
from medgui.core.models.registry import Registry  # noqa: E402
from medgui.core.training.config import TrainingConfig  # noqa: E402
from tests.dataset_factory import image_folder  # noqa: E402

pytestmark = pytest.mark.slow


def config(data, **kw):
    base = dict(task="image", data=str(data), architecture="compact_cnn", image_size=32, epochs=4, batch_size=8,
                learning_rate=3e-3, seed=5, patience=4, group_pattern=r"(person\d+)_", normalise="none")
    return TrainingConfig(**{**base, **kw})


@pytest.fixture(scope="module")
def start_card(tmp_path_factory):
    root = tmp_path_factory.mktemp("start")
    data = image_folder(root / "data", per_class=24, patients=12, seed=1)
    outcome = run_training(config(data, name="pneumonia-cnn", start_from="scratch"))
    card = register_outcome(outcome, "pneumonia-cnn", registry=Registry(root=root / "models", builtin=None))
    return card, data


def test_compact_cnn_batch_norm_settles_in_few_steps():
    model = cnn.build_image_model("compact_cnn", 2, input_size=32)
    momenta = {layer.momentum for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"}
    assert momenta == {cnn.BN_MOMENTUM} and cnn.BN_MOMENTUM <= 0.9


def test_training_starts_from_the_xray_model_and_fine_tunes_it(start_card, monkeypatch, tmp_path):
    card, _ = start_card
    monkeypatch.setattr(transfer, "start_model", lambda registry=None: card)
    data = image_folder(tmp_path / "clinic", per_class=20, patients=10, seed=2)
    outcome = run_training(config(data, start_from="xray"))
    try:
        training = outcome.card.training
        assert training["start"]["from"] == card.ref
        assert training["start"]["sha256"] == card.files["model.keras"]
        phases = training["phases"]
        assert phases["head"]["epochs"] >= 1 and phases["fine_tune"]["epochs"] >= 1
        assert phases["fine_tune"]["learning_rate"] == pytest.approx(3e-4)
        # Batch norm stayed frozen: its statistics are still the starting model's.
        start = modelio.load_model(card)
        import keras

        new = keras.saving.load_model(outcome.staging_dir / "model.keras", compile=False)
        assert np.allclose(new.get_layer("stem_bn").moving_mean, start.get_layer("stem_bn").moving_mean)
        # ...while the convolutions were fine-tuned, not left as they were.
        assert not np.allclose(new.get_layer("stem_conv").kernel, start.get_layer("stem_conv").kernel)
        assert (outcome.staging_dir / "model.onnx").is_file()  # the CAM export works on the new head
    finally:
        outcome.discard()


def test_a_start_model_with_other_preprocessing_falls_back_to_scratch(start_card, monkeypatch):
    card, data = start_card
    monkeypatch.setattr(transfer, "start_model", lambda registry=None: card)
    outcome = run_training(config(data, start_from="xray", normalise="clahe", epochs=2))
    try:
        start = outcome.card.training["start"]
        assert start["from"] == "scratch" and start["requested"] == "xray"
        assert "intensity" in start["reason"] and "phases" not in outcome.card.training
    finally:
        outcome.discard()


def test_no_shipped_model_means_scratch(monkeypatch, tmp_path):
    monkeypatch.setattr(transfer, "start_model", lambda registry=None: None)
    data = image_folder(tmp_path / "d", per_class=16, patients=8)
    outcome = run_training(config(data, start_from="xray", epochs=1))
    try:
        assert outcome.card.training["start"] == {"from": "scratch", "requested": "xray",
                                                  "reason": "no shipped chest X-ray model is installed"}
    finally:
        outcome.discard()
