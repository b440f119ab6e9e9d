"""What follows an issue, once its transaction has committed — the number in this
workstation's record (``app/db/guard.py``), the PDF and its content in the archive
(``archive.py``), a backup of the database — and what puts them back together: the archive
copies a kill prevented, the invoices a restored backup predates.

None of these can undo an issue: an issued invoice is issued when its transaction commits.
What fails here is logged and said, and done again at the next start."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.db.engine import Database
from app.invoicing import storage
from app.invoicing.archive import ArchiveConflict, ArchivedInvoice, archive, archived
from app.invoicing.archive import pdf_file_name as archive_name

log = logging.getLogger(__name__)


def archive_issued(database: Database, root: Path, issued: storage.IssuedInvoice) -> Path:
    """Write ``issued`` into the archive and note it in the database."""
    invoice = issued.invoice
    assert invoice.number is not None
    credited_number, credited_lines, issued_at = storage.credit_detail(database, issued.id)
    content = storage.invoice_to_json(invoice)
    name = archive_name(invoice.number, invoice.is_credit_note)
    record = ArchivedInvoice(
        number=invoice.number,
        document_type=invoice.document_type.value,
        content=content,
        content_sha256=storage.content_hash(content),
        pdf_sha256=issued.pdf_sha256,
        issued_at=(issued_at or datetime.now(UTC)).isoformat(),
        credited_number=credited_number,
        credited_lines=credited_lines,
        pdf_path=root / invoice.number.split("-", 1)[0] / name,
    )
    path = archive(root, record, issued.pdf)
    if not database.read_only:
        storage.mark(database, issued.id, archived=True)
    return path


def archive_missing(database: Database, root: Path) -> int:
    """Archive the issued invoices that have no archive copy yet; how many were written."""
    written = 0
    for written_id in storage.unarchived(database):
        issued = storage.issued_by_id(database, written_id)
        if not issued.intact:
            log.error("PDF de %s endommagé dans la base : pas archivé", issued.invoice.number)
            continue
        try:
            archive_issued(database, root, issued)
            written += 1
        except ArchiveConflict:
            log.error("Archive : %s porte déjà un autre document", issued.invoice.number)
    if written:
        log.info("%d facture(s) émise(s) archivée(s) après coup", written)
    return written


def keep_after_issue(
    database: Database,
    *,
    config_dir: Path,
    archive_root: Path,
    backups_dir: Path,
    database_id: str | None,
    issued: storage.IssuedInvoice,
) -> list[str]:
    """The record, the archive, the backup; what could not be done, in French."""
    from app.db.guard import record_issue

    number = issued.invoice.number
    assert number is not None
    problems: list[str] = []
    if database_id is not None:
        record_issue(config_dir, database, database_id, number)
    try:
        archive_issued(database, archive_root, issued)
    except (OSError, ArchiveConflict) as exc:
        log.error("Archive de %s non écrite", number, exc_info=True)
        problems.append(
            f"La copie d'archive de {number} n'a pas pu être écrite dans {archive_root} "
            f"({_reason(exc)}) ; Bordereau la refera au prochain démarrage."
        )
    if database.file is not None:
        from app.db.backups import take_backup

        try:
            take_backup(database.file, backups_dir)
        except (OSError, sqlite3.Error) as exc:
            log.error("Sauvegarde après l'émission de %s impossible", number, exc_info=True)
            problems.append(
                f"La sauvegarde de la base après {number} n'a pas pu être faite dans "
                f"{backups_dir} ({_reason(exc)})."
            )
    return problems


def _reason(exc: BaseException) -> str:
    from app.invoicing.export import os_reason

    return os_reason(exc) if isinstance(exc, OSError) else str(exc)


def take_back_archived(database: Database, root: Path) -> list[str]:
    """Put back into ``database`` every archived invoice it lacks (a restored backup older
    than the last issue); the numbers taken back."""
    records = sorted(archived(root), key=lambda record: record.number)
    taken: list[str] = []
    for record in records:
        pdf = record.pdf()
        if pdf is None:
            log.error("Archive de %s illisible ou modifiée : non reprise", record.number)
            continue
        if storage.take_back(
            database,
            number=record.number,
            document_type=record.document_type,
            content=record.content,
            pdf=pdf,
            pdf_sha256=record.pdf_sha256,
            issued_at=datetime.fromisoformat(record.issued_at),
            credited_number=record.credited_number,
            credited_lines=record.credited_lines,
        ):
            taken.append(record.number)
    if taken:
        log.info("Reprises des archives : %s", ", ".join(taken))
    return taken


def issued_from_archive(root: Path, number: str) -> storage.IssuedInvoice:
    """An issued invoice from its archive record alone (id 0: not in a database)."""
    from app.invoicing.archive import archived_invoice

    for is_credit_note in (False, True):
        record = archived_invoice(root, number, is_credit_note)
        pdf = record.pdf() if record is not None else None
        if record is not None and pdf is not None:
            invoice = storage.invoice_from_json(record.content)
            return storage.IssuedInvoice(0, invoice, pdf, record.pdf_sha256)
    raise storage.NotIssued(f"Aucune facture émise ne porte le numéro {number} dans les archives.")


def listing_from_archive(root: Path, year: int | None = None) -> list[storage.IssuedListing]:
    listed = []
    for record in sorted(archived(root), key=lambda record: record.number):
        if year is not None and not record.number.startswith(f"{year}-"):
            continue
        listed.append(
            storage.listing_of(
                storage.invoice_from_json(record.content),
                number=record.number,
                document_type=record.document_type,
                pdf_sha256=record.pdf_sha256,
                content_sha256=record.content_sha256,
                credited_number=record.credited_number,
                issued_at=datetime.fromisoformat(record.issued_at),
                archived=True,
                exported=False,
                deposited=False,
            )
        )
    return listed


def altered_pdfs(database: Database) -> list[str]:
    """The issued invoices whose PDF in the database no longer has the sha256 it was issued
    with (a disk that damaged the file inside a stored PDF, which SQLite's own check does
    not read)."""
    import hashlib

    from sqlalchemy import select

    from app.db import models

    altered = []
    with database.session() as session:
        rows = session.execute(
            select(
                models.WrittenInvoice.number, models.StoredFile.sha256, models.StoredFile.content
            )
            .join(models.StoredFile, models.StoredFile.sha256 == models.WrittenInvoice.pdf_sha256)
            .where(models.WrittenInvoice.status == storage.ISSUED)
            .execution_options(yield_per=200)
        )
        for number, digest, content in rows:
            if hashlib.sha256(content).hexdigest() != digest:
                altered.append(str(number))
    return altered
