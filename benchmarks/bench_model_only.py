"""Model-only reading time of image model versions, interleaved in one run, and CLAHE's cost.

    python benchmarks/bench_model_only.py [--models pneumonia-cnn@1 pneumonia-cnn@2] [--runs 300]
        [--image resources/samples/kermany_normal_IM-0117-0001.jpeg]

Each version's ONNX export (``core.runtime.image``) reads one 224 px input through
``probabilities`` (the network plus the card's calibration map), the versions taking turns
so that a loaded machine slows all alike. Then ``preprocess.model_input`` with and without
CLAHE on the full-size picture and on a 224 px one. Prints medians, p95 and the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _stats(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"median {statistics.median(ms):.2f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.2f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["pneumonia-cnn@1", "pneumonia-cnn@2"])
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--image", type=Path, default=ROOT / "resources/samples/kermany_normal_IM-0117-0001.jpeg")
    args = ap.parse_args()

    import cv2

    from medgui.core.imaging.preprocess import model_input
    from medgui.core.models.registry import Registry
    from medgui.core.runtime.image import exported_image_classifier

    registry = Registry()
    classifiers = {ref: exported_image_classifier(registry.get(ref)) for ref in args.models}
    x = np.random.default_rng(0).random((1, 224, 224, 1)).astype(np.float32)
    for clf in classifiers.values():
        for _ in range(20):
            clf.probabilities(x)
    times: dict[str, list[float]] = {ref: [] for ref in classifiers}
    for _ in range(args.runs):
        for ref, clf in classifiers.items():
            t0 = time.perf_counter()
            clf.probabilities(x)
            times[ref].append((time.perf_counter() - t0) * 1e3)
    for ref, ms in times.items():
        print(f"{ref}: model-only {_stats(ms)}")
    full = cv2.imread(str(args.image), cv2.IMREAD_GRAYSCALE)
    small = cv2.resize(full, (224, 224), interpolation=cv2.INTER_AREA)
    for name, pixels in ((f"{full.shape[1]}x{full.shape[0]}", full), ("224x224", small)):
        for normalise in ("none", "clahe"):
            ms = []
            for _ in range(100):
                t0 = time.perf_counter()
                model_input(pixels, 224, normalise)
                ms.append((time.perf_counter() - t0) * 1e3)
            print(f"model_input {name} normalise={normalise}: {_stats(ms)}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
