"""Headless command line over the same core the GUI uses: ``medgui COMMAND ...``.

Each sub-module adds its commands with ``add_parsers(subparsers)``; a command's handler
returns the process exit status. Expected failures (``MedguiError``) are printed on
one line, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from medgui import __version__
from medgui.core.errors import MedguiError

# Modules that contribute sub-commands, in the order ``--help`` lists them.
COMMAND_MODULES = [
    "medgui.cli.image",
    "medgui.cli.records",
    "medgui.cli.text",
    "medgui.cli.train",
    "medgui.cli.models",
    "medgui.cli.audit",
    "medgui.cli.deid",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medgui",
        description="Offline diagnosis support. Without a command, starts the desktop app "
        "(optionally opening the image files given).",
    )
    parser.add_argument("--version", action="version", version=f"medgui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parsers(subparsers)
    return parser


def command_names() -> set[str]:
    parser = build_parser()
    for action in parser._actions:  # argparse offers no public accessor for sub-commands
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not getattr(args, "handler", None):
        build_parser().print_help()
        return 2
    try:
        return int(args.handler(args))
    except MedguiError as exc:
        print(f"medgui: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("medgui: interrupted", file=sys.stderr)
        return 130
