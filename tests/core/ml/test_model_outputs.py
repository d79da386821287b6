"""A card must describe its model: as many classes as the model gives scores (issue 12, E),
and a Keras file is held to the archive limits before Keras unpacks it."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

keras = pytest.importorskip("keras")

from medgui.core.errors import ModelLoadError  # noqa: E402
from medgui.core.ml import modelio  # noqa: E402
from medgui.core.models.card import ModelCard  # noqa: E402
from medgui.core.models.registry import Registry  # noqa: E402
from tests.core.model_archives import tree  # noqa: E402


@pytest.fixture(scope="module")
def two_outputs(tmp_path_factory):
    inputs = keras.Input((4,))
    path = tmp_path_factory.mktemp("m") / "model.keras"
    keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs)).save(path)
    return path


def _register(reg: Registry, tmp_path, model_file, classes) -> ModelCard:
    staging = tmp_path / f"staging-{len(classes)}"
    staging.mkdir()
    shutil.copy(model_file, staging / "model.keras")
    card = ModelCard(name="chest", task="image", classes=classes, architecture="tiny")
    return reg.register(staging, card)  # no check: as a hand-edited or foreign card would be


def test_a_card_naming_three_classes_for_two_scores_is_refused_at_load_and_import(tmp_path, two_outputs):
    reg = Registry(tmp_path / "registry", builtin=None)
    _register(reg, tmp_path, two_outputs, ["NORMAL", "PNEUMONIA", "COVID"])
    with pytest.raises(ModelLoadError, match=r"chest@1 gives 2 scores per input, but its card names 3 classes "
                                             r"\(NORMAL, PNEUMONIA, COVID\)"):
        modelio.load_model(reg.get("chest@1"))
    archive = reg.export("chest@1", tmp_path)
    other = Registry(tmp_path / "other", builtin=None)
    with pytest.raises(ModelLoadError, match="gives 2 scores per input") as info:
        other.import_model(archive, check_model=modelio.check_model_safe)
    assert info.value.path == archive and other.list() == [] and tree(other.root) == set()
    # The same model with a card that fits loads.
    good = _register(Registry(tmp_path / "good", builtin=None), tmp_path, two_outputs, ["NORMAL", "PNEUMONIA"])
    assert modelio.load_model(good).output_shape == (None, 2)


def _keras_like(path, config: bytes) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
        zf.writestr("config.json", config)


@pytest.mark.parametrize(("config", "rule"), [
    (b" " * (64 << 20), r"its Keras file config.json is compressed more than 200:1"),
    (b"[" * 100_000, r"its Keras configuration is nested too deeply"),
])
def test_a_hostile_keras_file_is_refused_before_keras_reads_it(tmp_path, config, rule):
    path = tmp_path / "model.keras"
    _keras_like(path, config)
    with pytest.raises(ModelLoadError, match=rule):
        modelio.check_keras_file(path, "model chest@1")
