"""What the applicability gates add to a reading: milliseconds per image and per record.

    python benchmarks/bench_gate.py [--images DIR] [--csv mtsamples.csv] [--runs 200]

Image: the gate's whole cost on top of a reading (colour sample of the decoded picture,
descriptor of the model input, the three tests), measured on the model inputs of real
files when ``--images`` is given (else on the shipped sample films), for accepted and
for rejected inputs (a rejected one is also turned to see whether it is a turned film).
Record: the gate's cost once the classifier has the probabilities (tokenising for the
gate's counts included), on notes from ``--csv`` (else the shipped sample records).
Prints the median and 95th percentile, and the load average seen.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _stats(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"median {statistics.median(ms):.3f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.3f} ms (n={len(ms)})"


def bench_images(files: list[Path], runs: int) -> None:
    from medgui.core.gate.image_gate import ImageGate, check_image
    from medgui.core.gate.image_negatives import make
    from medgui.core.imaging.preprocess import model_input, read_for_model

    gate = ImageGate.from_folder(ROOT / "resources/models/pneumonia-cnn/1")
    inputs = []
    for f in files:
        x, source = read_for_model(f)
        inputs.append((x, source))
    accepted, rejected = [], []
    for k in range(runs):
        x, source = inputs[k % len(inputs)]
        t0 = time.perf_counter()
        verdict = check_image(gate, source, x, [])
        (accepted if verdict.applicable else rejected).append((time.perf_counter() - t0) * 1e3)
    negatives = [(model_input(p), p) for kind in ("document", "noise", "shapes") for p in make(kind, 10, seed=5)]
    for k in range(runs):
        x, pic = negatives[k % len(negatives)]
        t0 = time.perf_counter()
        verdict = check_image(gate, pic, x, [])
        (accepted if verdict.applicable else rejected).append((time.perf_counter() - t0) * 1e3)
    print(f"image gate, accepted inputs: {_stats(accepted)}")
    if rejected:
        print(f"image gate, rejected inputs (incl. the turned-film check): {_stats(rejected)}")


def bench_texts(texts: list[str], runs: int) -> None:
    from medgui.core.gate.text_gate import TextGate

    folders = sorted((ROOT / "resources/models/specialty-text").glob("*/gate.json"))
    if not folders:
        print("no text gate shipped")
        return
    gate = TextGate.from_folder(folders[-1].parent)
    n = len(gate.coef)
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(10), size=len(texts)) if n else None
    from medgui.core.text.tokens import tokenize

    tokens = [tokenize(t) for t in texts]
    given, alone = [], []
    for k in range(runs):
        i = k % len(texts)
        p = probs[i] if probs is not None else np.ones(10) / 10
        t0 = time.perf_counter()
        gate.assess(texts[i], p, tokens[i])  # as the classifier calls it: tokens already made
        t1 = time.perf_counter()
        gate.assess(texts[i], p)  # tokenising the note itself as well
        t2 = time.perf_counter()
        given.append((t1 - t0) * 1e3)
        alone.append((t2 - t1) * 1e3)
    print(f"record gate ({folders[-1].parent.parent.name}@{folders[-1].parent.name}), "
          f"{np.mean([len(t) for t in texts]):.0f} characters a note on average:")
    print(f"  added to a reading (the classifier's tokens): {_stats(given)}")
    print(f"  on its own (tokenising the note too): {_stats(alone)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=Path)
    ap.add_argument("--csv", type=Path)
    ap.add_argument("--runs", type=int, default=300)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    if args.images:
        files = sorted(p for p in args.images.rglob("*") if p.suffix.lower() in (".jpeg", ".jpg", ".png", ".dcm"))[:50]
    else:
        files = sorted((ROOT / "resources/samples").glob("*.jpeg")) + sorted((ROOT / "resources/samples").glob("*.dcm"))
    bench_images(files, args.runs)
    if args.csv:
        with open(args.csv, encoding="utf-8", newline="") as fh:
            texts = [r["transcription"] for r in csv.DictReader(fh) if r.get("transcription")][:200]
    else:
        with open(ROOT / "resources/samples/records.csv", encoding="utf-8", newline="") as fh:
            texts = [r["body"] for r in csv.DictReader(fh)]
    bench_texts(texts, args.runs)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
