"""``medgui classify-text FILE...``: classify clinical text files (or stdin) from a shell.

stdout carries the results (a table, or one JSON object per line with ``--json``, the
same shape as ``classify-image``: ``path``, ``label``, ``probabilities`` with every
class, ``model``; plus ``reliable``, ``reason`` and ``top``; plus ``warnings`` when
there is something to say, e.g. that a text longer than ``MAX_TEXT_CHARS`` (100,000
characters) was cut: only that much is read, the model uses its first few hundred
words anyway). A file that cannot be read (missing, not a regular file, not text in
a known encoding, empty) gives ``{"path", "error"}``. A named pipe or device is
refused at once, never waited on; ``-`` reads standard input.

Exit status: 0 when every input got a result, 1 when any failed, 2 for usage errors.
"Cannot classify reliably" (too short, mostly unknown words) *is* a result: the
model was run and says so (``label`` null, ``reliable`` false, probabilities given),
so it does not fail the command; scripts check ``reliable``.
The model reads through its ONNX export: TensorFlow is imported only for a model without one.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from medgui.cli.audit import ReadingLog, add_report_options
from medgui.cli.output import finish, public_result
from medgui.core.fileio import (
    NotRegularFileError,
    TextFile,
    TextFileError,
    read_text,
    read_text_from,
)
from medgui.core.text.tokens import MAX_TEXT_CHARS, truncation_warning

STDIN = "-"


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "classify-text",
        help="classify clinical text files with the text model",
        description="Classify clinical texts (text files; '-' reads standard input) by "
        "medical specialty. Decision support only: not a diagnosis.",
    )
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="text file (UTF-8, UTF-16/32 with a byte order mark, or Chinese GB18030), "
                   "or - for standard input; only the first 100,000 characters are read")
    p.add_argument("--json", action="store_true", help="one JSON object per input per line")
    p.add_argument("--model", metavar="NAME@VERSION", help="model to use (default: the active text model)")
    p.add_argument("--top-k", type=int, default=3, metavar="K", help="labels listed in 'top' (default 3)")
    add_report_options(p)
    p.set_defaults(handler=run)


def read_input(name: str) -> TextFile:
    """The text of ``name`` (``-``: stdin), at most ``MAX_TEXT_CHARS`` of it;
    ``ValueError`` with a readable reason."""
    try:
        if name == STDIN:
            return read_text_from(sys.stdin.buffer, MAX_TEXT_CHARS)
        return read_text(name, MAX_TEXT_CHARS)
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except IsADirectoryError:
        raise ValueError("is a folder, not a text file") from None
    except NotRegularFileError as exc:
        raise ValueError(f"{exc.strerror}; give a saved text file, or - for standard input") from None
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    except TextFileError as exc:
        raise ValueError(str(exc)) from None


def classify_input(clf: Any, name: str, top_k: int, explain: bool = False) -> dict[str, Any]:
    """One input's result (or ``{"path", "error"}``), warnings included; ``text`` is what
    was classified (the audit trail hashes it; a report shows it, with ``explain``)."""
    try:
        note = read_input(name)
    except ValueError as exc:
        return {"path": name, "error": f"{name}: {exc}"}
    result: dict[str, Any] = {"path": name, **clf.classify(note.text, top_k=top_k, explain=explain),
                              "text": note.text}
    warnings = list(result.get("warnings") or [])
    if note.truncated and truncation_warning() not in warnings:
        warnings.insert(0, truncation_warning())
    result["warnings"] = warnings
    return result


def run(args: argparse.Namespace) -> int:
    if args.top_k < 1:
        print("medgui classify-text: error: --top-k must be at least 1", file=sys.stderr)
        return 2
    if args.files.count(STDIN) > 1:
        print("medgui classify-text: error: '-' (standard input) may be given once", file=sys.stderr)
        return 2
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.text.classify import reading_text_classifier

    # On the model's export when it has one: no TensorFlow import (0.1 s instead of 3-20 s).
    clf = reading_text_classifier(args.model)  # ModelLoadError -> one line, exit 1 (cli main)
    failed = 0
    log = ReadingLog("classify-text", clf.card, args.report, args.report_identifying)  # audit + --report
    if not args.json:
        print(f"{'label':<30}  {'p':>6}  path")
    for name in args.files:
        result = classify_input(clf, name, args.top_k, explain=args.report is not None)
        failed += "error" in result
        extra = ["reliable", "reason", "top", *(["warnings"] if result.get("warnings") else [])]
        print(json.dumps(public_result(result, *extra), ensure_ascii=False) if args.json else _row(result), flush=True)
        log.text(result, result.get("text", ""))
    return log.finish(finish("classify-text", failed, len(args.files), clf.card.ref, args.json,
                             bool(clf.card.calibration)))


def _row(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{'ERROR':<30}  {'':>6}  {result['error']}"
    best, p = result["top"][0]
    label = result["label"] or f"(unreliable) {best}"
    warnings = "; ".join(result.get("warnings") or [])
    return f"{label:<30}  {p:>6.3f}  {result['path']}" + (f"  ({warnings})" if warnings else "")
