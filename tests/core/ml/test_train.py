"""The training and evaluation core on tiny datasets written by the tests."""

from __future__ import annotations

import json
import pickle
import shutil
import tempfile

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from medgui.core.errors import Cancelled, DatasetError, ModelLoadError, TrainingError  # noqa: E402
from medgui.core.ml import modelio  # noqa: E402
from medgui.core.ml.evaluate import evaluate_model  # noqa: E402
from medgui.core.ml.train import (  # noqa: E402
    register_outcome,
    register_staged,
    run_training,
    train_job,
)
from medgui.core.models.registry import Registry  # noqa: E402
from medgui.core.training.config import TrainingConfig  # noqa: E402
from tests.dataset_factory import image_folder, text_table, write_image  # noqa: E402

pytestmark = pytest.mark.slow


def image_config(root, **kw):
    base = dict(task="image", data=str(root), architecture="seed_cnn", image_size=32, epochs=3,
                batch_size=8, learning_rate=2e-3, seed=3, patience=4, group_pattern=r"(person\d+)_")
    return TrainingConfig(**{**base, **kw})


@pytest.fixture(scope="module")
def image_data(tmp_path_factory):
    # 12 patients x 2 images per class: a patient's two films must share a split.
    return image_folder(tmp_path_factory.mktemp("xray") / "data", per_class=24, patients=12)


@pytest.fixture(scope="module")
def image_run(image_data):
    events = []
    outcome = run_training(image_config(image_data), progress=events.append)
    yield outcome, events
    outcome.discard()


def test_image_training_evaluates_on_the_test_split(image_run, image_data):
    outcome, events = image_run
    card, ev = outcome.card, outcome.evaluation
    assert card.task == "image" and card.classes == ["NORMAL", "PNEUMONIA"]
    assert card.positive_class == "PNEUMONIA" and 0.0 <= card.threshold <= 1.0
    sizes = card.training["split_sizes"]
    assert sum(sizes.values()) == 48 and ev["n"] == sizes["test"]
    assert ev["accuracy"] >= 0.8 and ev["auc"] >= 0.8  # brightness + a square: easy
    assert ev["threshold"] == card.threshold and card.metrics["accuracy"] == ev["accuracy"]
    assert set(ev) >= {"macro_f1", "per_class", "confusion_matrix", "auc_ci", "roc", "sensitivity", "specificity"}
    # The calibration summary: before and after the map (none fits on so small a validation split).
    assert ev["calibration"]["ece_after"] == ev["ece"] and 0 <= ev["calibration"]["ece_before"] <= 1
    assert ev["calibration"]["method"] is None and card.calibration is None
    assert card.preprocessing["size"] == 32
    assert card.training["seed"] == 3 and card.training["architecture"] == "seed_cnn"
    assert card.data_fingerprint["n_items"] == 48 and len(card.data_fingerprint["sha256"]) == 64
    assert (outcome.staging_dir / "model.keras").is_file()
    phases = [e["phase"] for e in events]
    assert phases.index("scan") < phases.index("split") < phases.index("train") < phases.index("evaluate")
    epochs = [e for e in events if e["phase"] == "train" and "val_loss" in e["logs"]]
    assert [e["epoch"] for e in epochs] == list(range(1, len(outcome.history["loss"]) + 1))
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(epochs[-1]["logs"])
    json.dumps(card.to_json())


def test_card_says_where_its_figures_come_from_and_records_the_config(image_run, image_data):
    outcome, _ = image_run
    card = outcome.card
    assert card.metrics["split"] == "test"
    assert card.metrics["evaluated_on"].startswith("test split, grouped by patient (file-name pattern")
    assert card.metrics["evaluated_on"].endswith(f"({card.training['split_sizes']['test']} examples)")
    assert card.metrics["threshold_rule"] == image_config(image_data).threshold_rule
    assert "sensitivity >= 0.93" in card.metrics["threshold_rule"]
    # The recorded options are the run's config: `medgui train` with them trains the same model.
    assert TrainingConfig.from_json(card.training) == image_config(image_data)


def test_register_and_evaluate_a_trained_model(image_run, image_data, tmp_path):
    outcome, _ = image_run
    registry = Registry(root=tmp_path / "reg", builtin=None)
    staged = tmp_path / "copy"
    shutil.copytree(outcome.staging_dir, staged)
    outcome_copy = type(outcome)(staged, outcome.card, outcome.evaluation, outcome.history)
    with pytest.raises(ModelLoadError, match="not a valid model name"):
        register_outcome(outcome_copy, "bad/name", registry=registry)
    assert (staged / "model.keras").is_file()  # kept: the user can save under another name
    card = register_outcome(outcome_copy, "chest", notes="tiny", activate=True, registry=registry)
    assert card.ref == "chest@1" and registry.active("image").ref == "chest@1"
    assert not staged.exists()
    modelio.load_model(card, registry)
    # A new folder (another seed) with one class the model does not know.
    new = image_folder(tmp_path / "new", per_class=8, seed=11)
    write_image(new / "OTHER" / "x.png", True, np.random.default_rng(0))
    ev = evaluate_model("chest", new, registry=registry)
    assert ev["n"] == 16 and ev["skipped_classes"] == ["OTHER"] and ev["model"] == "chest@1"
    assert ev["accuracy"] >= 0.8 and ev["threshold"] == card.threshold


def test_same_seed_same_split_and_metrics(image_run, image_data):
    outcome, _ = image_run
    again = run_training(image_config(image_data))
    try:
        assert again.card.data_fingerprint == outcome.card.data_fingerprint
        assert again.card.training["split_sizes"] == outcome.card.training["split_sizes"]
        assert again.history == outcome.history
        assert again.evaluation == outcome.evaluation
    finally:
        again.discard()


def test_cancel_after_first_batch_leaves_nothing(image_data, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    registry = Registry(root=tmp_path / "reg", builtin=None)
    seen = []

    def cancelled():
        return any(e["phase"] == "train" for e in seen)

    with pytest.raises(Cancelled):
        run_training(image_config(image_data, epochs=5, batch_size=4), progress=seen.append, cancelled=cancelled)
    train = [e for e in seen if e["phase"] == "train"]
    # Stopped in the first of five epochs (Keras stops after the batch that saw the flag).
    assert train and all(e["epoch"] == 1 for e in train)
    assert not list(tmp_path.glob("medgui-train-*"))
    assert registry.list() == []


def test_tiny_class_is_refused_before_training(tmp_path):
    root = image_folder(tmp_path / "data", per_class=6)
    write_image(root / "RARE" / "r.png", True, np.random.default_rng(0))
    with pytest.raises(DatasetError, match="RARE"):
        run_training(image_config(root, group_pattern=None))
    with pytest.raises(DatasetError, match="no such class"):
        run_training(image_config(root, group_pattern=None, exclude_classes=("MISSING",)))
    with pytest.raises(TrainingError, match="strategy"):
        run_training(image_config(root, strategy="cluster"))
    with pytest.raises(TrainingError, match="not a valid model name"):
        run_training(image_config(root, name="a@b"))


def test_kfold_reports_mean_and_spread(tmp_path):
    root = image_folder(tmp_path / "data", per_class=12)
    progress = []
    outcome = run_training(image_config(root, group_pattern=None, kfold=2, epochs=1), progress.append)
    outcome.discard()
    kfold = outcome.kfold
    assert kfold["folds"] == 2 and len(kfold["accuracy"]["values"]) == 2
    assert kfold["accuracy"]["mean"] == pytest.approx(np.mean(kfold["accuracy"]["values"]))
    assert kfold["accuracy"]["std"] >= 0 and outcome.card.metrics["kfold"] == kfold
    assert [e["fold"] for e in progress if e["phase"] == "kfold"][-1] == 2


def test_text_table_through_the_job(tmp_path):
    csv = text_table(tmp_path / "notes.csv", per_class=30)
    config = TrainingConfig(task="text", data=str(csv), text_column="text", label_column="specialty",
                            architecture="lstm", epochs=2, batch_size=8, seq_len=16, vocab_size=200,
                            seed=5, imbalance="oversample", name="notes")
    progress = []
    result = train_job({"config": config.to_json()}, progress.append, lambda: False)
    pickle.dumps(result)  # crosses a process boundary
    assert result["kfold"] is None and result["card"]["preprocessing"]["seq_len"] == 16
    assert result["card"]["training"]["imbalance"] == "oversample"
    assert any(e["phase"] == "train" and e["epoch"] == 2 for e in progress)
    registry = Registry(root=tmp_path / "reg", builtin=None)
    card = register_staged(result, "notes", registry=registry)
    assert card.ref == "notes@1" and card.metrics["accuracy"] == result["evaluation"]["accuracy"]
    ev = evaluate_model("notes@1", csv, text_column="text", label_column="specialty", registry=registry)
    assert ev["n"] == 60 and ev["accuracy"] >= 0.9
