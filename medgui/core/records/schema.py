"""The record database's schema: ordered migrations and SQLite error messages.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[i]`` takes a database
from version ``i`` to ``i + 1``. All pending migrations and the version bumps run in ONE
``BEGIN IMMEDIATE`` transaction, and ``user_version`` is read again *inside* it: when
several processes open a fresh database at the same moment (the app, a shell import, a
worker), the first takes the write lock and migrates, the others wait (busy timeout)
and then find the schema already current. A crash mid-migration leaves the previous
version intact. Never edit a released migration: append a new one.
"""

from __future__ import annotations

import os
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


def _version(conn: sqlite3.Connection, path: Path) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise RecordStoreError(
            f"the record database has schema version {version}, newer than this "
            f"medgui understands ({SCHEMA_VERSION}); update medgui", path=path)
    return version


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database on ``conn`` (autocommit mode) to :data:`SCHEMA_VERSION`.

    ``conn`` must have a busy timeout: another process may be migrating right now.
    """
    # Fast path without a write lock, so that a current database on a read-only
    # medium still opens for reading. Versions only ever grow, so "current" stays true.
    if _version(conn, path) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        for target in range(_version(conn, path) + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target - 1](conn)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _read_only_place(path: Path) -> bool:
    """True when ``path`` (or the folder that would hold it) cannot be written."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:  # a read-only mount (CD, locked share)
            return True
    except (OSError, AttributeError):  # statvfs is POSIX only
        pass
    return not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def explain(exc: sqlite3.Error, path: Path | None = None) -> str:
    """A message a user can act on for an SQLite failure on the database at ``path``."""
    text = str(exc)
    low = text.lower()
    if "disk is full" in low or "disk i/o" in low:
        return f"the disk is full or failing ({text}); free some space and try again"
    if "readonly" in low or "read-only" in low or (
            "unable to open" in low and path is not None and _read_only_place(path)):
        # A WAL database needs its folder writable even to be read (the -shm and -wal
        # files live beside it), so a read-only drive fails as "unable to open".
        return (f"the database is read-only ({text}): it is on a read-only drive or in a "
                "folder you may not write to; copy it to a writable folder, or ask your "
                "administrator for write access")
    if "locked" in low or "busy" in low:
        return f"the database is busy in another program ({text}); try again"
    if "not a database" in low or "malformed" in low:
        return f"the database file is damaged ({text}); restore it from a backup"
    return text
