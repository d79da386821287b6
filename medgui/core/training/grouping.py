"""Find the patient behind each file, so no patient spans two splits (no TensorFlow).

Images of one patient in both the training and the test split make the figures too
good: the model recognises the patient, not the disease. Two sources of grouping are
found for the user:

* file names that carry a patient key (:func:`propose_pattern`): ``person12_bacteria_3.jpeg``
  -> ``person12``, ``IM-0001-0001.jpeg`` -> ``IM-0001``, ``NORMAL2-IM-0123-0001.jpeg`` ->
  ``NORMAL2-IM-0123``, ``0042_a.png`` -> ``0042``, ``patient7_ap.png`` -> ``patient7``. The
  proposal is a regular expression of the kind ``TrainingConfig.group_pattern`` takes
  (its one capture group names the patient; see ``datasets.group_of``), with a preview;
* DICOM files' PatientID (:func:`dicom_patient_id`), read without the pixels; the scan
  groups by it when no pattern is given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Patient keys seen in file names, most specific first. Each stops before its separator
# (a lookahead), so that several combine into one pattern with a single capture group.
KEY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("person number (Kermany)", r"[Pp]erson\d+(?=_)"),
    ("IM-number, optionally prefixed (Kermany)", r"(?:[A-Za-z]+\d*-)?IM-\d+(?=-\d)"),
    ("patient number", r"[Pp]atient[_-]?\d+(?=[_.-])"),
    ("numeric prefix", r"\d+(?=[_-])"),
    # Not the batch prefix of an IM key (``NORMAL2-IM-0123-...``): that one names no patient.
    ("letters and number", r"[A-Za-z]+\d+(?=[_-])(?!-IM-)"),
)
SPECIFIC_KINDS = 3
"""The first kinds name a patient by their shape alone: they take part even when every
patient has one file in this folder; the generic ones must show files sharing a key."""
MIN_SHARE = 0.1
"""A key kind must match at least this share of the names to take part."""
MIN_COVERED = 0.5
"""The proposal must name the patient of at least this share of the files."""
MIN_GROUPS = 3
"""Fewer groups than this cannot be split three ways: no proposal."""


@dataclass(frozen=True)
class GroupingProposal:
    """A detected group pattern and what it does to the files."""

    pattern: str
    kinds: tuple[str, ...]  # which key kinds it combines, in words
    examples: tuple[tuple[str, str], ...]  # (file name, group) pairs
    n_files: int
    n_matched: int
    n_groups: int
    largest_group: int

    @property
    def per_group(self) -> float:
        """Mean files per group among the files it matches."""
        return self.n_matched / max(self.n_groups, 1)

    def describe(self) -> str:
        """One sentence for the wizard or a terminal."""
        return (f"{self.n_groups:,} patients found in {self.n_matched:,} of {self.n_files:,} file "
                f"names ({', '.join(self.kinds)}): {self.per_group:.1f} images per patient on "
                f"average, at most {self.largest_group}")


def _groups(names: Sequence[str], body: str) -> dict[str, str]:
    regex = re.compile(f"^({body})")
    out = {}
    for name in names:
        match = regex.match(name)
        if match:
            out[name] = match.group(1)
    return out


def propose_pattern(names: Sequence[str], n_examples: int = 6) -> GroupingProposal | None:
    """The group pattern the file ``names`` suggest, or None when they look ungrouped.

    A kind of key takes part when it matches at least ``MIN_SHARE`` of the names not yet
    matched and some of its groups hold several files; the kinds taking part are
    combined into one pattern, which must cover ``MIN_COVERED`` of the names and give
    at least ``MIN_GROUPS`` groups, fewer than the files.
    """
    names = sorted({Path(n).name for n in names})
    if len(names) < 2:
        return None
    left = list(names)
    bodies: list[str] = []
    kinds: list[str] = []
    found: dict[str, str] = {}
    for k, (kind, body) in enumerate(KEY_PATTERNS):
        groups = _groups(left, body)
        if len(groups) < max(2, MIN_SHARE * len(names)):
            continue
        if k >= SPECIFIC_KINDS and len(set(groups.values())) >= len(groups):
            continue
        bodies.append(body)
        kinds.append(kind)
        found.update(groups)
        left = [n for n in left if n not in groups]
    if not bodies or len(found) < MIN_COVERED * len(names):
        return None
    proposal = preview_pattern(names, f"^({'|'.join(bodies)})", n_examples, tuple(kinds))
    if proposal.n_groups < MIN_GROUPS or proposal.n_groups >= proposal.n_matched:
        return None
    return proposal


def preview_pattern(names: Sequence[str], pattern: str, n_examples: int = 6,
                    kinds: tuple[str, ...] = ("your pattern",)) -> GroupingProposal:
    """What ``pattern`` (a valid regular expression) does to the file ``names``.

    Names it does not match are each their own group (``datasets.group_of``) and are not
    counted in ``n_matched``/``n_groups``.
    """
    names = sorted({Path(n).name for n in names})
    regex = re.compile(pattern)
    found = {}
    for name in names:
        match = regex.search(name)
        if match:
            found[name] = match.group(1) if match.groups() and match.group(1) is not None else match.group(0)
    sizes = Counter(found.values())
    # Examples from several groups, the ones with several files first: they show the point.
    shown: list[tuple[str, str]] = []
    for group, _count in sizes.most_common():
        shown += [(n, group) for n in names if found.get(n) == group][:2]
        if len(shown) >= n_examples:
            break
    return GroupingProposal(pattern, kinds, tuple(shown[:n_examples]), len(names), len(found),
                            len(sizes), max(sizes.values(), default=0))


# -- DICOM -----------------------------------------------------------------------------
def is_dicom_file(path: Path) -> bool:
    """Whether ``path`` is a DICOM file (the ``.dcm`` suffix, or ``DICM`` after the preamble)."""
    if path.suffix.lower() in (".dcm", ".dicom"):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:] == b"DICM"


def dicom_patient_id(path: Path) -> str | None:
    """The PatientID of a DICOM file, read without its pixels; None when absent or unreadable."""
    import pydicom

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["PatientID"], force=True)
    except Exception:  # noqa: BLE001 - an odd file is simply not grouped
        return None
    value = str(getattr(ds, "PatientID", "") or "").strip()
    return value or None


def patient_ids(paths: Sequence[Path]) -> dict[Path, str]:
    """PatientID of each DICOM file in ``paths`` that has one."""
    out = {}
    for path in paths:
        if is_dicom_file(path):
            pid = dicom_patient_id(path)
            if pid:
                out[path] = pid
    return out
