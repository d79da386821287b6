"""Image inference: result contract, threshold rule, caching, the job, the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core import paths
from medgui.core.errors import Cancelled, ImageLoadError
from medgui.core.ml.image import infer
from medgui.core.ml.image.cnn import build_image_model
from medgui.core.ml.service import JOBS, resolve
from medgui.core.models.registry import Registry
from tests.core.ml import tiny_image_model as tiny

KEYS = {"path", "label", "probabilities", "threshold", "positive_class", "model", "model_name",
        "model_version", "heatmap", "timing_ms"}


@pytest.fixture
def tiny_ref():
    card = tiny.register(tiny.trained("seed_cnn", 32))
    Registry().activate(card.ref)
    return card.ref


def test_classify_paths_reads_files_and_gets_them_right(tmp_path, tiny_ref):
    x, y = tiny.synthetic(20, 32, seed=11)
    files = [tiny.write_png(tmp_path / f"{i}.png", x[i]) for i in range(20)]
    clf = infer.get_image_classifier()
    results = list(clf.classify_paths(files, batch_size=8))
    assert [r["path"] for r in results] == [str(f) for f in files]
    for r in results:
        assert set(r) >= KEYS
        assert sum(r["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert r["model"] == tiny_ref and r["model_name"] == "tiny" and r["model_version"] == 1
    labels = [tiny.CLASSES.index(r["label"]) for r in results]
    assert np.mean(np.array(labels) == y) >= 0.9


def test_label_follows_threshold_for_two_classes():
    model = tiny.trained("seed_cnn", 32)
    x, _ = tiny.synthetic(6, 32, seed=2)
    always = infer.ImageClassifier(tiny.register(model, "t0", threshold=0.0), model)
    # A card's threshold is in [0, 1]: at 1.0 only a probability of exactly 1 calls PNEUMONIA.
    never = infer.ImageClassifier(tiny.register(model, "t1", threshold=1.0), model)
    assert {always.classify_image((x[i, ..., 0] * 255).astype(np.uint8))["label"] for i in range(6)} == {"PNEUMONIA"}
    results = [never.classify_image((x[i, ..., 0] * 255).astype(np.uint8)) for i in range(6)]
    assert {r["label"] for r in results if r["probabilities"]["PNEUMONIA"] < 1.0} == {"NORMAL"}


def test_more_than_two_classes_use_argmax():
    model = build_image_model("compact_cnn", 3, input_size=32, width=8)
    clf = infer.ImageClassifier(tiny.register(model, "three", threshold=None, classes=["a", "b", "c"]), model)
    x, _ = tiny.synthetic(5, 32, seed=9)
    probs = clf.classify(x)
    assert probs.shape == (5, 3)
    for row in probs:
        assert clf.label_for(row) == "abc"[int(np.argmax(row))]


def test_classifier_is_loaded_once_per_model(tiny_ref):
    first = infer.get_image_classifier()
    assert infer.get_image_classifier(tiny_ref) is first
    other = tiny.register(tiny.trained("seed_cnn", 32), "tiny")  # tiny@2
    assert infer.get_image_classifier(other.ref) is not first


def test_job_classifies_a_file_with_heatmap(tmp_path, tiny_ref):
    x, y = tiny.synthetic(2, 32, seed=4)
    path = tiny.write_png(tmp_path / "scan.png", x[1])
    job = resolve("classify_image")
    assert JOBS["classify_image"] == "medgui.core.ml.image.infer:classify_image_job"
    stages = []
    result = job({"path": str(path), "heatmap": True}, stages.append, lambda: False)
    assert result["label"] == "PNEUMONIA" and result["path"] == str(path)
    assert result["heatmap"].shape == (32, 32) and result["heatmap"].dtype == np.float32
    assert result["heatmap"].min() >= 0.0 and result["heatmap"].max() <= 1.0 + 1e-6
    assert set(result["timing_ms"]) >= {"load", "preprocess", "model", "explain", "total"}
    assert [s["stage"] for s in stages] == ["model", "load", "classify"]
    plain = job({"pixels": (x[0, ..., 0] * 255).astype(np.uint8)}, stages.append, lambda: False)
    assert plain["heatmap"] is None and plain["label"] == "NORMAL"


def test_job_reports_bad_files_and_cancellation(tmp_path, tiny_ref):
    bad = tmp_path / "broken.png"
    bad.write_text("not an image")
    with pytest.raises(ImageLoadError, match="broken.png"):
        infer.classify_image_job({"path": str(bad)}, lambda info: None, lambda: False)
    with pytest.raises(Cancelled):
        infer.classify_image_job({"path": str(bad)}, lambda info: None, lambda: True)


def test_shipped_default_model_classifies_an_xray(tmp_path):
    card = Registry().active("image")  # nothing activated in this fresh home
    assert card.builtin and card.name == "pneumonia-cnn"
    assert card.positive_class == "PNEUMONIA" and 0.0 < card.threshold < 1.0
    samples = sorted(p for p in paths.SAMPLES.glob("**/*") if p.suffix.lower() in {".png", ".jpeg", ".jpg"})
    image = samples[0] if samples else tiny.write_png(tmp_path / "flat.png", np.full((300, 250), 0.5))
    result = infer.classify_image_job({"path": str(image), "heatmap": True}, lambda info: None, lambda: False)
    assert result["model"] == card.ref and result["label"] in {"NORMAL", "PNEUMONIA"}
    assert result["heatmap"].shape == (224, 224)
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def test_results_warn_when_the_header_says_it_is_not_a_chest_radiograph(tmp_path, tiny_ref):
    from tests.core.dicom_factory import write_dicom

    x, _ = tiny.synthetic(1, 32, seed=5)
    pixels = (x[0, ..., 0] * 4095).astype(np.uint16)
    chest = write_dicom(tmp_path / "chest.dcm", pixels, bits_stored=12)
    hip = write_dicom(tmp_path / "hip.dcm", pixels, bits_stored=12, BodyPartExamined="HIP")
    angio = write_dicom(tmp_path / "angio.dcm", pixels, bits_stored=12, Modality="XA")
    png = tiny.write_png(tmp_path / "plain.png", x[0])
    job = resolve("classify_image")
    warnings = {p.name: job({"path": str(p)}, lambda _: None, lambda: False)["warnings"]
                for p in (chest, hip, angio, png)}
    assert warnings["chest.dcm"] == [] and warnings["plain.png"] == []
    assert any("HIP" in w for w in warnings["hip.dcm"])
    assert any("XA" in w for w in warnings["angio.dcm"])
    batch = {r["path"]: r["warnings"] for r in infer.get_image_classifier().classify_paths([chest, hip])}
    assert batch[str(chest)] == [] and any("HIP" in w for w in batch[str(hip)])
