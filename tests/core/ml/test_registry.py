from __future__ import annotations

import json
import shutil
import zipfile

import pytest

keras = pytest.importorskip("keras")

from medgui.core.errors import ModelLoadError  # noqa: E402
from medgui.core.ml import modelio  # noqa: E402
from medgui.core.models.card import ModelCard, card_summary, sha256_file  # noqa: E402
from medgui.core.models.registry import Registry  # noqa: E402

SAFE = modelio.check_model_safe  # the registry's safety check, as the app passes it


def _tiny_model(lambda_layer: bool = False) -> keras.Model:
    inputs = keras.Input((4,))
    x = keras.layers.Dense(3, activation="relu")(inputs)
    if lambda_layer:
        x = keras.layers.Lambda(lambda t: t * 2.0)(x)
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    _tiny_model().save(root / "plain.keras")
    _tiny_model(lambda_layer=True).save(root / "lambda.keras")
    return root


def _staging(tmp_path, model_files, kind="plain", extra=True, tag=""):
    staging = tmp_path / f"staging-{kind}{tag}"
    staging.mkdir()
    shutil.copy(model_files / f"{kind}.keras", staging / "model.keras")
    if extra:
        (staging / "vocabulary.txt").write_text("a\nb\n")
    return staging


def _card(name="chest", **kw):
    return ModelCard(name=name, task="image", classes=["NORMAL", "PNEUMONIA"], architecture="tiny",
                     metrics={"accuracy": 0.9, "accuracy_ci": [0.85, 0.95], "auc": 0.97}, threshold=0.4,
                     positive_class="PNEUMONIA", training={"seed": 3},
                     data_fingerprint={"n_items": 10, "counts": {"NORMAL": 5, "PNEUMONIA": 5}, "sha256": "ab" * 32},
                     **kw)


def _registry(tmp_path):
    return Registry(root=tmp_path / "registry", builtin=tmp_path / "builtin")


def test_register_activate_and_summary(tmp_path, model_files):
    reg = _registry(tmp_path)
    first = reg.register(_staging(tmp_path, model_files), _card())
    assert first.ref == "chest@1" and set(first.files) == {"model.keras", "vocabulary.txt"}
    reg.activate("chest@1")
    assert reg.active("image").ref == "chest@1"
    model = modelio.load_model(reg.get("chest"), reg)
    assert model.output_shape == (None, 2)
    text = card_summary(reg.get("chest@1"))
    assert "accuracy 0.900 (95 % CI 0.850-0.950)" in text and "P(PNEUMONIA) >= 0.400" in text
    assert "seed: 3" in text


def test_crash_mid_register_leaves_previous_version_intact(tmp_path, model_files, monkeypatch):
    reg = _registry(tmp_path)
    reg.register(_staging(tmp_path, model_files), _card())
    before = sorted(p.relative_to(reg.root) for p in reg.root.rglob("*"))
    real_copy = shutil.copy2
    calls = []

    def copy_then_crash(src, dst, *a, **kw):
        calls.append(src)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real_copy(src, dst, *a, **kw)

    staging = _staging(tmp_path, model_files, tag="2")
    monkeypatch.setattr(shutil, "copy2", copy_then_crash)
    with pytest.raises(OSError, match="No space"):
        reg.register(staging, _card())
    monkeypatch.undo()
    assert len(calls) == 2
    assert [c.ref for c in reg.list()] == ["chest@1"]
    assert sorted(p.relative_to(reg.root) for p in reg.root.rglob("*")) == before
    reg.verify(reg.get("chest@1"))


def test_tampered_model_is_refused(tmp_path, model_files):
    reg = _registry(tmp_path)
    card = reg.register(_staging(tmp_path, model_files), _card())
    data = bytearray(card.model_path.read_bytes())
    data[len(data) // 2] ^= 0x01
    card.model_path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="integrity check"):
        modelio.load_model(reg.get("chest@1"), reg)


def test_lambda_model_is_refused_on_register_and_import(tmp_path, model_files):
    reg = _registry(tmp_path)
    with pytest.raises(ModelLoadError, match="'Lambda' layer, which runs arbitrary code"):
        reg.register(_staging(tmp_path, model_files, "lambda"), _card("sneaky"), check_model=SAFE)
    assert reg.list() == []
    # A hand-made export carrying a Lambda model, hashes all correct.
    archive = tmp_path / "sneaky.medgui-model"
    card = _card("sneaky", version=1)
    card.files = {"model.keras": sha256_file(model_files / "lambda.keras")}
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("card.json", json.dumps(card.to_json()))
        zf.write(model_files / "lambda.keras", "model.keras")
    with pytest.raises(ModelLoadError, match="'Lambda' layer"):
        reg.import_model(archive, check_model=SAFE)
    assert reg.list() == [] and [p.name for p in reg.root.iterdir()] == []


def test_export_import_round_trip(tmp_path, model_files):
    reg = _registry(tmp_path)
    card = reg.register(_staging(tmp_path, model_files), _card(notes="first try"))
    exported = reg.export("chest@1", tmp_path)
    assert exported.name == "chest-1.medgui-model"
    other = Registry(root=tmp_path / "elsewhere", builtin=None)
    imported = other.import_model(exported, check_model=SAFE)
    assert imported.ref == "chest@1" and imported.files == card.files
    assert imported.metrics == card.metrics and imported.notes == "first try"
    loaded = modelio.load_model(other.get("chest@1"), other)
    assert loaded.count_params() == modelio.load_model(reg.get("chest@1"), reg).count_params()
    # Importing again keeps both: the second copy gets the next version.
    assert other.import_model(exported, check_model=SAFE).ref == "chest@2"


def test_import_refuses_tampered_or_foreign_archives(tmp_path, model_files):
    reg = _registry(tmp_path)
    reg.register(_staging(tmp_path, model_files), _card())
    good = reg.export("chest@1", tmp_path / "chest.zip")
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data + b"x" if info.filename == "vocabulary.txt" else data)
    with pytest.raises(ModelLoadError, match="integrity check"):
        reg.import_model(bad, check_model=SAFE)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../outside.txt", "x")
    with pytest.raises(ModelLoadError, match="unsafe file name"):
        reg.import_model(evil, check_model=SAFE)
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(ModelLoadError, match="not a medgui model export"):
        reg.import_model(tmp_path / "plain.txt", check_model=SAFE)
    assert [c.ref for c in reg.list()] == ["chest@1"]
    assert not (tmp_path / "outside.txt").exists()


def test_delete_user_model_but_never_a_shipped_one(tmp_path, model_files):
    reg = _registry(tmp_path)
    shipped = reg.builtin / "default-cnn" / "1"
    shipped.mkdir(parents=True)
    shutil.copy(model_files / "plain.keras", shipped / "model.keras")
    card = _card("default-cnn", version=1, files={"model.keras": sha256_file(shipped / "model.keras")})
    (shipped / "card.json").write_text(json.dumps(card.to_json()))
    reg.register(_staging(tmp_path, model_files), _card())
    reg.register(_staging(tmp_path, model_files, tag="b"), _card())
    reg.activate("chest@2")
    with pytest.raises(ModelLoadError, match="shipped with medgui"):
        reg.delete("default-cnn@1")
    with pytest.raises(ModelLoadError, match="NAME@VERSION"):
        reg.delete("chest")
    reg.delete("chest@2")
    assert [c.ref for c in reg.list()] == ["chest@1", "default-cnn@1"]
    assert reg.active("image").ref == "default-cnn@1"  # falls back to the shipped model
    # The deleted number is not handed out again.
    assert reg.register(_staging(tmp_path, model_files, tag="c"), _card()).ref == "chest@3"


def test_a_model_warned_as_chance_is_never_the_fallback(tmp_path, model_files):
    reg = _registry(tmp_path)
    warned = _card(name="useless")
    warned.metrics["warnings"] = ["No better than chance: AUC 0.50 (95% CI 0.50-0.50) includes 0.5."]
    reg.register(_staging(tmp_path, model_files, tag="w"), warned)
    with pytest.raises(ModelLoadError, match="no better than chance"):
        reg.active("image")
    reg.register(_staging(tmp_path, model_files, tag="ok"), _card(name="useful"))
    assert reg.active("image").ref == "useful@1"
    reg.activate("useless@1")  # an explicit choice (the GUI and CLI confirm it first) stands
    assert reg.active("image").ref == "useless@1"
