"""``medgui models list|show|activate|import|export|delete``: the model registry from a shell.

Every sub-command takes ``--json`` for machine-readable output. Nothing here imports
TensorFlow except ``import``, which loads the model in safe mode to refuse code in it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="list, show, activate, import, export or delete models",
                              description="Manage the local model registry.")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="all models, the active ones marked")
    ls.add_argument("--task", choices=("image", "text"))
    show = sub.add_parser("show", help="one model's card")
    show.add_argument("ref", metavar="NAME[@VERSION]")
    act = sub.add_parser("activate", help="use this model for its task")
    act.add_argument("ref", metavar="NAME[@VERSION]")
    act.add_argument("--force", "--yes", action="store_true", dest="force",
                     help="activate even a model whose evaluation warns it may be no better than chance")
    imp = sub.add_parser("import", help="add a model exported with `models export`")
    imp.add_argument("file", type=Path, metavar="FILE")
    exp = sub.add_parser("export", help="write a model as one .medgui-model file")
    exp.add_argument("ref", metavar="NAME[@VERSION]")
    exp.add_argument("dest", type=Path, metavar="DEST", help="file name, or folder")
    rm = sub.add_parser("delete", help="delete one version of a model you trained or imported")
    rm.add_argument("ref", metavar="NAME@VERSION")
    for action in (ls, show, act, imp, exp, rm):
        action.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def _entry(card: Any, active: set[str]) -> dict[str, Any]:
    return {"ref": card.ref, **card.to_json(), "builtin": card.builtin, "active": card.ref in active,
            "path": str(card.path) if card.path else None, "broken": None}


def _broken_entry(entry: Any) -> dict[str, Any]:
    return {"ref": entry.ref, "name": entry.name, "version": entry.version, "builtin": entry.builtin,
            "active": False, "path": str(entry.path), "broken": entry.reason}


def run(args: argparse.Namespace) -> int:
    from medgui.core.models.card import card_summary, printable
    from medgui.core.models.registry import Registry

    registry = Registry()
    action = args.models_command

    def active_refs() -> set[str]:
        refs = set()
        for task in ("image", "text"):
            try:
                refs.add(registry.active(task).ref)
            except Exception:  # noqa: BLE001 - no model for that task is not an error here
                continue
        return refs

    if action == "list":
        cards = registry.list(args.task)
        # A version whose card is unreadable has no task to filter on: always listed.
        broken = registry.problems()
        active = active_refs()
        if args.json:
            print(json.dumps([_entry(c, active) for c in cards] + [_broken_entry(b) for b in broken]))
            return 0
        if not cards and not broken:
            print("no models; train one with `medgui train`", file=sys.stderr)
            return 0
        e = printable  # everything from a card is data: escape control characters
        width = max(len(e(ref)) for ref in [c.ref for c in cards] + [b.ref for b in broken])
        for c in cards:
            acc = c.metrics.get("accuracy") if c.metrics else None
            acc_text = f"acc {acc:.3f}" if isinstance(acc, (int, float)) and not isinstance(acc, bool) else ""
            print(f"{'*' if c.ref in active else ' '} {e(c.ref):<{width}}  {c.task:<5}  {e(c.architecture):<12}  "
                  f"{acc_text:<9}  "
                  f"{e(c.created[:10]):<10}  {'shipped' if c.builtin else ''}".rstrip())
        for b in broken:
            print(f"! {e(b.ref):<{width}}  broken{' (shipped)' if b.builtin else ''}: {e(b.reason)}")
        return 0
    if action == "show":
        card = registry.get(args.ref)
        print(json.dumps(_entry(card, active_refs())) if args.json else card_summary(card))
        return 0
    if action == "activate":
        from medgui.core.training.chance import stored_warnings

        warnings = stored_warnings(registry.get(args.ref).metrics)
        if warnings and not args.force:
            print(f"medgui models: {printable(args.ref)} is not activated: its evaluation warns "
                  f"that it may be no better than chance:", file=sys.stderr)
            for warning in warnings:
                print(f"  - {printable(warning)}", file=sys.stderr)
            print("Add --force to activate it anyway.", file=sys.stderr)
            return 1
        card = registry.activate(args.ref)
        _say(args, {"active": card.ref, "task": card.task},
             f"{printable(card.ref)} is now the active {card.task} model")
        return 0
    if action == "import":
        card = registry.import_model(args.file, check_model=_check_and_export)
        _say(args, {"imported": card.ref, "path": str(card.path)}, printable(card.ref))
        return 0
    if action == "export":
        card = registry.get(args.ref)
        out = registry.export(card.ref, args.dest)
        _say(args, {"exported": card.ref, "file": str(out)}, printable(out))
        return 0
    if action == "delete":
        deleted = registry.delete(args.ref)
        _say(args, {"deleted": deleted.ref}, f"deleted {printable(deleted.ref)}")
        return 0
    return 2


def _check_and_export(card: Any, folder: Path) -> None:
    """The import's model check (safety check, then the inference export). TensorFlow is
    imported here, once the archive has passed every check that needs none: a hostile
    archive is refused in a fraction of a second."""
    from medgui.core.ml.export import check_and_export

    check_and_export(card, folder)


def _say(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data) if args.json else text)
