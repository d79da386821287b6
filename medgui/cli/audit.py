"""``medgui audit list|verify|export|dataset``, and the audit and report step the
``classify-*`` commands run for every reading (:class:`ReadingLog`).

``audit list`` prints the entries (a table, or one JSON object per line with
``--json``); ``audit verify`` exits 0 when the hash chain is intact and 1 naming the
first broken entry; ``audit export FILE`` writes JSON Lines (or CSV for ``.csv``) that
``audit verify --file`` checks away from the workstation; ``audit dataset DIR`` writes
the clinicians' feedback as a training dataset.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from medgui.core.audit.trail import AuditTrail, Entry, load_export, verify_entries
from medgui.core.errors import MedguiError
from medgui.core.models.card import printable


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "audit", help="the audit trail of readings and feedback: list, verify, export",
        description="Every reading (GUI and command line) and every Agree/Disagree is one "
        "entry of a hash-chained, append-only trail on this workstation.")
    sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="list the entries, oldest first")
    ls.add_argument("--json", action="store_true", help="one JSON object per entry per line")
    ls.add_argument("--since", metavar="DATE", help="only entries from DATE on (YYYY-MM-DD or "
                    "YYYY-MM-DDTHH:MM, local time)")
    ls.add_argument("--kind", choices=("reading", "feedback"), help="only this kind of entry")
    ls.set_defaults(handler=run_list)
    verify = sub.add_parser("verify", help="check the hash chain; exit 1 naming the first broken entry")
    verify.add_argument("--file", metavar="EXPORT", type=Path,
                        help="check a JSON Lines export instead of this workstation's trail")
    verify.set_defaults(handler=run_verify)
    export = sub.add_parser("export", help="write every entry to FILE (JSON Lines; CSV for .csv)")
    export.add_argument("file", metavar="FILE", type=Path)
    export.set_defaults(handler=run_export)
    dataset = sub.add_parser("dataset", help="write the feedback as a training dataset into DIR "
                             "(images/<label>/..., texts.csv)")
    dataset.add_argument("folder", metavar="DIR", type=Path, help="a new or empty folder")
    dataset.set_defaults(handler=run_dataset)


def run_list(args: argparse.Namespace) -> int:
    from medgui.core.audit.readings import summary

    entries = AuditTrail().entries(since=args.since, kind=args.kind)
    if args.json:
        for entry in entries:
            print(json.dumps(entry.to_json(), ensure_ascii=False), flush=True)
        return 0
    print(f"{'#':>6}  {'time':<19}  {'kind':<8}  {'input':<19}  {'model':<22}  {'result':<30}  user")
    for entry in entries:
        s = {k: printable(v) for k, v in summary(entry).items()}
        when = datetime.fromisoformat(entry.created).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{entry.seq:>6}  {when:<19}  {entry.kind:<8}  {s['input']:<19}  {s['model']:<22}  "
              f"{s['result']:<30}  {s['user']}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    outcome = verify_entries(load_export(args.file)) if args.file else AuditTrail().verify()
    print(outcome.message(), file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 1


def run_export(args: argparse.Namespace) -> int:
    n = AuditTrail().export(args.file)
    outcome = AuditTrail().verify()
    print(f"exported {n} entries to {args.file}; {outcome.message()}", file=sys.stderr)
    return 0


def run_dataset(args: argparse.Namespace) -> int:
    from medgui.core.audit.feedback import export_dataset

    result = export_dataset(args.folder)
    print(f"medgui audit dataset: {result.message()}", file=sys.stderr)
    for what, why in result.skipped:
        print(f"  left out {what}: {why}", file=sys.stderr)
    return 0


class ReadingLog:
    """Records each reading of a ``classify-*`` run in the audit trail and, with
    ``--report DIR``, writes its PDF report. A reading that cannot be recorded is said
    on stderr and makes the command exit 1: an unrecorded reading is a failure."""

    def __init__(self, command: str, card: Any, report_dir: Path | None = None,
                 identifying: bool = False) -> None:
        self.command = command
        self.card = card
        self.report_dir = report_dir
        self.identifying = identifying
        self.trail = AuditTrail()
        self.failed = 0
        self.reports: list[Path] = []

    def _fail(self, result: dict[str, Any], what: str, exc: Exception) -> None:
        self.failed += 1
        print(f"medgui {self.command}: error: {result.get('path')}: {what}: {exc}", file=sys.stderr)

    def image(self, result: dict[str, Any]) -> Entry | None:
        """Record an image reading (``result`` of ``classify_paths``); None for an error."""
        if "error" in result:
            return None
        from medgui.core.audit.readings import log_image_reading

        try:
            entry = log_image_reading(result, result["path"], source="cli", card=self.card,
                                      input_format=str(result.get("format", "")),
                                      frame=result.get("frame"))
        except (MedguiError, OSError) as exc:
            self._fail(result, "the reading could not be recorded in the audit trail", exc)
            return None
        if self.report_dir is not None:
            try:
                from medgui.core.imaging.loader import load_image
                from medgui.core.reports.content import image_report

                image = load_image(result["path"], int(result.get("frame") or 0))
                content = image_report(result, image, self.card, include_identifying=self.identifying,
                                       entry=entry)
                self._write(content, entry, Path(result["path"]).stem)
            except (MedguiError, OSError) as exc:
                self._fail(result, "the report could not be written", exc)
        return entry

    def text(self, result: dict[str, Any], text: str) -> Entry | None:
        """Record a text reading of ``text`` (as classified); None for an error."""
        if "error" in result:
            return None
        from medgui.core.audit.readings import log_text_reading

        try:
            entry = log_text_reading(result, text, source="cli", card=self.card)
        except (MedguiError, OSError) as exc:
            self._fail(result, "the reading could not be recorded in the audit trail", exc)
            return None
        if self.report_dir is not None:
            try:
                from medgui.core.reports.content import text_report

                content = text_report(result, text, self.card, include_identifying=self.identifying,
                                      entry=entry)
                stem = Path(str(result["path"])).stem if result["path"] != "-" else "stdin"
                self._write(content, entry, stem)
            except (MedguiError, OSError) as exc:
                self._fail(result, "the report could not be written", exc)
        return entry

    def _write(self, content: Any, entry: Entry, stem: str) -> None:
        from medgui.core.reports import report_name, unique_path
        from medgui.core.reports.pdf import write_pdf

        assert self.report_dir is not None
        name = report_name(content.input_sha256, entry.seq, stem if self.identifying else "")
        self.reports.append(write_pdf(content, unique_path(self.report_dir, name)))

    def finish(self, status: int) -> int:
        """The command's exit status: ``status``, or 1 when a reading went unrecorded."""
        if self.reports:
            print(f"medgui {self.command}: wrote {len(self.reports)} report(s) to {self.report_dir}",
                  file=sys.stderr)
        return status if status else (1 if self.failed else 0)


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """``--report DIR`` and ``--report-identifying`` for a ``classify-*`` command."""
    parser.add_argument("--report", metavar="DIR", type=Path,
                        help="also write one PDF report per input into DIR (de-identified: no "
                        "patient name, ID or birth date, named by audit entry and input hash)")
    parser.add_argument("--report-identifying", action="store_true",
                        help="include identifying data in the reports (patient name, ID, birth "
                        "date, file name) and name them after the input files")
