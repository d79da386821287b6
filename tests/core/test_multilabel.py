"""Texts with several labels (MTSamples files a note under its specialty and under
"Surgery"): the rules, and what a table scan keeps under each; and guessing a table's
text and label columns."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from medgui.core.errors import DatasetError
from medgui.core.training import splits
from medgui.core.training.columns import guess_columns, guess_table_columns
from medgui.core.training.config import TrainingConfig
from medgui.core.training.datasets import fingerprint, scan_table
from medgui.core.training.multilabel import resolve, split_cell

NOTE = "{n}. Patient seen for {what}; history reviewed, examination documented, plan agreed."


def test_the_rules_on_one_texts_labels():
    labels = ["Surgery", "Orthopedic", "Orthopedic"]
    assert resolve(labels, "drop") == []
    assert resolve(labels, "first") == ["Surgery"]
    assert resolve(labels, "majority") == ["Orthopedic"]
    assert resolve(["Surgery", "Orthopedic"], "majority") == ["Surgery"]  # a tie: the first
    assert resolve(labels, "each") == ["Surgery", "Orthopedic"]
    assert resolve(["Urology", "Urology"], "drop") == ["Urology"]  # one label: nothing to resolve
    with pytest.raises(DatasetError):
        resolve(labels, "vote")


def test_a_label_cell_naming_several_classes():
    singles = {"Cardiology", "Surgery", "Fracture, hip"}
    assert split_cell("Cardiology; Surgery", singles) == ["Cardiology", "Surgery"]
    assert split_cell("Cardiology | Surgery", singles) == ["Cardiology", "Surgery"]
    assert split_cell("Cardiology, Surgery", singles) == ["Cardiology", "Surgery"]
    assert split_cell("Fracture, hip", singles) == ["Fracture, hip"]  # "hip" is no class
    assert split_cell("Obstetrics / Gynecology", singles) == ["Obstetrics / Gynecology"]


def mtsamples_like(path: Path) -> Path:
    """Notes filed once (A: 6, B: 6, C: 6) plus 6 notes filed under two classes: under A
    and "Surgery", or in one cell "B; Surgery", and one under A, A and Surgery."""
    rows = []
    for cls in "ABC":
        rows += [(f"https://x/{cls}{i}", NOTE.format(n=f"{cls}{i}", what=cls), cls) for i in range(6)]
    for i in range(3):
        note = NOTE.format(n=f"S{i}", what="an operation")
        rows += [(f"https://x/s{i}", note, "A"), (f"https://x/s{i}b", note, "Surgery")]
    rows += [(f"https://x/t{i}", NOTE.format(n=f"T{i}", what="a scope"), "B; Surgery") for i in range(2)]
    triple = NOTE.format(n="U", what="a repair")
    rows += [("https://x/u1", triple, "Surgery"), ("https://x/u2", triple, "A"), ("https://x/u3", triple, "A")]
    rows += [(f"https://x/o{i}", NOTE.format(n=f"O{i}", what="surgery"), "Surgery") for i in range(4)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "transcription", "medical_specialty"])
        writer.writerows(rows)
    return path


def test_a_table_scan_resolves_texts_with_several_labels_as_asked(tmp_path):
    table = mtsamples_like(tmp_path / "mtsamples.csv")
    dropped = scan_table(table, "transcription", "medical_specialty")
    assert len(dropped.cross_class_duplicates) == 6
    assert dropped.counts == {"A": 6, "B": 6, "C": 6, "Surgery": 4}
    assert fingerprint(dropped)["cross_class_removed"] == 13  # 3 pairs, 2 cells of two, 1 triple
    first = scan_table(table, "transcription", "medical_specialty", multi_label="first")
    assert first.counts == {"A": 9, "B": 8, "C": 6, "Surgery": 5}
    majority = scan_table(table, "transcription", "medical_specialty", multi_label="majority")
    assert majority.counts == {"A": 10, "B": 8, "C": 6, "Surgery": 4}
    each = scan_table(table, "transcription", "medical_specialty", multi_label="each")
    assert each.counts == {"A": 10, "B": 8, "C": 6, "Surgery": 10}
    assert "kept once per label" in " ".join(each.warnings)
    assert fingerprint(each)["multi_label"] == "each"
    # One note's copies share a group: the split never puts one in training, one in test.
    by_text: dict[str, set[str]] = {}
    for item in each.items:
        by_text.setdefault(item.text, set()).add(item.group)
    assert all(len(groups) == 1 for groups in by_text.values())
    split = splits.split_items(each.labels, each.groups, 0.6, 0.2, 0.2, seed=1)
    side = {}
    for name, idx in (("train", split.train), ("val", split.val), ("test", split.test)):
        for i in idx:
            side.setdefault(each.items[i].text, set()).add(name)
    assert all(len(s) == 1 for s in side.values())
    assert TrainingConfig(task="text", data=str(table), multi_label="majority").multi_label == "majority"


def test_text_and_label_columns_are_guessed_by_name_then_by_content(tmp_path):
    table = mtsamples_like(tmp_path / "mtsamples.csv")
    guess = guess_table_columns(table)
    assert (guess.text, guess.label) == ("transcription", "medical_specialty")
    assert guess.columns == ["url", "transcription", "medical_specialty"]
    rows = [[f"id{i}", f"Long free-text note about the patient number {i} and the plan.",
             "yes" if i % 2 else "no"] for i in range(20)]
    unnamed = guess_columns(["c1", "c2", "c3"], rows)
    assert (unnamed.text, unnamed.label) == ("c2", "c3")
    assert guess_columns(["a"], [["x"]]).text is None
