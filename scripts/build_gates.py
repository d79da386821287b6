"""Fit, validate and ship the applicability gates of the shipped models.

Image gate (``pneumonia-cnn``)::

    nice -n 10 python scripts/build_gates.py image --xray ../shared/data/xray/kermany224-train \\
        --dicom ../shared/data/dicom [--skimage-data DIR] [--mpl-data DIR] [--write resources/models/pneumonia-cnn/1]

Text gate (``specialty-text``)::

    nice -n 10 python scripts/build_gates.py text --csv ../shared/data/text/mtsamples-train.csv \\
        --model resources/models/specialty-text/1 [--write]

Both validate leave-one-kind-out (fit without a kind of negative, measure the flag rate on
that kind), measure kinds never used in fitting, and the false-flag rate on in-domain
examples the gate never saw (by patient / by text); with ``--write`` the gate files go
into the model version folder, listed with their sha256 in its ``card.json``, and the
figures into the card's ``metrics["gate"]``. ``--skimage-data`` / ``--mpl-data`` point at
the ``skimage/data`` and ``matplotlib/mpl-data/sample_data`` folders of those packages'
wheels (sample photographs, a brain MR); they are optional.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))



def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="task", required=True)
    im = sub.add_parser("image")
    im.add_argument("--xray", type=Path, required=True, help="kermany224-train (NORMAL/, PNEUMONIA/)")
    im.add_argument("--dicom", type=Path, required=True, help="the shared DICOM folder")
    im.add_argument("--skimage-data", type=Path)
    im.add_argument("--mpl-data", type=Path)
    im.add_argument("--cache", type=Path, default=Path("/tmp/medgui-gate-cache"))
    im.add_argument("--write", type=Path, help="model version folder to write the gate into")
    im.add_argument("--report", type=Path, help="write the validation figures (JSON) here")
    im.add_argument("--loko-from", type=Path, help="take the leave-one-kind-out figures from this earlier "
                    "--report of the same code and data instead of refitting nine gates (slow)")
    tx = sub.add_parser("text")
    tx.add_argument("--csv", type=Path, required=True, help="mtsamples-train.csv")
    tx.add_argument("--model", type=Path, required=True, help="the text model's version folder")
    tx.add_argument("--cache", type=Path, default=Path("/tmp/medgui-gate-cache"))
    tx.add_argument("--write", action="store_true", help="write the gate into --model")
    tx.add_argument("--report", type=Path)
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    if args.task == "image":
        from build_image_gate import image_main

        report = image_main(args)
    else:
        from build_text_gate import text_main

        report = text_main(args)
    report["seconds"] = round(time.monotonic() - t0, 1)
    if args.report:
        args.report.write_text(json.dumps(report, indent=1))
    print(json.dumps(report.get("summary", {}), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
