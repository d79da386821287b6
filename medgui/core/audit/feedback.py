"""Clinician feedback on readings, and the dataset it becomes.

Feedback is an audit entry of its own (kind ``feedback``) that names the reading it is
about (its number and hash): the trail stays append-only, and changing one's mind is a
newer feedback entry, the latest of which counts. Body::

    {"reading": seq, "reading_hash": ..., "verdict": "agree"|"disagree",
     "correct_label": ..., "comment": ..., "user", "workstation",
     "case": {"file": name, "sha256": ...} | null}

To turn feedback into training data the input must be kept: when feedback is given, a
copy of it goes into the *case store* (``$MEDGUI_HOME/feedback-cases``), named by the
reading's input hash. A DICOM is stored de-identified (PS3.15 Basic Profile, see
``core.deid.dicom``); other images as they are; a note as its text with the patient
reference replaced. The copy's own hash is in the feedback entry, so a case file
changed afterwards is noticed and left out of the dataset.

:func:`export_dataset` writes what the training wizard opens directly: ``images/`` with
one sub-folder per correct label (``scan_folder(..., "image")``) and ``texts.csv`` with
``text`` and ``label`` columns (``scan_table(..., "text", "label")``).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medgui.core import paths
from medgui.core.audit.readings import file_sha256, sniff_format, text_sha256, workstation_identity
from medgui.core.audit.trail import AuditTrail, Entry
from medgui.core.errors import AuditError
from medgui.core.fileio import atomic_write

VERDICTS = ("agree", "disagree")
MAX_COMMENT = 2000
CASES_DIR = "feedback-cases"
TEXT_TABLE = "texts.csv"
IMAGE_FOLDER = "images"
_EXT_BY_FORMAT = {"DICOM": ".dcm", "PNG": ".png", "JPEG": ".jpg", "BMP": ".bmp", "TIFF": ".tif"}


def cases_dir() -> Path:
    path = paths.home() / CASES_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _plain(text: str, limit: int) -> str:
    """One line of user text: control characters become spaces, at most ``limit`` chars."""
    return "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text).strip()[:limit]


def check_label(label: str) -> str:
    """A correct label usable as a class (and a folder name), else ``AuditError``."""
    label = _plain(label, 100)
    if not label or label.startswith(".") or any(c in label for c in '/\\:*?"<>|'):
        raise AuditError(f"'{label}' cannot be a label: give a class name without / \\ : * ? "
                         "\" < > | and not starting with a dot")
    return label


def _store_case(reading: Entry, source_path: str | Path | None, source_text: str | None,
                store: Path) -> dict[str, str] | None:
    """Copy the reading's input into the case store; ``{"file", "sha256"}`` of the copy."""
    inp = reading.body.get("input", {})
    expected = str(inp.get("sha256", ""))
    if source_text is not None:
        if text_sha256(source_text) != expected:
            raise AuditError("the text changed since it was classified; classify it again, "
                             "then give your feedback")
        from medgui.core.deid.text import replace_identifiers

        ref = str(inp.get("patient_ref", ""))
        data = replace_identifiers(source_text, [ref] if ref else [], "[patient]").encode("utf-8")
        name = f"{expected}.txt"
    elif source_path is not None:
        source_path = Path(source_path)
        try:
            actual = file_sha256(source_path)
        except OSError as exc:
            raise AuditError(f"cannot be read to keep a copy with the feedback: {exc.strerror or exc}",
                             path=source_path) from exc
        if actual != expected:
            raise AuditError("changed since it was classified; classify it again, then give "
                             "your feedback", path=source_path)
        fmt = str(inp.get("format", "")).upper() or sniff_format(source_path)
        if fmt == "DICOM":
            from medgui.core.deid.dicom import DicomDeidentifier

            data = DicomDeidentifier().to_bytes(source_path)
        else:
            data = source_path.read_bytes()
        name = f"{expected}{_EXT_BY_FORMAT.get(fmt, source_path.suffix.lower() or '.img')}"
    else:
        return None
    from medgui.core.deid.dicom import write_bytes

    target = store / name
    write_bytes(target, data)
    return {"file": name, "sha256": file_sha256(target)}


def give_feedback(reading_seq: int, verdict: str, correct_label: str = "", comment: str = "", *,
                  source_path: str | Path | None = None, source_text: str | None = None,
                  trail: AuditTrail | None = None, store: Path | None = None) -> Entry:
    """Record a clinician's verdict on reading ``reading_seq``.

    ``verdict`` is ``agree`` (the reading's label is right) or ``disagree`` (then
    ``correct_label`` says what is right). ``source_path`` (an image) or ``source_text``
    (a note) is the input as it was classified; it is kept in the case store so the
    case can become training data. Raises ``AuditError`` with a reason a clinician can
    act on (the input changed since, a label that cannot be a class, ...).
    """
    trail = trail or AuditTrail()
    if verdict not in VERDICTS:
        raise AuditError(f"feedback is 'agree' or 'disagree', not '{verdict}'")
    reading = trail.get(reading_seq)
    if reading.kind != "reading":
        raise AuditError(f"entry {reading_seq} is not a reading; feedback is given on readings")
    label = (reading.body.get("output") or {}).get("label")
    if verdict == "agree":
        if not isinstance(label, str) or not label:
            raise AuditError("the model gave no label here; choose Disagree and give the "
                             "correct label")
        correct = label
    else:
        correct = check_label(correct_label) if correct_label.strip() else ""
        if correct and correct == label:
            raise AuditError(f"the correct label you gave is the model's own ({label}); "
                             "choose Agree instead")
    case = _store_case(reading, source_path, source_text, store or cases_dir())
    body: dict[str, Any] = {
        "reading": reading.seq, "reading_hash": reading.hash, "verdict": verdict,
        "correct_label": correct, "comment": _plain(comment, MAX_COMMENT),
        **workstation_identity(), "case": case,
    }
    return trail.append("feedback", body)


@dataclass
class DatasetExport:
    """What :func:`export_dataset` wrote, and what it left out and why."""

    root: Path
    image_folder: Path | None = None
    text_table: Path | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # task -> label -> n
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def message(self) -> str:
        parts = []
        for task, where in (("image", self.image_folder), ("text", self.text_table)):
            if where is not None:
                counts = self.counts.get(task, {})
                per = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                parts.append(f"{sum(counts.values())} {task} case(s) ({per}) in {where}")
        text = "; ".join(parts) or "no usable feedback yet"
        if self.skipped:
            text += f"; {len(self.skipped)} left out"
        return text


def latest_feedback(trail: AuditTrail) -> list[tuple[Entry, Entry]]:
    """(reading, feedback) pairs: the newest feedback per input (by input hash)."""
    entries = trail.entries()
    by_seq = {e.seq: e for e in entries}
    chosen: dict[tuple[str, str], tuple[Entry, Entry]] = {}
    for entry in entries:  # oldest first: a later verdict replaces an earlier one
        if entry.kind != "feedback":
            continue
        reading = by_seq.get(entry.body.get("reading"))  # type: ignore[arg-type]
        if reading is None or reading.kind != "reading":
            continue
        inp = reading.body.get("input", {})
        chosen[(str(inp.get("kind")), str(inp.get("sha256")))] = (reading, entry)
    return sorted(chosen.values(), key=lambda pair: pair[1].seq)


def export_dataset(dest: str | Path, trail: AuditTrail | None = None, store: Path | None = None,
                   verdicts: tuple[str, ...] = VERDICTS,
                   progress: Callable[[dict[str, Any]], None] | None = None) -> DatasetExport:
    """Write the agreed and disagreed cases as a training dataset into ``dest``.

    ``dest`` must be a new or empty folder. A case's label is the reading's label
    (agree) or the clinician's correct label (disagree). Left out, and listed in
    ``skipped``: a disagreement with no correct label, a case whose copy is missing or
    whose hash no longer matches the feedback entry. Verify the trail first
    (``medgui audit verify``) to know the feedback itself is untouched.
    """
    trail = trail or AuditTrail()
    store = store or cases_dir()
    root = Path(dest)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise AuditError("is not an empty folder; choose a new folder for the dataset", path=root)
    result = DatasetExport(root)
    rows: list[tuple[str, str]] = []
    pairs = latest_feedback(trail)
    for n, (reading, feedback) in enumerate(pairs, start=1):
        if progress is not None:
            progress({"phase": "export", "done": n, "total": len(pairs)})
        body = feedback.body
        where = f"feedback #{feedback.seq} on reading #{reading.seq}"
        if body.get("verdict") not in verdicts:
            continue
        label = str(body.get("correct_label") or "")
        if not label:
            result.skipped.append((where, "disagreed without a correct label"))
            continue
        try:
            label = check_label(label)
        except AuditError as exc:
            result.skipped.append((where, exc.message))
            continue
        case = body.get("case") or {}
        file = store / str(case.get("file", "")) if case.get("file") else None
        if file is None or file.parent != store or not file.is_file():
            result.skipped.append((where, "no copy of the input was kept"))
            continue
        if file_sha256(file) != case.get("sha256"):
            result.skipped.append((where, "the kept copy was changed after the feedback"))
            continue
        task = str((reading.body.get("input") or {}).get("kind"))
        if task == "text":
            rows.append((file.read_text(encoding="utf-8"), label))
        else:
            target = root / IMAGE_FOLDER / label / f"case-{reading.seq:06d}{file.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            result.image_folder = root / IMAGE_FOLDER
        result.counts.setdefault(task, {}).setdefault(label, 0)
        result.counts[task][label] += 1
    if rows:
        result.text_table = root / TEXT_TABLE
        atomic_write(result.text_table, lambda handle: _write_rows(handle, rows), encoding="utf-8-sig")
    if result.total == 0:
        raise AuditError("there is no usable feedback to export yet: give Agree or Disagree "
                         "(with the correct label) on readings first")
    return result


def _write_rows(handle: Any, rows: list[tuple[str, str]]) -> None:
    from medgui.core.records.transfer import escape_cell

    writer = csv.writer(handle)
    writer.writerow(["text", "label"])
    for text, label in rows:
        writer.writerow([escape_cell(text), escape_cell(label)])


