"""Latency of text classification with the shipped (or a named) text model.

    python benchmarks/bench_text.py [--model NAME@VERSION] [--csv mtsamples-train.csv] [--runs 30]

Reports, in milliseconds (median of ``--runs``): TensorFlow import, model load, first call, the network alone on one
record (compiled ``tf.function`` vs eager), ``classify`` without attribution, and
``classify`` with occlusion attribution (one batched call; compiled vs eager).
With ``--csv``, the records are real transcriptions (the first ``--runs`` rows);
otherwise one built-in ~250-word note.
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


def median_ms(fn, runs: int) -> float:  # noqa: ANN001
    fn()  # warm-up (tracing, caches)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--csv")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    from medgui.core.text.tokens import tokenize

    texts = [NOTE]
    if args.csv:
        with open(args.csv, encoding="utf-8", newline="") as fh:
            texts = [r["transcription"] for r, _ in zip(csv.DictReader(fh), range(args.runs), strict=False)]

    t0 = time.perf_counter()
    import numpy as np
    import tensorflow  # noqa: F401 - timed on its own: it dominates a cold start

    import_ms = (time.perf_counter() - t0) * 1000
    from medgui.core.ml.text.classify import get_text_classifier

    t0 = time.perf_counter()
    clf = get_text_classifier(args.model)
    load_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    clf.classify(texts[0])
    first_ms = (time.perf_counter() - t0) * 1000
    rows = [clf._pad(clf.ids(tokenize(t))[: clf.seq_len]) for t in texts]
    one = np.stack(rows[:1])
    cycle = iter(range(10**9))

    def pick() -> str:
        return texts[next(cycle) % len(texts)]

    n_unique = [len({i for i in clf.ids(tokenize(t))[: clf.seq_len] if i != 1}) for t in texts]
    occl = np.repeat(one, n_unique[0] + 1, axis=0)
    figures = {
        "import TensorFlow": import_ms,
        "verify + load model": load_ms,
        "first classify (traces the graph)": first_ms,
        "network, 1 record, compiled": median_ms(lambda: clf.predict(one), args.runs),
        "network, 1 record, eager": median_ms(lambda: clf.network(one, training=False), min(args.runs, 10)),
        "classify, no attribution": median_ms(lambda: clf.classify(pick(), explain=False), args.runs),
        "classify + occlusion attribution, compiled": median_ms(lambda: clf.classify(pick()), args.runs),
        f"occlusion batch ({len(occl)} rows), eager": median_ms(lambda: clf.network(occl, training=False), 5),
    }
    print(f"model {clf.card.ref} ({clf.card.architecture}, seq_len {clf.seq_len}); "
          f"{len(texts)} record(s), median distinct known words {statistics.median(n_unique)}; "
          f"{os.cpu_count()} CPUs")
    for name, ms in figures.items():
        print(f"{name:<45} {ms:9.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
