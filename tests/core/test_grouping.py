"""Patient grouping found for the user: file-name keys, and DICOM PatientID."""

from __future__ import annotations

import re

import numpy as np

from medgui.core.training.datasets import group_of, scan_folder
from medgui.core.training.grouping import dicom_patient_id, propose_pattern
from medgui.core.training.splits import split_items
from tests.core.dicom_factory import write_dicom
from tests.dataset_factory import write_image

KERMANY = [
    "person12_bacteria_3.jpeg", "person12_bacteria_4.jpeg", "person12_virus_7.jpeg",
    "person13_bacteria_1.jpeg", "person14_virus_2.jpeg", "person14_virus_3.jpeg",
    "person15_bacteria_9.jpeg", "IM-0001-0001.jpeg", "IM-0001-0002.jpeg", "IM-0003-0001.jpeg",
    "IM-0005-0001.jpeg", "IM-0005-0002.jpeg", "NORMAL2-IM-0123-0001.jpeg",
    "NORMAL2-IM-0123-0002.jpeg", "NORMAL2-IM-0200-0001.jpeg",
]


def test_kermany_names_give_one_pattern_for_persons_and_im_numbers():
    proposal = propose_pattern(KERMANY)
    assert proposal is not None
    pattern = proposal.pattern
    assert group_of("person12_bacteria_3.jpeg", pattern) == "person12"
    assert group_of("person12_virus_7.jpeg", pattern) == "person12"
    assert group_of("IM-0001-0001.jpeg", pattern) == "IM-0001"
    assert group_of("NORMAL2-IM-0123-0001.jpeg", pattern) == "NORMAL2-IM-0123"
    assert proposal.n_files == len(KERMANY) and proposal.n_matched == len(KERMANY)
    assert proposal.n_groups == 4 + 3 + 2  # persons 12-15, IM 0001/0003/0005, NORMAL2 0123/0200
    assert proposal.largest_group == 3
    assert all(group_of(name, pattern) == group for name, group in proposal.examples)
    assert "9 patients found in 15 of 15 file names" in proposal.describe()


def test_numeric_prefixes_and_patient_numbers():
    names = ["0042_a.png", "0042-2.png", "0043_a.png", "0043_b.png", "0044_a.png", "0045-1.png"]
    proposal = propose_pattern(names)
    assert proposal is not None
    assert {group_of(n, proposal.pattern) for n in names} == {"0042", "0043", "0044", "0045"}
    assert group_of("0042-2.png", proposal.pattern) == "0042"
    patients = [f"patient{p}_{view}.png" for p in (7, 8, 9) for view in ("ap", "lat")]
    proposal = propose_pattern(patients)
    assert proposal is not None and group_of("patient7_ap.png", proposal.pattern) == "patient7"
    assert proposal.n_groups == 3


def test_ungrouped_names_get_no_proposal():
    rng = np.random.default_rng(0)
    random_names = [f"{rng.integers(0, 2**40):010x}.png" for _ in range(40)]
    assert propose_pattern(random_names) is None
    assert propose_pattern([f"img_{i:04d}.png" for i in range(40)]) is None
    assert propose_pattern([f"{i:04d}_scan.png" for i in range(40)]) is None  # every prefix unique
    assert propose_pattern(["a.png"]) is None


def _dicom_folder(root, per_patient):
    """Two classes of DICOMs; ``per_patient`` files for each of four patients per class."""
    rng = np.random.default_rng(1)
    for cls in ("NORMAL", "PNEUMONIA"):
        (root / cls).mkdir(parents=True)
        for p in range(4):
            for k in range(per_patient):
                pixels = (rng.random((24, 24)) * 4000).astype(np.uint16)
                write_dicom(root / cls / f"{cls[0]}{p}{k}.dcm", pixels, PatientID=f"{cls}-{p}")
    return root


def test_dicom_folders_are_grouped_by_patient_id(tmp_path):
    root = _dicom_folder(tmp_path / "dicom", per_patient=3)
    assert dicom_patient_id(root / "NORMAL" / "N00.dcm") == "NORMAL-0"
    scan = scan_folder(root, "image")
    assert len(scan.items) == 24
    assert set(scan.groups) == {f"PatientID {c}-{p}" for c in ("NORMAL", "PNEUMONIA") for p in range(4)}
    assert scan.grouping == "by DICOM PatientID (8 patients in 24 DICOM files)"
    assert "grouped by DICOM PatientID" in scan.summary()
    split = split_items(scan.labels, scan.groups, 0.5, 0.25, 0.25, seed=0)
    sides = [{scan.groups[i] for i in part} for part in (split.train, split.val, split.test)]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
    # An explicit pattern wins over the PatientID.
    by_name = scan_folder(root, "image", group_pattern=r"^([NP]\d)")
    assert "NORMAL-0" not in " ".join(by_name.groups) and "N0" in by_name.groups
    assert by_name.grouping.startswith("by patient (file-name pattern")


def test_png_folders_are_not_grouped_by_patient_id(tmp_path):
    rng = np.random.default_rng(0)
    for cls in ("A", "B"):
        for i in range(3):
            write_image(tmp_path / cls / f"{cls}{i}.png", cls == "B", rng)
    scan = scan_folder(tmp_path, "image")
    assert scan.grouping == ""
    assert sorted(scan.groups) == ["A0", "A1", "A2", "B0", "B1", "B2"]


def test_preview_of_a_pattern_the_user_typed():
    from medgui.core.training.grouping import preview_pattern

    preview = preview_pattern(KERMANY, r"(person\d+)_")
    assert (preview.n_files, preview.n_matched, preview.n_groups, preview.largest_group) == (15, 7, 4, 3)
    assert preview.examples[0] == ("person12_bacteria_3.jpeg", "person12")


def test_a_random_kermany_sample_with_one_film_per_normal_patient_is_still_grouped_right():
    """Seen on a 300-film sample: IM patients had one film each, so the IM kind was dropped
    and "letters and number" took the batch prefix NORMAL2 as one 41-film patient."""
    names = ([f"person{i}_bacteria_{j}.jpeg" for i in range(1, 40) for j in range(2)]
             + [f"NORMAL2-IM-{1000 + i:04d}-0001.jpeg" for i in range(20)]
             + [f"IM-{100 + i:04d}-0001.jpeg" for i in range(15)])
    proposal = propose_pattern(names)
    assert proposal is not None
    groups = dict(proposal.examples)
    found = {re.search(proposal.pattern, n).group(1) for n in names}
    assert "NORMAL2" not in found and "NORMAL2-IM-1000" in found and "IM-0100" in found
    assert proposal.n_groups == 39 + 20 + 15 and proposal.largest_group == 2
    assert all(g != "NORMAL2" for g in groups.values())
