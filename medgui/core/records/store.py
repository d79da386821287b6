"""The record store: clinical free-text records and their classification history in SQLite.

Durability choices
------------------
* WAL journal: readers (the list view, worker threads) never block the autosave.
* ``synchronous=FULL``: every commit fsyncs the WAL, so a committed autosave survives a
  power cut, not only a killed process (WAL + NORMAL survives SIGKILL but may lose the
  last commits on power loss). Autosave commits at most about once a second and a
  commit costs a few milliseconds (see ``benchmarks/bench_records.py``), so the price
  is negligible for "records that are never lost".
* Every write runs in one ``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction (``_write``):
  a failing write (disk full, read-only file) is rolled back, leaves the stored record
  as it was, and is raised as :class:`RecordStoreError` with an actionable message.

Threads: the GUI thread and worker threads share one ``RecordStore``; each thread gets
its own connection (``threading.local``), which is how SQLite is meant to be used from
several threads, and WAL plus a busy timeout serialise the writers.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from medgui.core import paths
from medgui.core.errors import RecordStoreError
from medgui.core.records.schema import SCHEMA_VERSION, explain, migrate

__all__ = [
    "SCHEMA_VERSION", "UNCLASSIFIED", "Classification", "Record", "RecordDraft", "RecordStore",
    "now_iso", "parse_iso",
]

#: ``search(label=UNCLASSIFIED)`` lists records whose latest classification has no label
#: (never classified, or "cannot classify reliably").
UNCLASSIFIED = ""


def now_iso() -> str:
    """Current time, ISO 8601 in UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_iso(value: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _after(previous: str) -> str:
    """Now, or just after ``previous`` if the clock says otherwise (so edits sort last)."""
    stamp = now_iso()
    try:
        earliest = parse_iso(previous) + timedelta(microseconds=1)
    except ValueError:
        return stamp
    if datetime.fromisoformat(stamp) <= earliest:
        return earliest.astimezone(UTC).isoformat(timespec="microseconds")
    return stamp


@dataclass(frozen=True)
class Classification:
    """One classification of a record's text by a model."""

    label: str | None  # None: the model could not classify the text reliably
    probabilities: dict[str, float]
    model_name: str
    model_version: str
    created: str
    reason: str = ""
    id: int = 0

    @property
    def model_ref(self) -> str:
        return f"{self.model_name}@{self.model_version}" if self.model_version else self.model_name


@dataclass(frozen=True)
class Record:
    """A clinical record as stored; ``classifications`` is oldest first."""

    id: int
    patient_ref: str
    title: str
    body: str
    created: str
    modified: str
    deleted_at: str | None = None
    classifications: list[Classification] = field(default_factory=list)

    @property
    def latest(self) -> Classification | None:
        return self.classifications[-1] if self.classifications else None

    @property
    def latest_label(self) -> str | None:
        return self.latest.label if self.latest else None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class RecordDraft:
    """A record to be created (from the editor or an import file)."""

    title: str = ""
    body: str = ""
    patient_ref: str = ""
    created: str | None = None
    modified: str | None = None
    label: str | None = None  # an imported label, kept as a classification by "imported"


_COLUMNS = "id, patient_ref, title, body, created, modified, deleted_at"

#: How long a connection waits for another process's write lock before "busy".
BUSY_TIMEOUT_S = 5.0


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds a lock.

    Turning a fresh (rollback-journal) file into WAL needs an exclusive lock, and SQLite
    answers "database is locked" at once instead of calling the busy handler; when
    several processes open a new database together, all but one would fail. Once the
    file is in WAL mode the pragma is a plain read.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            low = str(exc).lower()
            if ("locked" not in low and "busy" not in low) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class RecordStore:
    """Records and classifications in one SQLite file.

    Parameters
    ----------
    path
        The database file; default ``medgui.core.paths.records_db()`` (under
        ``$MEDGUI_HOME``). Created and migrated to :data:`SCHEMA_VERSION` on open.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.records_db()
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordStoreError(
                f"could not create the folder for the record database: {exc.strerror or exc}; "
                "choose a folder you may write to", path=self.path) from exc
        try:
            migrate(self.connection(), self.path)
        except sqlite3.Error as exc:
            self.close()
            raise RecordStoreError(
                f"could not open the record database: {explain(exc, self.path)}",
                path=self.path, details=repr(exc)) from exc
        except BaseException:
            self.close()
            raise

    # -- connections ------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        if self._closed:
            raise RecordStoreError("the record database is closed", path=self.path)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: we issue BEGIN IMMEDIATE ourselves (see _write).
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def release(self) -> None:
        """Close this thread's connection; worker threads call it when their job is done."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    def close(self) -> None:
        """Close every thread's connection (checkpointing the WAL into the file)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
        self._closed = True

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction; any SQLite failure rolls back and is reported."""
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise RecordStoreError(f"could not {what}: {explain(exc, self.path)}", path=self.path,
                                   details=repr(exc)) from exc

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self.connection().execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise RecordStoreError(f"could not read the records: {explain(exc, self.path)}",
                                   path=self.path, details=repr(exc)) from exc

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # -- reading ----------------------------------------------------------------------
    def _classifications(self, ids: list[int]) -> dict[int, list[Classification]]:
        found: dict[int, list[Classification]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):  # stay under SQLite's variable limit
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._read(
                f"SELECT * FROM classifications WHERE record_id IN ({marks}) ORDER BY id", chunk
            ):
                found[row["record_id"]].append(_classification(row))
        return found

    def _records(self, rows: list[sqlite3.Row]) -> list[Record]:
        history = self._classifications([row["id"] for row in rows])
        return [
            Record(row["id"], row["patient_ref"], row["title"], row["body"], row["created"],
                   row["modified"], row["deleted_at"], history[row["id"]])
            for row in rows
        ]

    def get(self, record_id: int) -> Record:
        """The record with ``record_id`` (also when it is in the trash)."""
        rows = self._read(f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,))
        if not rows:
            raise RecordStoreError(f"there is no record number {record_id}", path=self.path)
        return self._records(rows)[0]

    def search(
        self,
        text: str = "",
        *,
        label: str | None = None,
        patient_ref: str | None = None,
        include_deleted: bool = False,
        only_deleted: bool = False,
    ) -> list[Record]:
        """Records matching every filter, most recently modified first.

        Parameters
        ----------
        text
            Words that must all occur (case-insensitive for ASCII) in the title, body
            or patient reference.
        label
            The latest classification's label; :data:`UNCLASSIFIED` for records
            without a usable label.
        patient_ref
            Exact patient reference.
        include_deleted, only_deleted
            Also list, or list only, records in the trash.
        """
        latest = ("(SELECT label FROM classifications c WHERE c.record_id = r.id "
                  "ORDER BY c.id DESC LIMIT 1)")
        where: list[str] = []
        params: list[Any] = []
        for word in text.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(r.title LIKE ? ESCAPE '\\' OR r.body LIKE ? ESCAPE '\\' "
                         "OR r.patient_ref LIKE ? ESCAPE '\\')")
            params += [pattern] * 3
        if label == UNCLASSIFIED:
            where.append(f"{latest} IS NULL")
        elif label is not None:
            where.append(f"{latest} = ?")
            params.append(label)
        if patient_ref is not None:
            where.append("r.patient_ref = ?")
            params.append(patient_ref)
        if only_deleted:
            where.append("r.deleted_at IS NOT NULL")
        elif not include_deleted:
            where.append("r.deleted_at IS NULL")
        sql = f"SELECT {_COLUMNS} FROM records r"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._records(self._read(sql + " ORDER BY r.modified DESC, r.id DESC", params))

    def records(self, *, include_deleted: bool = False) -> list[Record]:
        """Every record (not those in the trash unless asked), most recent first."""
        return self.search(include_deleted=include_deleted)

    def labels(self) -> list[str]:
        """The distinct latest labels of the records not in the trash, sorted."""
        return sorted({r.latest_label for r in self.records() if r.latest_label})

    def patient_refs(self) -> list[str]:
        rows = self._read("SELECT DISTINCT patient_ref FROM records WHERE deleted_at IS NULL "
                          "AND patient_ref != '' ORDER BY patient_ref")
        return [row[0] for row in rows]

    def history(self, record_id: int) -> list[Classification]:
        """The record's classifications, oldest first."""
        return self.get(record_id).classifications

    # -- writing ----------------------------------------------------------------------
    def create(self, title: str = "", body: str = "", patient_ref: str = "") -> Record:
        return self.get(self.create_many([RecordDraft(title, body, patient_ref)])[0])

    def create_many(self, drafts: Iterable[RecordDraft]) -> list[int]:
        """Create all ``drafts`` in one transaction (all or none); returns their ids."""
        ids = []
        with self._write("create the records") as conn:
            for draft in drafts:
                stamp = now_iso()
                created = draft.created or stamp
                cur = conn.execute(
                    "INSERT INTO records (patient_ref, title, body, created, modified) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (draft.patient_ref, draft.title, draft.body, created,
                     draft.modified or created),
                )
                record_id = int(cur.lastrowid or 0)
                ids.append(record_id)
                if draft.label:
                    self._insert_classification(
                        conn, record_id, draft.label, {}, "imported", "", created, "")
        return ids

    def update(
        self,
        record_id: int,
        *,
        title: str | None = None,
        body: str | None = None,
        patient_ref: str | None = None,
    ) -> Record:
        """Change the given fields and bump ``modified``; a no-op when nothing changed.

        Raises
        ------
        RecordStoreError
            The write failed; the stored record is unchanged.
        """
        current = self.get(record_id)
        if current.deleted:
            raise RecordStoreError(f"record {record_id} is in the trash; restore it to edit it",
                                   path=self.path)
        changes = {k: v for k, v in (("title", title), ("body", body), ("patient_ref", patient_ref))
                   if v is not None and v != getattr(current, k)}
        if not changes:
            return current
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self._write(f"save record {record_id}") as conn:
            conn.execute(f"UPDATE records SET {sets}, modified = ? WHERE id = ?",
                         (*changes.values(), _after(current.modified), record_id))
        return self.get(record_id)

    def duplicate(self, record_id: int) -> Record:
        """A new record with the same patient, title + " (copy)" and body.

        The classification history is not copied: it describes the original's text.
        """
        source = self.get(record_id)
        return self.create(f"{source.title} (copy)", source.body, source.patient_ref)

    def _set_deleted(self, record_id: int, value: str | None, what: str) -> Record:
        self.get(record_id)
        with self._write(f"{what} record {record_id}") as conn:
            conn.execute("UPDATE records SET deleted_at = ? WHERE id = ?", (value, record_id))
        return self.get(record_id)

    def delete(self, record_id: int) -> Record:
        """Move the record to the trash (it can be restored)."""
        return self._set_deleted(record_id, now_iso(), "move to the trash")

    def restore(self, record_id: int) -> Record:
        return self._set_deleted(record_id, None, "restore")

    def purge(self, record_id: int) -> None:
        """Delete the record and its classifications for good."""
        self.get(record_id)
        with self._write(f"delete record {record_id}") as conn:
            conn.execute("DELETE FROM records WHERE id = ?", (record_id,))

    @staticmethod
    def _insert_classification(conn: sqlite3.Connection, record_id: int, label: str | None,
                               probabilities: dict[str, float], model_name: str,
                               model_version: str, created: str, reason: str) -> int:
        cur = conn.execute(
            "INSERT INTO classifications (record_id, label, probabilities, model_name, "
            "model_version, reason, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record_id, label, json.dumps({str(k): float(v) for k, v in probabilities.items()}),
             model_name, model_version, reason, created),
        )
        return int(cur.lastrowid or 0)

    def add_classification(
        self,
        record_id: int,
        label: str | None,
        probabilities: dict[str, float],
        model_name: str,
        model_version: str,
        reason: str = "",
    ) -> Classification:
        """Append a classification to the record's history (probabilities kept as JSON)."""
        self.get(record_id)
        created = now_iso()
        with self._write(f"save the classification of record {record_id}") as conn:
            new_id = self._insert_classification(conn, record_id, label, probabilities,
                                                 model_name, model_version, created, reason)
        return next(c for c in self.history(record_id) if c.id == new_id)


def _classification(row: sqlite3.Row) -> Classification:
    return Classification(
        label=row["label"],
        probabilities={str(k): float(v) for k, v in json.loads(row["probabilities"]).items()},
        model_name=row["model_name"],
        model_version=row["model_version"],
        created=row["created"],
        reason=row["reason"],
        id=row["id"],
    )
