"""Applicability gates: say when a model's reading does not apply to an input.

Every model version carries a gate in its folder (``gate.json``, and ``gate.npz`` for
images), fitted when the model is trained (``core.ml.train`` through ``fit_for_training``,
or ``scripts/build_gates.py`` for the shipped models). The gate is TensorFlow-free and
independent of the network: the image gate reads statistics of the model's input, the
record gate the words of a note and the model's probabilities.

``runtime`` is what classifiers call: load a card's gate, judge an input, and write the
verdict into a result with the keys every reading shares (``reliable``, ``reason``,
``label`` None when withheld, the probabilities kept).
"""
