"""The record database's schema: ordered migrations and SQLite error messages.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[i]`` takes a database
from version ``i`` to ``i + 1``; each runs in its own transaction together with the
version bump, so a crash mid-migration leaves the previous version intact. Never edit
a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from medgui.core.errors import RecordStoreError


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            patient_ref TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            modified TEXT NOT NULL)"""
    )
    conn.execute(
        """CREATE TABLE classifications (
            id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
            label TEXT,
            probabilities TEXT NOT NULL,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL)"""
    )


def _v2(conn: sqlite3.Connection) -> None:
    # The trash, and the indexes the list view's "latest label" sub-query needs.
    conn.execute("ALTER TABLE records ADD COLUMN deleted_at TEXT")
    conn.execute("CREATE INDEX idx_classifications_record ON classifications(record_id, id)")
    conn.execute("CREATE INDEX idx_records_modified ON records(modified)")


#: Ordered migrations: entry ``i`` takes the schema from version ``i`` to ``i + 1``.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database on ``conn`` (autocommit mode) to :data:`SCHEMA_VERSION`."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RecordStoreError(
            f"the record database has schema version {version}, newer than this "
            f"medgui understands ({SCHEMA_VERSION}); update medgui", path=path)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[target - 1](conn)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def explain(exc: sqlite3.Error) -> str:
    """A message a user can act on for an SQLite failure."""
    text = str(exc)
    low = text.lower()
    if "disk is full" in low or "disk i/o" in low:
        return f"the disk is full or failing ({text}); free some space and try again"
    if "readonly" in low or "read-only" in low:
        return f"the database is read-only ({text}); check the file's permissions"
    if "locked" in low or "busy" in low:
        return f"the database is busy in another program ({text}); try again"
    if "not a database" in low or "malformed" in low:
        return f"the database file is damaged ({text}); restore it from a backup"
    return text
