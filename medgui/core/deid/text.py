"""De-identify clinical records: patient references replaced, labelled identifiers blanked.

Free text can name anyone anywhere; no rule finds every name. What is done, and is
all that is promised:

* the record's patient reference (and any other identifier the caller knows, such as a
  DICOM patient name) is replaced wherever it appears, ignoring case;
* the value after a label such as ``Name:``, ``Patient:``, ``DOB:``, ``Date of birth:``,
  ``MRN:``, ``Patient ID:`` or ``NHS number:`` is blanked, to the end of its sentence.

:func:`redactions` returns the spans, so a report can keep the classifier's word
offsets and simply not show what is redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from medgui.core.records.store import Record

REDACTED = "[redacted]"
PSEUDONYM_FORMAT = "PATIENT-{:04d}"

_LABELS = (r"(?:patient(?:'s)?\s+name|name|patient|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|mrn|"
           r"medical\s+record\s+(?:number|no\.?)|patient\s+id|hospital\s+(?:number|no\.?)|"
           r"nhs\s+(?:number|no\.?)|ssn|address|phone|telephone)\s*[:#]\s*")
# The value runs to the end of its sentence: at the start of a line to the next ". " or
# "; " or the line's end ("Name: Jane Doe. Seen today..."); inside a sentence also to the
# next ", ". At least two characters, so an initial ("J. Doe") does not end it.
_LABELLED = re.compile(
    r"(?im)(?:^[ \t>*-]*" + _LABELS + r"(?P<value>[^\n]{2,}?)(?=[.;]\s|[.;]?[ \t]*$)|(?<![\w'])"
    + _LABELS + r"(?P<inline>[^\n]{2,}?)(?=[.;,]\s|[.;,]?[ \t]*$))"
)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _name_variants(identifier: str) -> list[str]:
    """``"Doe^Jane"`` (a DICOM name) -> ``["Doe^Jane", "Jane Doe", "Doe, Jane", "Doe",
    "Jane"]``; plain references as given. Parts shorter than 3 letters are not matched alone."""
    ident = identifier.strip()
    if not ident:
        return []
    variants = [ident]
    if "^" in ident:
        parts = [p.strip() for p in ident.split("^") if p.strip()]
        if len(parts) >= 2:
            variants += [" ".join(parts[1:] + parts[:1]), f"{parts[0]}, {' '.join(parts[1:])}"]
        variants += [p for p in parts if len(p) >= 3]
    return variants


def redactions(text: str, identifiers: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Spans of ``text`` (start, end) that a de-identified copy must not show."""
    spans = []
    for m in _LABELLED.finditer(text):
        group = "value" if m.group("value") is not None else "inline"
        spans.append((m.start(group), m.end(group)))
    for ident in identifiers:
        for variant in _name_variants(ident):
            pattern = re.compile(r"(?<!\w)" + re.escape(variant) + r"(?!\w)", re.IGNORECASE)
            spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return _merge([(s, e) for s, e in spans if e > s])


def apply_redactions(text: str, spans: Sequence[tuple[int, int]], replacement: str = REDACTED) -> str:
    out, at = [], 0
    for start, end in spans:
        out += [text[at:start], replacement]
        at = end
    out.append(text[at:])
    return "".join(out)


def scrub(text: str, identifiers: Iterable[str] = (), replacement: str = REDACTED) -> str:
    """``text`` with :func:`redactions` replaced by ``replacement``."""
    return apply_redactions(text, redactions(text, identifiers), replacement)


def pseudonymize_records(records: Iterable[Record]) -> list[Record]:
    """Copies of ``records`` with each patient reference replaced by ``PATIENT-0001``,
    ``PATIENT-0002``, ... (one pseudonym per reference, in order of first appearance),
    the reference replaced in title and text too, and labelled identifiers blanked."""
    mapping: dict[str, str] = {}
    out = []
    for record in records:
        ref = record.patient_ref.strip()
        if ref and ref.casefold() not in mapping:
            mapping[ref.casefold()] = PSEUDONYM_FORMAT.format(len(mapping) + 1)
        pseudonym = mapping.get(ref.casefold(), "") if ref else ""
        idents = [ref] if ref else []
        out.append(replace(record, patient_ref=pseudonym,
                           title=scrub(record.title, idents, pseudonym or REDACTED),
                           body=replace_identifiers(record.body, idents, pseudonym)))
    return out


def replace_identifiers(text: str, idents: list[str], pseudonym: str) -> str:
    """``text`` with each of ``idents`` replaced by ``pseudonym`` (so it still reads) and
    labelled identifiers (``Name: ...``) blanked."""
    for ident in idents:
        text = re.sub(r"(?<!\w)" + re.escape(ident) + r"(?!\w)", pseudonym or REDACTED, text,
                      flags=re.IGNORECASE)
    return scrub(text)


def export_deidentified_records(records: Iterable[Record], out: str | Path) -> int:
    """Write pseudonymized ``records`` as a record CSV (the import format); how many."""
    from medgui.core.records.transfer import write_csv

    return write_csv(out, pseudonymize_records(records))


def deidentify_record_csv(src: str | Path, dst: str | Path) -> int:
    """De-identify a record CSV (as ``medgui records export`` writes) into ``dst``."""
    from medgui.core.records.store import Classification
    from medgui.core.records.transfer import read_csv

    drafts = read_csv(src)
    records = [
        Record(id=i, patient_ref=d.patient_ref, title=d.title, body=d.body,
               created=d.created or "", modified=d.modified or "",
               classifications=[Classification(d.label, {}, "imported", "", "")] if d.label else [])
        for i, d in enumerate(drafts, start=1)
    ]
    return export_deidentified_records(records, dst)
