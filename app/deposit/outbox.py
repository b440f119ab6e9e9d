"""The outbox: an invoice is written with its send order in one transaction, and the sender
records each step, so a killed process or a lost answer never files an invoice twice.

Steps of a deposit entry::

    pending → uploading → uploaded → submitting → done
                                               ↘ refused (Chorus Pro said no: back to draft)

A crash while ``uploading`` uploads again (an unused file on the platform is harmless). A
crash or a lost answer while ``submitting`` leaves the outcome in doubt: the next attempt
looks the number up on the platform before anything is sent again.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.chorus import schemas_transverses as t
from app.chorus.client import ChorusClient
from app.chorus.dates import parse_chorus_date
from app.chorus.errors import BusinessError, ChorusError, PlatformUnavailableError
from app.chorus.submission import submit_once
from app.db import models
from app.db.engine import Database
from app.deposit.mapping import from_row, soumettre_request, to_row
from app.deposit.states import UNFINISHED
from app.domain.invoice import Invoice
from app.prefill.intake import chorus_file_name

log = logging.getLogger(__name__)

WAITING_STATUS = "EN_ATTENTE_ENVOI"  # local: queued, or sent with the answer in doubt
DRAFT_STATUS = "BROUILLON"
RETRY_AFTER = timedelta(minutes=2)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DepositOutcome:
    invoice_id: int
    state: str  # done | refused | waiting
    chorus_invoice_id: int | None = None
    deposit_date: date | None = None
    message: str = ""


def store_file(attachments_dir: Path, source: Path) -> tuple[str, int]:
    """Copy ``source`` into the data folder under its sha256 (atomically); (sha256, size)."""
    digest = hashlib.sha256()
    with source.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    sha256 = digest.hexdigest()
    target = attachments_dir / f"{sha256}.pdf"
    if not target.exists():
        attachments_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=attachments_dir, prefix=".piece-")
        os.close(handle)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    return sha256, target.stat().st_size


class Outbox:
    def __init__(self, database: Database, attachments_dir: Path, environment: str) -> None:
        self.database = database
        self.attachments_dir = attachments_dir
        self.environment = environment

    # --- writing --------------------------------------------------------------------------

    def enqueue(self, invoice: Invoice, pdf: Path) -> int:
        """The invoice, its PDF and its send order, in one transaction; returns the order's
        id (the entry :meth:`send` takes)."""
        sha256, size = store_file(self.attachments_dir, pdf)
        with self.database.session() as session:
            row = models.Invoice(
                local_uid=str(uuid.uuid4()),
                environment=self.environment,
                status=WAITING_STATUS,
                status_at=datetime.now(UTC),
                source_file_sha256=sha256,
            )
            to_row(invoice, row)
            row.attachments = [
                models.Attachment(
                    role="principale",
                    file_name=chorus_file_name(pdf.name),
                    sha256=sha256,
                    size=size,
                    designation=f"Facture {invoice.number}"[:100],
                )
            ]
            session.add(row)
            session.flush()
            entry = models.OutboxEntry(invoice_id=row.id, operation="deposit", state="pending")
            session.add(entry)
            session.flush()
            return entry.id

    def deposited_numbers(self) -> set[str]:
        with self.database.session() as session:
            rows = session.scalars(
                select(models.Invoice.number).where(
                    models.Invoice.environment == self.environment,
                    models.Invoice.status != DRAFT_STATUS,
                )
            )
            return set(rows)

    def unfinished(self) -> list[int]:
        """Entries to (re)send, oldest first: after a restart, or when back online."""
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(models.OutboxEntry.id)
                    .where(models.OutboxEntry.state.in_(UNFINISHED))
                    .order_by(models.OutboxEntry.id)
                )
            )

    def _set(self, entry_id: int, **values: object) -> None:
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            for name, value in values.items():
                setattr(entry, name, value)

    # --- sending ------------------------------------------------------------------------------

    def send(
        self,
        entry_id: int,
        client: ChorusClient,
        supplier_id: int,
        progress: Progress | None = None,
    ) -> DepositOutcome:
        report = progress or (lambda _message: None)
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            row = session.get(models.Invoice, entry.invoice_id)
            assert row is not None
            invoice = from_row(row)
            main = next(a for a in row.attachments if a.role == "principale")
            state, attachment_id = entry.state, entry.chorus_attachment_id
            file_name, sha256, invoice_id = main.file_name, main.sha256, row.id
        try:
            if state in ("pending", "uploading") or attachment_id is None:
                report("Envoi du PDF à Chorus Pro")
                self._set(entry_id, state="uploading")
                content = (self.attachments_dir / f"{sha256}.pdf").read_bytes()
                attachment_id = client.ajouter_fichier(
                    t.AjouterFichierRequest(
                        pieceJointeFichier=base64.b64encode(content).decode("ascii"),
                        pieceJointeNom=file_name,
                        pieceJointeTypeMime="application/pdf",
                        pieceJointeExtension="PDF",
                    )
                ).pieceJointeId
                self._set(entry_id, state="uploaded", chorus_attachment_id=attachment_id)
                state = "uploaded"
            assert attachment_id is not None
            in_doubt = state == "submitting"
            report("Dépôt de la facture")
            with self.database.session() as session:
                entry = session.get(models.OutboxEntry, entry_id)
                assert entry is not None
                entry.state = "submitting"
                entry.attempts += 1
            result = submit_once(
                client,
                soumettre_request(invoice, supplier_id, attachment_id),
                already_attempted=in_doubt,
            )
        except PlatformUnavailableError as exc:
            self._set(
                entry_id,
                last_error=exc.message,
                next_attempt_at=datetime.now(UTC) + RETRY_AFTER,
            )
            log.info("Dépôt %s en attente : %s", invoice.number, exc.details or exc.message)
            return DepositOutcome(invoice_id, "waiting", message=exc.message)
        except BusinessError as exc:
            with self.database.session() as session:
                entry = session.get(models.OutboxEntry, entry_id)
                row = session.get(models.Invoice, invoice_id)
                assert entry is not None and row is not None
                entry.state, entry.last_error = "refused", exc.message
                row.status, row.status_comment = DRAFT_STATUS, exc.message
            return DepositOutcome(invoice_id, "refused", message=exc.message)
        except ChorusError as exc:  # credentials, subscription: the user must act; keep the order
            self._set(entry_id, last_error=exc.message)
            return DepositOutcome(invoice_id, "waiting", message=exc.message)
        deposited = parse_chorus_date(result.deposit_date) or date.today()
        now = datetime.now(UTC)
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            row = session.get(models.Invoice, invoice_id)
            assert entry is not None and row is not None
            entry.state, entry.last_error = "done", None
            row.chorus_invoice_id = result.identifiant_facture_cpp
            row.deposit_date = deposited
            row.status, row.status_at, row.status_comment = result.status, now, None
            row.history.append(
                models.StatusHistory(status=result.status, occurred_at=now, source="local")
            )
        report("Facture déposée")
        return DepositOutcome(
            invoice_id,
            "done",
            result.identifiant_facture_cpp,
            deposited,
            "Retrouvée sur Chorus Pro après une coupure." if result.recovered else "",
        )
