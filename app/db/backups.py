"""Copies of the SQLite database, and getting one back.

A copy is taken through SQLite's online backup (consistent while other processes write) to a
temporary name, then renamed: a kill never leaves half a backup under a backup's name. They
are taken after each issued invoice and once a day, and rotated: the newest of each of the
last 30 days and the newest of each of the last 12 months are kept. A PostgreSQL database is
the office's: its own backups apply (``pg_dump``)."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.db.integrity import damage_of
from app.errors import BordereauError, EnvironmentProblem
from app.files import remove_leftover_temporaries

log = logging.getLogger(__name__)

AUTOMATIC_PREFIX = "auto-"
KEEP_DAILY = 30
KEEP_MONTHLY = 12
DAILY = timedelta(days=1)
_STAMP = "%Y%m%d-%H%M%S-%f"
_AUTOMATIC = re.compile(r"^auto-(\d{8}-\d{6}-\d{6})\.sqlite3$")
BEFORE_RESTORE_PREFIX = "avant-restauration-"
PG_DUMP_LINE = "pg_dump -Fc -f bordereau-$(date +%F).dump <adresse de la base>"


class RestoreRefused(BordereauError):
    title = "Restauration impossible"


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of ``source`` at ``target``, whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part.bordereau-tmp")
    try:
        src = sqlite3.connect(source, timeout=30)
        try:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        if os.name == "posix":
            temporary.chmod(0o600)
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    size: int
    automatic: bool

    def last_invoices(self) -> dict[int, int]:
        """Each year's last issued number in this copy (empty when unreadable)."""
        try:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                rows = connection.execute("SELECT year, last_number FROM invoice_series").fetchall()
            finally:
                connection.close()
        except sqlite3.Error:
            return {}
        return {int(year): int(number) for year, number in rows}

    def last_invoice(self) -> str | None:
        series = {year: n for year, n in self.last_invoices().items() if n > 0}
        if not series:
            return None
        year = max(series)
        return f"{year}-{series[year]:04d}"


def list_backups(folder: Path) -> list[Backup]:
    """Every copy in ``folder`` (automatic ones and those taken before an upgrade or a
    restore), newest first."""
    found: list[Backup] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if not entry.name.endswith(".sqlite3") or entry.name.startswith("."):
            continue
        try:
            stat = entry.stat()
        except OSError:
            continue
        match = _AUTOMATIC.match(entry.name)
        taken = (
            datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            if match
            else datetime.fromtimestamp(stat.st_mtime, UTC)
        )
        found.append(Backup(Path(entry.path), taken, stat.st_size, match is not None))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def take_backup(database_file: Path, folder: Path, *, now: datetime | None = None) -> Path:
    """An automatic copy of ``database_file`` in ``folder``, then the rotation."""
    now = now or datetime.now(UTC)
    remove_leftover_temporaries(folder)
    target = copy_database(
        database_file, folder / f"{AUTOMATIC_PREFIX}{now.strftime(_STAMP)}.sqlite3"
    )
    rotate(folder)
    return target


def rotate(folder: Path) -> list[Path]:
    """Keep the newest automatic copy of each of the last 30 days and of the last 12 months;
    delete the other automatic copies (the others are the user's to delete)."""
    automatic = [backup for backup in list_backups(folder) if backup.automatic]
    keep: set[Path] = set()
    days: list[str] = []
    months: list[str] = []
    for backup in automatic:  # newest first
        day = backup.taken_at.strftime("%Y-%m-%d")
        month = backup.taken_at.strftime("%Y-%m")
        if day not in days and len(days) < KEEP_DAILY:
            days.append(day)
            keep.add(backup.path)
        if month not in months and len(months) < KEEP_MONTHLY:
            months.append(month)
            keep.add(backup.path)
    removed = []
    for backup in automatic:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def backup_due(folder: Path, *, now: datetime | None = None) -> bool:
    """No automatic copy in the last day."""
    now = now or datetime.now(UTC)
    latest = next((backup for backup in list_backups(folder) if backup.automatic), None)
    return latest is None or now - latest.taken_at >= DAILY


def before_restore_copy(folder: Path) -> Path:
    """Where the database in place is kept when another one takes its place."""
    return folder / f"{BEFORE_RESTORE_PREFIX}{datetime.now(UTC).strftime(_STAMP)}.sqlite3"


def remove_companions(database_file: Path) -> None:
    """SQLite's files beside a database (its journal, its WAL): they belong to the file that
    is being replaced."""
    for companion in ("-wal", "-shm", "-journal"):
        database_file.with_name(database_file.name + companion).unlink(missing_ok=True)


def restore(backup: Path, database_file: Path, folder: Path) -> Path | None:
    """Put ``backup`` in place of ``database_file`` (no Bordereau may have it open). The file
    replaced, if any, is kept as « avant-restauration-… » in ``folder``; returns that copy.
    The backup is checked first: a damaged copy is refused and nothing changes."""
    if not backup.is_file():
        raise RestoreRefused(f"La sauvegarde {backup} n'existe pas.")
    damage = damage_of(backup)
    if damage is not None:
        raise RestoreRefused(
            f"La sauvegarde {backup.name} est elle-même endommagée ({damage}) : choisissez-en "
            "une autre. Rien n'a été modifié."
        )
    kept: Path | None = None
    stamp = datetime.now(UTC).strftime(_STAMP)
    if database_file.exists() and database_file.stat().st_size > 0:
        kept = before_restore_copy(folder)
        try:
            copy_database(database_file, kept)
        except sqlite3.DatabaseError:  # too damaged to be read by SQLite: the bytes, as they are
            import shutil

            shutil.copyfile(database_file, kept)
    try:
        placed = copy_database(backup, database_file.with_name(f".restauration-{stamp}.sqlite3"))
        remove_companions(database_file)
        os.replace(placed, database_file)
    except OSError as exc:
        raise EnvironmentProblem(
            f"La sauvegarde n'a pas pu être remise en place ({exc.strerror or exc}). La base "
            f"actuelle est inchangée{f' (copie : {kept})' if kept else ''}."
        ) from exc
    log.info("Base restaurée depuis %s (ancienne base gardée : %s)", backup, kept)
    return kept
