"""The n-gram text model, the linear baseline beside every text model, and model selection."""

from __future__ import annotations

import functools
import json
import zipfile

import numpy as np
import pytest

from medgui.core.training.config import TrainingConfig, defaults
from tests.core.ml.tiny_text_model import CLASSES, corpus, register
from tests.dataset_factory import text_table

pytestmark = pytest.mark.slow

CARDIO_TEXT = "The patient was seen today with a loud murmur and stable history"


@functools.cache
def trained_ngram():
    from medgui.core.ml.text.classify import train_text_model

    texts, labels = corpus()
    vt, vl = corpus(30, seed=1)
    return train_text_model(texts, labels, CLASSES, arch="ngram_tfidf", val=(vt, vl))


def test_ngram_is_the_default_text_architecture_and_the_rnns_stay_selectable():
    from medgui.core.ml.text.model import TEXT_ARCHITECTURES
    from medgui.core.training import options

    assert defaults("text").architecture == "ngram_tfidf"
    assert {"ngram_tfidf", "rnn", "lstm", "bilstm", "bigru"} <= set(options.TEXT_ARCHITECTURES)
    assert set(options.TEXT_ARCHITECTURES) == set(TEXT_ARCHITECTURES)
    assert "(default)" in options.TEXT_ARCHITECTURES["ngram_tfidf"]


def test_ngram_model_learns_and_reports_one_solver_epoch():
    from medgui.core.ml.text.classify import predict_proba, train_text_model

    model, history = trained_ngram()
    assert history["accuracy"] == [1.0] and history["val_accuracy"] == [1.0]
    assert history["val_loss"][0] < 0.5 and history["best_epoch"] == 1 and "L-BFGS" in history["solver"]
    probs = predict_proba(model, [f"the patient with {w} noted" for w in ("angina", "polyp", "femur")])
    assert probs.argmax(1).tolist() == [0, 1, 2]
    assert [type(layer).__name__ for layer in model.get_layer("network").layers] == [
        "InputLayer", "UnitNormalization", "Dense"]
    seen = []
    texts, labels = corpus(30)
    train_text_model(texts, labels, CLASSES, arch="ngram_tfidf", progress=seen.append)
    assert [p["phase"] for p in seen] == ["vocabulary", "epoch"] and seen[-1]["epoch"] == seen[-1]["epochs"] == 1


def test_ngram_model_matches_scikit_learn_tfidf_logistic_regression():
    """The Keras model is the convex optimum, written into layers: same probabilities as
    scikit-learn, unknown words and an empty text included (the OOV slot counts for nothing)."""
    from medgui.core.ml.text.baseline import fit_linear
    from medgui.core.ml.text.classify import predict_proba, train_text_model
    from medgui.core.text.tokens import normalize_for_model

    texts, labels = corpus(120, seed=7)
    weights = {0: 2.0, 1: 1.0, 2: 0.5}
    model, _ = train_text_model(texts, labels, CLASSES, arch="ngram_tfidf", vocab_size=60, class_weight=weights)
    probe, _ = corpus(20, seed=8)
    probe += ["The zorblax patient with murmur murmur murmur", "", "qwerty asdf"]
    norm = [normalize_for_model(t) for t in texts]
    sk = fit_linear(norm, labels, 3, class_weight=weights, max_features=60, sublinear=False)
    expected = sk.predict_proba([normalize_for_model(t) for t in probe])
    np.testing.assert_allclose(predict_proba(model, probe), expected, atol=2e-5)
    assert model.get_layer("vectorize").vocabulary_size() == 61  # 60 n-grams + the OOV slot


def test_ngram_model_saves_plain_data_and_loads_in_safe_mode():
    from medgui.core.ml.text.classify import get_text_classifier, predict_proba

    model, _ = trained_ngram()
    card = register(model, name="tiny-ngram")
    with zipfile.ZipFile(card.model_path) as archive:
        names = archive.namelist()
        config = json.loads(archive.read("config.json"))
    assert not any(n.endswith((".pkl", ".pickle", ".npy")) for n in names)
    text = json.dumps(config)
    assert "Lambda" not in text and '"output_mode": "tf_idf"' in text and '"murmur"' in text
    assert card.preprocessing["seq_len"] is None and card.preprocessing["ngrams"] == 2
    clf = get_text_classifier("tiny-ngram@1")  # hash-checked, safe_mode=True, no custom objects
    probe, _ = corpus(9, seed=4)
    np.testing.assert_allclose(predict_proba(clf.model, probe), predict_proba(model, probe), atol=1e-6)


def test_ngram_classifier_attributes_the_decisive_word_and_marks_negation():
    from medgui.core.ml.text.classify import get_text_classifier

    register(trained_ngram()[0], name="tiny-ngram")
    clf = get_text_classifier("tiny-ngram@1")
    result = clf.classify(CARDIO_TEXT)
    assert result["label"] == "cardiology" and result["reliable"]
    assert [t["text"] for t in result["tokens"]] == CARDIO_TEXT.split()
    strongest = max(result["tokens"], key=lambda t: t["weight"])
    assert strongest["text"] == "murmur" and strongest["weight"] == 1.0
    assert all(-1.0 <= t["weight"] <= 1.0 for t in result["tokens"])
    # Occlusion on the whole model: removing "murmur" is what drops cardiology most.
    without = clf.classify(CARDIO_TEXT.replace("murmur", ""), explain=False)
    assert without["probabilities"]["cardiology"] < result["probabilities"]["cardiology"]
    # The whole text is read: class words after 300 filler words still count.
    filler = "the patient was seen today " * 60
    far = clf.classify(filler + "fracture of the femur, knee in a cast " * 4)
    assert not far["truncated"] and far["read_tokens"] == far["n_tokens"] == 332
    alone = clf.classify(filler, explain=False)
    assert far["probabilities"]["orthopedics"] > alone["probabilities"]["orthopedics"] + 0.05
    fracture = next(t for t in far["tokens"] if t["text"] == "fracture")
    assert fracture["known"] and fracture["weight"] != 0.0
    negated = clf.classify("The patient was seen today. Denies angina, stable history")
    flags = {t["text"]: t["negated"] for t in negated["tokens"]}
    assert flags["angina"] and not flags["patient"]


def test_ngram_occlusion_rows_equal_vectorising_every_edited_copy(monkeypatch):
    """The fast attribution (counts of the original, minus the n-grams touching the word,
    plus the pairs its removal forms) gives what re-vectorising each edited text gives."""
    from medgui.core.ml.text.classify import get_text_classifier

    register(trained_ngram()[0], name="tiny-ngram")
    clf = get_text_classifier("tiny-ngram@1")
    # Repeats, a run of one word ("murmur murmur"), the word first and last, unknown words.
    words = ["murmur", "the", "patient", "murmur", "murmur", "was", "seen", "zorblax", "with", "angina",
             "and", "murmur", "stable", "knee", "the", "patient", "murmur"]
    occluded = sorted({w for w in words if w in clf.vocabulary})
    fast = clf._occlusion_probs(words, occluded)
    slow = clf.predict([" ".join(words)] + [" ".join(w for w in words if w != o) for o in occluded])
    assert fast.shape == (len(occluded) + 1, len(CLASSES))
    np.testing.assert_allclose(fast, slow, atol=1e-6)
    from medgui.core.ml.text import classify

    monkeypatch.setattr(classify, "OCCLUSION_BATCH", 3)  # rows go in chunks: the same answer
    np.testing.assert_allclose(clf._occlusion_probs(words, occluded), slow, atol=1e-6)


def test_reading_path_without_tensorflow_gives_the_keras_answer_and_weights():
    from medgui.core.ml.text.classify import get_text_classifier, reading_text_classifier

    register(trained_ngram()[0], name="tiny-ngram")
    reader, keras_clf = reading_text_classifier("tiny-ngram@1"), get_text_classifier("tiny-ngram@1")
    assert reader.runtime == "onnxruntime" and reader.bag and reader.vocabulary == keras_clf.vocabulary
    text = CARDIO_TEXT + ". Angina and a stent; no fracture, the patient was seen today."
    got, want = reader.classify(text), keras_clf.classify(text)
    assert got["label"] == want["label"] == "cardiology"
    for c in CLASSES:
        assert got["probabilities"][c] == pytest.approx(want["probabilities"][c], abs=1e-5)
    assert [t["weight"] for t in got["tokens"]] == pytest.approx([t["weight"] for t in want["tokens"]], abs=1e-4)


def test_ngram_classifier_refuses_short_and_foreign_text():
    from medgui.core.ml.text.classify import get_text_classifier

    register(trained_ngram()[0], name="tiny-ngram")
    clf = get_text_classifier("tiny-ngram@1")
    assert "murmur" in clf.vocabulary and not any(" " in w for w in clf.vocabulary)  # words, not pairs
    short = clf.classify("murmur today")
    assert short["label"] is None and "Cannot classify reliably" in short["reason"] and short["known_tokens"] == 2
    gibberish = clf.classify("The patient was seen today xylo quorn blart zeph wumble glorp trask")
    assert gibberish["label"] is None and "unknown" in gibberish["reason"] and gibberish["oov_fraction"] > 0.5
    empty = clf.classify("")
    assert empty["label"] is None and empty["tokens"] == []
    assert sum(empty["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def text_config(csv, **kw) -> TrainingConfig:
    values = dict(task="text", data=str(csv), text_column="text", label_column="specialty", seed=3,
                  batch_size=8, seq_len=16, vocab_size=200, name="notes")
    values.update(kw)
    return TrainingConfig(**values)


def test_run_training_puts_the_baseline_next_to_the_model_and_warns_when_it_is_better(tmp_path):
    from medgui.core.ml.train import run_training

    csv = text_table(tmp_path / "notes.csv", per_class=40)
    good = run_training(text_config(csv))  # the default: the n-gram model
    good.discard()
    ev = good.evaluation
    base = ev["baseline"]
    assert good.card.architecture == "ngram_tfidf" and good.card.training["solver"]
    assert base["n"] == ev["n"] and base["macro_f1"] > 0.9 and len(base["macro_f1_ci"]) == 2
    assert set(base) >= {"name", "accuracy", "accuracy_ci", "macro_f1", "macro_f1_diff", "macro_f1_diff_ci"}
    assert not base["beats_model"]
    # An RNN trained for one epoch on 56 notes is near chance; the baseline is not.
    weak = run_training(text_config(csv, architecture="rnn", epochs=1, learning_rate=1e-4))
    weak.discard()
    wev = weak.evaluation
    assert wev["macro_f1_ci"][1] < wev["baseline"]["macro_f1"]
    assert wev["baseline"]["beats_model"] and wev["baseline"]["macro_f1_diff"] > 0
    assert wev["baseline"]["macro_f1_diff_ci"][0] > 0
    assert weak.card.metrics["baseline"] == wev["baseline"]


def test_corrected_interval_is_wider_than_the_naive_one():
    from scipy.stats import t

    from medgui.core.ml.text.selection import corrected_t_interval

    values = [0.80, 0.85, 0.90, 0.82, 0.88, 0.86]
    lo, hi = corrected_t_interval(values, test_share=0.25)
    sd = np.std(values, ddof=1)
    half = t.ppf(0.975, 5) * np.sqrt((1 / 6 + 0.25) * sd**2)
    assert (lo, hi) == pytest.approx((np.mean(values) - half, np.mean(values) + half))
    naive = t.ppf(0.975, 5) * sd / np.sqrt(6)
    assert hi - lo > 2 * naive
    assert corrected_t_interval([0.9], 0.25) is None


def test_cross_validation_scores_every_candidate_and_the_baseline_on_the_same_folds(tmp_path):
    from medgui.core.ml.text.selection import BASELINE, cross_validate
    from medgui.core.ml.train import fit_and_predict, scan_data

    csv = text_table(tmp_path / "notes.csv", per_class=24)
    scan = scan_data(text_config(csv))
    candidates = {"ngram_tfidf": text_config(csv),
                  "rnn": text_config(csv, architecture="rnn", epochs=1)}
    seen = []
    cv = cross_validate(scan, candidates, fit_and_predict, folds=3, repeats=2, seed=1, repeats_of={"rnn": 1},
                        ensembles={"rnn+ngram": ("rnn", "ngram_tfidf")}, progress=seen.append)
    rows = cv["candidates"]
    assert set(rows) == {BASELINE, "ngram_tfidf", "rnn", "rnn+ngram"}
    assert rows[BASELINE]["folds"] == rows["ngram_tfidf"]["folds"] == 6 and rows["ngram_tfidf"]["repeats"] == 2
    assert rows["rnn"]["folds"] == rows["rnn+ngram"]["folds"] == 3 and rows["rnn"]["repeats"] == 1
    for row in rows.values():
        m = row["macro_f1"]
        assert m["ci"][0] <= m["mean"] <= m["ci"][1] and len(m["values"]) == row["folds"]
    # Paired with the baseline fold by fold: the difference of means on the folds both ran.
    base = rows[BASELINE]["macro_f1"]["values"]
    diff = rows["ngram_tfidf"]["vs_baseline"]["mean"]
    assert diff == pytest.approx(np.mean(rows["ngram_tfidf"]["macro_f1"]["values"]) - np.mean(base), abs=1e-3)
    assert rows["ngram_tfidf"]["macro_f1"]["mean"] > 0.9  # the classes' own words separate them
    assert [p["fold"] for p in seen if "scores" in p] == [1, 2, 3, 4, 5, 6]
    assert "Nadeau" in cv["ci_method"] and json.dumps(cv)
