"""Plain-text and CSV import/export of records.

* A ``.txt`` file is one record: the title is the file name's stem, the body the text.
* A CSV file has a header row with ``patient_ref, title, body`` and optionally
  ``created, modified, label``. An imported ``label`` is kept as a classification by
  the pseudo-model ``imported`` with no probabilities.
* Reading (both kinds): only regular files are opened (a named pipe or device is
  refused, never waited on). The encoding is found by ``fileio.decode_text``: a byte
  order mark (UTF-8/16/32), else UTF-8, else Chinese GB18030 when the result is
  plausibly Chinese; anything else is refused rather than stored garbled. A file with
  a NUL character, an empty ``.txt`` file and a CSV file without records are refused.
  Every import error names the user's file.
* CSV export writes UTF-8 with a BOM (so that spreadsheet programs show non-ASCII text
  correctly) and neutralises formulas (OWASP "CSV injection"): a cell starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``, so a
  spreadsheet shows it as text instead of running it. Cells already starting with
  ``'`` before such a character get one more, so that :func:`unescape_cell` on import
  gives back exactly what was stored (``"- pain"`` -> ``"'- pain"`` -> ``"- pain"``;
  ``"'=x"`` -> ``"''=x"`` -> ``"'=x"``). The same rule applied to a CSV file from
  elsewhere removes the ``'`` a spreadsheet user typed to enter such a cell as text.
* Writes are atomic: a temporary file moved into place, so a failed export never
  leaves half a file where a good one was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC
from pathlib import Path
from typing import TextIO

from medgui.core.errors import RecordStoreError
from medgui.core.fileio import TextFileError, atomic_write, read_text
from medgui.core.records.store import Record, RecordDraft, RecordStore, parse_iso

CSV_COLUMNS = ["patient_ref", "title", "body", "created", "modified", "label"]
REQUIRED_COLUMNS = ("body",)
# Long transcriptions exceed the csv module's default 128 KiB field limit.
_FIELD_LIMIT = 16 * 1024 * 1024


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` to ``\\n``: character offsets then match the editor's."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# OWASP's list of cell starts a spreadsheet may take for a formula.
_FORMULA_START = "=+-@\t\r"
_NEEDS_ESCAPE = re.compile(f"'*[{re.escape(_FORMULA_START)}]")
_ESCAPED = re.compile(f"'+[{re.escape(_FORMULA_START)}]")


def escape_cell(value: str) -> str:
    """``value`` safe for a spreadsheet: a formula-like start gets a leading ``'``."""
    return "'" + value if _NEEDS_ESCAPE.match(value) else value


def unescape_cell(value: str) -> str:
    """The inverse of :func:`escape_cell` (one ``'`` before a formula-like start removed)."""
    return value[1:] if _ESCAPED.match(value) else value


def _read(path: Path, what: str) -> str:
    """The text of the user's file ``path``; every failure names it (never a temporary)."""
    try:
        return read_text(path).text
    except FileNotFoundError as exc:
        raise RecordStoreError("could not read the file: there is no such file; check its "
                               "name and folder", path=path) from exc
    except IsADirectoryError as exc:
        raise RecordStoreError(f"is a folder, not {what}; choose the files inside it",
                               path=path) from exc
    except TextFileError as exc:
        raise RecordStoreError(str(exc), path=path) from exc
    except OSError as exc:
        raise RecordStoreError(f"could not read the file: {exc.strerror or exc}",
                               path=path) from exc


def read_text_file(path: str | Path, patient_ref: str = "") -> RecordDraft:
    """One record from a plain-text file (title = file name without extension)."""
    path = Path(path)
    text = _read(path, "a text file")
    return RecordDraft(title=path.stem, body=normalise_newlines(text).strip("\n"),
                       patient_ref=patient_ref)


def _iso_or_none(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        moment = parse_iso(value)
    except ValueError:
        return None
    # Stored times are UTC with microseconds so that they sort as text.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def read_csv(path: str | Path, patient_ref: str | None = None) -> list[RecordDraft]:
    """Records from a CSV file with a header row; ``patient_ref`` overrides the column."""
    path = Path(path)
    text = _read(path, "a CSV file")
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise RecordStoreError(
                f"the CSV file has no '{missing[0]}' column (found: {', '.join(header) or 'none'});"
                f" expected a header row with {', '.join(CSV_COLUMNS[:3])}", path=path)
        reader.fieldnames = header
        drafts = []
        for row in reader:
            cell = {key: unescape_cell(row.get(key) or "") for key in CSV_COLUMNS}
            body = normalise_newlines(cell["body"])
            title = cell["title"]
            if not body.strip() and not title.strip():
                continue  # blank line at the end of a hand-edited file
            drafts.append(RecordDraft(
                title=title,
                body=body,
                patient_ref=patient_ref if patient_ref is not None
                else cell["patient_ref"].strip(),
                created=_iso_or_none(cell["created"]),
                modified=_iso_or_none(cell["modified"]),
                label=cell["label"].strip() or None,
            ))
    except csv.Error as exc:
        raise RecordStoreError(f"the CSV file is malformed: {exc}", path=path) from exc
    if not drafts:
        raise RecordStoreError("the CSV file has a header row but no records", path=path)
    return drafts


def read_files(paths: Iterable[str | Path], patient_ref: str | None = None) -> list[RecordDraft]:
    """Drafts from ``.csv`` files and plain-text files (any other extension)."""
    drafts: list[RecordDraft] = []
    for item in paths:
        path = Path(item)
        if path.suffix.lower() == ".csv":
            drafts += read_csv(path, patient_ref)
        else:
            drafts.append(read_text_file(path, patient_ref or ""))
    return drafts


def import_files(store: RecordStore, paths: Sequence[str | Path],
                 patient_ref: str | None = None) -> list[int]:
    """Read every file first, then create all records in one transaction (all or none)."""
    return store.create_many(read_files(paths, patient_ref))


def write_csv(path: str | Path, records: Iterable[Record]) -> int:
    """Write ``records`` as CSV (columns :data:`CSV_COLUMNS`); returns how many."""
    path = Path(path)
    count = 0

    def write(handle: TextIO) -> None:
        nonlocal count
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            writer.writerow([escape_cell(cell) for cell in (
                record.patient_ref, record.title, record.body, record.created,
                record.modified, record.latest_label or "")])
            count += 1

    try:
        atomic_write(path, write, encoding="utf-8-sig")
    except OSError as exc:
        raise RecordStoreError(f"could not write the CSV file: {exc.strerror or exc}",
                               path=path) from exc
    return count


def safe_file_name(title: str, fallback: str) -> str:
    """A portable file name from a record title (no path separators or reserved chars)."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", title).strip(" ._")[:100]
    return name or fallback


def write_text_files(folder: str | Path, records: Iterable[Record]) -> list[Path]:
    """One ``.txt`` file per record in ``folder``; clashing titles get ``-2``, ``-3`` ..."""
    folder = Path(folder)
    written: list[Path] = []
    used: set[str] = set()
    for record in records:
        stem = safe_file_name(record.title, f"record-{record.id}")
        candidate, n = stem, 1
        while candidate.lower() in used or (folder / f"{candidate}.txt").exists():
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate.lower())
        target = folder / f"{candidate}.txt"
        body = record.body

        def write(handle: TextIO, body: str = body) -> None:
            handle.write(body)

        try:
            atomic_write(target, write)
        except OSError as exc:
            raise RecordStoreError(f"could not write the text file: {exc.strerror or exc}",
                                   path=target) from exc
        written.append(target)
    return written


def export_records(store: RecordStore, out: str | Path, include_deleted: bool = False) -> int:
    """Export to ``out``: a ``.csv`` file, or else a folder of ``.txt`` files."""
    records = store.records(include_deleted=include_deleted)
    out = Path(out)
    if out.suffix.lower() == ".csv":
        return write_csv(out, records)
    return len(write_text_files(out, records))
