"""Grad-CAM: which regions of the image drove the model's reading.

Selvaraju et al. 2017: the gradient of the class score with respect to the last
convolutional feature map, averaged over space, weights that map's channels; the
positive part of the weighted sum, upsampled to the input, is the heatmap. The class
score is the pre-softmax logit (the softmax saturates near 0 and 1, where its gradient
vanishes and the map would turn to noise on confident predictions).

The gradient computation is traced once per model with a fixed input signature, so a
heatmap costs one forward and one backward pass (a few milliseconds on a CPU).
"""

from __future__ import annotations

import weakref
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from medgui.core.ml.image.cnn import last_conv_layer_name


class GradCam:
    """A compiled Grad-CAM for one model and one feature-map layer."""

    def __init__(self, model: keras.Model, layer_name: str | None = None) -> None:
        self.model = model
        self.layer_name = layer_name or last_conv_layer_name(model)
        feature_map = model.get_layer(self.layer_name).output
        last = model.layers[-1]
        # With a softmax Dense head, recompute its logits from the Dense layer's input;
        # otherwise fall back to the log of the model's output.
        self._dense = last if isinstance(last, keras.layers.Dense) and _is_softmax(last) else None
        head_input = self._dense.input if self._dense is not None else model.output
        self._grad_model = keras.Model(model.inputs, [feature_map, head_input])
        h, w, c = model.input_shape[1:]
        self.input_hw = (int(h), int(w))
        self._cam = tf.function(
            self._cam_graph,
            input_signature=[
                tf.TensorSpec([None, h, w, c], tf.float32),
                tf.TensorSpec([None], tf.int32),
            ],
        )

    def _cam_graph(self, x: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            fmap, head = self._grad_model(x, training=False)
            tape.watch(fmap)
            if self._dense is not None:
                scores = tf.matmul(head, self._dense.kernel)
                if self._dense.bias is not None:
                    scores = scores + self._dense.bias
            else:
                scores = tf.math.log(head + 1e-7)
            score = tf.gather(scores, class_index, axis=1, batch_dims=1)
        grads = tape.gradient(score, fmap)
        weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(weights * fmap, axis=-1, keepdims=True))
        cam = tf.image.resize(cam, self.input_hw, method="bilinear")[..., 0]
        peak = tf.reduce_max(cam, axis=(1, 2), keepdims=True)
        return tf.math.divide_no_nan(cam, peak)

    def __call__(self, x: np.ndarray, class_index: int | np.ndarray) -> np.ndarray:
        """Heatmaps for a batch ``x`` (N, H, W, C) or one image (H, W, C).

        Returns ``(N, H, W)`` (or ``(H, W)`` for one image) float32 in [0, 1]; an
        all-zero map means nothing in the image argued for the class.
        """
        x = np.asarray(x, dtype=np.float32)
        single = x.ndim == 3
        if single:
            x = x[np.newaxis]
        idx = np.broadcast_to(np.asarray(class_index, dtype=np.int32), (x.shape[0],))
        maps = self._cam(tf.convert_to_tensor(x), tf.convert_to_tensor(idx)).numpy()
        return maps[0] if single else maps


def _is_softmax(layer: keras.layers.Layer) -> bool:
    act = getattr(layer, "activation", None)
    return getattr(act, "__name__", "") == "softmax"


_CACHE: weakref.WeakKeyDictionary[Any, dict[str | None, GradCam]] = weakref.WeakKeyDictionary()


def grad_cam(model: keras.Model, x: np.ndarray, class_index: int, layer_name: str | None = None) -> np.ndarray:
    """Grad-CAM heatmap of ``model`` for ``class_index`` on one image ``x`` (H, W, C).

    Parameters
    ----------
    model : a Keras image classifier with a convolutional feature map.
    x : the preprocessed input, as ``medgui.core.imaging.preprocess.model_input`` returns it.
    class_index : the class whose evidence is shown.
    layer_name : the feature-map layer; default: the model's last conv layer.

    Returns
    -------
    numpy.ndarray
        float32 (H, W) in [0, 1] at the model's input size.
    """
    per_model = _CACHE.setdefault(model, {})
    if layer_name not in per_model:
        per_model[layer_name] = GradCam(model, layer_name)
    return per_model[layer_name](x, class_index)
