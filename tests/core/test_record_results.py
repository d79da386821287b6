"""A text-classification result as it enters a record's history."""

from __future__ import annotations

import pytest

from medgui.core.records.results import classification_from_result, save_result
from medgui.core.records.store import RecordStore


@pytest.fixture
def store():
    with RecordStore() as s:
        yield s


def test_a_reliable_result_keeps_label_probabilities_and_model():
    entry = classification_from_result({
        "label": "Cardiology", "reliable": True, "reason": "",
        "probabilities": {"Cardiology": 0.75, "Neurology": 0.25},
        "model": "notes@3", "model_name": "notes", "model_version": 3})
    assert (entry.label, entry.model_name, entry.model_version, entry.reason) == (
        "Cardiology", "notes", "3", "")
    assert entry.probabilities == {"Cardiology": 0.75, "Neurology": 0.25}
    assert entry.model_ref == "notes@3"


def test_an_unreliable_result_has_no_label_but_keeps_why():
    entry = classification_from_result({
        "label": None, "reliable": False, "reason": "too few known words",
        "probabilities": {"A": 0.5, "B": 0.5}, "model_name": "notes", "model_version": 1})
    assert entry.label is None and entry.reason == "too few known words"
    assert entry.probabilities == {"A": 0.5, "B": 0.5}


def test_a_label_from_an_unreliable_result_is_dropped():
    entry = classification_from_result({"label": "A", "reliable": False, "reason": "short",
                                        "probabilities": {"A": 0.9}, "model": "m@1"})
    assert entry.label is None and entry.reason == "short"


def test_the_model_ref_is_split_when_name_and_version_are_missing():
    entry = classification_from_result({"label": "A", "probabilities": {"A": 1}, "model": "text-lstm@4"})
    assert (entry.model_name, entry.model_version) == ("text-lstm", "4")
    assert isinstance(entry.probabilities["A"], float)
    unnamed = classification_from_result({"label": "A", "probabilities": {}})
    assert (unnamed.model_name, unnamed.model_version) == ("unknown", "")


def test_save_result_appends_to_the_records_history(store):
    rec = store.create("Chest pain", "pain on exertion")
    stored = save_result(store, rec.id, {
        "label": "Cardiology", "reliable": True, "probabilities": {"Cardiology": 0.8},
        "model_name": "notes", "model_version": 2})
    history = store.get(rec.id).classifications
    assert history == [stored]
    assert stored.id > 0 and stored.created
    assert (stored.label, stored.model_ref, stored.probabilities) == (
        "Cardiology", "notes@2", {"Cardiology": 0.8})
    assert store.search(label="Cardiology")[0].id == rec.id
