from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from medgui.core import paths
from medgui.core.errors import RecordStoreError
from medgui.core.records.store import SCHEMA_VERSION, UNCLASSIFIED, RecordDraft, RecordStore


@pytest.fixture
def store():
    with RecordStore() as s:
        yield s


def test_opens_under_medgui_home_in_wal_mode(store, medgui_home):
    assert store.path == paths.records_db()
    assert store.path.parent == medgui_home
    conn = store.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.schema_version == SCHEMA_VERSION == 2


def test_create_get_update_bumps_modified(store):
    rec = store.create("Chest pain", "Patient reports chest pain.", "P-001")
    assert store.get(rec.id) == rec
    assert rec.created == rec.modified
    updated = store.update(rec.id, body="Patient reports chest pain on exertion.")
    assert updated.body.endswith("on exertion.")
    assert updated.title == "Chest pain" and updated.patient_ref == "P-001"
    assert updated.modified > rec.modified and updated.created == rec.created
    # Saving the same text again is not a change: modified stays.
    assert store.update(rec.id, body=updated.body).modified == updated.modified
    renamed = store.update(rec.id, title="Angina?", patient_ref="P-002")
    assert (renamed.title, renamed.patient_ref) == ("Angina?", "P-002")


def test_get_missing_record_raises(store):
    with pytest.raises(RecordStoreError, match="no record number 99"):
        store.get(99)


def test_duplicate_copies_text_but_not_history(store):
    rec = store.create("Note", "text", "P-9")
    store.add_classification(rec.id, "Cardiology", {"Cardiology": 0.9, "Neurology": 0.1}, "m", "1")
    copy = store.duplicate(rec.id)
    assert copy.id != rec.id
    assert (copy.title, copy.body, copy.patient_ref) == ("Note (copy)", "text", "P-9")
    assert copy.classifications == []
    assert len(store.get(rec.id).classifications) == 1


def test_trash_restore_and_purge(store):
    keep = store.create("keep", "a")
    gone = store.create("gone", "b")
    store.add_classification(gone.id, "X", {"X": 1.0}, "m", "1")
    trashed = store.delete(gone.id)
    assert trashed.deleted and trashed.deleted_at
    assert [r.id for r in store.records()] == [keep.id]
    assert [r.id for r in store.search(only_deleted=True)] == [gone.id]
    assert {r.id for r in store.records(include_deleted=True)} == {keep.id, gone.id}
    with pytest.raises(RecordStoreError, match="trash"):
        store.update(gone.id, body="edit")
    assert not store.restore(gone.id).deleted
    assert {r.id for r in store.records()} == {keep.id, gone.id}
    store.purge(gone.id)
    with pytest.raises(RecordStoreError):
        store.get(gone.id)
    # The classification went with it (foreign key cascade).
    left = store.connection().execute("SELECT COUNT(*) FROM classifications").fetchone()[0]
    assert left == 0


def test_search_text_label_patient(store):
    a = store.create("Cough", "Productive cough, 100% sure it's 3_days old", "P-1")
    b = store.create("Headache", "Severe headache, no fever", "P-2")
    c = store.create("胸痛", "患者主诉胸痛三天", "P-1")
    store.add_classification(a.id, "Pulmonology", {"Pulmonology": 0.8}, "m", "1")
    store.add_classification(b.id, "Pulmonology", {"Pulmonology": 0.6}, "m", "1")
    store.add_classification(b.id, "Neurology", {"Neurology": 0.7}, "m", "2")
    ids = lambda rs: {r.id for r in rs}  # noqa: E731
    assert ids(store.search("cough")) == {a.id}
    assert ids(store.search("HEADACHE fever")) == {b.id}  # every word, any case
    assert ids(store.search("headache cough")) == set()
    assert ids(store.search("胸痛")) == {c.id}
    assert ids(store.search("p-1")) == {a.id, c.id}  # patient reference text
    # LIKE wildcards in the query are literal characters.
    assert ids(store.search("100%")) == {a.id}
    assert ids(store.search("3_d")) == {a.id}
    assert ids(store.search("%")) == {a.id}
    # The label filter uses the LATEST classification only.
    assert ids(store.search(label="Pulmonology")) == {a.id}
    assert ids(store.search(label="Neurology")) == {b.id}
    assert ids(store.search(label=UNCLASSIFIED)) == {c.id}
    assert ids(store.search(patient_ref="P-1")) == {a.id, c.id}
    assert ids(store.search("cough", patient_ref="P-2")) == set()
    assert store.labels() == ["Neurology", "Pulmonology"]
    assert store.patient_refs() == ["P-1", "P-2"]


def test_search_orders_by_most_recently_modified(store):
    first = store.create("first", "1")
    second = store.create("second", "2")
    store.update(first.id, body="1 edited")
    assert [r.id for r in store.records()] == [first.id, second.id]


def test_classification_history_is_json_not_pickle(store):
    rec = store.create("t", "b")
    one = store.add_classification(rec.id, "A", {"A": 0.75, "B": 0.25}, "text-lstm", "3")
    two = store.add_classification(rec.id, None, {"A": 0.5, "B": 0.5}, "text-lstm", "4",
                                   reason="text too short")
    history = store.history(rec.id)
    assert history == [one, two]
    assert history[0].probabilities == {"A": 0.75, "B": 0.25}
    assert history[0].model_ref == "text-lstm@3"
    assert history[1].label is None and history[1].reason == "text too short"
    assert store.get(rec.id).latest_label is None
    raw = store.connection().execute("SELECT probabilities FROM classifications").fetchall()
    assert json.loads(raw[0][0]) == {"A": 0.75, "B": 0.25}


def test_create_many_is_all_or_nothing(store):
    store.create("existing", "x")
    # A draft that violates NOT NULL fails the whole batch.
    with pytest.raises(RecordStoreError):
        store.create_many([RecordDraft("ok", "fine"), RecordDraft("bad", None)])  # type: ignore[arg-type]
    assert [r.title for r in store.records()] == ["existing"]


def test_disk_full_leaves_record_unchanged(store):
    rec = store.create("Note", "original text", "P-1")
    conn = store.connection()
    # Realistic disk-full: cap the database at its current size (works as root too,
    # where a read-only file mode would not stop the write).
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(RecordStoreError, match="disk is full") as info:
        store.update(rec.id, body="x" * 200_000)
    assert info.value.path == store.path
    assert store.get(rec.id) == rec
    assert not conn.in_transaction
    # The store keeps working once space is back.
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.update(rec.id, body="y" * 200_000).body == "y" * 200_000


def test_read_only_database_write_fails_cleanly(store):
    rec = store.create("Note", "original", "P-1")
    conn = store.connection()
    conn.execute("PRAGMA query_only = ON")
    with pytest.raises(RecordStoreError, match="read-only"):
        store.update(rec.id, body="changed")
    with pytest.raises(RecordStoreError, match="read-only"):
        store.add_classification(rec.id, "A", {"A": 1.0}, "m", "1")
    conn.execute("PRAGMA query_only = OFF")
    assert store.get(rec.id) == rec


def test_each_thread_has_its_own_connection_and_sees_commits(store):
    rec = store.create("Note", "from main")
    seen = {}

    def worker():
        seen["conn"] = store.connection()
        store.update(rec.id, body="from worker")
        seen["body"] = store.get(rec.id).body

        store.release()  # what a pool thread does when its job is done
        seen["open_after_release"] = len(store._all)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["conn"] is not store.connection()
    assert seen["body"] == "from worker"
    assert store.get(rec.id).body == "from worker"
    assert seen["open_after_release"] == 1  # only the main thread's is left


V1_SQL = """
CREATE TABLE records (id INTEGER PRIMARY KEY, patient_ref TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL, modified TEXT NOT NULL);
CREATE TABLE classifications (id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE, label TEXT,
    probabilities TEXT NOT NULL, model_name TEXT NOT NULL, model_version TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', created TEXT NOT NULL);
INSERT INTO records VALUES (7, 'P-7', 'Old note', 'written by version 1',
    '2024-01-02T03:04:05.000000+00:00', '2024-01-02T03:04:05.000000+00:00');
INSERT INTO classifications VALUES (1, 7, 'Cardiology', '{"Cardiology": 0.9}', 'rnn', '1', '',
    '2024-01-02T03:05:00.000000+00:00');
PRAGMA user_version = 1;
"""


def test_migrates_a_version_1_database_without_losing_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    raw.executescript(V1_SQL)
    raw.close()
    with RecordStore(path) as store:
        assert store.schema_version == 2
        old = store.get(7)
        assert (old.patient_ref, old.title, old.body) == ("P-7", "Old note", "written by version 1")
        assert old.created == "2024-01-02T03:04:05.000000+00:00"
        assert old.deleted_at is None
        assert old.latest_label == "Cardiology"
        assert old.latest.probabilities == {"Cardiology": 0.9}
        store.delete(7)  # the v2 trash column works
        assert store.search(only_deleted=True)[0].id == 7
        indexes = {row[0] for row in store.connection().execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "idx_classifications_record" in indexes


def test_refuses_a_database_from_a_newer_medgui(tmp_path):
    path = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(RecordStoreError, match="newer"):
        RecordStore(path)


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(RecordStoreError, match="damaged"):
        RecordStore(path)
