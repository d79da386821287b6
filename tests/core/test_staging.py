"""A trained model in its staging folder: the threshold picked by the user, register, discard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry
from medgui.core.training.metrics import evaluate_probabilities
from medgui.core.training.staging import (
    discard_staged,
    register_staged,
    with_threshold,
)

CLASSES = ["NORMAL", "PNEUMONIA"]


def evaluation() -> dict:
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    p1 = np.array([0.1, 0.2, 0.35, 0.6, 0.4, 0.7, 0.8, 0.9])
    probs = np.stack([1 - p1, p1], axis=1)
    return evaluate_probabilities(y, probs, CLASSES, 0.5, "PNEUMONIA", n_bootstrap=0)


def staged(tmp_path: Path) -> dict:
    """What the analysis process's ``train`` job returns, with its staging folder."""
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "model.keras").write_bytes(b"weights")
    ev = evaluation()
    card = ModelCard(name="chest", task="image", classes=CLASSES, architecture="compact_cnn",
                     threshold=0.5, positive_class="PNEUMONIA", metrics=dict(ev))
    return {"staging_dir": str(staging), "card": card.to_json(), "evaluation": ev,
            "history": {}, "kfold": None}


def test_with_threshold_sets_the_threshold_and_its_operating_point():
    ev = evaluation()
    card = ModelCard(name="m", task="image", classes=CLASSES, architecture="a", threshold=0.5,
                     metrics={"accuracy": 0.75})
    chosen = with_threshold(card, ev, 0.38)
    assert chosen.threshold == 0.38
    # P >= 0.38 calls 4 of 4 positives and 1 of 4 negatives (0.6) positive.
    op = chosen.metrics["operating_point"]
    assert op == {"threshold": 0.38, "sensitivity": 1.0, "specificity": 0.75}
    assert (chosen.metrics["sensitivity"], chosen.metrics["specificity"]) == (1.0, 0.75)
    assert chosen.metrics["accuracy"] == 0.75  # the test-split figures stay
    assert card.threshold == 0.5 and "operating_point" not in card.metrics  # a copy


def test_without_a_threshold_or_a_roc_the_card_is_unchanged():
    ev = evaluation()
    card = ModelCard(name="m", task="image", classes=CLASSES, architecture="a", threshold=0.5)
    assert with_threshold(card, ev, None) == card
    three = ModelCard(name="m", task="text", classes=["a", "b", "c"], architecture="a")
    assert with_threshold(three, {"accuracy": 0.9}, 0.3) == three


def test_register_staged_saves_the_chosen_threshold_and_removes_the_staging_folder(tmp_path):
    result = staged(tmp_path)
    registry = Registry(root=tmp_path / "reg", builtin=None)
    card = register_staged(result, "chest-xray", "first try", activate=True, registry=registry,
                           threshold=0.38)
    assert card.ref == "chest-xray@1" and card.notes == "first try"
    stored = registry.get("chest-xray@1")
    assert stored.threshold == 0.38 and stored.metrics["sensitivity"] == 1.0
    assert (stored.model_path).read_bytes() == b"weights"
    assert registry.active("image").ref == "chest-xray@1"
    assert not Path(result["staging_dir"]).exists()


def test_a_refused_name_keeps_the_staged_model_for_another_try(tmp_path):
    result = staged(tmp_path)
    registry = Registry(root=tmp_path / "reg", builtin=None)
    with pytest.raises(ModelLoadError, match="not a valid model name"):
        register_staged(result, "bad/name", registry=registry)
    assert (Path(result["staging_dir"]) / "model.keras").is_file()
    card = register_staged(result, "good", registry=registry)
    assert card.ref == "good@1" and card.threshold == 0.5


def test_discard_staged_removes_the_folder(tmp_path):
    result = staged(tmp_path)
    discard_staged(result)
    assert not Path(result["staging_dir"]).exists()
    discard_staged(result)  # twice is harmless
