"""``medgui deid IN OUT``: de-identified copies of DICOM files and of clinical records.

* IN a DICOM file or a folder of them: OUT gets copies following DICOM PS3.15's Basic
  Application Level Confidentiality Profile with the Retain Patient Characteristics
  Option (``--no-patient-characteristics`` drops sex, age, size and weight too); pixel
  data and the tags a reader needs are kept. A folder's copies are named by their new
  SOP Instance UID (original names often carry the patient's).
* IN a record CSV (as ``medgui records export`` writes): OUT is the same CSV with each
  patient reference replaced by a pseudonym (``PATIENT-0001``...) and labelled
  identifiers (``Name: ...``) blanked.
* ``--records OUT.csv`` (no IN): the record database, de-identified, as a CSV.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medgui.core.errors import AuditError


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "deid", help="de-identified copies of DICOM files or clinical records",
        description="Write de-identified copies: DICOM (PS3.15 Basic Application Level "
        "Confidentiality Profile, Retain Patient Characteristics Option) or a record CSV "
        "(patient references replaced).")
    p.add_argument("paths", nargs="*", metavar="IN OUT", help="a DICOM file or folder, or a record "
                   "CSV, then where the copy goes")
    p.add_argument("--records", metavar="OUT", type=Path,
                   help="export the record database, de-identified, to this CSV file")
    p.add_argument("--no-patient-characteristics", action="store_true",
                   help="DICOM: also remove patient sex, age, size and weight")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.records is not None:
        if args.paths:
            print("medgui deid: error: give either --records OUT or IN OUT, not both", file=sys.stderr)
            return 2
        from medgui.core.deid.text import export_deidentified_records
        from medgui.core.records.store import RecordStore

        store = RecordStore()
        try:
            n = export_deidentified_records(store.records(), args.records)
        finally:
            store.close()
        print(f"medgui deid: wrote {n} de-identified record(s) to {args.records}", file=sys.stderr)
        return 0
    if len(args.paths) != 2:
        print("medgui deid: error: give IN and OUT (or --records OUT)", file=sys.stderr)
        return 2
    src, dst = Path(args.paths[0]), Path(args.paths[1])
    if src.is_file() and src.suffix.lower() == ".csv":
        from medgui.core.deid.text import deidentify_record_csv

        n = deidentify_record_csv(src, dst)
        print(f"medgui deid: wrote {n} de-identified record(s) to {dst}", file=sys.stderr)
        return 0
    from medgui.core.deid.dicom import PROFILE, deidentify_path

    try:
        results = deidentify_path(src, dst, not args.no_patient_characteristics)
    except OSError as exc:
        raise AuditError(f"could not be written: {exc.strerror or exc}", path=dst) from exc
    for r in results:
        print(r.output)
    options = "" if args.no_patient_characteristics else " with the Retain Patient Characteristics Option"
    print(f"medgui deid: {len(results)} file(s) de-identified ({PROFILE}{options})", file=sys.stderr)
    return 0
