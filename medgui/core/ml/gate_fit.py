"""Fit a freshly trained model's applicability gate, as ``run_training`` does for every model.

Image models: the gate is fitted on the training split's images (and acquisition
variants of them), against constructed negatives (``gate.image_negatives``: noise,
gradients, patterns, documents, drawn scenes; the training images turned or flipped;
scikit-learn's sample photographs); its thresholds keep ``DEFAULT_PASS_RATE`` of the
validation split. Text models: the lexicon and the logistic model come from the
training split and constructed non-clinical texts (``gate.text_negatives``) run through
the new model; the threshold keeps ``DEFAULT_PASS_RATE`` of the validation split.

The card's ``metrics["gate"]`` reports the pass rate on the validation split (where the
threshold was set) and on the untouched test split, and the rejection rate of the
constructed negatives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import MedguiError
from medgui.core.gate import image_negatives, image_variants, text_negatives
from medgui.core.gate.files import write_gate
from medgui.core.gate.image_features import N_FEATURES, colour_sample, describe
from medgui.core.gate.image_fit import fit_image_gate, flags
from medgui.core.gate.image_gate import gate_colour
from medgui.core.gate.text_fit import build_lexicon, feature_matrix, fit_text_gate, text_flags
from medgui.core.imaging.preprocess import model_input, read_for_model

MAX_FIT_IMAGES = 2000  # in-domain images described for the fit (a sample of the training split)
NEGATIVES_PER_KIND = 60
Predict = Callable[[list[str]], np.ndarray]


def _rate(flagged: np.ndarray) -> dict[str, Any]:
    n = int(len(flagged))
    return {"n": n, "pass_rate": round(1 - float(np.mean(flagged)), 4) if n else None}


def _sample(idx: list[int], n: int, seed: int) -> list[int]:
    if len(idx) <= n:
        return list(idx)
    return sorted(np.random.default_rng(seed).choice(idx, n, replace=False).tolist())


def _pictures(paths: list[str], size: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Descriptors of the files as read for the model, and their uint8 gray pictures."""
    rows, pictures = [], []
    for path in paths:
        try:
            x, source = read_for_model(path, size)
        except MedguiError:
            continue
        rows.append(describe(x, gate_colour(source)))
        pictures.append((x[:, :, 0] * 255 + 0.5).astype(np.uint8))
    return rows, pictures


def _describe(pictures: list[np.ndarray], size: int) -> np.ndarray:
    if not pictures:
        return np.zeros((0, N_FEATURES), np.float32)
    return np.stack([describe(model_input(p, size), colour_sample(p)) for p in pictures])


def image_gate_for(paths_fit: list[str], paths_val: list[str], paths_test: list[str], size: int, folder: Path,
                   domain: str, seed: int = 0) -> dict[str, Any]:
    """Fit an image gate, write it into ``folder`` and return the figures for the card."""
    rng = np.random.default_rng(seed)
    fit_rows, fit_pics = _pictures(paths_fit, size)
    val_rows, _ = _pictures(paths_val, size)
    test_rows, _ = _pictures(paths_test, size)
    if len(fit_rows) < 20:
        raise MedguiError(f"too few readable images to fit the applicability gate ({len(fit_rows)} training)")
    variants = _describe([image_variants.variant(p, rng) for p in fit_pics], size)
    fit_x = np.concatenate([np.stack(fit_rows), variants])
    negatives = {kind: _describe(image_negatives.make(kind, NEGATIVES_PER_KIND, seed), size)
                 for kind in image_negatives.GENERATORS}
    turned = [image_negatives.turned(p, image_negatives.TURNS[i % 4])
              for i, p in enumerate(fit_pics[:: max(1, len(fit_pics) // NEGATIVES_PER_KIND)])]
    negatives["turned"] = _describe(turned, size)
    negatives["photo"] = _describe(_sample_photos(rng), size)
    # A validation split too small to set thresholds on: the training images set them.
    calibrate = np.stack(val_rows) if len(val_rows) >= 10 else fit_x
    meta, arrays = fit_image_gate(fit_x, calibrate, negatives, seed=seed, domain=domain)
    figures = {"validation": _rate(flags(np.stack(val_rows), meta, arrays)) if val_rows else {"n": 0},
               "thresholds_from": "validation split" if calibrate is not fit_x else "training split (validation < 10)",
               "test": _rate(flags(np.stack(test_rows), meta, arrays)) if test_rows else {"n": 0},
               "constructed_negatives_rejected": round(float(np.mean(np.concatenate(
                   [flags(v, meta, arrays) for v in negatives.values()]))), 4),
               "how": "in-domain pass rates on the validation split (where the thresholds were set) and the "
                      "test split; constructed negatives are those it was fitted on"}
    meta["figures"] = figures
    write_gate(folder, meta, arrays)
    return figures


def _sample_photos(rng: np.random.Generator, n: int = NEGATIVES_PER_KIND) -> list[np.ndarray]:
    """Crops of scikit-learn's two bundled photographs (china, flower)."""
    from sklearn.datasets import load_sample_images

    images = load_sample_images().images
    out = []
    for k in range(n):
        img = images[k % len(images)]
        h, w = img.shape[:2]
        s = rng.uniform(0.3, 1.0)
        ch, cw = int(h * s), int(w * s)
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        out.append(np.ascontiguousarray(img[y : y + ch, x : x + cw]))
    return out


def text_gate_for(train: list[str], val: list[str], test: list[str], predict: Predict, folder: Path,
                  domain: str, probs: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
    """Fit a record gate from the splits' texts and the model's ``predict``; write it."""
    probs = dict(probs or {})
    for name, texts in (("train", train), ("val", val), ("test", test)):
        if name not in probs:
            probs[name] = predict(texts) if texts else np.zeros((0, 1))
    lexicon = build_lexicon(train)
    x_train = feature_matrix(train, probs["train"], *lexicon)
    x_val = feature_matrix(val, probs["val"], *lexicon)
    negatives = {}
    for kind in text_negatives.kinds():
        texts = text_negatives.make(kind, NEGATIVES_PER_KIND // 2, seed=3)
        negatives[kind] = feature_matrix(texts, predict(texts), *lexicon)
    meta = fit_text_gate(train, x_train, x_val, negatives, lexicon, domain=domain)
    x_test = feature_matrix(test, probs["test"], *lexicon) if test else np.zeros((0, 5))
    figures = {"validation": _rate(text_flags(x_val, meta)), "test": _rate(text_flags(x_test, meta)),
               "constructed_negatives_rejected": round(float(np.mean(np.concatenate(
                   [text_flags(v, meta) for v in negatives.values()]))), 4),
               "how": "in-scope pass rates on the validation split (where the threshold was set) and the test "
                      "split; constructed non-clinical texts are those it was fitted on"}
    meta["figures"] = figures
    write_gate(folder, meta)
    return figures


def fit_gate_into(folder: Path, trainer: Any, model: Any, split: Any, card: Any,
                  test_probs: np.ndarray | None = None) -> dict[str, Any]:
    """``run_training``'s step: fit the gate of the model just trained into ``folder``.

    Returns the card's ``metrics["gate"]``; a gate that cannot be fitted is recorded as an
    error there (the model stays usable, its readings are then not gated).
    """
    config = trainer.config
    try:
        if config.task == "image":
            fit_idx = _sample(list(split.train), MAX_FIT_IMAGES, config.seed)
            return image_gate_for(trainer._paths(fit_idx), trainer._paths(list(split.val)),
                                  trainer._paths(list(split.test)), config.image_size, folder,
                                  f"images like the training data of this model ({', '.join(card.classes)})",
                                  seed=config.seed)
        from medgui.core.ml.text import model as textmodel

        def predict(texts: list[str]) -> np.ndarray:
            return np.asarray(textmodel.predict_proba(model, texts, config.batch_size))

        given = {"test": test_probs} if test_probs is not None else {}
        return text_gate_for(trainer._texts(list(split.train)), trainer._texts(list(split.val)),
                             trainer._texts(list(split.test)), predict, folder,
                             f"notes like its training data, of these classes: {', '.join(card.classes)}", given)
    except (MedguiError, ValueError) as exc:
        return {"error": f"no applicability gate could be fitted: {exc}"}
