"""``medgui records import|export|list``: the record store without the window."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from medgui.core.errors import RecordStoreError
from medgui.core.fileio import check_regular
from medgui.core.records import transfer as record_io
from medgui.core.records.store import RecordStore


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "records", help="import, export and list clinical records",
        description="Work with the record database (in $MEDGUI_HOME or the user data folder).")
    commands = parser.add_subparsers(dest="records_command", metavar="ACTION", required=True)

    imp = commands.add_parser(
        "import", help="import .txt files (one record each) and .csv files",
        description="Import records. A .txt file becomes one record titled by its file name; "
        "a .csv file needs a header row with patient_ref,title,body "
        "(optional: created,modified,label). All files are imported, or none.")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--patient", metavar="REF", help="pseudonymous patient reference for all "
                     "imported records (overrides a CSV's patient_ref column)")
    imp.set_defaults(handler=run_import)

    exp = commands.add_parser(
        "export", help="export records to a .csv file or a folder of .txt files",
        description="Export records: OUT ending in .csv writes one CSV file "
        "(patient_ref,title,body,created,modified,label); any other OUT is a folder that "
        "receives one .txt file per record.")
    exp.add_argument("out", type=Path, metavar="OUT")
    exp.add_argument("--include-deleted", action="store_true",
                     help="also export the records in the trash")
    exp.set_defaults(handler=run_export)

    lst = commands.add_parser("list", help="list the records",
                              description="List records, most recently modified first.")
    lst.add_argument("--json", action="store_true", help="one JSON document on stdout")
    lst.add_argument("--search", default="", metavar="TEXT", help="only records containing TEXT")
    lst.add_argument("--include-deleted", action="store_true",
                     help="also list the records in the trash")
    lst.set_defaults(handler=run_list)


def _check_inputs(files: list[Path]) -> None:
    """Refuse at once what cannot be imported: missing paths, folders, pipes, devices."""
    missing, other = [], []
    for path in files:
        try:
            check_regular(path)
        except FileNotFoundError:
            missing.append(str(path))
        except OSError as exc:  # a folder, a named pipe, a device, no permission
            other.append(f"{path}: {exc.strerror or exc}")
    if missing:
        raise RecordStoreError(f"no such file: {', '.join(missing)}")
    if other:
        raise RecordStoreError(f"cannot import {'; '.join(other)}. Import saved .txt or "
                               ".csv files; nothing was imported")


def run_import(args: argparse.Namespace) -> int:
    _check_inputs(args.files)
    with RecordStore() as store:
        ids = record_io.import_files(store, args.files, args.patient)
    print(f"imported {len(ids)} record(s) into {store.path}", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    with RecordStore() as store:
        count = record_io.export_records(store, args.out, args.include_deleted)
    print(f"exported {count} record(s) to {args.out}", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    with RecordStore() as store:
        records = store.search(args.search, include_deleted=args.include_deleted)
    if args.json:
        rows = [asdict(r) | {"latest_label": r.latest_label} for r in records]
        json.dump({"records": rows}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for r in records:
        trash = "  [trash]" if r.deleted else ""
        print(f"{r.id:>5}  {r.modified[:16].replace('T', ' ')}  {r.patient_ref or '-':<12}  "
              f"{r.latest_label or '-':<20}  {r.title}{trash}")
    return 0
