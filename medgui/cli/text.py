"""``medgui classify-text FILE...``: classify clinical text files (or stdin) from a shell.

stdout carries the results (a table, or one JSON object per line with ``--json``, the
same shape as ``classify-image``: ``path``, ``label``, ``probabilities`` with every
class, ``model``; plus ``reliable``, ``reason`` and ``top``). A file that cannot be
read (missing, not UTF-8, empty) gives ``{"path", "error"}``.

Exit status: 0 when every input got a result, 1 when any failed, 2 for usage errors.
"Cannot classify reliably" (too short, mostly unknown words) *is* a result: the
model was run and says so (``label`` null, ``reliable`` false, probabilities given),
so it does not fail the command; scripts check ``reliable``.
TensorFlow is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from medgui.cli.output import finish, public_result

STDIN = "-"


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "classify-text",
        help="classify clinical text files with the text model",
        description="Classify clinical texts (UTF-8 text files; '-' reads standard input) by "
        "medical specialty. Decision support only: not a diagnosis.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text file, or - for standard input")
    p.add_argument("--json", action="store_true", help="one JSON object per input per line")
    p.add_argument("--model", metavar="NAME@VERSION", help="model to use (default: the active text model)")
    p.add_argument("--top-k", type=int, default=3, metavar="K", help="labels listed in 'top' (default 3)")
    p.set_defaults(handler=run)


def read_input(name: str) -> str:
    """The text of ``name`` (``-``: stdin); ``ValueError`` with a readable reason."""
    try:
        data = sys.stdin.buffer.read() if name == STDIN else Path(name).read_bytes()
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except IsADirectoryError:
        raise ValueError("is a folder, not a text file") from None
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry") from None
    if not text.strip():
        raise ValueError("is empty")
    return text


def run(args: argparse.Namespace) -> int:
    if args.top_k < 1:
        print("medgui classify-text: error: --top-k must be at least 1", file=sys.stderr)
        return 2
    if args.files.count(STDIN) > 1:
        print("medgui classify-text: error: '-' (standard input) may be given once", file=sys.stderr)
        return 2
    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.ml.text.classify import get_text_classifier

    clf = get_text_classifier(args.model)  # ModelLoadError -> one line, exit 1 (cli main)
    failed = 0
    if not args.json:
        print(f"{'label':<30}  {'p':>6}  path")
    for name in args.files:
        try:
            result: dict[str, Any] = {"path": name, **clf.classify(read_input(name), top_k=args.top_k, explain=False)}
        except ValueError as exc:
            result = {"path": name, "error": f"{name}: {exc}"}
        failed += "error" in result
        print(json.dumps(public_result(result, "reliable", "reason", "top"), ensure_ascii=False) if args.json else _row(result), flush=True)
    return finish("classify-text", failed, len(args.files), clf.card.ref, args.json)


def _row(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{'ERROR':<30}  {'':>6}  {result['error']}"
    best, p = result["top"][0]
    label = result["label"] or f"(unreliable) {best}"
    return f"{label:<30}  {p:>6.3f}  {result['path']}"
