from __future__ import annotations

import shutil
from collections import Counter

import numpy as np
import pytest

from medgui.core.errors import Cancelled, DatasetError
from medgui.core.training import datasets
from medgui.core.training.datasets import (
    fingerprint,
    group_of,
    scan_folder,
    scan_table,
    table_columns,
)
from medgui.core.training.splits import class_weights, oversample, split_items
from tests.dataset_factory import image_folder, text_folder, text_table, write_image


def test_scan_folder_lists_corrupt_files_and_dedups(tmp_path):
    root = image_folder(tmp_path / "data", per_class=6)
    (root / "NORMAL" / "truncated.png").write_bytes((root / "NORMAL" / "normal_000.png").read_bytes()[:40])
    (root / "NORMAL" / "empty.jpg").write_bytes(b"")
    (root / "NORMAL" / "notes.docx").write_bytes(b"PK\x03\x04 not an image")
    (root / "NORMAL" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    shutil.copy(root / "NORMAL" / "normal_001.png", root / "NORMAL" / "copy_of_1.png")
    shutil.copy(root / "NORMAL" / "normal_002.png", root / "PNEUMONIA" / "misfiled.png")
    progress = []
    scan = scan_folder(root, "image", progress=progress.append)

    assert scan.classes == ["NORMAL", "PNEUMONIA"]
    unreadable = {p.split("/")[-1]: reason for p, reason in scan.unreadable}
    assert set(unreadable) == {"truncated.png", "empty.jpg", "notes.docx"}
    assert "empty" in unreadable["empty.jpg"]
    # normal_001 and its copy are one example; normal_002 is under both classes: left out.
    assert scan.counts == {"NORMAL": 5, "PNEUMONIA": 6}
    assert len(scan.duplicates) == 1 and {p.split("/")[-1] for p in scan.duplicates[0]} == {
        "copy_of_1.png", "normal_001.png"}
    assert len(scan.cross_class_duplicates) == 1
    assert any("misfiled.png" in p for p in scan.cross_class_duplicates[0])
    names = {i.path.name for i in scan.items}
    assert "normal_002.png" not in names and "misfiled.png" not in names
    assert any("more than one class" in w for w in scan.warnings)
    assert progress[-1]["done"] == progress[-1]["total"] == 16
    assert len({i.sha256 for i in scan.items}) == len(scan.items)


def test_tiny_class_is_refused_unless_excluded(tmp_path):
    root = image_folder(tmp_path / "data", per_class=5)
    rng = np.random.default_rng(1)
    for i in range(2):
        write_image(root / "RARE" / f"rare_{i}.png", bright=True, rng=rng, size=20)
    scan = scan_folder(root, "image")
    assert scan.too_small == ("RARE",)
    with pytest.raises(DatasetError, match="RARE"):
        scan.check_trainable()
    kept = scan.without_classes(["RARE"])
    kept.check_trainable()
    assert kept.classes == ["NORMAL", "PNEUMONIA"] and all(i.label != "RARE" for i in kept.items)


def test_scan_is_cancellable_and_rejects_bad_folders(tmp_path):
    root = image_folder(tmp_path / "data", per_class=40)
    with pytest.raises(Cancelled):
        scan_folder(root, "image", cancelled=lambda: True)
    with pytest.raises(DatasetError, match="not a folder"):
        scan_folder(tmp_path / "missing", "image")
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "a.txt").write_text("x")
    with pytest.raises(DatasetError, match="sub-folder"):
        scan_folder(tmp_path / "flat", "image")
    with pytest.raises(DatasetError, match="regular expression"):
        scan_folder(root, "image", group_pattern="(person")


def test_text_folder_scan_dedups_by_normalised_text(tmp_path):
    root = text_folder(tmp_path / "notes", per_class=5)
    (root / "cardio" / "again.txt").write_text("  " + (root / "cardio" / "note_000.txt").read_text() + "\n")
    (root / "neuro" / "blank.txt").write_text("   \n")
    (root / "neuro" / "scan.png").write_bytes(b"\x89PNG")
    scan = scan_folder(root, "text")
    assert scan.counts == {"cardio": 5, "neuro": 5}
    assert len(scan.duplicates) == 1
    assert {p.split("/")[-1] for p, _ in scan.unreadable} == {"blank.txt", "scan.png"}
    assert all(i.text for i in scan.items)


def test_group_pattern():
    assert group_of("person12_bacteria_3.jpeg", r"(person\d+)_") == "person12"
    assert group_of("IM-0001-0001.jpeg", r"(person\d+)_") == "IM-0001-0001"
    assert group_of("p7-x.png", r"p\d+") == "p7"
    assert group_of("scan.png", None) == "scan"


def test_split_is_stratified_group_aware_and_deterministic():
    labels, groups = [], []
    rng = np.random.default_rng(3)
    for g in range(60):
        cls = "A" if g < 40 else "B"
        for _ in range(int(rng.integers(1, 5))):
            labels.append(cls)
            groups.append(f"patient{g}")
    split = split_items(labels, groups, 0.6, 0.2, 0.2, seed=7)
    parts = [split.train, split.val, split.test]
    everything = sorted(i for p in parts for i in p)
    assert everything == list(range(len(labels)))
    seen = [{groups[i] for i in p} for p in parts]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
    for cls in ("A", "B"):
        total = labels.count(cls)
        shares = [sum(labels[i] == cls for i in p) / total for p in parts]
        assert shares == pytest.approx([0.6, 0.2, 0.2], abs=0.07)
    assert split_items(labels, groups, 0.6, 0.2, 0.2, seed=7) == split
    assert split_items(labels, groups, 0.6, 0.2, 0.2, seed=8) != split


def test_split_refuses_too_few_groups_and_bad_fractions():
    with pytest.raises(DatasetError, match="'B' comes from 2 group"):
        split_items(["A"] * 9 + ["B"] * 4, [f"a{i}" for i in range(9)] + ["b1", "b1", "b2", "b2"])
    with pytest.raises(DatasetError, match="add up to 1"):
        split_items(["A"] * 9, [str(i) for i in range(9)], 0.5, 0.2, 0.2)
    # Three groups are enough: one lands in each split.
    split = split_items(["A"] * 3 + ["B"] * 3, list("abcdef"))
    assert all(len(p) == 2 for p in (split.train, split.val, split.test))


def test_class_weights_and_oversampling_of_train_only():
    labels = ["a"] * 30 + ["b"] * 10
    weights = class_weights(labels, ["a", "b"])
    assert weights == pytest.approx({0: 40 / (2 * 30), 1: 40 / (2 * 10)})
    assert class_weights([0, 0, 1], ["a", "b", "c"])[2] == 1.0
    train = list(range(0, 20)) + list(range(30, 35))  # 20 of a, 5 of b
    resampled = oversample(train, labels, seed=1)
    assert Counter(labels[i] for i in resampled) == {"a": 20, "b": 20}
    assert set(resampled) == set(train)  # never an index from outside the training split
    assert oversample(train, labels, seed=1) == resampled


def test_table_scan_warns_about_leaking_columns(tmp_path):
    path = text_table(tmp_path / "notes.csv", per_class=30, leak=True)
    assert table_columns(path) == ["id", "text", "specialty", "keywords"]
    scan = scan_table(path, "text", "specialty")
    assert scan.counts == {"cardio": 30, "neuro": 30}
    leak = [w for w in scan.warnings if "'keywords'" in w]
    assert leak and "67%" in leak[0] and "leaks the label" in leak[0]
    assert not any("'text'" in w or "'id'" in w for w in scan.warnings)
    clean = scan_table(text_table(tmp_path / "clean.csv", leak=False), "text", "specialty")
    assert not any("leak" in w for w in clean.warnings)


def test_table_scan_predictive_column_rows_and_tsv(tmp_path):
    path = tmp_path / "notes.tsv"
    lines = ["text\tlabel\tward"]
    for i in range(40):
        label = "x1" if i % 2 else "y2"
        lines.append(f"note number {i} about things\t{label}\t{'W' + str(i % 2)}")
    lines += ["\tx1\tW1", "orphan text\t\tW0", "note number 3 about things\tx1\tW1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scan = scan_table(path, "text", "label")
    assert any("'ward' predicts the label in 100%" in w for w in scan.warnings)
    reasons = dict(scan.unreadable)
    assert reasons == {"notes.tsv: row 42": "empty text", "notes.tsv: row 43": "no label"}
    assert scan.duplicates == (("row 5", "row 44"),)
    with pytest.raises(DatasetError, match="no column 'body'"):
        scan_table(path, "body", "label")


def test_fingerprint_changes_with_the_data(tmp_path):
    root = image_folder(tmp_path / "data", per_class=4)
    first = fingerprint(scan_folder(root, "image"))
    assert first["n_items"] == 8 and first["counts"] == {"NORMAL": 4, "PNEUMONIA": 4}
    assert fingerprint(scan_folder(root, "image")) == first
    write_image(root / "NORMAL" / "normal_000.png", bright=True, rng=np.random.default_rng(9))
    assert fingerprint(scan_folder(root, "image"))["sha256"] != first["sha256"]
    assert datasets.MIN_PER_CLASS == 3
