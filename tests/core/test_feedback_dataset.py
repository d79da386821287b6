"""Clinician feedback: linked, chained entries; the case store; the exported dataset."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core.audit.feedback import export_dataset, give_feedback
from medgui.core.audit.readings import log_image_reading, log_text_reading
from medgui.core.audit.trail import AuditTrail
from medgui.core.errors import AuditError
from medgui.core.training.datasets import scan_folder, scan_table
from tests.dataset_factory import write_image


def image_result(label: str) -> dict:
    return {"label": label, "probabilities": {"NORMAL": 0.4, "PNEUMONIA": 0.6}, "model": "tiny@1"}


@pytest.fixture
def image(tmp_path):
    return write_image(tmp_path / "scan.png", True, np.random.default_rng(1))


def test_feedback_is_a_linked_entry_and_the_latest_verdict_counts(image, tmp_path):
    reading = log_image_reading(image_result("NORMAL"), image, source="gui")
    first = give_feedback(reading.seq, "agree", comment="looks\nfine\x00", source_path=image)
    second = give_feedback(reading.seq, "disagree", "PNEUMONIA", "missed the opacity", source_path=image)
    assert first.body["reading"] == reading.seq and first.body["reading_hash"] == reading.hash
    assert first.body["comment"] == "looks fine"  # one line, no control characters
    assert second.body["case"]["sha256"] and AuditTrail().verify().ok
    out = export_dataset(tmp_path / "ds")
    assert out.counts == {"image": {"PNEUMONIA": 1}}  # the second verdict, once per input
    assert [p.name for p in (out.image_folder / "PNEUMONIA").iterdir()] == ["case-000001.png"]


def test_feedback_is_refused_when_it_cannot_be_right(image, tmp_path):
    reading = log_image_reading(image_result("NORMAL"), image, source="gui")
    with pytest.raises(AuditError, match="choose Agree"):
        give_feedback(reading.seq, "disagree", "NORMAL", source_path=image)
    with pytest.raises(AuditError, match="cannot be a label"):
        give_feedback(reading.seq, "disagree", "../etc", source_path=image)
    with pytest.raises(AuditError, match="not 'maybe'"):
        give_feedback(reading.seq, "maybe")
    unreliable = log_text_reading({"label": None, "probabilities": {"a": 0.5}, "model": "t@1"},
                                  "too short", source="gui")
    with pytest.raises(AuditError, match="no label"):
        give_feedback(unreliable.seq, "agree", source_text="too short")
    with pytest.raises(AuditError, match="not a reading"):
        give_feedback(give_feedback(reading.seq, "agree").seq, "agree")
    image.write_bytes(image.read_bytes() + b"changed")
    with pytest.raises(AuditError, match="changed since it was classified"):
        give_feedback(reading.seq, "agree", source_path=image)


def test_export_leaves_out_what_cannot_be_trained_on_and_says_why(image, tmp_path):
    r1 = log_image_reading(image_result("NORMAL"), image, source="gui")
    give_feedback(r1.seq, "disagree", source_path=image)  # no correct label given
    note = "Patient P-7 with a murmur and angina"
    r2 = log_text_reading({"label": "cardio", "probabilities": {"cardio": 0.9}, "model": "t@1"}, note,
                          source="gui", patient_ref="P-7")
    fb = give_feedback(r2.seq, "agree", source_text=note)
    r3 = log_text_reading({"label": "neuro", "probabilities": {"neuro": 0.9}, "model": "t@1"}, "other note",
                          source="gui")
    give_feedback(r3.seq, "agree")  # no copy of the input kept
    out = export_dataset(tmp_path / "ds")
    assert out.counts == {"text": {"cardio": 1}}
    assert sorted(why for _, why in out.skipped) == ["disagreed without a correct label",
                                                     "no copy of the input was kept"]
    scan = scan_table(out.text_table, "text", "label")
    assert [(i.text, i.label) for i in scan.items] == [("Patient [patient] with a murmur and angina", "cardio")]
    # A case file changed after the feedback is not trained on.
    case = AuditTrail().get(fb.seq).body["case"]["file"]
    (tmp_path / "medgui-home" / "feedback-cases" / case).write_text("tampered", encoding="utf-8")
    with pytest.raises(AuditError, match="no usable feedback"):
        export_dataset(tmp_path / "ds2")
    with pytest.raises(AuditError, match="not an empty folder"):
        export_dataset(tmp_path / "ds")


def test_an_exported_image_folder_scans_as_a_dataset(tmp_path):
    rng = np.random.default_rng(3)
    for i in range(6):
        label = ("NORMAL", "PNEUMONIA")[i % 2]
        path = write_image(tmp_path / f"x{i}.png", label == "PNEUMONIA", rng)
        give_feedback(log_image_reading(image_result("NORMAL"), path, source="cli").seq,
                      "agree" if label == "NORMAL" else "disagree", label if label != "NORMAL" else "",
                      source_path=path)
    scan = scan_folder(export_dataset(tmp_path / "ds").image_folder, "image")
    assert scan.counts == {"NORMAL": 3, "PNEUMONIA": 3} and scan.too_small == ()
