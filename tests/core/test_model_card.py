"""Model cards and the registry without TensorFlow: reading, summarising, verifying."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from medgui.core import paths
from medgui.core.models.card import ModelCard, card_summary, data_summary, metrics_heading
from medgui.core.models.registry import Registry
from medgui.core.training.metrics import evaluate_probabilities

# ... plus "gate": the applicability gate's figures (core.ml.gate_fit, scripts/build_gates.py).
PROVENANCE = {"split", "evaluated_on", "caveat", "threshold_rule", "migrated", "at_0.5", "baseline", "gate",
              "cv", "ci_method",
              # run_training's calibration summary; the image script's second validation and levers
              "calibration", "by_patient", "validations", "levers"}


def _card(**kw) -> ModelCard:
    return ModelCard(name="m", task="image", classes=["NORMAL", "PNEUMONIA"], architecture="tiny", version=1, **kw)


def test_summary_prints_only_the_data_the_card_holds():
    assert data_summary(_card()) == ""
    assert "data:" not in card_summary(_card(data_fingerprint={"how": "something else"}))
    assert data_summary(_card(data_fingerprint={"n_items": 10})) == "10 examples"
    full = _card(data_fingerprint={"n_items": 1200, "counts": {"NORMAL": 400, "PNEUMONIA": 800},
                                   "sha256": "ab" * 32, "source": "/data/chest"})
    assert "data: 1,200 examples (NORMAL 400, PNEUMONIA 800); sha256 abababababab; from /data/chest" in \
        card_summary(full).splitlines()


def test_summary_names_the_split_and_never_guesses_it():
    assert metrics_heading(_card(metrics={"split": "validation (by patient)"})) == "validation metrics (by patient)"
    assert metrics_heading(_card(metrics={"split": "test"})) == "test metrics"
    # run_training's cards from before the split was recorded: their figures are test figures.
    assert metrics_heading(_card(metrics={}, training={"split_sizes": {"test": 3}})) == "test metrics"
    assert metrics_heading(_card(metrics={"auc": 0.9})) == "metrics (split not recorded)"
    text = card_summary(_card(metrics={"auc": 0.91, "auc_ci": [0.8, 0.97], "split": "test"}))
    assert "test metrics: auc 0.910 (95 % CI 0.800-0.970)" in text.splitlines()


def test_summary_escapes_control_characters_read_from_the_card():
    text = card_summary(_card(notes="ok\x1b[2J\rfake line", metrics={"split": "test\x07", "accuracy": 0.5}))
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "notes: ok\\x1b[2J\\x0dfake line" in text.splitlines()


def test_shipped_cards_use_the_names_of_the_one_metrics_function():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    probs = rng.dirichlet([1, 1], 40)
    names = set(evaluate_probabilities(y, probs, ["a", "b"], n_bootstrap=10)) | PROVENANCE
    for card in Registry(paths.home() / "empty-registry").list():
        assert card.builtin
        stored = set(card.metrics)
        extra = {k for k in stored - names if not k.startswith(("baseline_", "val_"))}
        assert not extra, f"{card.ref} stores metric names no metrics function writes: {extra}"
        for nested in (card.metrics.get("at_0.5") or {},):
            assert set(nested) <= names, nested.keys()
        assert card.metrics.get("split") and card.metrics.get("evaluated_on")
        assert isinstance(card.data_fingerprint.get("n_items"), int) and card.data_fingerprint.get("sha256")
        assert sum(card.data_fingerprint["counts"].values()) == card.data_fingerprint["n_items"]


def test_registry_lists_verifies_and_summarises_without_tensorflow(tmp_path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from medgui.core.models.registry import Registry\n"
        "from medgui.core.models.card import card_summary\n"
        f"reg = Registry(Path({str(tmp_path / 'reg')!r}))\n"
        "cards = reg.list()\n"
        "assert {c.name for c in cards} >= {'pneumonia-cnn', 'specialty-text'}, cards\n"
        "for c in cards:\n"
        "    reg.verify(c)\n"
        "    card_summary(c)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')"
        " or m == 'medgui.core.ml.modelio')\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
