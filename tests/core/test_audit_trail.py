"""The hash-chained audit trail: append, verify, tamper detection, concurrent appends."""

from __future__ import annotations

import multiprocessing as mp
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from medgui.core.audit.trail import GENESIS, AuditTrail, entry_hash, load_export, verify_entries
from medgui.core.errors import AuditError


def reading(n: int) -> dict:
    return {"input": {"kind": "image", "sha256": f"{n:064x}"}, "model": {"ref": "tiny@1", "sha256": "ab" * 32},
            "output": {"label": "NORMAL", "probabilities": {"NORMAL": 0.9, "PNEUMONIA": 0.1}}}


@pytest.fixture
def trail(tmp_path):
    t = AuditTrail(tmp_path / "audit.sqlite3")
    for n in range(1, 5):
        t.append("reading", reading(n))
    return t


def test_entries_are_numbered_and_chained(trail):
    entries = trail.entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert entries[2].body["input"]["sha256"] == f"{3:064x}"
    assert entries[1].hash == entry_hash(2, entries[1].created, "reading", entries[1].body_text, entries[0].hash)
    outcome = trail.verify()
    assert outcome.ok and outcome.count == 4 and outcome.head == entries[-1].hash
    assert "intact: 4 entries" in outcome.message()


def test_the_database_refuses_updates_and_deletes(trail):
    conn = sqlite3.connect(trail.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE entries SET kind = 'feedback' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM entries WHERE seq = 4")
    conn.close()
    assert trail.verify().ok


def tamper(path, sql: str, *args) -> None:
    """What someone with the file could do: drop the guard triggers, then edit."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute(sql, args)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("column", "value"), [
    ("created", "2020-01-01T00:00:00.000000+00:00"),
    ("kind", "feedback"),
    ("body", '{"input":{"kind":"image","sha256":"forged"}}'),
    ("prev_hash", "f" * 64),
    ("hash", "e" * 64),
])
def test_editing_any_field_of_an_entry_breaks_verification_there(trail, tmp_path, column, value):
    copy = tmp_path / f"edited-{column}.sqlite3"
    shutil.copy(trail.path, copy)
    tamper(copy, f"UPDATE entries SET {column} = ? WHERE seq = 2", value)
    outcome = AuditTrail(copy).verify()
    assert not outcome.ok
    assert outcome.broken_seq == 2
    assert "entry 2" in outcome.message()


def test_editing_a_probability_is_caught(trail):
    body = trail.get(3).body_text.replace("0.9", "0.1", 1)
    tamper(trail.path, "UPDATE entries SET body = ? WHERE seq = 3", body)
    outcome = trail.verify()
    assert (outcome.ok, outcome.broken_seq) == (False, 3)
    assert "edited after it was written" in outcome.reason


def test_removing_an_entry_is_caught(trail):
    tamper(trail.path, "DELETE FROM entries WHERE seq = 2")
    outcome = trail.verify()
    assert (outcome.ok, outcome.broken_seq) == (False, 2)
    assert "missing" in outcome.reason


def test_rehashing_an_edited_entry_still_breaks_the_next_link(trail):
    e = trail.get(2)
    forged = e.body_text.replace("NORMAL", "PNEUMONIA", 1)
    tamper(trail.path, "UPDATE entries SET body = ?, hash = ? WHERE seq = 2",
           forged, entry_hash(2, e.created, e.kind, forged, e.prev_hash))
    outcome = trail.verify()
    assert (outcome.ok, outcome.broken_seq) == (False, 3)
    assert "does not link" in outcome.reason


def test_feedback_must_name_an_earlier_reading_by_its_hash(trail):
    good = trail.append("feedback", {"reading": 2, "reading_hash": trail.get(2).hash, "verdict": "agree"})
    assert trail.verify().ok and good.seq == 5
    trail.append("feedback", {"reading": 2, "reading_hash": "0" * 64, "verdict": "agree"})
    outcome = trail.verify()
    assert (outcome.ok, outcome.broken_seq) == (False, 6)


def test_since_filters_by_time(trail):
    assert len(trail.entries(since=datetime.now(UTC) - timedelta(minutes=5))) == 4
    assert trail.entries(since=(datetime.now() + timedelta(days=1)).date().isoformat()) == []
    with pytest.raises(AuditError, match="not a date"):
        trail.entries(since="last tuesday")


def test_a_json_lines_export_verifies_away_from_the_database(trail, tmp_path):
    out = tmp_path / "trail.jsonl"
    assert trail.export(out) == 4
    entries = load_export(out)
    assert verify_entries(entries).ok and verify_entries(entries).head == trail.verify().head
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"NORMAL"', '"PNEUMONIA"', 1)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert verify_entries(load_export(out)).broken_seq == 2


def test_a_missing_trail_reads_as_empty(tmp_path):
    t = AuditTrail(tmp_path / "none.sqlite3")
    assert t.entries() == [] and t.verify().ok and t.verify().count == 0
    with pytest.raises(AuditError, match="no audit trail yet"):
        t.get(1)


def _append_many(path: str, n: int, worker: int) -> None:
    t = AuditTrail(path)
    for i in range(n):
        t.append("reading", reading(1000 * worker + i))


def test_concurrent_appends_from_several_processes_keep_one_chain(tmp_path):
    path = str(tmp_path / "audit.sqlite3")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(path, 15, w)) for w in range(4)]
    for p in procs:
        p.start()
    _append_many(path, 15, 9)  # and this process at the same time, as the GUI would
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    t = AuditTrail(path)
    outcome = t.verify()
    assert outcome.ok and outcome.count == 75
    assert len({e.body["input"]["sha256"] for e in t.entries()}) == 75
