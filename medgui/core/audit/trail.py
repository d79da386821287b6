"""The audit trail: an append-only, hash-chained log of readings and feedback in SQLite.

Every entry holds the sha256 of the entry before it, and its own hash covers its number,
time, kind, content and that link. Changing, removing or re-ordering any stored entry
breaks the chain from that entry on, which :meth:`AuditTrail.verify` names. Removing
entries from the *end* leaves a shorter valid chain: compare the head hash that
``verify`` prints (or an export) with one written down earlier to catch that.

Storage: ``audit.sqlite3`` beside the record database (``paths.home()``), in its own
file so that a records restore never touches the trail. WAL journal and
``synchronous=FULL`` as the record store; every append is one ``BEGIN IMMEDIATE``
transaction that reads the last entry and inserts the next, so appends from several
processes at once (the GUI and a shell ``medgui classify-image``) are serialised by
SQLite's write lock and never fork the chain. Triggers refuse UPDATE and DELETE.

Connections are opened per operation: the trail is written a few times a minute at
most, from any thread, and an open costs well under a millisecond.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from medgui.core import paths
from medgui.core.errors import AuditError
from medgui.core.fileio import atomic_write

DB_NAME = "audit.sqlite3"
SCHEMA_VERSION = 1
GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""
KINDS = ("reading", "feedback")
BUSY_TIMEOUT_S = 10.0
_HASH_PREFIX = b"medgui-audit-v1\n"

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        seq INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS idx_entries_created ON entries(created)",
    """CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
)


def default_path() -> Path:
    """The user's audit database (``$MEDGUI_HOME/audit.sqlite3``)."""
    return paths.home() / DB_NAME


def now_iso() -> str:
    """Current time, ISO 8601 in UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _clean(value: Any) -> Any:
    """``value`` as plain JSON data: finite floats rounded to 6 places, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # a NumPy scalar
        return _clean(value.item())
    return str(value)


def canonical(body: dict[str, Any]) -> str:
    """The one text form of an entry's content that is stored and hashed."""
    return json.dumps(_clean(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def entry_hash(seq: int, created: str, kind: str, body_text: str, prev_hash: str) -> str:
    """sha256 over an entry's number, time, kind, content text and the previous hash."""
    payload = json.dumps([seq, created, kind, body_text, prev_hash], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(_HASH_PREFIX + payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored entry. ``body_text`` is exactly what was hashed."""

    seq: int
    created: str
    kind: str
    body_text: str
    prev_hash: str
    hash: str

    @property
    def body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body_text)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "created": self.created, "kind": self.kind, "body": self.body,
                "prev_hash": self.prev_hash, "hash": self.hash}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """An entry read back from an export (``body`` re-canonicalised, as it was hashed)."""
        body = data.get("body")
        return cls(int(data["seq"]), str(data["created"]), str(data["kind"]),
                   canonical(body) if isinstance(body, dict) else str(body),
                   str(data["prev_hash"]), str(data["hash"]))


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a chain: ``ok``, how many entries, the last hash, and
    for a broken chain the first entry that fails and why."""

    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return (f"audit trail intact: {self.count} entr{'y' if self.count == 1 else 'ies'}, "
                    f"head {self.head}")
        return f"audit trail BROKEN at entry {self.broken_seq}: {self.reason}"


def verify_entries(entries: Iterable[Entry]) -> Verification:
    """Check a chain in order: numbering 1..N, each link, each hash, feedback links."""
    previous = GENESIS
    hashes: dict[int, tuple[str, str]] = {}  # seq -> (hash, kind)
    count = 0
    for expected, entry in enumerate(entries, start=1):
        count = expected
        if entry.seq != expected:
            what = "is missing" if entry.seq > expected else "appears twice or out of order"
            return Verification(False, count - 1, previous, expected,
                                f"entry {expected} {what} (found entry {entry.seq} in its place)")
        if entry.prev_hash != previous:
            return Verification(False, count - 1, previous, entry.seq,
                                "it does not link to the entry before it (that entry was "
                                "changed or removed, or this link was edited)")
        if entry_hash(entry.seq, entry.created, entry.kind, entry.body_text, entry.prev_hash) != entry.hash:
            return Verification(False, count - 1, previous, entry.seq,
                                "its content does not match its hash (it was edited after it "
                                "was written)")
        if entry.kind not in KINDS:
            return Verification(False, count - 1, previous, entry.seq, f"unknown kind {entry.kind!r}")
        if entry.kind == "feedback":
            link = entry.body.get("reading")
            target = hashes.get(link) if isinstance(link, int) else None
            if target is None or target[1] != "reading" or target[0] != entry.body.get("reading_hash"):
                return Verification(False, count - 1, previous, entry.seq,
                                    "its feedback names no earlier reading with the hash it holds")
        hashes[entry.seq] = (entry.hash, entry.kind)
        previous = entry.hash
    return Verification(True, count, previous)


def parse_since(value: str | date | datetime) -> str:
    """A ``--since`` value (``YYYY-MM-DD``, or ISO date-time; local time unless it says)
    as the UTC text the trail stores, for comparison."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise AuditError(f"'{value}' is not a date (YYYY-MM-DD) or date-time "
                             "(YYYY-MM-DDTHH:MM)") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the user's local time
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class AuditTrail:
    """The audit database at ``path`` (default: the user's)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._ready = False

    # -- connections ------------------------------------------------------------------
    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if not write and not self.path.exists():
            raise AuditError("there is no audit trail yet: nothing has been classified on "
                             "this workstation", path=self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise AuditError(f"the audit trail cannot be opened: {exc}", path=self.path) from exc
        with closing(conn):
            try:
                if not self._ready:
                    self._prepare(conn)
                conn.execute("PRAGMA synchronous=FULL")
                yield conn
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise AuditError(f"the audit trail could not be {'written' if write else 'read'}: "
                                 f"{exc}", path=self.path) from exc

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """WAL mode and the schema, once per object (both are idempotent)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:  # switching a new file to WAL answers "locked" at once, not after a wait
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise AuditError(f"the audit trail has schema version {version}, newer than this "
                             f"medgui understands ({SCHEMA_VERSION}); update medgui", path=self.path)
        if version < SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        self._ready = True

    # -- writing ----------------------------------------------------------------------
    def append(self, kind: str, body: dict[str, Any]) -> Entry:
        """Append one entry (one transaction) and return it as stored."""
        if kind not in KINDS:
            raise ValueError(f"unknown audit entry kind {kind!r}")
        text = canonical(body)
        with self._connect(write=True) as conn:
            conn.execute("BEGIN IMMEDIATE")  # the write lock: no other append between read and insert
            row = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (int(row[0]) + 1, str(row[1])) if row else (1, GENESIS)
            created = now_iso()
            digest = entry_hash(seq, created, kind, text, prev)
            conn.execute("INSERT INTO entries (seq, created, kind, body, prev_hash, hash) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (seq, created, kind, text, prev, digest))
            conn.execute("COMMIT")
        return Entry(seq, created, kind, text, prev, digest)

    # -- reading ----------------------------------------------------------------------
    def entries(self, since: str | date | datetime | None = None, kind: str | None = None) -> list[Entry]:
        """Entries oldest first; ``since`` keeps those made at or after it."""
        if not self.path.exists():
            return []
        sql, args = "SELECT seq, created, kind, body, prev_hash, hash FROM entries", []
        where = []
        if since is not None:
            where.append("created >= ?")
            args.append(parse_since(since))
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY seq", args).fetchall()
        return [Entry(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5])) for r in rows]

    def get(self, seq: int) -> Entry:
        with self._connect() as conn:
            r = conn.execute("SELECT seq, created, kind, body, prev_hash, hash FROM entries "
                             "WHERE seq = ?", (int(seq),)).fetchone()
        if r is None:
            raise AuditError(f"the audit trail has no entry {seq}", path=self.path)
        return Entry(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]))

    def verify(self) -> Verification:
        """Check the whole chain (see :func:`verify_entries`)."""
        return verify_entries(self.entries())

    def export(self, out: str | Path) -> int:
        """Write every entry to ``out`` (JSON Lines, or CSV when it ends in ``.csv``);
        returns how many. A JSON Lines export verifies on its own (``load_export``)."""
        entries = self.entries()
        out = Path(out)
        if out.suffix.lower() == ".csv":
            atomic_write(out, lambda handle: _write_csv(handle, entries))
        else:
            atomic_write(out, lambda handle: handle.writelines(
                json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in entries))
        return len(entries)


def load_export(path: str | Path) -> list[Entry]:
    """The entries of a JSON Lines export, to verify them away from the workstation."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return [Entry.from_json(json.loads(line)) for line in lines if line.strip()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AuditError(f"is not an audit export (JSON Lines): {exc}", path=path) from exc


def _write_csv(handle: Any, entries: list[Entry]) -> None:
    import csv

    writer = csv.writer(handle)
    writer.writerow(["seq", "created", "kind", "body", "prev_hash", "hash"])
    for e in entries:
        # Values start with a digit or '{': no spreadsheet formula can be injected.
        writer.writerow([e.seq, e.created, e.kind, e.body_text, e.prev_hash, e.hash])
