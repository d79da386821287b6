"""A refused model import names the user's archive, not the deleted temporary copy."""

from __future__ import annotations

import json
import zipfile

import pytest

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import ModelCard
from medgui.core.models.registry import Registry


def test_tampered_archive_error_names_the_archive(tmp_path):
    registry = Registry(root=tmp_path / "registry", builtin=None)
    archive = tmp_path / "chest-1.medgui-model"
    card = ModelCard(name="chest", task="image", classes=["NORMAL", "PNEUMONIA"],
                     architecture="tiny", version=1)
    card.files = {"model.keras": "00" * 32}  # not the hash of what the archive holds
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("card.json", json.dumps(card.to_json()))
        zf.writestr("model.keras", b"altered after export")
    # The hash check fails before the model-safety check would run (it needs TensorFlow).
    with pytest.raises(ModelLoadError, match="integrity check") as info:
        registry.import_model(archive, check_model=lambda card, folder: None)
    assert info.value.path == archive
    assert ".incoming" not in str(info.value) and str(registry.root) not in str(info.value)
    assert [p.name for p in registry.root.iterdir()] == []  # the temporary copy is gone
