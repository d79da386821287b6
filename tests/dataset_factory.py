"""Tiny, real training datasets written to a folder for the training and CLI tests.

Images: two classes told apart by brightness plus a bright square, so that a tiny CNN
learns them in a few epochs; texts: two classes with distinct vocabularies.
"""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np

WORDS = {
    "cardio": ["heart", "chest", "pain", "murmur", "ecg", "troponin", "artery", "valve", "rhythm", "atrial"],
    "neuro": ["headache", "seizure", "stroke", "brain", "nerve", "weakness", "gait", "mri", "cranial", "tremor"],
}
FILLER = ["patient", "presents", "with", "history", "of", "and", "the", "was", "noted", "on", "exam", "today"]


def write_image(path: Path, bright: bool, rng: np.random.Generator, size: int = 32) -> Path:
    base = 170 if bright else 60
    img = np.clip(rng.normal(base, 25, (size, size)), 0, 255).astype(np.uint8)
    if bright:
        q = size // 4
        img[q : 3 * q, q : 3 * q] = 250
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img)
    return path


def image_folder(root: Path, per_class: int = 24, seed: int = 0, size: int = 32,
                 classes: tuple[str, str] = ("NORMAL", "PNEUMONIA"), patients: int = 0) -> Path:
    """``root/<class>/*.png``; with ``patients``, names carry ``personN_`` (``patients`` per class)."""
    rng = np.random.default_rng(seed)
    for ci, cls in enumerate(classes):
        for i in range(per_class):
            name = f"person{ci * patients + i % patients}_{cls}_{i}.png" if patients else f"{cls.lower()}_{i:03d}.png"
            write_image(root / cls / name, bright=bool(ci), rng=rng, size=size)
    return root


def make_text(cls: str, rng: np.random.Generator, n_words: int = 18) -> str:
    vocab = WORDS[cls]
    words = [vocab[k] for k in rng.integers(0, len(vocab), n_words // 2)]
    words += [FILLER[k] for k in rng.integers(0, len(FILLER), n_words - len(words))]
    return " ".join(words[k] for k in rng.permutation(len(words)))


def text_folder(root: Path, per_class: int = 30, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for cls in WORDS:
        (root / cls).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            (root / cls / f"note_{i:03d}.txt").write_text(make_text(cls, rng), encoding="utf-8")
    return root


def text_table(path: Path, per_class: int = 30, seed: int = 0, leak: bool = False) -> Path:
    """A CSV with ``id, text, specialty`` (+ ``keywords`` naming the label when ``leak``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for cls in WORDS:
        for i in range(per_class):
            row = {"id": f"n{len(rows)}", "text": make_text(cls, rng), "specialty": cls}
            if leak:
                row["keywords"] = f"{cls}, exam, notes" if i % 3 else "exam, notes"
            rows.append(row)
    order = rng.permutation(len(rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[k] for k in order)
    return path
