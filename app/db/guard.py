"""The database is never silently replaced: what this workstation knows, outside the database
(in its settings folder), of the database it issues invoices into — its identity and the
last number issued in each year's series. A database that is missing, empty, another one or
older than that is refused with the way out (restore a backup), never given a fresh series:
two invoices with one number is the worst an invoicing program can do.

On a shared PostgreSQL database each workstation keeps its own record, so the same holds for
every workstation that issued or saw an invoice.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from app.db import models
from app.db.engine import Database, sqlite_path
from app.errors import EnvironmentProblem
from app.files import file_lock, write_atomically

log = logging.getLogger(__name__)

GUARD_FILE = "factures-emises.json"
DATABASE_ID_SETTING = "database_id"


class DatabaseReplacedError(EnvironmentProblem):
    title = "Base de données remplacée"


@dataclass(slots=True)
class KnownDatabase:
    """What the workstation saw of a database: its identity, and each year's last number."""

    database_id: str
    series: dict[int, int] = field(default_factory=dict)

    @property
    def has_issued(self) -> bool:
        return any(number > 0 for number in self.series.values())

    def last_issued(self) -> str | None:
        if not self.has_issued:
            return None
        year = max(year for year, number in self.series.items() if number > 0)
        return f"{year}-{self.series[year]:04d}"


def database_key(url: str) -> str:
    """How the record names a database: its file, or its URL without the password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path.expanduser().resolve())
    return make_url(url).render_as_string(hide_password=True)


def _read(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise EnvironmentProblem(
            f"Le registre des factures émises ({file}) est illisible : Bordereau ne peut plus "
            "garantir qu'un numéro n'est jamais donné deux fois. Restaurez ce fichier depuis "
            "une sauvegarde de votre dossier de réglages.",
            details=repr(exc),
        ) from exc
    return data if isinstance(data, dict) else {}


def known_database(config_dir: Path, url: str) -> KnownDatabase | None:
    entry = _read(config_dir / GUARD_FILE).get("databases", {}).get(database_key(url))
    if not isinstance(entry, dict) or "id" not in entry:
        return None
    series = {int(year): int(number) for year, number in (entry.get("series") or {}).items()}
    return KnownDatabase(str(entry["id"]), series)


def remember(config_dir: Path, url: str, known: KnownDatabase) -> None:
    """Keep ``known`` as the record of ``url`` — never lowering a number already recorded (two
    processes of this workstation may record at once: under a lock, the highest wins)."""
    file = config_dir / GUARD_FILE
    with file_lock(file.with_name(file.name + ".lock")):
        data = _read(file)
        databases = data.setdefault("databases", {})
        key = database_key(url)
        entry = databases.get(key) if isinstance(databases.get(key), dict) else None
        if entry is None or entry.get("id") != known.database_id:
            entry = {"id": known.database_id, "series": {}}
        series = {str(y): int(n) for y, n in (entry.get("series") or {}).items()}
        for year, number in known.series.items():
            series[str(year)] = max(number, series.get(str(year), 0))
        entry["series"] = series
        entry["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        databases[key] = entry
        data["version"] = 1
        write_atomically(file, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))


def _way_out(backups_dir: Path | None) -> str:
    where = f" (les sauvegardes sont dans {backups_dir})" if backups_dir else ""
    return (
        " Pour ne jamais donner deux fois le même numéro, Bordereau ne recommence pas une "
        "nouvelle série. Restaurez la dernière sauvegarde : Fichier › Restaurer une "
        f"sauvegarde…, ou « bordereau backup restore »{where}. Les factures émises après "
        "cette sauvegarde sont reprises de leurs archives."
    )


def check_before_opening(
    config_dir: Path, url: str, backups_dir: Path | None = None
) -> KnownDatabase | None:
    """Refuse to create a database file where one that issued invoices was: it was deleted or
    emptied. Returns what is known of it."""
    known = known_database(config_dir, url)
    path = sqlite_path(url)
    if known is None or not known.has_issued or path is None:
        return known
    if not path.exists():
        state = "a disparu"
    elif path.stat().st_size == 0:
        state = "est vide"
    else:
        return known
    raise DatabaseReplacedError(
        f"La base de données de Bordereau ({path}) {state}, alors que ce poste y a émis des "
        f"factures (la dernière : {known.last_issued()})." + _way_out(backups_dir)
    )


def database_id(database: Database) -> str:
    """The database's identity, made once (the first process to open it wins)."""
    with database.session() as session:
        row = session.get(models.SharedSetting, DATABASE_ID_SETTING)
        if row is not None:
            return str(row.value)
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(models.SharedSetting)
            .values(name=DATABASE_ID_SETTING, value=str(uuid.uuid4()), updated_at=datetime.now(UTC))
            .on_conflict_do_nothing(index_elements=["name"])
        )
    with database.session() as session:
        row = session.get(models.SharedSetting, DATABASE_ID_SETTING)
        assert row is not None
        return str(row.value)


def stored_database_id(database: Database) -> str | None:
    with database.session() as session:
        row = session.get(models.SharedSetting, DATABASE_ID_SETTING)
        return None if row is None else str(row.value)


def series_of(database: Database) -> dict[int, int]:
    with database.session() as session:
        rows = session.execute(
            select(models.InvoiceSeries.year, models.InvoiceSeries.last_number)
        ).all()
    return {int(year): int(number) for year, number in rows}


def check_opened(
    config_dir: Path,
    database: Database,
    known: KnownDatabase | None,
    backups_dir: Path | None = None,
) -> KnownDatabase:
    """Refuse a database that is not the one this workstation issued into, or that has lost
    invoices it issued; otherwise record what it holds now (when it is ahead of the record:
    another workstation issued, or a kill came between an issue and its record) and return
    it."""
    series = series_of(database)
    if known is not None and known.has_issued:
        found = stored_database_id(database)
        where = database_key(database.url)
        if found != known.database_id:
            raise DatabaseReplacedError(
                f"La base de données ouverte ({where}) n'est pas celle dans laquelle ce poste a "
                f"émis ses factures (la dernière : {known.last_issued()})." + _way_out(backups_dir)
            )
        behind = sorted(
            year for year, number in known.series.items() if series.get(year, 0) < number
        )
        if behind:
            year = behind[0]
            raise DatabaseReplacedError(
                f"La base de données ({where}) s'arrête à la facture "
                f"{year}-{series.get(year, 0):04d} alors que ce poste a émis jusqu'à "
                f"{year}-{known.series[year]:04d} : elle est plus ancienne que vos factures."
                + _way_out(backups_dir)
            )
    current = KnownDatabase(database_id(database), series)
    if current.has_issued and not _recorded(known, current):
        remember(config_dir, database.url, current)
    return current


def _recorded(known: KnownDatabase | None, current: KnownDatabase) -> bool:
    """The record already says all ``current`` holds."""
    return (
        known is not None
        and known.database_id == current.database_id
        and all(known.series.get(year, 0) >= n for year, n in current.series.items())
    )


def record_issue(config_dir: Path, database: Database, database_id: str, number: str) -> None:
    """After an invoice is issued (its transaction committed): its number, in the record."""
    year, position = number.split("-")
    try:
        remember(config_dir, database.url, KnownDatabase(database_id, {int(year): int(position)}))
    except OSError:
        log.warning("Registre des factures émises non mis à jour (%s)", number, exc_info=True)
