"""Engine and unit-of-work sessions. SQLite: WAL, foreign keys, 0600 file, NullPool."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool

from app.files import make_private

log = logging.getLogger(__name__)
T = TypeVar("T")


def on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        make_private(path)
        engine = create_engine(url, poolclass=NullPool)
        event.listen(engine, "connect", on_sqlite_connect)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ImportError as exc:  # the URL's driver (psycopg for PostgreSQL) is not installed
        from app.errors import EnvironmentProblem

        raise EnvironmentProblem(
            f"Le pilote de cette base de données n'est pas installé ({exc.name or exc}). Pour "
            "une base PostgreSQL partagée, installez Bordereau avec son pilote : "
            "pip install 'bordereau[postgresql]' (./run-app le fait lui-même).",
            details=str(exc),
        ) from exc


class Database:
    """An engine plus a session factory; one short session per unit of work."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_only = False  # a damaged SQLite file: every connection is query-only
        if self.file is not None:
            event.listen(self.engine, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        if self.read_only:
            dbapi_connection.execute("PRAGMA query_only=ON")

    @property
    def file(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Commit on success, roll back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def retry_on_conflict(work: Callable[[], T], attempts: int = 4) -> T:
    """Run a unit of work again when another process wrote the same rows at the same moment
    (a duplicate insert, or an invoice changed since it was read): the next run reads what
    the other one committed, so an insert becomes an update and nothing is undone."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except (IntegrityError, StaleDataError) as exc:
            if attempt == attempts:
                raise
            log.info("Écriture concurrente (%s) : nouvel essai", type(exc).__name__)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
