"""Grad-CAM shows where the evidence is."""

from __future__ import annotations

import numpy as np

from medgui.core.ml.image.explain import GradCam, grad_cam
from tests.core.ml import tiny_image_model as tiny


def _quadrant_share(cam: np.ndarray) -> float:
    h, w = cam.shape
    return float(cam[: h // 2, : w // 2].sum() / max(cam.sum(), 1e-9))


def test_heatmap_mass_lies_where_the_class_evidence_is():
    model = tiny.trained("seed_cnn", 32)
    x, y = tiny.synthetic(40, 32, seed=7)
    positives = x[y == 1]
    probs = np.asarray(model(positives, training=False))
    assert probs[:, 1].mean() > 0.9  # the model did learn the task
    shares = [_quadrant_share(grad_cam(model, img, 1)) for img in positives]
    # Chance is 0.25: the square sits in the top-left quadrant of every positive image.
    assert np.mean(shares) > 0.45


def test_heatmap_shape_range_and_batching():
    model = tiny.trained("seed_cnn", 32)
    x, _ = tiny.synthetic(4, 32, seed=3)
    cam = grad_cam(model, x[0], 1)
    assert cam.shape == (32, 32) and cam.dtype == np.float32
    assert cam.min() >= 0.0 and cam.max() <= 1.0 + 1e-6
    batch = GradCam(model)(x, np.array([1, 1, 0, 0]))
    assert batch.shape == (4, 32, 32)
    np.testing.assert_allclose(batch[0], cam, atol=1e-5)


def test_heatmap_from_an_earlier_layer():
    model = tiny.trained("seed_cnn", 32)
    x, _ = tiny.synthetic(2, 32, seed=4)
    cam = grad_cam(model, x[1], 1, layer_name="conv2")
    assert cam.shape == (32, 32)
    assert 0.99 <= cam.max() <= 1.0 + 1e-6  # normalised to its peak
