from __future__ import annotations

import pytest

from medgui.core.text.negation import find_negations, is_negated


def negated(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_negations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No evidence of pneumonia.", ["pneumonia"]),
        ("The patient denies chest pain.", ["chest pain"]),
        ("Biopsy negative for malignancy.", ["malignancy"]),
        ("Chest pain but no fever.", ["fever"]),
        ("Denies fever, chills or vomiting. Has cough.", ["fever, chills or vomiting"]),
        ("Pneumonia was ruled out.", ["Pneumonia"]),
        ("Without edema; mild erythema.", ["edema"]),
        ("No signs of infection however wound is red.", ["infection"]),
        ("患者否认胸痛，无发热。咳嗽。", ["胸痛", "发热"]),
    ],
)
def test_negated_findings(text, expected):
    assert negated(text) == expected


@pytest.mark.parametrize(
    "text",
    ["No increase in pain.", "Not only pain but fever.", "Walks without difficulty.", "Chest pain and fever."],
)
def test_pseudo_triggers_and_plain_findings_are_not_negated(text):
    assert negated(text) == []


def test_scope_is_bounded():
    text = "No one two three four five six seven eight"
    assert negated(text) == ["one two three four five six"]


def test_trigger_offsets_and_is_negated():
    text = "Chest pain but no fever."
    spans = find_negations(text)
    assert len(spans) == 1
    span = spans[0]
    assert (span.trigger, text[span.trigger_start : span.trigger_end]) == ("no", "no")
    assert is_negated(spans, text.index("fever"))
    assert not is_negated(spans, text.index("Chest"))
    assert not is_negated(spans, text.index("no"))
    assert not is_negated([], 0)
