"""Real SQLite files: creation, upgrades from every released schema, refusal of newer ones."""

from __future__ import annotations

import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db.engine import Database
from app.db.migrate import (
    SCHEMA_HEAD,
    backup_sqlite,
    current_revision,
    known_revisions,
    upgrade_database,
)
from app.db.models import Invoice, StatusHistory
from app.errors import DatabaseTooNewError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "db"


def test_schema_head_constant_matches_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.db.migrate import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_empty_database_to_head(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    result = upgrade_database(database, tmp_path / "backups")
    assert (result.from_revision, result.to_revision, result.backup) == (None, SCHEMA_HEAD, None)
    assert current_revision(database) == SCHEMA_HEAD
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    if os.name == "posix":
        assert (tmp_path / "new.sqlite3").stat().st_mode & 0o777 == 0o600
    again = upgrade_database(database, tmp_path / "backups")
    assert not again.changed


def test_models_match_migrations(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.db.models import Base

    database = Database(f"sqlite:///{tmp_path / 'cmp.sqlite3'}")
    upgrade_database(database, tmp_path / "backups")
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "the models changed without a migration"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.sqlite3")), ids=lambda p: p.stem)
def test_upgrade_from_each_released_schema(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    database = Database(f"sqlite:///{copy}")
    upgrade_database(database, tmp_path / "backups")
    assert current_revision(database) == SCHEMA_HEAD
    with database.session() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.number == "F2025-0042")).one()
        assert invoice.total_ttc == Decimal("900.00")
        assert invoice.search_text and "f2025-0042" in invoice.search_text  # filled by 0002
        assert invoice.status_at is not None and invoice.status_at.tzinfo is not None
        assert [
            row.status
            for row in session.scalars(select(StatusHistory).order_by(StatusHistory.occurred_at))
        ] == ["DEPOSEE", "MISE_A_DISPOSITION"]


def test_fixture_exists_for_current_schema() -> None:
    assert (FIXTURES / f"schema-{SCHEMA_HEAD}.sqlite3").exists(), (
        "run tests/fixtures/db/make_fixture.py"
    )
    released = {path.stem.removeprefix("schema-") for path in FIXTURES.glob("schema-*.sqlite3")}
    assert released <= known_revisions()


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    database = Database(f"sqlite:///{path}")
    upgrade_database(database, tmp_path / "backups")
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError) as caught:
        upgrade_database(database, tmp_path / "backups")
    assert "version plus récente de Bordereau" in caught.value.message
    database.dispose()
    assert path.read_bytes() == before


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = Database(f"sqlite:///{path}")
    upgrade_database(database, tmp_path / "backups")
    with database.session() as session:
        session.add(Invoice(local_uid="u1", environment="demo", number="A-1"))
    backup = backup_sqlite(path, tmp_path / "backups", SCHEMA_HEAD)
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT number FROM invoices").fetchall() == [("A-1",)]


def test_money_is_exact_in_storage(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade_database(database, tmp_path / "backups")
    with database.session() as session:
        session.add(
            Invoice(
                local_uid="u2",
                environment="demo",
                number="B-1",
                total_ttc=Decimal("0.10") + Decimal("0.20"),
            )
        )
    with database.session() as session:
        assert session.scalars(select(Invoice.total_ttc)).one() == Decimal("0.30")
