"""Architectures: shapes, the seed CNN's structure, FLOP counts, safe save/load."""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras
import numpy as np
import pytest

from medgui.core.ml.image.cnn import (
    ARCHITECTURES,
    build_image_model,
    count_flops,
    last_conv_layer_name,
)
from medgui.core.ml.modelio import check_no_executable_layers, load_model
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
@pytest.mark.parametrize("n_classes", [2, 3])
def test_architectures_output_softmax_over_classes(arch, n_classes):
    model = build_image_model(arch, n_classes, input_size=64)
    assert model.input_shape == (None, 64, 64, 1)
    assert model.output_shape == (None, n_classes)
    x = np.random.default_rng(0).uniform(size=(3, 64, 64, 1)).astype("float32")
    probs = np.asarray(model(x, training=False))
    assert probs.shape == (3, n_classes)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    check_no_executable_layers(model)


def test_seed_cnn_is_the_articles_network():
    model = build_image_model("seed_cnn", 2)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [32, 64, 64]
    assert all(c.kernel_size == (3, 3) and c.activation.__name__ == "relu" for c in convs)
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense", "Dense"]
    dense, out = model.layers[-2], model.layers[-1]
    assert dense.units == 64 and dense.activation.__name__ == "relu"
    assert out.units == 2 and out.activation.__name__ == "softmax"


def test_count_flops_matches_hand_count_for_seed_cnn():
    model = build_image_model("seed_cnn", 2)
    expected = 2 * (
        222 * 222 * 32 * 9 * 1
        + 109 * 109 * 64 * 9 * 32
        + 52 * 52 * 64 * 9 * 64
        + 52 * 52 * 64 * 64
        + 64 * 2
    )
    assert count_flops(model) == expected


def test_default_architecture_is_much_cheaper_than_the_seed():
    seed = build_image_model("seed_cnn", 2)
    compact = build_image_model("compact_cnn", 2)
    assert count_flops(seed) > 8 * count_flops(compact)
    assert seed.count_params() > 50 * compact.count_params()
    assert last_conv_layer_name(compact) == "last_conv"
    assert last_conv_layer_name(seed) == "conv3"


def test_unknown_architecture_and_single_class_are_refused():
    with pytest.raises(ValueError, match="unknown architecture"):
        build_image_model("resnet9000", 2)
    with pytest.raises(ValueError, match="two classes"):
        build_image_model("compact_cnn", 1)


def test_saved_model_registers_and_loads_safely_with_same_outputs():
    model = build_image_model("compact_cnn", 2, input_size=32, width=8)
    x = np.random.default_rng(1).uniform(size=(2, 32, 32, 1)).astype("float32")
    before = np.asarray(model(x, training=False))
    card = ModelCard(name="roundtrip", task="image", classes=["A", "B"], architecture="compact_cnn")
    with tempfile.TemporaryDirectory() as staging:
        model.save(Path(staging) / "model.keras")
        card = Registry().register(Path(staging), card)
    loaded = load_model(Registry().get("roundtrip@1"))
    np.testing.assert_allclose(np.asarray(loaded(x, training=False)), before, rtol=1e-5, atol=1e-6)
    assert card.files and "model.keras" in card.files
