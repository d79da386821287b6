"""Record store speed: what an autosave and a search-as-you-type cost on the GUI thread.

    python benchmarks/bench_records.py [--records N] [--repeats N]

Reports, on a temporary database:

- an autosave (``RecordStore.update`` of a 2,000-character body) with
  ``synchronous=FULL`` (what medgui uses: survives power loss) and with ``NORMAL``
  (survives a killed process only), median and 95th percentile;
- a search over N records (the list refresh while typing in the search box), one word
  and two words, and a label-filtered search;
- the import of N records from a CSV file (one transaction).

The GUI saves on its own thread because these numbers stay in single milliseconds;
the autosave fires only after a pause in typing, never between keystrokes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from medgui.core.records import transfer as record_io  # noqa: E402
from medgui.core.records.store import RecordStore  # noqa: E402

WORDS = ["patient", "chest", "pain", "cough", "fever", "headache", "fracture", "knee", "abdominal", "nausea", "denies", "history", "hypertension", "diabetes", "examination", "normal", "plan", "review", "referral"]


def timed(fn, repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        store = RecordStore(Path(tmp) / "bench.sqlite3")
        rec = store.create("Autosave", "x" * 2000, "P-1")
        conn = store.connection()
        for mode in ("FULL", "NORMAL"):
            conn.execute(f"PRAGMA synchronous={mode}")
            counter = iter(range(10**9))
            med, p95 = timed(lambda c=counter: store.update(rec.id, body="x" * 1990 + f"{next(c):010d}"),
                             args.repeats)
            print(f"autosave update, synchronous={mode:<6}  median {med:6.2f} ms   p95 {p95:6.2f} ms")
        conn.execute("PRAGMA synchronous=FULL")

        rows = [(f"P-{rng.randrange(500):04d}", f"Note {i}",
                 " ".join(rng.choice(WORDS) for _ in range(300))) for i in range(args.records)]
        csv_path = Path(tmp) / "records.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            import csv

            writer = csv.writer(handle)
            writer.writerow(["patient_ref", "title", "body"])
            writer.writerows(rows)
        t = time.perf_counter()
        ids = record_io.import_files(store, [csv_path])
        print(f"import {len(ids)} records from CSV           {1000 * (time.perf_counter() - t):8.1f} ms")
        for i in ids[: len(ids) // 3]:
            store.add_classification(i, rng.choice(["Cardiology", "Neurology"]), {"Cardiology": 0.6}, "m", "1")
        for label, kwargs in (("search 'fracture'", {"text": "fracture"}),
                              ("search 'knee fever'", {"text": "knee fever"}),
                              ("label = Neurology", {"label": "Neurology"}),
                              ("all records (no filter)", {})):
            med, p95 = timed(lambda kw=kwargs: store.search(**kw), max(5, args.repeats // 20))
            n = len(store.search(**kwargs))
            print(f"{label:<28} {n:5d} hits  median {med:6.1f} ms   p95 {p95:6.1f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
