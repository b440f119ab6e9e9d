"""Getting the database back: a backup put in place (``app/db/backups.py``), then every
invoice issued since that backup taken back from the archive, so that no issued invoice is
lost and no number is given twice. Without any backup, the archive alone rebuilds the
invoices (the rest — deposits, follow-up — comes back with the next synchronisation)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import update

from app.db import models
from app.db.backups import (
    PG_DUMP_LINE,
    RestoreRefused,
    before_restore_copy,
    copy_database,
    remove_companions,
    restore,
)
from app.db.engine import Database, sqlite_path
from app.db.guard import DATABASE_ID_SETTING, known_database, series_of, stored_database_id
from app.db.migrate import upgrade_database
from app.db.shared import set_shared_setting
from app.invoicing.keeping import take_back_archived

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RestoreReport:
    replaced_copy: Path | None  # the database that was in place, kept
    taken_back: list[str] = field(default_factory=list)  # from the archive
    lost: list[str] = field(default_factory=list)  # issued, in neither the backup nor archive
    last_number: str | None = None

    def message(self) -> str:
        parts = ["La base de données est restaurée."]
        if self.taken_back:
            parts.append(
                f"{len(self.taken_back)} facture(s) émise(s) depuis la sauvegarde ont été "
                f"reprises des archives ({', '.join(self.taken_back[:5])}"
                f"{'…' if len(self.taken_back) > 5 else ''})."
            )
        if self.lost:
            parts.append(
                "Introuvables dans la sauvegarde comme dans les archives : "
                f"{', '.join(self.lost)} ; ces numéros ne seront pas redonnés."
            )
        if self.last_number:
            parts.append(f"Dernière facture émise : {self.last_number}.")
        if self.replaced_copy:
            parts.append(f"L'ancienne base est gardée dans {self.replaced_copy}.")
        return " ".join(parts)


def restore_database(
    backup: Path | None,
    *,
    database_url: str,
    backups_dir: Path,
    archive_root: Path,
    config_dir: Path,
) -> RestoreReport:
    file = sqlite_path(database_url)
    if file is None:
        raise RestoreRefused(
            "Une base PostgreSQL partagée se restaure avec les sauvegardes du bureau "
            f"(« {PG_DUMP_LINE} », puis « pg_restore »), pas depuis Bordereau."
        )
    known = known_database(config_dir, database_url)
    if backup is not None:
        _refuse_foreign(backup, known.database_id if known else None)
        replaced = restore(backup, file, backups_dir)
    elif _sound(file):  # older, not damaged: the archive completes it where it is
        replaced = copy_database(file, before_restore_copy(backups_dir))
    else:
        replaced = _set_aside(file, backups_dir)
    database = Database(database_url)
    try:
        upgrade_database(database, backups_dir)
        if known is not None and stored_database_id(database) is None:
            set_shared_setting(database, DATABASE_ID_SETTING, known.database_id)
        taken = take_back_archived(database, archive_root)
        _seller_from_archive(database, archive_root)
        lost = _never_reuse(database, known.series if known else {})
        series = {year: n for year, n in series_of(database).items() if n > 0}
        last = f"{max(series)}-{series[max(series)]:04d}" if series else None
    finally:
        database.dispose()
    report = RestoreReport(replaced, taken, lost, last)
    log.info("%s", report.message())
    return report


def _refuse_foreign(backup: Path, database_id: str | None) -> None:
    """A backup of another database (another business's, another data folder's) would give
    its numbers again."""
    import sqlite3

    if database_id is None:
        return
    try:
        connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT value FROM shared_settings WHERE name = ?", (DATABASE_ID_SETTING,)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        row = None
    found = None if row is None else str(row[0]).strip('"')
    if found is not None and found != database_id:
        raise RestoreRefused(
            f"La sauvegarde {backup.name} est celle d'une autre base de données que celle où "
            "ce poste émet ses factures : la restaurer redonnerait des numéros déjà émis. "
            "Rien n'a été modifié."
        )


def _sound(file: Path) -> bool:
    from app.db.integrity import damage_of

    return file.exists() and file.stat().st_size > 0 and damage_of(file) is None


def _set_aside(file: Path, backups_dir: Path) -> Path | None:
    """No backup: what is in place (if anything) is kept aside, and the archive rebuilds."""
    if not file.exists():
        return None
    if file.stat().st_size == 0:
        file.unlink()
        return None
    backups_dir.mkdir(parents=True, exist_ok=True)
    kept = before_restore_copy(backups_dir)
    os.replace(file, kept)
    remove_companions(file)
    return kept


def _never_reuse(database: Database, known: dict[int, int]) -> list[str]:
    """Numbers this workstation issued that neither the backup nor the archive holds: the
    series goes past them all the same."""
    from app.invoicing.storage import issued_numbers, number_text

    lost: list[str] = []
    current = series_of(database)
    for year, number in sorted(known.items()):
        if current.get(year, 0) >= number:
            continue
        present = set(issued_numbers(database, year))
        lost += [
            number_text(year, n)
            for n in range(current.get(year, 0) + 1, number + 1)
            if number_text(year, n) not in present
        ]
        with database.session() as session:
            from app.invoicing.storage import ensure_series

            ensure_series(session, year)
            session.execute(
                update(models.InvoiceSeries)
                .where(models.InvoiceSeries.year == year)
                .values(last_number=number)
            )
    if lost:
        log.error("Factures émises introuvables après restauration : %s", ", ".join(lost))
    return lost


def _seller_from_archive(database: Database, archive_root: Path) -> None:
    """A database rebuilt from the archive alone has no invoicing profile: the seller of the
    last archived invoice is the user's."""
    from app.db.shared import shared_setting
    from app.invoicing.archive import archived
    from app.invoicing.service import PROFILE_SETTING

    if shared_setting(database, PROFILE_SETTING) is not None:
        return
    records = sorted(archived(archive_root), key=lambda record: record.number)
    if records:
        set_shared_setting(database, PROFILE_SETTING, records[-1].content["seller"])
