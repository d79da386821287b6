"""Image classifier architectures, built from stock Keras layers only.

Every model here takes the output of ``medgui.core.imaging.preprocess.model_input`` (grayscale,
``size x size x 1``, float32 in [0, 1]); rescaling is *not* inside the model, so one
preprocessing function serves training and inference. The output is a softmax over
the classes, for two classes as for many. No ``Lambda`` layers or custom objects: the
saved files load with ``safe_mode=True`` and ``compile=False``.

``seed_cnn``
    The seed article's network, kept for comparison: Conv 32-64-64 (3x3, ReLU) with
    max pooling, Flatten, Dense 64. About 0.7 GFLOP and 11 M parameters per 224 px
    image; almost all parameters sit in the Dense layer after Flatten (44 MB on disk).
``compact_cnn``
    The default: a strided stem, then depthwise-separable conv blocks with batch
    normalisation that halve the resolution four times, global average pooling,
    dropout and a Dense softmax. About 12x fewer FLOPs and 100x fewer parameters
    than ``seed_cnn``; measured to be more accurate on the pneumonia data (see the
    pneumonia-cnn model card).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from keras import layers


def seed_cnn(n_classes: int, input_size: int = 224, dropout: float = 0.0, **_: Any) -> keras.Model:
    """The seed article's CNN (Conv 32-64-64, Dense 64), with a softmax head.

    Parameters
    ----------
    n_classes : number of output classes (softmax).
    input_size : side of the square grayscale input.
    dropout : dropout before the output layer (the article uses none).
    """
    inputs = keras.Input((input_size, input_size, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D(name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(name="pool2")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv3")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(64, activation="relu", name="dense")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="seed_cnn")


BN_MOMENTUM = 0.9
"""Batch-norm moving-average momentum. Keras's 0.99 leaves the inference statistics near
their initial values after a few dozen steps, which is all a clinic's 100 images give:
such a model answered one class for everything (issue #10). 0.9 settles in ~20 steps."""


def _sep_block(x: Any, filters: int, strides: int, name: str, momentum: float = BN_MOMENTUM) -> Any:
    x = layers.SeparableConv2D(
        filters, 3, strides=strides, padding="same", use_bias=False, name=f"{name}_sepconv"
    )(x)
    x = layers.BatchNormalization(momentum=momentum, name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def compact_cnn(
    n_classes: int,
    input_size: int = 224,
    dropout: float = 0.3,
    width: int = 32,
    bn_momentum: float = BN_MOMENTUM,
    **_: Any,
) -> keras.Model:
    """The default image model: strided stem + separable conv blocks + global pooling.

    Parameters
    ----------
    n_classes : number of output classes (softmax).
    input_size : side of the square grayscale input.
    dropout : dropout rate before the output layer.
    width : channels after the first down-sampling; doubled at each later stage.
    bn_momentum : batch-norm momentum (``BN_MOMENTUM``).
    """
    inputs = keras.Input((input_size, input_size, 1), name="image")
    # A full conv on the single input channel is cheap and gives the separable blocks
    # enough channels to work with; stride 2 halves the cost of everything after it.
    x = layers.Conv2D(width // 2, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = layers.BatchNormalization(momentum=bn_momentum, name="stem_bn")(x)
    x = layers.ReLU(name="stem_relu")(x)
    filters = width
    for stage in range(1, 5):
        x = _sep_block(x, filters, 2, f"stage{stage}a", bn_momentum)
        x = _sep_block(x, filters, 1, f"stage{stage}b", bn_momentum)
        filters *= 2
    # Grad-CAM reads the last conv feature map; name it so it is easy to find.
    x = layers.Activation("linear", name="last_conv")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="compact_cnn")


ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "compact_cnn": compact_cnn,
    "seed_cnn": seed_cnn,
}
DEFAULT_ARCHITECTURE = "compact_cnn"


def build_image_model(arch: str, n_classes: int, input_size: int = 224, **kwargs: Any) -> keras.Model:
    """Build architecture ``arch`` (a key of ``ARCHITECTURES``) for ``n_classes`` classes.

    Extra keyword arguments (``dropout``, ``width``...) go to the builder; builders
    ignore the ones they do not use.
    """
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture '{arch}'; choose one of {sorted(ARCHITECTURES)}")
    if n_classes < 2:
        raise ValueError("an image classifier needs at least two classes")
    return ARCHITECTURES[arch](n_classes, input_size=input_size, **kwargs)


def count_flops(model: keras.Model) -> int:
    """Floating-point operations for one forward pass of one image (2 per multiply-add).

    Counts Conv2D, SeparableConv2D, DepthwiseConv2D and Dense layers analytically from
    their output shapes; pooling, normalisation and activations are left out (they are
    a few percent of the total and memory-bound rather than compute-bound).
    """
    total = 0
    for layer in _leaf_layers(model):
        out_shape = layer.output.shape
        if isinstance(layer, layers.SeparableConv2D):
            kh, kw = layer.kernel_size
            cin = layer.input.shape[-1]
            h, w, cout = out_shape[1], out_shape[2], out_shape[3]
            mult = layer.depth_multiplier
            total += 2 * h * w * cin * mult * kh * kw  # depthwise
            total += 2 * h * w * cin * mult * cout  # pointwise
        elif isinstance(layer, layers.DepthwiseConv2D):
            kh, kw = layer.kernel_size
            h, w, cout = out_shape[1], out_shape[2], out_shape[3]
            total += 2 * h * w * cout * kh * kw
        elif isinstance(layer, layers.Conv2D):
            kh, kw = layer.kernel_size
            cin = layer.input.shape[-1]
            h, w, cout = out_shape[1], out_shape[2], out_shape[3]
            total += 2 * h * w * cout * kh * kw * cin // layer.groups
        elif isinstance(layer, layers.Dense):
            cin = layer.input.shape[-1]
            total += 2 * cin * layer.units
    return int(total)


def _leaf_layers(model: keras.Model) -> list[Any]:
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out += _leaf_layers(layer)
        else:
            out.append(layer)
    return out


def last_conv_layer_name(model: keras.Model) -> str:
    """The layer Grad-CAM should read: ``last_conv`` if present, else the last 4-D output."""
    names = [layer.name for layer in model.layers]
    if "last_conv" in names:
        return "last_conv"
    for layer in reversed(model.layers):
        if isinstance(layer, layers.InputLayer):
            continue
        if len(layer.output.shape) == 4:
            return layer.name
    raise ValueError(f"model {model.name} has no convolutional feature map")
