"""``medgui models ...``: list, show, activate, export, import and delete, with --json."""

from __future__ import annotations

import json
import shutil

import pytest

keras = pytest.importorskip("keras")

from medgui.cli import main  # noqa: E402
from medgui.core.models.card import ModelCard, sha256_file  # noqa: E402
from medgui.core.models.registry import Registry  # noqa: E402


@pytest.fixture(scope="module")
def keras_file(tmp_path_factory):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    path = tmp_path_factory.mktemp("m") / "model.keras"
    model.save(path)
    return path


@pytest.fixture(autouse=True)
def no_shipped_models(tmp_path, monkeypatch):
    """The registry sees only this test's models, whatever resources/models holds."""
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "builtin"))


def _register(keras_file, tmp_path, name="chest", accuracy=0.91):
    staging = tmp_path / f"staging-{name}-{accuracy}"
    staging.mkdir()
    shutil.copy(keras_file, staging / "model.keras")
    card = ModelCard(name=name, task="image", classes=["NORMAL", "PNEUMONIA"], architecture="tiny",
                     metrics={"accuracy": accuracy, "auc": 0.95, "auc_ci": [0.9, 0.98]}, threshold=0.42,
                     positive_class="PNEUMONIA")
    return Registry().register(staging, card)


def run(capsys, *args):
    status = main(["models", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_list_show_and_activate(keras_file, tmp_path, capsys):
    _register(keras_file, tmp_path)
    _register(keras_file, tmp_path, accuracy=0.93)
    status, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert status == 0 and [r["ref"] for r in rows] == ["chest@1", "chest@2"]
    assert [r["active"] for r in rows] == [False, True]  # no choice made: the newest is used
    assert rows[1]["metrics"]["accuracy"] == 0.93 and rows[1]["builtin"] is False
    status, out, _ = run(capsys, "activate", "chest@1")
    assert status == 0 and out.strip() == "chest@1 is now the active image model"
    status, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert lines[0].startswith("* chest@1") and "acc 0.910" in lines[0] and lines[1].startswith("  chest@2")
    status, out, _ = run(capsys, "show", "chest@1")
    assert "auc 0.950 (95 % CI 0.900-0.980)" in out and "P(PNEUMONIA) >= 0.420" in out
    status, out, _ = run(capsys, "show", "chest", "--json")
    assert json.loads(out)["ref"] == "chest@2"


def test_export_import_delete(keras_file, tmp_path, capsys, monkeypatch):
    card = _register(keras_file, tmp_path)
    status, out, _ = run(capsys, "export", "chest@1", str(tmp_path), "--json")
    exported = json.loads(out)
    assert status == 0 and exported["exported"] == "chest@1"
    status, out, _ = run(capsys, "import", exported["file"])
    assert status == 0 and out.strip() == "chest@2"
    assert Registry().get("chest@2").files == card.files
    status, out, _ = run(capsys, "delete", "chest@2", "--json")
    assert status == 0 and json.loads(out) == {"deleted": "chest@2"}
    assert [c.ref for c in Registry().list()] == ["chest@1"]
    status, out, err = run(capsys, "delete", "nothing@1")
    assert status == 1 and err.startswith("medgui: error: no model 'nothing@1'") and not out


def test_shipped_models_cannot_be_deleted(keras_file, tmp_path, capsys, monkeypatch):
    shipped = tmp_path / "builtin" / "default" / "1"
    shipped.mkdir(parents=True)
    shutil.copy(keras_file, shipped / "model.keras")
    card = ModelCard(name="default", task="image", classes=["a", "b"], architecture="tiny", version=1,
                     files={"model.keras": sha256_file(shipped / "model.keras")})
    (shipped / "card.json").write_text(json.dumps(card.to_json()))
    status, out, _ = run(capsys, "list", "--json")
    assert [(r["ref"], r["builtin"], r["active"]) for r in json.loads(out)] == [("default@1", True, True)]
    status, _, err = run(capsys, "delete", "default@1")
    assert status == 1 and "shipped with medgui and cannot be deleted" in err
    assert (shipped / "model.keras").is_file()


def test_import_of_a_foreign_file_is_one_line_error(tmp_path, capsys):
    bogus = tmp_path / "model.medgui-model"
    bogus.write_bytes(b"not a zip")
    status, out, err = run(capsys, "import", str(bogus))
    assert status == 1 and "not a medgui model export" in err and err.count("\n") == 1
    assert Registry().list() == []
