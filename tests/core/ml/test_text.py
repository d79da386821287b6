"""Text models: architectures, training, saving/reloading, classification contract."""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from medgui.core.errors import Cancelled, ModelLoadError, TrainingError
from tests.core.ml.tiny_text_model import CLASS_WORDS, CLASSES, corpus, register, trained

pytestmark = pytest.mark.slow

CARDIO_TEXT = "The patient was seen today with a loud murmur and stable history"


def layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


def test_seed_rnn_has_the_documented_layer_stack():
    from medgui.core.ml.text.classify import build_text_model

    model = build_text_model("rnn", n_classes=4, vocab_size=500, seq_len=100)
    assert layer_types(model) == ["InputLayer", "Embedding", "SimpleRNN", "SimpleRNN", "Dropout", "Dense"]
    emb, rnn1, rnn2, dense = (model.layers[i] for i in (1, 2, 3, 5))
    assert (emb.input_dim, emb.output_dim) == (500, 100)
    assert (rnn1.units, rnn1.return_sequences, rnn2.units, rnn2.return_sequences) == (64, True, 64, False)
    assert dense.units == 4 and dense.activation.__name__ == "softmax"
    assert model.output_shape == (None, 4)


def test_lstm_variants_have_the_documented_layer_stack():
    from medgui.core.ml.text.classify import TEXT_ARCHITECTURES, build_text_model

    lstm = build_text_model("lstm", 3, 500, 50)
    assert layer_types(lstm) == ["InputLayer", "Embedding", "LSTM", "LSTM", "Dropout", "Dense"]
    assert lstm.layers[2].return_sequences and not lstm.layers[3].return_sequences
    bilstm = build_text_model("bilstm", 3, 500, 50, units=32)
    assert "Bidirectional" in layer_types(bilstm) and "GlobalMaxPooling1D" in layer_types(bilstm)
    assert type(bilstm.get_layer("birnn").forward_layer).__name__ == "LSTM"
    assert set(TEXT_ARCHITECTURES) >= {"rnn", "lstm", "bilstm", "bigru", "conv_bigru"}
    with pytest.raises(TrainingError):
        build_text_model("transformer", 3, 500, 50)


def test_training_learns_and_reports_progress():
    model, history = trained()
    assert history["accuracy"][-1] > 0.95
    assert history["val_accuracy"][-1] > 0.9
    from medgui.core.ml.text.classify import predict_proba

    probs = predict_proba(model, [f"the patient with {CLASS_WORDS[c][0]} noted" for c in CLASSES])
    assert probs.argmax(1).tolist() == [0, 1, 2]


def test_progress_reports_each_epoch_with_phase():
    from medgui.core.ml.text.classify import train_text_model

    texts, labels = corpus(60)
    seen = []
    train_text_model(texts, labels, CLASSES, arch="rnn", epochs=2, seq_len=12, vocab_size=100,
                     embed_dim=8, units=8, progress=seen.append)
    assert seen[0]["phase"] == "vocabulary" and not any("stage" in p for p in seen)
    epochs = [p for p in seen if p["phase"] == "epoch"]
    assert [p["epoch"] for p in epochs] == [1, 2] and epochs[-1]["fraction"] == 1.0
    assert epochs[0]["batches"] == 2 and epochs[0]["batch"] == 2  # 60 texts, batches of 32
    assert "loss" in epochs[0]["logs"]
    with pytest.raises(TrainingError):
        train_text_model(texts, [5] * len(texts), CLASSES, epochs=1)


def test_cancel_stops_training_within_a_batch_or_so():
    """Fails if cancelling does nothing: the run would go on for 50 epochs of 15 batches."""
    from medgui.core.ml.text.classify import train_text_model

    texts, labels = corpus(60)
    checks, seen = [], []

    def cancelled():
        checks.append(1)
        return len(checks) >= 3  # the user presses Cancel after a couple of batches

    with pytest.raises(Cancelled):
        train_text_model(texts, labels, CLASSES, arch="rnn", epochs=50, batch_size=4, seq_len=12,
                         vocab_size=100, embed_dim=8, units=8, progress=seen.append, cancelled=cancelled)
    epochs = [p for p in seen if p["phase"] == "epoch"]
    # One (cut-short) epoch report: training stopped in epoch 1, after batch 3 of 15.
    assert [p["epoch"] for p in epochs] == [1] and epochs[0]["batches"] == 15
    assert 1 <= epochs[0]["batch"] <= 4, f"{epochs[0]['batch']} batches ran; cancel should stop within one"
    assert len(checks) <= 4


def test_weight_decay_reaches_the_optimizer(monkeypatch):
    """The wizard offers weight decay and the card records it: the text trainer must use it."""
    import keras

    from medgui.core.ml.text.classify import train_text_model

    made = []
    real = keras.optimizers.AdamW

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(keras.optimizers, "AdamW", spy)
    texts, labels = corpus(30)
    train_text_model(texts, labels, CLASSES, arch="rnn", epochs=1, seq_len=8, vocab_size=50,
                     embed_dim=4, units=4, weight_decay=0.02)
    assert len(made) == 1 and made[0].weight_decay == pytest.approx(0.02)


def test_save_reload_keeps_vocabulary_and_predictions():
    from medgui.core.ml.text.classify import get_text_classifier, predict_proba

    model, _ = trained()
    card = register(model)
    assert card.ref == "tiny-text@1"
    assert card.preprocessing["seq_len"] == 16 and card.preprocessing["normalizer"]
    with zipfile.ZipFile(card.model_path) as archive:
        names = archive.namelist()
        config = archive.read("config.json").decode()
        vocab_files = [n for n in names if n.endswith("vocabulary.txt")]
        assert vocab_files, names  # the vocabulary is plain text, not a pickle
        stored_vocab = archive.read(vocab_files[0]).decode().split("\n")
    assert not any(n.endswith((".pkl", ".pickle", ".npy")) for n in names)
    with zipfile.ZipFile(card.model_path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as h5:
        stored = []
        h5.visit(stored.append)
    assert stored and not [n for n in stored if "optimizer" in n]  # inference weights only
    assert "Lambda" not in config and '"standardize": null' in config

    clf = get_text_classifier("tiny-text@1")
    original_vocab = model.get_layer("vectorize").get_vocabulary()
    assert list(clf.vocabulary) == original_vocab
    assert stored_vocab[2:] == original_vocab[2:]
    texts, _ = corpus(12, seed=5)
    np.testing.assert_allclose(predict_proba(clf.model, texts), predict_proba(model, texts), atol=1e-6)
    # The Python id lookup used for attribution matches the layer inside the model.
    from medgui.core.ml.text.model import vectorize
    from medgui.core.text.tokens import tokenize

    ids = [clf._pad(clf.ids(tokenize(t))) for t in texts]
    np.testing.assert_array_equal(np.stack(ids), vectorize(model.get_layer("vectorize"), texts))
    assert get_text_classifier("tiny-text@1") is clf  # loaded once per process


def test_classify_result_contract_and_attribution():
    from medgui.core.ml.text.classify import classify_text_job

    register(trained()[0])
    result = classify_text_job({"text": CARDIO_TEXT, "top_k": 2, "model": "tiny-text@1"}, lambda p: None, lambda: False)
    assert result["label"] == "cardiology" and result["reliable"] and result["reason"] == ""
    assert set(result["probabilities"]) == set(CLASSES)
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert [lab for lab, _ in result["top"]][0] == "cardiology" and len(result["top"]) == 2
    assert (result["model"], result["model_name"], result["model_version"]) == ("tiny-text@1", "tiny-text", 1)
    json.dumps(result)  # plain data: crosses the process pipe and lands in the record store
    tokens = result["tokens"]
    assert [t["text"] for t in tokens] == CARDIO_TEXT.split()
    for tok in tokens:
        assert CARDIO_TEXT[tok["start"] : tok["end"]] == tok["text"]
        assert -1.0 <= tok["weight"] <= 1.0
    strongest = max(tokens, key=lambda t: t["weight"])
    assert strongest["text"] == "murmur" and strongest["weight"] == 1.0
    with pytest.raises(Cancelled):
        classify_text_job({"text": CARDIO_TEXT, "model": "tiny-text@1"}, lambda p: None, lambda: True)
    from medgui.core.ml.service import resolve

    assert resolve("classify_text") is classify_text_job  # the analysis process can run it


def test_negated_tokens_are_marked():
    from medgui.core.ml.text.classify import get_text_classifier

    register(trained()[0])
    result = get_text_classifier("tiny-text@1").classify("The patient was seen today. Denies angina, stable history")
    flags = {t["text"]: t["negated"] for t in result["tokens"]}
    assert flags["angina"] and not flags["patient"] and not flags["Denies"]


def test_short_or_unknown_text_cannot_be_classified_reliably():
    from medgui.core.ml.text.classify import get_text_classifier

    register(trained()[0])
    clf = get_text_classifier("tiny-text@1")
    short = clf.classify("murmur today")
    assert short["label"] is None and not short["reliable"] and "Cannot classify reliably" in short["reason"]
    assert set(short["probabilities"]) == set(CLASSES) and short["known_tokens"] == 2
    foreign = clf.classify("The patient was seen today xylo quorn blart zeph wumble glorp trask")
    assert foreign["label"] is None and "unknown" in foreign["reason"] and foreign["oov_fraction"] > 0.5
    empty = clf.classify("")
    assert empty["label"] is None and empty["tokens"] == []


def test_chinese_records_train_and_separate_two_classes():
    from medgui.core.ml.text.classify import predict_proba, train_text_model

    rng = np.random.default_rng(3)
    heart, bone, filler = list("心脏杂音"), list("骨折膝盖"), list("患者今天来诊情况稳定")
    texts, labels = [], []
    for i in range(80):
        words = list(rng.choice(filler, 6)) + list(rng.choice(heart if i % 2 == 0 else bone, 2))
        texts.append("".join(words) + "。")
        labels.append(i % 2)
    model, _ = train_text_model(texts, labels, ["心内科", "骨科"], arch="lstm", epochs=10, batch_size=16,
                                learning_rate=1e-2, vocab_size=100, seq_len=12, embed_dim=8, units=8, dropout=0.0)
    assert model.get_layer("vectorize").vocabulary_size() > 10  # characters, not whole sentences
    assert predict_proba(model, ["患者心脏杂音", "患者膝盖骨折"]).argmax(1).tolist() == [0, 1]


def test_wrong_task_or_missing_model_is_a_load_error():
    from medgui.core.ml.text.classify import get_text_classifier

    with pytest.raises(ModelLoadError):
        get_text_classifier("no-such-model@1")


def test_shipped_model_classifies_a_cardiology_note():
    from medgui.core.ml.text.classify import get_text_classifier
    from medgui.core.models.registry import Registry

    card = Registry().active("text")
    assert card.builtin and card.name == "specialty-text"
    clf = get_text_classifier()
    note = (
        "The patient is a 68-year-old man with a history of coronary artery disease and hypertension "
        "who presents with exertional chest pain and shortness of breath. Echocardiogram showed an "
        "ejection fraction of 35% with moderate mitral regurgitation. Cardiac catheterization revealed "
        "severe stenosis of the left anterior descending artery, and a drug-eluting stent was placed. "
        "He denies palpitations or syncope. Continue aspirin, clopidogrel, metoprolol and atorvastatin."
    )
    result = clf.classify(note)
    assert result["reliable"] and result["label"] == "Cardiovascular / Pulmonary"
    assert set(result["probabilities"]) == set(card.classes) and len(card.classes) >= 8
    flags = {t["text"]: t["negated"] for t in result["tokens"]}
    assert flags["palpitations"] and flags["syncope"] and not flags["stenosis"]
