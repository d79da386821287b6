"""Scan, check and split a training dataset (no TensorFlow).

Two layouts are understood:

* a folder with one sub-folder per class, holding images (any format
  ``medgui.core.imaging.loader`` opens) or ``.txt`` files (:func:`scan_folder`);
* a CSV/TSV table with a text column and a label column (:func:`scan_table`).

A scan never fails on a bad file: unreadable files are listed and skipped, exact
duplicates (same sha256) are reported and kept once, copies of one file filed under
two classes are reported and left out (their label is ambiguous), and classes too small
to split are listed in ``too_small`` for the user to exclude. Each item carries its
group (the patient), which ``core.training.splits`` keeps on one side of every split.

Progress reports are dicts ``{"phase": "scan", "done": i, "total": n, "message": name}``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from medgui.core.errors import Cancelled, DatasetError, ImageLoadError
from medgui.core.training import grouping, multilabel

ProgressFn = Callable[[dict[str, Any]], None]
CancelledFn = Callable[[], bool]

TASKS = ("image", "text")
MIN_PER_CLASS = 3
"""A class needs at least one example in each of train, validation and test."""
FEW_PER_CLASS = 20
"""Below this, a class is kept but its metrics get a warning: they rest on a handful."""
LEAK_SHARE = 0.3
"""A column that names the row's label in this share of rows (or more) leaks it."""
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class DatasetItem:
    """One usable example: an image or text file, or a table row (``path`` None)."""

    path: Path | None
    label: str
    text: str | None
    group: str
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else self.group


@dataclass(frozen=True)
class DatasetScan:
    """What a scan found; ``items`` are the readable, de-duplicated examples."""

    task: str
    source: Path
    classes: list[str]
    counts: dict[str, int]
    items: tuple[DatasetItem, ...]
    unreadable: tuple[tuple[str, str], ...] = ()
    duplicates: tuple[tuple[str, ...], ...] = ()
    cross_class_duplicates: tuple[tuple[str, ...], ...] = ()
    too_small: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    multi_label: str = multilabel.DEFAULT  # what became of the texts with several labels
    grouping: str = ""  # how items were grouped into patients, in words ("" = one per file)

    @property
    def labels(self) -> list[str]:
        return [item.label for item in self.items]

    @property
    def groups(self) -> list[str]:
        return [item.group for item in self.items]

    def without_classes(self, excluded: Iterable[str]) -> DatasetScan:
        """The same scan with the examples of ``excluded`` classes removed."""
        drop = set(excluded)
        unknown = drop - set(self.classes)
        if unknown:
            raise DatasetError(f"cannot exclude {sorted(unknown)}: the data has no such class; "
                               f"its classes are {self.classes}")
        classes = [c for c in self.classes if c not in drop]
        return replace(self, classes=classes, counts={c: self.counts[c] for c in classes},
                       items=tuple(i for i in self.items if i.label not in drop),
                       too_small=tuple(c for c in self.too_small if c not in drop))

    def check_trainable(self) -> None:
        """Raise ``DatasetError`` unless the data can be split and trained on."""
        if self.too_small:
            raise DatasetError(
                f"class(es) {', '.join(self.too_small)} have fewer than {MIN_PER_CLASS} usable "
                "examples, too few to put one in each of the training, validation and test "
                "splits. Add examples, or exclude these classes.", path=self.source)
        if len(self.classes) < 2:
            raise DatasetError(f"training needs at least two classes; found {self.classes or 'none'}",
                               path=self.source)

    def summary(self) -> str:
        """A few plain lines for a terminal or a log."""
        lines = [f"{len(self.items)} usable {self.task} examples in {len(self.classes)} classes:"]
        lines += [f"  {c}: {self.counts[c]}" for c in self.classes]
        if self.unreadable:
            lines.append(f"{len(self.unreadable)} unreadable file(s) skipped, e.g. "
                         f"{self.unreadable[0][0]}: {self.unreadable[0][1]}")
        if self.duplicates:
            lines.append(f"{len(self.duplicates)} group(s) of identical examples kept once")
        if self.cross_class_duplicates:
            lines.append(f"{len(self.cross_class_duplicates)} example(s) filed under several "
                         f"classes {multilabel.DONE[self.multi_label]}")
        if self.too_small:
            lines.append(f"too small to split: {', '.join(self.too_small)}")
        if self.grouping:
            lines.append(f"grouped {self.grouping}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def group_of(name: str, pattern: str | None) -> str:
    """The group (patient) a file belongs to, found by ``pattern`` in its name.

    ``pattern`` is a regular expression searched in the file name; its first capture
    group (or the whole match) names the group, e.g. ``r"(person\\d+)_"``. Without a
    pattern, or when it does not match, each file is its own group (its stem).
    """
    stem = Path(name).stem
    if pattern:
        match = re.search(pattern, Path(name).name)
        if match:
            return match.group(1) if match.groups() and match.group(1) is not None else match.group(0)
    return stem


def _compile(pattern: str | None) -> None:
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise DatasetError(f"the group pattern '{pattern}' is not a valid regular "
                               f"expression: {exc}") from exc


def _check_file(path: Path, task: str) -> tuple[str | None, str, str]:
    """``(text or None, sha256, "")`` for a usable file, ``(None, "", reason)`` otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, "", f"cannot be read: {exc.strerror or exc}"
    if not data:
        return None, "", "the file is empty (0 bytes)"
    if task == "text":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # every byte decodes; old exports are often latin-1
        key = " ".join(text.split())
        if not key:
            return None, "", "contains no text"
        return text, hashlib.sha256(key.encode("utf-8")).hexdigest(), ""
    from medgui.core.imaging.loader import load_image

    try:
        load_image(path)  # decode fully: a truncated JPEG must be caught here, not mid-epoch
    except ImageLoadError as exc:
        return None, "", exc.message
    except Exception as exc:  # noqa: BLE001 - one odd file never stops a scan
        return None, "", f"cannot be decoded ({type(exc).__name__}: {exc})"
    return None, hashlib.sha256(data).hexdigest(), ""


def _candidate_files(root: Path, task: str) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    from medgui.core.imaging.loader import is_probably_image

    files: list[tuple[str, Path]] = []
    skipped: list[tuple[str, str]] = []
    for class_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(class_dir.rglob("*")):
            if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            ok = path.suffix.lower() in TEXT_SUFFIXES if task == "text" else is_probably_image(path)
            if ok:
                files.append((class_dir.name, path))
            else:
                kind = "a .txt text file" if task == "text" else "an image (PNG, JPEG, BMP, TIFF or DICOM)"
                skipped.append((str(path), f"not {kind}"))
    return files, skipped


def scan_folder(path: str | Path, task: str, progress: ProgressFn | None = None,
                cancelled: CancelledFn | None = None, group_pattern: str | None = None,
                multi_label: str = multilabel.DEFAULT) -> DatasetScan:
    """Scan a folder with one sub-folder per class.

    Parameters
    ----------
    path : the dataset folder; each sub-folder's name is a class.
    task : ``"image"`` (files ``medgui.core.imaging.loader`` opens) or ``"text"`` (``.txt``).
    progress, cancelled : progress callback and cancel predicate (raises ``Cancelled``).
    group_pattern : regular expression naming the patient in a file name (see :func:`group_of`).
    multi_label : what to do with a file filed under several classes (``multilabel.RULES``).

    Raises
    ------
    DatasetError
        When the folder does not exist or has no class sub-folders with usable files.
    """
    if task not in TASKS:
        raise DatasetError(f"unknown task '{task}'; choose image or text")
    root = Path(path)
    if not root.is_dir():
        raise DatasetError("is not a folder. Choose a folder with one sub-folder per class.", path=root)
    _compile(group_pattern)
    files, unreadable = _candidate_files(root, task)
    if not files:
        raise DatasetError(
            f"has no class sub-folders with {'images' if task == 'image' else '.txt files'} in "
            "them. Put each class's files in a sub-folder named after the class.", path=root)
    total = len(files)
    report = progress or (lambda info: None)
    checked: list[tuple[str, Path, str | None, str, str]] = []
    # Decoding is C code that releases the GIL: a few threads scan several times faster.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda f: _check_file(f[1], task), files)
        for i, ((label, file), (text, digest, reason)) in enumerate(zip(files, results, strict=True)):
            if cancelled is not None and cancelled():
                pool.shutdown(wait=True, cancel_futures=True)
                raise Cancelled()
            checked.append((label, file, text, digest, reason))
            if i % 25 == 0 or i + 1 == total:
                report({"phase": "scan", "done": i + 1, "total": total, "message": file.name})
    usable = []
    for label, file, text, digest, reason in checked:
        if reason:
            unreadable.append((str(file), reason))
        else:
            usable.append(DatasetItem(file, label, text, group_of(file.name, group_pattern), digest))
    how = f"by patient (file-name pattern '{group_pattern}')" if group_pattern else ""
    if not group_pattern and task == "image":
        usable, how = _group_by_patient_id(usable)
    all_classes = sorted({label for label, _ in files})
    scan = _finish(task, root, all_classes, usable, unreadable, key=lambda i: str(i.path),
                   multi_label=multi_label)
    scan = replace(scan, grouping=how)
    if group_pattern and scan.items:
        matched = sum(1 for i in scan.items if re.search(group_pattern, i.name))
        if matched < len(scan.items):
            extra = (f"the group pattern matched {matched} of {len(scan.items)} file names; "
                     "the others are each their own group")
            scan = _with_warnings(scan, (extra,))
    return scan


def _with_warnings(scan: DatasetScan, extra: tuple[str, ...]) -> DatasetScan:
    return replace(scan, warnings=scan.warnings + extra)


def _group_by_patient_id(usable: list[DatasetItem]) -> tuple[list[DatasetItem], str]:
    """DICOM items grouped by their PatientID (the automatic choice without a pattern)."""
    ids = grouping.patient_ids([i.path for i in usable if i.path is not None])
    if not ids:
        return usable, ""
    # Prefixed: a PatientID never collides with the stem of a file grouped on its own.
    out = [replace(i, group=f"PatientID {ids[i.path]}") if i.path in ids else i for i in usable]
    how = f"by DICOM PatientID ({len(set(ids.values())):,} patients in {len(ids):,} DICOM files)"
    return out, how


def _natural(text: str) -> list[Any]:
    """Sort key that puts "row 5" before "row 44" and "img2" before "img10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _finish(task: str, source: Path, all_classes: list[str], usable: list[DatasetItem],
            unreadable: list[tuple[str, str]], key: Callable[[DatasetItem], str],
            warnings: Sequence[str] = (), multi_label: str = multilabel.DEFAULT) -> DatasetScan:
    """De-duplicate ``usable``, resolve texts with several labels, count classes, warn."""
    multilabel.check_rule(multi_label)
    by_hash: dict[str, list[DatasetItem]] = defaultdict(list)
    for item in usable:
        by_hash[item.sha256].append(item)
    items, duplicates, cross = [], [], []
    for copies in by_hash.values():
        copies.sort(key=lambda c: _natural(key(c)))
        if len({c.label for c in copies}) > 1:
            # Filed under two classes: no single label is right; the user's rule decides.
            cross.append(tuple(f"{c.label}: {key(c)}" for c in copies))
            for label in multilabel.resolve([c.label for c in copies], multi_label):
                kept = next(c for c in copies if c.label == label)
                # "each": the copies share the first one's group, so no split divides them.
                items.append(replace(kept, group=copies[0].group) if multi_label == "each" else kept)
            continue
        if len(copies) > 1:
            duplicates.append(tuple(key(c) for c in copies))
        items.append(copies[0])
    items.sort(key=lambda i: (i.label, _natural(key(i))))
    counts = Counter(i.label for i in items)
    classes = [c for c in all_classes if counts[c] > 0]
    notes = list(warnings)
    empty = [c for c in all_classes if counts[c] == 0]
    if empty:
        notes.append(f"class(es) with no usable examples ignored: {', '.join(empty)}")
    too_small = tuple(c for c in classes if counts[c] < MIN_PER_CLASS)
    few = [c for c in classes if MIN_PER_CLASS <= counts[c] < FEW_PER_CLASS]
    if few:
        notes.append(f"class(es) {', '.join(few)} have fewer than {FEW_PER_CLASS} examples: "
                     "their test metrics will rest on very few cases")
    if cross:
        notes.append(f"{len(cross)} example(s) appear under more than one class: "
                     f"{multilabel.DONE[multi_label]}")
    if unreadable:
        notes.append(f"{len(unreadable)} file(s) or row(s) could not be used and are skipped")
    return DatasetScan(
        task=task, source=source, classes=classes, counts={c: counts[c] for c in classes},
        items=tuple(items), unreadable=tuple(unreadable), duplicates=tuple(duplicates),
        cross_class_duplicates=tuple(cross), too_small=too_small, warnings=tuple(notes),
        multi_label=multi_label,
    )


# -- tables -------------------------------------------------------------------------
def _read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot be read: {exc.strerror or exc}", path=path) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if path.suffix.lower() in (".tsv", ".tab"):
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(1 << 30)  # transcriptions are long; the default is 128 kB
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DatasetError(f"is not a readable CSV/TSV table: {exc}", path=path) from exc
    if not rows or not any(h.strip() for h in rows[0]):
        raise DatasetError("is empty or has no header row with column names", path=path)
    return [h.strip() for h in rows[0]], rows[1:]


def table_columns(path: str | Path) -> list[str]:
    """The column names in the header of a CSV/TSV file."""
    return _read_table(path)[0]


def scan_table(path: str | Path, text_column: str, label_column: str, progress: ProgressFn | None = None,
               cancelled: CancelledFn | None = None, multi_label: str = multilabel.DEFAULT) -> DatasetScan:
    """Scan a CSV/TSV table of texts and labels; every row is its own group.

    A label cell may name several classes (``multilabel.split_cell``); such a row, like
    a text repeated with another label, is resolved by ``multi_label``. The other
    columns are checked for label leaks (see :func:`leak_warnings`).
    """
    source = Path(path)
    header, rows = _read_table(source)
    for col in (text_column, label_column):
        if col not in header:
            raise DatasetError(f"has no column '{col}'; its columns are {header}", path=source)
    if text_column == label_column:
        raise DatasetError("the text column and the label column must differ")
    ti, li = header.index(text_column), header.index(label_column)
    singles = {row[li].strip() for row in rows if li < len(row)}
    usable, unreadable = [], []
    report = progress or (lambda info: None)
    for n, row in enumerate(rows, start=2):  # row 1 is the header, as a spreadsheet counts
        if cancelled is not None and n % 200 == 0 and cancelled():
            raise Cancelled()
        where = f"{source.name}: row {n}"
        text = row[ti] if ti < len(row) else ""
        label = row[li].strip() if li < len(row) else ""
        key = " ".join(text.split())
        if not key:
            unreadable.append((where, "empty text"))
        elif not label:
            unreadable.append((where, "no label"))
        else:
            digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
            for one in multilabel.split_cell(label, singles):
                usable.append(DatasetItem(None, one, text, f"row {n}", digest))
        if n % 500 == 0:
            report({"phase": "scan", "done": n - 1, "total": len(rows), "message": where})
    report({"phase": "scan", "done": len(rows), "total": len(rows), "message": source.name})
    if not usable:
        raise DatasetError(f"has no rows with both a text and a label in columns "
                           f"'{text_column}' and '{label_column}'", path=source)
    labelled = [(row, row[li].strip()) for row in rows if li < len(row) and row[li].strip()]
    leaks = leak_warnings(header, labelled, label_column, text_column)
    return _finish("text", source, sorted({i.label for i in usable}), usable, unreadable,
                   key=lambda i: i.group, warnings=leaks, multi_label=multi_label)


def leak_warnings(header: Sequence[str], rows: Sequence[tuple[Sequence[str], str]],
                  label_column: str, text_column: str | None = None) -> list[str]:
    """Warnings for columns that give the label away.

    A column leaks when it names the row's own label in at least ``LEAK_SHARE`` of the
    rows (and far more often than it names some other label), or when its value alone
    predicts the label in 95 % of rows although it is not an identifier.
    """
    out: list[str] = []
    n = len(rows)
    if not n:
        return out
    labels = [label for _, label in rows]
    label_set = sorted(set(labels))
    majority = Counter(labels).most_common(1)[0][1] / n
    for ci, col in enumerate(header):
        if col == label_column:
            continue
        values = [row[ci].strip() if ci < len(row) else "" for row, _ in rows]
        lowered = [v.lower() for v in values]
        own = sum(1 for v, lab in zip(lowered, labels, strict=True) if len(lab) >= 3 and lab.lower() in v)
        # How often a random *other* label is named: a column that names every label
        # (a list of all specialties) is noise, not a leak.
        others = sum(sum(1 for lab in label_set if lab != own_lab and len(lab) >= 3 and lab.lower() in v)
                     for v, own_lab in zip(lowered, labels, strict=True))
        other_rate = others / (n * max(len(label_set) - 1, 1))
        share = own / n
        role = "the text column" if col == text_column else "column"
        if share >= LEAK_SHARE and share > 3 * other_rate:
            out.append(f"{role} '{col}' names the label in {share:.0%} of rows: it leaks the "
                       "label; a model reading it learns the label's name, not the content")
            continue
        distinct = len(set(values))
        if 1 < distinct <= 0.5 * n:
            by_value: dict[str, Counter[str]] = defaultdict(Counter)
            for v, lab in zip(values, labels, strict=True):
                by_value[v][lab] += 1
            purity = sum(c.most_common(1)[0][1] for c in by_value.values()) / n
            if purity >= 0.95 and purity - majority >= 0.1:
                out.append(f"{role} '{col}' predicts the label in {purity:.0%} of rows from its "
                           "value alone: it may leak the label")
    return out


def fingerprint(scan: DatasetScan) -> dict[str, Any]:
    """A digest of the training data: sorted (name, label, sha256) of every item, plus counts."""
    digest = hashlib.sha256()
    entries = sorted(
        (str(i.path.relative_to(scan.source)) if i.path is not None else i.group, i.label, i.sha256)
        for i in scan.items
    )
    for entry in entries:
        digest.update("\t".join(entry).encode("utf-8") + b"\n")
    return {
        "source": str(scan.source),
        "sha256": digest.hexdigest(),
        "n_items": len(scan.items),
        "counts": dict(scan.counts),
        "unreadable": len(scan.unreadable),
        "duplicates_removed": sum(len(d) - 1 for d in scan.duplicates),
        "cross_class_removed": (sum(len(d) for d in scan.cross_class_duplicates)
                                if scan.multi_label == multilabel.DEFAULT else 0),
        **({"multi_label": scan.multi_label, "cross_class_resolved": len(scan.cross_class_duplicates)}
           if scan.multi_label != multilabel.DEFAULT else {}),
    }
