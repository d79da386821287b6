"""Latency of text classification with the shipped (or a named) text model.

    python benchmarks/bench_text.py [--model NAME@VERSION] [--csv mtsamples-train.csv] [--runs 30]

Reports, in milliseconds (median, and 90th percentile, over ``--runs`` records), for the
reading path (the model's ONNX export and NumPy vectoriser when it has one, as readings
use it) and for the Keras model (compiled ``tf.function``): model load, first call, the
model alone on one record, ``classify`` without attribution, and ``classify`` with
occlusion attribution (one batched call per 128 edited copies); TensorFlow's import on
its own. Sequence models (RNN, LSTM, GRU) get ids, n-gram models strings. With ``--csv``, the records are real transcriptions (the first ``--runs`` rows,
every one timed in turn); otherwise one built-in ~250-word note.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

NOTE = (
    "HISTORY OF PRESENT ILLNESS: The patient is a 68-year-old man with coronary artery disease, "
    "hypertension and hyperlipidemia who presents with two weeks of exertional chest pressure "
    "radiating to the left arm, relieved by rest. He denies syncope or palpitations. "
    "PHYSICAL EXAMINATION: Blood pressure 150/90, pulse 88. Heart regular with a 2/6 systolic "
    "murmur at the apex. Lungs clear. No peripheral edema. "
    "DIAGNOSTIC STUDIES: Electrocardiogram shows ST depression in the lateral leads. "
    "Echocardiogram: ejection fraction 40% with hypokinesis of the anterior wall and moderate "
    "mitral regurgitation. Troponin mildly elevated. "
    "PROCEDURE: Left heart catheterization via the right femoral artery showed 90% stenosis of the "
    "proximal left anterior descending artery and 50% stenosis of the circumflex. A drug-eluting "
    "stent was deployed in the LAD with no residual stenosis. Hemostasis obtained with a closure "
    "device. ASSESSMENT AND PLAN: Non-ST elevation myocardial infarction treated with "
    "percutaneous coronary intervention. Continue aspirin, clopidogrel for twelve months, "
    "metoprolol, lisinopril and high-intensity atorvastatin. Cardiac rehabilitation referral. "
    "Follow up in the cardiology clinic in two weeks with a repeat echocardiogram in three months."
)


def timed_ms(fn, runs: int) -> tuple[float, float]:  # noqa: ANN001
    """(median, 90th percentile) of ``runs`` calls, after one warm-up (tracing, caches)."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.9 * len(times)))]


def measure(clf, texts: list[str], runs: int) -> tuple[dict[str, tuple[float, float]], str]:  # noqa: ANN001
    """First call, the model alone on one record, and ``classify`` with and without attribution."""
    import numpy as np

    from medgui.core.text.tokens import normalize_for_model, tokenize

    t0 = time.perf_counter()
    clf.classify(texts[0])
    first_ms = (time.perf_counter() - t0) * 1000
    read = [[tok.text for tok in tokenize(t)][: clf.seq_len] for t in texts]
    one = [normalize_for_model(texts[0])] if clf.bag else np.stack([clf._pad(clf.ids(tokenize(texts[0])))])
    cycle = iter(range(10**9))

    def pick() -> str:
        return texts[next(cycle) % len(texts)]

    n_unique = [len({w for w in words if w in clf.vocabulary}) for words in read]
    figures = {
        "first classify (traces / warms up)": (first_ms, first_ms),
        "model alone, 1 record": timed_ms(lambda: clf.predict(one), runs),
        "classify, no attribution": timed_ms(lambda: clf.classify(pick(), explain=False), runs),
        "classify + occlusion attribution": timed_ms(lambda: clf.classify(pick()), runs),
    }
    kind = "n-gram, whole text" if clf.bag else f"sequence, seq_len {clf.seq_len}"
    about = (f"{clf.card.ref} ({clf.card.architecture}, {kind}) on {clf.runtime}; {len(texts)} record(s), "
             f"median words read {statistics.median(len(r) for r in read)}, distinct known words "
             f"median {statistics.median(n_unique)}, most {max(n_unique)}")
    return figures, about


def report(title: str, about: str, figures: dict[str, tuple[float, float]]) -> None:
    print(f"\n{title}: {about}")
    print(f"{'':<45} {'median':>9} {'p90':>9}")
    for name, (med, p90) in figures.items():
        print(f"{name:<45} {med:9.1f} {p90:9.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--csv")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    texts = [NOTE]
    if args.csv:
        with open(args.csv, encoding="utf-8", newline="") as fh:
            texts = [r["transcription"] for r, _ in zip(csv.DictReader(fh), range(args.runs), strict=False)]
    print(f"{os.cpu_count()} CPUs")

    # Readings: the model's inference export when it has one (ONNX Runtime, no TensorFlow).
    from medgui.core.ml.text.classify import get_text_classifier, reading_text_classifier

    t0 = time.perf_counter()
    reader = reading_text_classifier(args.model)
    load_ms = (time.perf_counter() - t0) * 1000
    figures, about = measure(reader, texts, args.runs)
    report("reading path", about, {"verify + load model": (load_ms, load_ms), **figures})

    # Training and evaluation: the Keras model itself.
    t0 = time.perf_counter()
    import tensorflow  # noqa: F401 - timed on its own: it dominates a cold start

    import_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    clf = get_text_classifier(args.model)
    load_ms = (time.perf_counter() - t0) * 1000
    figures, about = measure(clf, texts, args.runs)
    report("Keras", about, {"import TensorFlow": (import_ms, import_ms), "verify + load model": (load_ms, load_ms),
                            **figures})
    return 0


if __name__ == "__main__":
    sys.exit(main())
