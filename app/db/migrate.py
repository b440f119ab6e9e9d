"""Schema upgrades at start-up: backup first, refuse databases from a newer Bordereau."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.db.engine import Database, on_sqlite_connect
from app.errors import DatabaseMigrationError, DatabaseTooNewError
from app.files import file_lock

log = logging.getLogger(__name__)

# The newest revision under migrations/versions; a test checks it against Alembic's head.
SCHEMA_HEAD = "0009"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 5
# pg_advisory_lock key of schema upgrades (any constant shared by every Bordereau).
MIGRATION_LOCK_KEY = 0x426F7264  # "Bord"
PG_DUMP_HINT = (
    "Bordereau ne peut pas copier une base PostgreSQL lui-même : avant de mettre à jour "
    "Bordereau sur le premier poste, sauvegardez-la avec « pg_dump -Fc -f bordereau.dump "
    "<adresse de la base> » (et restaurez-la au besoin avec « pg_restore »)."
)


@dataclass(frozen=True, slots=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])


def _alembic_config(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def backup_sqlite(source: Path, backups_dir: Path, revision: str | None) -> Path:
    """A consistent copy before a schema upgrade, keeping the last few of them."""
    from app.db.backups import copy_database

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = copy_database(source, backups_dir / f"bordereau-{revision or 'vide'}-{stamp}.sqlite3")
    backups = sorted(backups_dir.glob("bordereau-*.sqlite3"), key=lambda p: p.stat().st_mtime)
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def upgrade_notice(database: Database) -> str | None:
    """What to say before upgrading a PostgreSQL database that holds data (the app cannot
    copy it first, as it does a SQLite file); None when there is nothing to say."""
    if database.engine.dialect.name != "postgresql":
        return None
    try:
        revision = current_revision(database)
    except SQLAlchemyError:
        return None  # upgrade_database will say what is wrong
    if revision is None or revision == SCHEMA_HEAD or revision not in known_revisions():
        return None
    return f"La base partagée doit être mise à jour (schéma {revision} → {SCHEMA_HEAD}). " + (
        PG_DUMP_HINT
    )


@contextmanager
def migration_lock(database: Database) -> Iterator[None]:
    """One upgrade at a time, whichever process or workstation starts first: a PostgreSQL
    advisory lock, or a lock file beside the SQLite file. The others wait, then find the
    schema already up to date."""
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()
        return
    file = database.file
    if file is None:
        yield
        return
    with file_lock(file.with_name(file.name + ".migration-lock")):
        yield


@contextmanager
def schema_transaction(database: Database) -> Iterator[Connection]:
    """One transaction for a whole schema change, so that a kill at any point leaves the old
    schema or the new one. SQLite's Python driver commits each CREATE or ALTER on its own
    unless it is told to leave transactions to the caller: a connection of its own does so,
    and takes the write lock at once (BEGIN IMMEDIATE)."""
    if database.engine.dialect.name != "sqlite":
        with database.engine.begin() as connection:
            yield connection
        return
    engine = create_engine(database.url, poolclass=NullPool)

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        on_sqlite_connect(dbapi_connection, record)

    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _drop_unfinished_schema(connection: Connection) -> None:
    """Tables without a schema revision: what an earlier Bordereau, killed while it created
    the schema one table at a time, left. Empty, they are dropped and made again; with data
    in them, they are kept (the upgrade then says what is wrong)."""
    inspector = inspect(connection)
    tables = [name for name in inspector.get_table_names() if not name.startswith("sqlite_")]
    if not tables:
        return
    for table in tables:
        if connection.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
            return
    log.warning("Schéma inachevé d'une première installation interrompue : recréé (%s)", tables)
    for table in reversed(tables):
        connection.execute(text(f'DROP TABLE "{table}"'))


def upgrade_database(database: Database, backups_dir: Path) -> MigrationResult:
    """Bring the schema to :data:`SCHEMA_HEAD`, under :func:`migration_lock`."""
    try:
        with migration_lock(database):
            return _upgrade_locked(database, backups_dir)
    except SQLAlchemyError as exc:
        from app.db.errors import database_error

        raise database_error(exc, database.url) from exc


def _upgrade_locked(database: Database, backups_dir: Path) -> MigrationResult:
    revision = current_revision(database)
    if revision == SCHEMA_HEAD:
        return MigrationResult(revision, SCHEMA_HEAD, None)
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(
            "Cette base de données a été créée par une version plus récente de Bordereau "
            f"(schéma {revision}). Installez la dernière version de Bordereau pour l'ouvrir ; "
            "vos données n'ont pas été modifiées."
        )
    backup = None
    file = database.file
    if revision is not None and file is not None and file.exists():
        backup = backup_sqlite(file, backups_dir, revision)
        log.info("Sauvegarde avant mise à jour du schéma : %s", backup)
    elif revision is not None and database.engine.dialect.name == "postgresql":
        log.warning(
            "Mise à jour du schéma PostgreSQL %s → %s. %s", revision, SCHEMA_HEAD, PG_DUMP_HINT
        )
    try:
        from alembic import command

        with schema_transaction(database) as connection:
            if revision is None:
                _drop_unfinished_schema(connection)
            command.upgrade(_alembic_config(connection), "head")  # type: ignore[arg-type]
    except Exception as exc:
        log.error("Mise à jour du schéma %s → %s impossible", revision, SCHEMA_HEAD, exc_info=True)
        hint = f" Une copie de la base est dans {backup}." if backup else ""
        raise DatabaseMigrationError(
            "La mise à jour de la base de données a échoué ; rien n'a été perdu." + hint,
            details=repr(exc),
        ) from exc
    log.info("Schéma mis à jour : %s → %s", revision, SCHEMA_HEAD)
    return MigrationResult(revision, SCHEMA_HEAD, backup)
