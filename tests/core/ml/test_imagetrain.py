"""The image training pipeline: datasets from files, weights, splits, progress, cancel."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from medgui.core.errors import Cancelled, DatasetError
from medgui.core.imaging.preprocess import load_model_input
from medgui.core.ml.image import train as imagetrain
from medgui.core.ml.image.cnn import build_image_model
from tests.core.ml import tiny_image_model as tiny


def _files(tmp_path, n=6, size=32):
    x, y = tiny.synthetic(n, size, seed=5)
    paths = [str(tiny.write_png(tmp_path / f"img{i}.png", x[i])) for i in range(n)]
    return paths, y.tolist()


def test_dataset_streams_the_shared_preprocessing(tmp_path):
    paths, labels = _files(tmp_path)
    ds = imagetrain.build_image_dataset(paths, labels, batch_size=4, input_size=32)
    batches = list(ds)
    assert [b[0].shape[0] for b in batches] == [4, 2]
    xs = np.concatenate([b[0].numpy() for b in batches])
    ys = np.concatenate([b[1].numpy() for b in batches])
    assert ys.tolist() == labels
    np.testing.assert_array_equal(xs[3], load_model_input(paths[3], size=32))


def test_training_dataset_shuffles_and_augments_within_range(tmp_path):
    paths, labels = _files(tmp_path, n=8)
    plain = np.concatenate([b[0].numpy() for b in imagetrain.build_image_dataset(paths, labels, 8, input_size=32)])
    ds = imagetrain.build_image_dataset(paths, labels, 8, training=True, augment=True, seed=3, input_size=32)
    x, y = next(iter(ds))
    x = x.numpy()
    assert x.shape == (8, 32, 32, 1)
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert sorted(y.numpy().tolist()) == sorted(labels)
    # Every augmented image differs from every original (rotation/shift/zoom/contrast).
    assert min(np.abs(x[i] - plain[j]).mean() for i in range(8) for j in range(8)) > 1e-3


def test_dataset_rejects_mismatched_inputs():
    with pytest.raises(DatasetError):
        imagetrain.build_image_dataset([], [])
    with pytest.raises(DatasetError):
        imagetrain.build_image_dataset(["a.png", "b.png"], [0])


def test_fit_reports_progress_and_cancel_stops_training():
    x, y = tiny.synthetic(64, 32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    model = build_image_model("seed_cnn", 2, input_size=32)
    reports = []
    result = imagetrain.fit_model(model, ds, ds, 2, progress=reports.append, patience=5)
    epochs = [r for r in reports if r["phase"] == "epoch"]
    assert [r["epoch"] for r in epochs] == [1, 2]
    assert epochs[0]["epochs"] == 2 and epochs[0]["batches"] == 4
    assert {"loss", "val_loss"} <= set(epochs[0]["logs"])
    assert result["epochs_run"] == 2 and len(result["history"]["loss"]) == 2

    calls = []
    with pytest.raises(Cancelled):
        imagetrain.fit_model(model, ds, None, 50, progress=calls.append, cancelled=lambda: True)
    assert max(r["epoch"] for r in calls) == 1


def test_default_model_script_groups_kermany_files_by_patient():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "train_default_image_model.py"
    spec = importlib.util.spec_from_file_location("train_default_image_model", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    key = module.patient_key
    assert key(Path("person1000_bacteria_2931.jpeg")) == key(Path("person1000_virus_1681.jpeg")) == "person1000"
    assert key(Path("person100_virus_184.jpeg")) != "person1000"
    assert key(Path("IM-0629-0001-0002.jpeg")) == key(Path("IM-0629-0001.jpeg")) == "IM-0629"
    assert key(Path("NORMAL2-IM-1345-0001.jpeg")) == "NORMAL2-IM-1345" != key(Path("IM-1345-0001.jpeg"))


def test_cancel_takes_effect_within_a_batch_or_so():
    x, y = tiny.synthetic(64, 32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)  # 16 batches per epoch
    model = build_image_model("seed_cnn", 2, input_size=32)
    checks = []

    def cancelled():
        checks.append(1)
        return len(checks) >= 3  # the user presses Cancel after a couple of batches

    with pytest.raises(Cancelled):
        imagetrain.fit_model(model, ds, None, 5, cancelled=cancelled)
    steps = int(model.optimizer.iterations.numpy())
    assert 1 <= steps <= 3, f"{steps} optimizer steps ran; cancel should stop within a batch"


@pytest.mark.parametrize("restore_best", [True, False])
def test_restore_best_decides_which_epoch_the_model_keeps(restore_best):
    x, y = tiny.synthetic(64, 32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    # Validation labels unrelated to the images: the more the model learns the training
    # set, the worse it does here, so the best validation epoch is an early one.
    rng = np.random.default_rng(0)
    val = tf.data.Dataset.from_tensor_slices((x[::-1].copy(), rng.integers(0, 2, len(y)))).batch(16)
    keras.utils.set_random_seed(3)
    model = build_image_model("seed_cnn", 2, input_size=32)
    result = imagetrain.fit_model(model, ds, val, 6, patience=10, restore_best=restore_best)
    val_loss = result["history"]["val_loss"]
    kept = model.evaluate(val, verbose=0, return_dict=True)["loss"]
    expected = min(val_loss) if restore_best else val_loss[-1]
    assert kept == pytest.approx(expected, rel=1e-3, abs=1e-4)
    assert min(val_loss) != pytest.approx(val_loss[-1]), "setup should make best != last"
