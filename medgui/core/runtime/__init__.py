"""Readings without TensorFlow: a registered model's ONNX export run by ONNX Runtime.

``import tensorflow`` costs 3 to 20 s; ``import onnxruntime`` about 0.1 s, and the exported
network gives the Keras probabilities to within 1e-6. Nothing in this package imports
TensorFlow or Keras (an import-linter contract holds it); exports are written by
``medgui.core.ml.export`` where TensorFlow is loaded anyway (training, import).
"""
