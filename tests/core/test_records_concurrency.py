"""Several processes opening the same fresh record database at the same moment.

The GUI, a ``medgui records import`` in a shell and a worker process can all open the
database for the first time together; each open runs the migrations. Every one of them
must succeed and leave the schema whole.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from medgui.core.records.store import SCHEMA_VERSION, RecordStore

pytestmark = pytest.mark.slow

PROCESSES = 4
ROUNDS = 8


def _open_rounds(folder: str, rounds: int, barrier, results) -> None:
    """In a child: for each round, wait for the others, then open that round's database."""
    for n in range(rounds):
        barrier.wait(timeout=60)
        try:
            with RecordStore(Path(folder) / f"round-{n}.sqlite3") as store:
                store.create("opened", "by a racing process")
            results.put((n, "ok"))
        except Exception as exc:  # reported to the parent, which asserts on it
            results.put((n, f"{type(exc).__name__}: {exc}"))


def test_processes_opening_a_fresh_database_together_all_succeed(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    children = [ctx.Process(target=_open_rounds, args=(str(tmp_path), ROUNDS, barrier, results))
                for _ in range(PROCESSES)]
    for child in children:
        child.start()
    try:
        outcomes = [results.get(timeout=120) for _ in range(PROCESSES * ROUNDS)]
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
    failures = [f"round {n}: {what}" for n, what in outcomes if what != "ok"]
    assert failures == []
    for n in range(ROUNDS):
        conn = sqlite3.connect(tmp_path / f"round-{n}.sqlite3")
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            columns = {row[1] for row in conn.execute("PRAGMA table_info(records)")}
            assert "deleted_at" in columns
            indexes = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'")}
            assert indexes == {"idx_classifications_record", "idx_records_modified"}
            assert conn.execute("SELECT COUNT(*) FROM records").fetchone()[0] == PROCESSES
        finally:
            conn.close()
