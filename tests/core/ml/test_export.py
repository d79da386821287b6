"""Inference exports: parity with Keras, integrity, CAM = Grad-CAM, every registration has one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("onnxruntime")

from medgui.core import paths  # noqa: E402
from medgui.core.errors import ModelLoadError  # noqa: E402
from medgui.core.imaging.preprocess import read_for_model  # noqa: E402
from medgui.core.ml import export, modelio  # noqa: E402
from medgui.core.ml.image import infer  # noqa: E402
from medgui.core.ml.registry_jobs import import_model_job  # noqa: E402
from medgui.core.models.card import ModelCard, sha256_file  # noqa: E402
from medgui.core.models.registry import Registry  # noqa: E402
from medgui.core.runtime.image import ExportedImageClassifier, class_activation_map  # noqa: E402
from medgui.core.runtime.session import EXPORT_FILE, ExportedModel  # noqa: E402
from tests.core.ml import tiny_image_model as tiny  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
SAMPLES = sorted(p for p in paths.SAMPLES.iterdir() if p.suffix.lower() in {".jpeg", ".jpg", ".dcm"})


def _inputs(files, size):
    return np.stack([read_for_model(f, size)[0] for f in files])


def test_shipped_image_export_gives_the_keras_readings_on_real_x_rays():
    card = Registry().active("image")
    assert card.builtin and EXPORT_FILE in card.files  # shipped with its export, hashed
    assert card.training["export"]["outputs"] == ["probabilities", "features", "class_maps"]
    light = infer.get_image_classifier()
    assert isinstance(light, ExportedImageClassifier) and light.runtime == "onnxruntime"
    keras_clf = infer.keras_image_classifier(card.ref)
    assert len(SAMPLES) >= 4  # two Kermany JPEGs and two chest DICOMs (CR, JPEG-compressed)
    x = _inputs(SAMPLES, light.input_size)
    p_light, p_keras = light.classify(x), keras_clf.classify(x)
    assert np.max(np.abs(p_light - p_keras)) <= 1e-4
    assert [light.label_for(p) for p in p_light] == [keras_clf.label_for(p) for p in p_keras]
    for i in range(len(SAMPLES)):  # the heatmaps too: CAM from the export, Grad-CAM from Keras
        label = light.label_for(p_light[i])
        np.testing.assert_allclose(light.heatmap(x[i], label), keras_clf.heatmap(x[i], label), atol=1e-4)


@pytest.fixture(scope="module")
def gap_model():
    return tiny.trained("compact_cnn", 32)  # global average pooling + Dense softmax


def test_class_activation_map_is_grad_cam_up_to_scale(gap_model, tmp_path):
    import tensorflow as tf

    from medgui.core.ml.image.explain import GradCam

    export.write_export(gap_model, tmp_path, "image")
    session = __import__("onnxruntime").InferenceSession(str(tmp_path / EXPORT_FILE))
    x, y = tiny.synthetic(6, 32, seed=21)
    probs, features, maps = session.run(["probabilities", "features", "class_maps"], {"image": x})
    dense = gap_model.get_layer("probabilities")
    kernel = np.asarray(dense.kernel)
    # class_maps is the feature maps times the class weights ...
    np.testing.assert_allclose(maps, features @ kernel, rtol=1e-4, atol=1e-5)
    # ... and Grad-CAM's weights are those class weights over h * w: the same map up to scale.
    feature_model = tf.keras.Model(gap_model.inputs, [gap_model.get_layer("last_conv").output, dense.input])
    h, w = features.shape[1:3]
    for c in (0, 1):
        with tf.GradientTape() as tape:
            fmap, pooled = feature_model(x, training=False)
            tape.watch(fmap)
            logit = tf.matmul(pooled, dense.kernel)[:, c] + dense.bias[c]
        alpha = tf.reduce_mean(tape.gradient(logit, fmap), axis=(1, 2)).numpy()  # (N, k)
        np.testing.assert_allclose(alpha, np.broadcast_to(kernel[:, c] / (h * w), alpha.shape),
                                   rtol=1e-4, atol=1e-7)
        raw_grad_cam = np.einsum("nijk,nk->nij", fmap.numpy(), alpha)
        np.testing.assert_allclose(raw_grad_cam * (h * w), maps[..., c], rtol=1e-3, atol=1e-4)
        cams = GradCam(gap_model)(x, np.full(len(x), c))
        for i in range(len(x)):
            np.testing.assert_allclose(class_activation_map(maps[i], c, (32, 32)), cams[i], atol=1e-4)
    assert np.max(np.abs(probs - np.asarray(gap_model(x, training=False)))) <= 1e-4


def test_a_head_that_is_not_pooled_gets_no_class_maps_and_grad_cam_falls_back_to_keras():
    card = tiny.register(tiny.trained("seed_cnn", 32), "flat")  # Flatten + Dense 64 head
    model = modelio.load_model(card)
    export.add_export(card.path)
    card = Registry().get(card.ref)
    assert card.training["export"]["outputs"] == ["probabilities", "features"]
    light = infer.get_image_classifier(card.ref)
    assert isinstance(light, ExportedImageClassifier) and not light.has_heatmap
    heat = infer.get_image_classifier(card.ref, heatmap=True)
    assert heat.runtime == "keras"
    x, _ = tiny.synthetic(4, 32, seed=5)
    assert np.max(np.abs(light.classify(x) - np.asarray(model(x, training=False)))) <= 1e-4


def test_an_export_that_does_not_match_its_hash_is_refused(tmp_path, monkeypatch):
    shipped = Registry().active("image")
    root = tmp_path / "builtin"
    shutil.copytree(shipped.path, root / shipped.name / str(shipped.version))
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(root))
    card = Registry().active("image")
    onnx_file = card.path / EXPORT_FILE
    data = bytearray(onnx_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    onnx_file.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="integrity check"):
        ExportedModel(card)
    with pytest.raises(ModelLoadError, match="integrity check"):
        infer.get_image_classifier()


def test_a_trained_model_is_registered_with_its_export(tmp_path):
    from medgui.core.ml.train import register_outcome, run_training
    from medgui.core.training.config import TrainingConfig
    from tests.dataset_factory import image_folder

    data = image_folder(tmp_path / "data", per_class=16, patients=8)
    config = TrainingConfig(task="image", data=str(data), architecture="compact_cnn", image_size=32, epochs=2,
                            batch_size=8, seed=3, patience=2, group_pattern=r"(person\d+)_")
    outcome = run_training(config)
    assert (outcome.staging_dir / EXPORT_FILE).is_file()
    card = register_outcome(outcome, "trained")
    assert card.files[EXPORT_FILE] == sha256_file(card.path / EXPORT_FILE)
    info = card.training["export"]
    assert info["outputs"] == ["probabilities", "features", "class_maps"]
    assert info["parity_max_abs_diff"]["probabilities"] <= 1e-4
    light = infer.get_image_classifier(card.ref, heatmap=True)
    assert light.runtime == "onnxruntime" and light.has_heatmap
    files = sorted(data.rglob("*.png"))[:8]
    x = _inputs(files, 32)
    keras_probs = infer.keras_image_classifier(card.ref).classify(x)
    assert np.max(np.abs(light.classify(x) - keras_probs)) <= 1e-4


def test_import_writes_a_fresh_export_and_never_trusts_the_archives(tmp_path):
    card = tiny.register(tiny.trained("compact_cnn", 32), "plain")  # registered without an export
    registry = Registry()
    archive = registry.export(card.ref, tmp_path)
    # A forged archive: its model.onnx is not this model's, but its card lists its hash.
    forged = tmp_path / "forged.medgui-model"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(forged, "w") as dst:
        meta = json.loads(src.read("card.json"))
        bogus = b"not the network of model.keras"
        meta["files"][EXPORT_FILE] = __import__("hashlib").sha256(bogus).hexdigest()
        dst.writestr("card.json", json.dumps(meta))
        dst.writestr(EXPORT_FILE, bogus)
        for name in src.namelist():
            if name != "card.json":
                dst.writestr(name, src.read(name))
    for source in (archive, forged):
        other = Registry(tmp_path / f"registry-{source.stem}", builtin=None)
        imported = ModelCard.from_json(import_model_job({"path": str(source), "root": str(other.root)},
                                                        lambda _: None, lambda: False))
        imported = other.get(imported.ref)
        assert imported.files[EXPORT_FILE] == sha256_file(imported.path / EXPORT_FILE)
        assert (imported.path / EXPORT_FILE).read_bytes() != b"not the network of model.keras"
        light = infer.get_image_classifier(imported.ref, registry=other)
        assert light.runtime == "onnxruntime"
        x, _ = tiny.synthetic(3, 32, seed=8)
        keras_probs = np.asarray(modelio.load_model(imported)(x, training=False))
        assert np.max(np.abs(light.classify(x) - keras_probs)) <= 1e-4


@pytest.mark.slow
def test_image_and_text_readings_do_not_import_tensorflow(tmp_path):
    sample = next(p for p in SAMPLES if p.suffix.lower() == ".jpeg")
    notes = paths.SAMPLES / "records.csv"
    code = (
        "import json, sys\n"
        "from medgui.cli import main\n"
        "from medgui.core.ml.image.infer import classify_image_job\n"
        "from medgui.core.ml.service import warmup\n"
        "from medgui.core.ml.text.classify import classify_text_job\n"
        f"rc = main(['classify-image', {str(sample)!r}, '--json', '--no-progress'])\n"
        f"rc += main(['classify-text', {str(notes)!r}, '--json'])\n"
        "ready = warmup({'tasks': ['image', 'text']}, print, lambda: False)\n"
        f"job = classify_image_job({{'path': {str(sample)!r}, 'heatmap': True}}, lambda _: None, lambda: False)\n"
        "note = classify_text_job({'text': 'Chest pain on exertion, ECG shows ST depression. Plan: stress test "
        "and cardiology review; start aspirin.'}, lambda _: None, lambda: False)\n"
        "print(json.dumps({'rc': rc, 'ready': ready, 'runtime': job['runtime'], 'note': bool(note['top']),\n"
        "                  'heatmap': list(job['heatmap'].shape), 'tf': 'tensorflow' in sys.modules,\n"
        "                  'keras': 'keras' in sys.modules}))\n"
    )
    env = {"MEDGUI_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout.strip().splitlines()
    reading, note, summary = json.loads(out[0]), json.loads(out[1]), json.loads(out[-1])
    assert reading["path"] == str(sample) and reading["label"] in {"NORMAL", "PNEUMONIA"}
    shipped = [Registry().active(task).ref for task in ("image", "text")]
    assert note["path"] == str(notes) and note["model"] == shipped[1] and note["top"]
    light = dict.fromkeys(shipped, "onnxruntime")
    assert summary == {"rc": 0, "ready": {"loaded": list(light), "runtime": light, "deferred": []},
                       "runtime": "onnxruntime", "note": True, "heatmap": [224, 224], "tf": False,
                       "keras": False}
