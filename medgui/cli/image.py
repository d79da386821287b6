"""``medgui classify-image PATH...``: classify X-ray files and folders from a shell.

stdout carries the results (a table, or one JSON object per line with ``--json``);
the progress bar and error summary go to stderr. Exit status 0 when every input was
classified, 1 when any failed, 2 for usage errors. The model reads through its ONNX
export (ONNX Runtime): TensorFlow is imported only for a model without one.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

from medgui.cli.audit import ReadingLog, add_report_options
from medgui.cli.output import CSV_TAIL, csv_tail, finish, public_result
from medgui.cli.progress import ProgressBar


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "classify-image",
        help="classify chest X-ray files or folders with the image model",
        description="Classify X-ray images (PNG, JPEG, BMP, TIFF, DICOM). A folder is searched "
        "recursively. Decision support only: not a diagnosis.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="image file or folder")
    p.add_argument("--json", action="store_true", help="one JSON object per input per line")
    p.add_argument("--csv", metavar="OUT", type=Path, help="also write the results to this CSV file")
    p.add_argument("--model", metavar="NAME@VERSION", help="model to use (default: the active one)")
    p.add_argument("--batch-size", type=int, default=32, help="images per model call (default 32)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_report_options(p)
    p.set_defaults(handler=run)


def collect_inputs(paths: list[str]) -> list[str]:
    """Files as given, folders expanded (recursively, sorted) to the images inside.

    A path that does not exist is kept, so it is reported as an error in the results.
    """
    from medgui.core.imaging.loader import is_probably_image

    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [
                    str(Path(root) / f) for f in files
                    if not f.startswith(".") and is_probably_image(Path(root) / f)
                ]
            out += sorted(found)
        else:
            out.append(str(path))
    return out


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        print("medgui classify-image: error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    inputs = collect_inputs(args.paths)
    if not inputs:
        print("medgui classify-image: error: no image files found in "
              + ", ".join(args.paths), file=sys.stderr)
        return 1
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.image.infer import get_image_classifier

    clf = get_image_classifier(args.model)  # ModelLoadError -> one line, exit 1 (cli main)
    classes = clf.classes
    log = ReadingLog("classify-image", clf.card, args.report, args.report_identifying)  # audit + --report
    bar = ProgressBar(len(inputs), "classify", quiet=args.no_progress)
    results: list[dict[str, Any]] = []
    failed = 0
    csv_file = None
    writer = None
    if args.csv:
        try:
            csv_file = open(args.csv, "w", newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            print(f"medgui classify-image: error: cannot write {args.csv}: {exc.strerror}", file=sys.stderr)
            return 2
        writer = csv.writer(csv_file)
        writer.writerow(["path", "label", *[f"p_{c}" for c in classes], *CSV_TAIL])
    try:
        if not args.json:
            print(_table_header(classes))
        for result in clf.classify_paths(inputs, batch_size=args.batch_size):
            results.append(result)
            failed += "error" in result
            if args.json:
                print(json.dumps(public_result(result, *(["warnings"] if result.get("warnings") else []))),
                      flush=True)
            else:
                print(_table_row(result, classes), flush=True)
            if writer is not None:
                writer.writerow(_csv_row(result, classes))
            log.image(result)
            bar.update(message=Path(result["path"]).name)
    finally:
        bar.close()
        if csv_file is not None:
            csv_file.close()
    return log.finish(finish("classify-image", failed, len(inputs), clf.card.ref, args.json,
                             bool(clf.card.calibration)))


def _table_header(classes: list[str]) -> str:
    return "  ".join([f"{'label':<12}", *[f"{'P(' + c + ')':>14}" for c in classes], "path"])


def _table_row(result: dict[str, Any], classes: list[str]) -> str:
    if "error" in result:
        return f"{'ERROR':<12}  {result['error']}"
    probs = [f"{result['probabilities'][c]:>14.3f}" for c in classes]
    if result.get("reliable") is False:  # withheld by the applicability gate: say why
        return "  ".join([f"{'N/A':<12}", *probs, result["path"]]) + f"  ({result.get('reason', '')})"
    warnings = "; ".join(result.get("warnings") or [])
    return "  ".join([f"{result['label']:<12}", *probs, result["path"]]) + (
        f"  (reading may not apply: {warnings})" if warnings else "")


def _csv_row(result: dict[str, Any], classes: list[str]) -> list[str]:
    if "error" in result:
        return [result["path"], "", *["" for _ in classes], *csv_tail(result)]
    probs = [f"{result['probabilities'][c]:.6f}" for c in classes]
    return [result["path"], result["label"] or "", *probs, *csv_tail(result)]
