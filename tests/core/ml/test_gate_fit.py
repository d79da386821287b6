"""Training fits the new model's applicability gate; the card reports its pass rate, the
registry hashes its files, and readings of the registered model are gated."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from medgui.core.ml.train import register_outcome, run_training  # noqa: E402
from medgui.core.training.config import TrainingConfig  # noqa: E402
from tests.dataset_factory import image_folder, make_text, text_table  # noqa: E402

pytestmark = pytest.mark.slow


def test_an_image_model_gets_a_gate_that_stops_a_blank_picture(tmp_path):
    data = image_folder(tmp_path / "data", per_class=30, patients=15)
    config = TrainingConfig(task="image", data=str(data), architecture="seed_cnn", image_size=32, epochs=2,
                            batch_size=8, seed=3, group_pattern=r"(person\d+)_")
    outcome = run_training(config)
    gate = outcome.card.metrics["gate"]
    assert "error" not in gate, gate
    assert gate["validation"]["n"] > 0 and 0.0 <= gate["validation"]["pass_rate"] <= 1.0
    assert gate["constructed_negatives_rejected"] >= 0.8
    assert (outcome.staging_dir / "gate.json").is_file() and (outcome.staging_dir / "gate.npz").is_file()
    card = register_outcome(outcome, "gated-image")
    assert {"gate.json", "gate.npz"} <= set(card.files)

    from medgui.core.ml.image.infer import get_image_classifier

    clf = get_image_classifier(card.ref)
    assert clf.gate is not None
    blank = clf.classify_image(np.full((64, 64), 255, np.uint8))
    assert blank["reliable"] is False and blank["label"] is None and blank["reason"].startswith("Not applicable")
    assert set(blank["probabilities"]) == {"NORMAL", "PNEUMONIA"}


def test_a_text_model_gets_a_gate_that_stops_a_recipe(tmp_path):
    csv = text_table(tmp_path / "notes.csv", per_class=40)
    config = TrainingConfig(task="text", data=str(csv), text_column="text", label_column="specialty",
                            architecture="lstm", epochs=2, batch_size=16, seq_len=24, vocab_size=200, seed=1)
    outcome = run_training(config)
    gate = outcome.card.metrics["gate"]
    assert "error" not in gate, gate
    assert gate["validation"]["pass_rate"] >= 0.9 and gate["constructed_negatives_rejected"] >= 0.9
    card = register_outcome(outcome, "gated-text")
    assert "gate.json" in card.files

    from medgui.core.ml.text.classify import get_text_classifier

    clf = get_text_classifier(card.ref)
    recipe = clf.classify("Whisk the eggs with sugar, fold in the flour and bake for twenty minutes.", explain=False)
    assert recipe["reliable"] is False and recipe["label"] is None
    # The reliability rule (too few known words) speaks first; the gate agrees.
    assert recipe["gate"]["applicable"] is False
    assert recipe["gate"]["looks_like"] == "a text that is not a clinical note"
    rng = np.random.default_rng(99)  # new notes written the way the training notes were
    passed = [clf.classify(make_text(c, rng), explain=False)["gate"]["applicable"] for c in ("cardio", "neuro") * 10]
    assert sum(passed) >= 16
