"""A model's suggestion for a record: never the label by itself, stale after an edit,
honest about how much it read and about a text it cannot read."""

from __future__ import annotations

import pytest

from medgui.core.records.store import RecordStore
from medgui.core.records.suggestion import (
    Suggestion,
    accept,
    dominant_script,
    reading_note,
    unread_from,
    unreliable_reason,
    words_read,
)

RESULT = {"label": "Cardiology", "reliable": True, "reason": "",
          "probabilities": {"Cardiology": 0.82, "Neurology": 0.18},
          "model": "notes@3", "model_name": "notes", "model_version": 3}


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.sqlite3") as s:
        yield s


def test_a_suggestion_is_stale_once_the_text_changes_and_only_then_refused():
    s = Suggestion(1, "Chest pain.", RESULT)
    assert (s.label, s.probability, s.model) == ("Cardiology", 0.82, "notes@3")
    assert not s.is_stale("Chest pain.") and s.can_accept("Chest pain.")
    assert s.is_stale("Chest pain. Edited") and not s.can_accept("Chest pain. Edited")
    uncertain = Suggestion(1, "ok", {**RESULT, "reliable": False, "label": None})
    assert uncertain.label is None and not uncertain.can_accept("ok")


def test_classifying_writes_nothing_accepting_writes_the_label(store):
    record = store.create("Note", "Chest pain.")
    s = Suggestion(record.id, record.body, RESULT)
    assert store.get(record.id).latest_label is None  # a suggestion alone changes nothing
    stored = accept(store, s)
    assert store.get(record.id).latest_label == "Cardiology"
    assert (stored.model_ref, stored.probabilities["Cardiology"]) == ("notes@3", 0.82)
    with pytest.raises(ValueError):
        accept(store, Suggestion(record.id, "ok", {**RESULT, "reliable": False}))
    assert len(store.history(record.id)) == 1


def test_a_long_text_says_how_many_words_were_read():
    tokens = [{"start": 6 * k, "end": 6 * k + 5} for k in range(5000)]
    result = {**RESULT, "n_tokens": 5000, "read_tokens": 300, "truncated": True, "tokens": tokens}
    assert words_read(result) == (300, 5000)
    assert reading_note(result).startswith("Only the first 300 words were read (of 5,000)")
    assert unread_from(result) == 1800  # where word 301 starts
    short = {**RESULT, "n_tokens": 12, "read_tokens": 12, "truncated": False}
    assert words_read(short) is None and reading_note(short) == "" and unread_from(short) is None
    older = {**RESULT, "n_tokens": 5000, "truncated": True}  # no read_tokens reported
    assert words_read(older) == (None, 5000)
    assert reading_note(older).startswith("Only the first part of the text was read")
    assert Suggestion(1, "x", {**result, "warnings": ["cut to 100,000 characters"]}).notes()[1] == \
        "Note: cut to 100,000 characters."


def test_a_text_in_another_script_is_said_to_be_unreadable_not_too_short():
    reason = ("Cannot classify reliably: the text has 0 word(s) the model knows; it needs at "
              "least 5. Add more of the clinical description.")
    result = {**RESULT, "reliable": False, "label": None, "reason": reason}
    chinese = "患者胸痛三周，活动后加重，休息后缓解。心电图示ST段压低。"
    assert dominant_script(chinese) == "Chinese"
    said = unreliable_reason(chinese, result)
    assert "reads English" in said and "Chinese" in said and "Add more" not in said
    assert dominant_script("Chest pain, 胸痛 on exertion for weeks") is None  # mostly English
    assert unreliable_reason("ok", result) == reason
    assert dominant_script("Боль в груди") == "Cyrillic"
