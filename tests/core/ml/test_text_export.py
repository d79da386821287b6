"""Text models in the light runtime: NumPy vectoriser + exported network = the Keras model."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("onnxruntime")

from medgui.core import paths  # noqa: E402
from medgui.core.ml import export, modelio  # noqa: E402
from medgui.core.ml.text import model as textmodel  # noqa: E402
from medgui.core.ml.text import ngram  # noqa: E402
from medgui.core.models.card import ModelCard, sha256_file  # noqa: E402
from medgui.core.models.registry import Registry  # noqa: E402
from medgui.core.runtime.session import EXPORT_FILE  # noqa: E402
from medgui.core.runtime.text import TEXT_VOCABULARY_FILE, exported_text_model  # noqa: E402
from medgui.core.text import tokens as textprep  # noqa: E402
from tests.dataset_factory import WORDS, make_text  # noqa: E402


def _notes() -> list[str]:
    with open(paths.SAMPLES / "records.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    notes = [row["body"] for row in rows if row.get("body")]
    assert len(notes) >= 5  # real clinical notes shipped as samples
    return notes


def test_shipped_text_model_export_gives_the_keras_probabilities_on_real_notes(tmp_path, monkeypatch):
    shipped = Registry().active("text")
    root = tmp_path / "builtin"
    shutil.copytree(shipped.path, root / shipped.name / str(shipped.version))
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(root))
    card = export.add_export(root / shipped.name / str(shipped.version))
    assert card.files[EXPORT_FILE] == sha256_file(card.path / EXPORT_FILE)
    assert card.files[TEXT_VOCABULARY_FILE] == sha256_file(card.path / TEXT_VOCABULARY_FILE)
    card = Registry().get(card.ref)
    notes = _notes()
    light = exported_text_model(card)
    got = light.predict_texts([textprep.normalize_for_model(n) for n in notes])
    want = textmodel.predict_proba(modelio.load_model(card), notes)
    assert np.max(np.abs(got - want)) <= 1e-4
    assert list(got.argmax(axis=1)) == list(want.argmax(axis=1))


def test_a_saved_ngram_model_has_an_export_that_reproduces_tf_idf_and_probabilities():
    rng = np.random.default_rng(3)
    classes = list(WORDS)
    texts = [make_text(c, rng) for c in classes for _ in range(25)]
    labels = [i for i in range(len(classes)) for _ in range(25)]
    model, _ = ngram.train_ngram_model(texts, labels, classes)
    card = ModelCard(name="grams", task="text", classes=classes, architecture="ngram_tfidf",
                     preprocessing=textmodel.preprocessing_of(model))
    card = Registry().get(textmodel.save_text_model(model, card).ref)  # registered with its export
    assert card.files[EXPORT_FILE] == sha256_file(card.path / EXPORT_FILE)
    assert card.training["export"]["vectoriser"] == "tf_idf"
    light = exported_text_model(card)
    assert light.bag and light.seq_len is None
    fresh = [make_text(c, rng) + " unheard words here" for c in classes for _ in range(4)]
    got = light.predict_texts([textprep.normalize_for_model(t) for t in fresh])
    want = ngram.predict_ngram(modelio.load_model(card), fresh)
    assert np.max(np.abs(got - want)) <= 1e-4
    assert np.mean(got.argmax(axis=1) == np.repeat(np.arange(len(classes)), 4)) >= 0.9


def test_readings_on_the_export_match_the_keras_classifier_with_attribution():
    from medgui.core.ml.text.classify import get_text_classifier, reading_text_classifier

    light = reading_text_classifier()  # the shipped model, with its export
    keras_clf = get_text_classifier()
    assert light.runtime == "onnxruntime" and light.model is None and keras_clf.runtime == "keras"
    assert light.vocabulary == keras_clf.vocabulary and light.seq_len == keras_clf.seq_len
    for note in _notes():
        got, want = light.classify(note), keras_clf.classify(note)
        assert (got["label"], got["reliable"], got["known_tokens"]) == (want["label"], want["reliable"],
                                                                         want["known_tokens"])
        for c in want["probabilities"]:
            assert abs(got["probabilities"][c] - want["probabilities"][c]) <= 1e-4
        weights = np.array([[a["weight"], b["weight"]] for a, b in zip(got["tokens"], want["tokens"], strict=True)])
        assert np.max(np.abs(weights[:, 0] - weights[:, 1]), initial=0.0) <= 2e-3
