"""The local directory index: its own SQLite file with an FTS5 index, replaced atomically.

Kept apart from the main database on purpose: it is a rebuildable cache of ~150 000 rows,
FTS5 needs SQLite whatever database the invoices live in, and a whole new file can be built
beside the old one and swapped in with one rename.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from app.directory.rules import ServiceFlags, StructureFlags
from app.files import make_private

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS structures (
    id INTEGER PRIMARY KEY,
    siret TEXT NOT NULL UNIQUE,
    id_cpp INTEGER,
    name TEXT NOT NULL,
    label TEXT,
    address TEXT,
    postal_code TEXT,
    city TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    service_required INTEGER NOT NULL DEFAULT 0,
    engagement_required INTEGER NOT NULL DEFAULT 0,
    service_or_engagement INTEGER NOT NULL DEFAULT 0,
    payment_not_reported INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'export',
    fetched_at TEXT
);
CREATE TABLE IF NOT EXISTS services (
    structure_id INTEGER NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    id_service INTEGER,
    code TEXT NOT NULL,
    label TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    engagement_required INTEGER NOT NULL DEFAULT 0,
    UNIQUE (structure_id, code)
);
CREATE INDEX IF NOT EXISTS services_by_structure ON services(structure_id);
CREATE VIRTUAL TABLE IF NOT EXISTS structures_fts USING fts5(
    name, label, city, postal_code,
    content='structures', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS structures_vocab USING fts5vocab(structures_fts, row);
"""
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Structure:
    siret: str
    name: str
    label: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    active: bool = True
    service_required: bool = False
    engagement_required: bool = False
    service_or_engagement: bool = False
    payment_not_reported: bool = False
    id_cpp: int | None = None
    source: str = "export"
    fetched_at: datetime | None = None

    @property
    def flags(self) -> StructureFlags:
        return StructureFlags(
            self.siret,
            self.active,
            self.service_required,
            self.engagement_required,
            self.service_or_engagement,
            self.payment_not_reported,
        )


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    label: str | None = None
    active: bool = True
    engagement_required: bool = False
    id_service: int | None = None

    @property
    def flags(self) -> ServiceFlags:
        return ServiceFlags(self.code, self.active, self.engagement_required)


STRUCTURE_COLUMNS = (
    "siret, name, label, address, postal_code, city, active, service_required, "
    "engagement_required, service_or_engagement, payment_not_reported, id_cpp, source, fetched_at"
)


def structure_from_row(row: sqlite3.Row | tuple) -> Structure:  # type: ignore[type-arg]
    fetched = row[13]
    return Structure(
        siret=row[0],
        name=row[1],
        label=row[2],
        address=row[3],
        postal_code=row[4],
        city=row[5],
        active=bool(row[6]),
        service_required=bool(row[7]),
        engagement_required=bool(row[8]),
        service_or_engagement=bool(row[9]),
        payment_not_reported=bool(row[10]),
        id_cpp=row[11],
        source=row[12],
        fetched_at=datetime.fromisoformat(fetched) if fetched else None,
    )


def connect(path: Path) -> sqlite3.Connection:
    make_private(path)
    connection = sqlite3.connect(path, timeout=10, check_same_thread=False)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def create_schema(connection: sqlite3.Connection) -> None:
    connection.executescript(SCHEMA)
    connection.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
    )


def insert_structure(connection: sqlite3.Connection, structure: Structure) -> int:
    cursor = connection.execute(
        f"INSERT INTO structures ({STRUCTURE_COLUMNS}) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            structure.siret,
            structure.name,
            structure.label,
            structure.address,
            structure.postal_code,
            structure.city,
            int(structure.active),
            int(structure.service_required),
            int(structure.engagement_required),
            int(structure.service_or_engagement),
            int(structure.payment_not_reported),
            structure.id_cpp,
            structure.source,
            structure.fetched_at.isoformat() if structure.fetched_at else None,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


IMPORT_PREFIX, IMPORT_SUFFIX = ".annuaire-", ".import"  # an import's file until it is done
ABANDONED_AFTER_SECONDS = 15 * 60  # far longer than an import of the whole export takes


def remove_abandoned_imports(folder: Path) -> int:
    """Delete what killed imports left beside the index (a finished or failed import removes
    its own file; a recent one may still be running in another process)."""
    import time

    removed = 0
    limit = time.time() - ABANDONED_AFTER_SECONDS
    for leftover in folder.glob(f"{IMPORT_PREFIX}*{IMPORT_SUFFIX}*"):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
                removed += 1
        except OSError:
            continue
    return removed


class DirectoryStore:
    """Reads (search, lookups) and small writes (online answers) on the index file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        remove_abandoned_imports(path.parent)
        self._vocabulary: list[str] | None = None
        self._vocabulary_set: frozenset[str] = frozenset()
        self._reader: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """The shared connection (reads and small writes), one caller at a time."""
        with self._lock:
            if self._reader is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._reader = connect(self.path)
                with self._reader:
                    create_schema(self._reader)
            with self._reader:
                yield self._reader

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def forget_caches(self) -> None:
        """After the file was replaced by an import: reopen it, rebuild the vocabulary."""
        with self._lock:
            self.close()
            self._vocabulary = None

    # --- facts ----------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        with self._connection() as connection:
            return dict(connection.execute("SELECT key, value FROM meta").fetchall())

    def count(self) -> int:
        with self._connection() as connection:
            return int(connection.execute("SELECT count(*) FROM structures").fetchone()[0])

    def by_siret(self, siret: str) -> Structure | None:
        with self._connection() as connection:
            row = connection.execute(
                f"SELECT {STRUCTURE_COLUMNS} FROM structures WHERE siret = ?", (siret,)
            ).fetchone()
        return structure_from_row(row) if row else None

    def services(self, siret: str, *, active_only: bool = False) -> list[Service]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT s.code, s.label, s.active, s.engagement_required, s.id_service "
                "FROM services s JOIN structures t ON t.id = s.structure_id "
                "WHERE t.siret = ? "
                + ("AND s.active = 1 " if active_only else "")
                + "ORDER BY s.active DESC, s.code = 'FACTURES_PUBLIQUES', s.label",
                (siret,),
            ).fetchall()
        return [Service(r[0], r[1], bool(r[2]), bool(r[3]), r[4]) for r in rows]

    # --- online answers -----------------------------------------------------------------------

    def remember_online(
        self,
        structure: Structure,
        services: list[Service],
        fetched_at: datetime | None = None,
        *,
        source: str = "api",
    ) -> None:
        """Store what the structures API said; it replaces the exported row."""
        fetched = structure.fetched_at or fetched_at or datetime.now(UTC)
        fresh = replace(structure, source=source, fetched_at=fetched)
        with self._connection() as connection:
            old = connection.execute(
                "SELECT id, name, label, city, postal_code FROM structures WHERE siret = ?",
                (structure.siret,),
            ).fetchone()
            if old is not None:
                connection.execute(
                    "INSERT INTO structures_fts"
                    "(structures_fts, rowid, name, label, city, postal_code)"
                    " VALUES ('delete', ?, ?, ?, ?, ?)",
                    old,
                )
                connection.execute("DELETE FROM structures WHERE id = ?", (old[0],))
            row_id = insert_structure(connection, fresh)
            connection.execute(
                "INSERT INTO structures_fts(rowid, name, label, city, postal_code) "
                "VALUES (?, ?, ?, ?, ?)",
                (row_id, fresh.name, fresh.label, fresh.city, fresh.postal_code),
            )
            connection.executemany(
                "INSERT OR REPLACE INTO services (structure_id, id_service, code, label, active, "
                "engagement_required) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        row_id,
                        s.id_service,
                        s.code,
                        s.label,
                        int(s.active),
                        int(s.engagement_required),
                    )
                    for s in services
                ],
            )
        with self._lock:
            self._vocabulary = None

    def forget_source(self, source: str) -> int:
        """Remove the structures that came from ``source`` (the demo's, once a real account
        is used); returns how many."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, name, label, city, postal_code FROM structures WHERE source = ?",
                (source,),
            ).fetchall()
            for row in rows:
                connection.execute(
                    "INSERT INTO structures_fts"
                    "(structures_fts, rowid, name, label, city, postal_code)"
                    " VALUES ('delete', ?, ?, ?, ?, ?)",
                    tuple(row),
                )
                connection.execute("DELETE FROM services WHERE structure_id = ?", (row[0],))
                connection.execute("DELETE FROM structures WHERE id = ?", (row[0],))
        with self._lock:
            self._vocabulary = None
        return len(rows)

    # --- search ----------------------------------------------------------------------------------

    def vocabulary(self) -> list[str]:
        """The index's words (3 letters or more), for typo correction."""
        with self._lock:
            if self._vocabulary is None:
                with self._connection() as connection:
                    self._vocabulary = [
                        row[0]
                        for row in connection.execute(
                            "SELECT term FROM structures_vocab "
                            "WHERE length(term) >= 3 AND term GLOB '[a-z]*'"
                        )
                    ]
                    self._vocabulary_set = frozenset(self._vocabulary)
            return self._vocabulary

    def vocabulary_set(self) -> frozenset[str]:
        self.vocabulary()
        return self._vocabulary_set

    def search(self, query: str, limit: int = 20) -> list[Structure]:
        from app.directory.search import search

        with self._connection() as connection:
            return search(connection, self, query, limit)
