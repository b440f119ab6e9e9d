"""The outbox: an invoice is written with its send order in one transaction, and the sender
records each step, so a killed process or a lost answer never files an invoice twice.

Steps of a deposit entry::

    pending → uploading → uploaded → submitting → done
                                               ↘ refused (Chorus Pro said no: back to draft)
                                               ↘ blocked (this entry cannot go on: its reason)

A crash while ``uploading`` uploads again (an unused file on the platform is harmless). A
crash or a lost answer while ``submitting`` leaves the outcome in doubt: the next attempt
looks the number up on the platform before anything is sent again.

Several processes (the window's sender, ``bordereau outbox``, other workstations on a shared
database) may try the same entries: each one is claimed first by a conditional update
(:mod:`app.deposit.claims`), every step is written only while the claim holds, and a
« done » is never written over.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.chorus import schemas_factures as f
from app.chorus import schemas_transverses as t
from app.chorus.client import ChorusClient
from app.chorus.dates import parse_chorus_date
from app.chorus.errors import (
    BusinessError,
    ChorusError,
    PlatformUnavailableError,
    RequestRejectedError,
)
from app.chorus.submission import (
    SubmittedInvoice,
    find_submitted,
    submit_once,
    submitted_from,
)
from app.db import models
from app.db.engine import Database
from app.deposit.certificate import DepositFacts
from app.deposit.claims import LEASE, Claim, actor, owner_is_gone
from app.deposit.flux_report import FLUX_ENDINGS, FLUX_PENDING, INTEGRATED, flux_failure
from app.deposit.mapping import from_row, soumettre_request, to_row
from app.deposit.states import (
    DEPOSIT,
    DEPOSIT_FLUX,
    DRAFT_STATUS,
    PA_OPERATIONS,
    UNFINISHED,
    WAITING_STATUS,
)
from app.domain.environments import Environment
from app.domain.invoice import AttachmentRef, Invoice
from app.domain.money import format_eur
from app.domain.statuses import status_label
from app.errors import BordereauError, ValidationProblem
from app.files import write_atomically
from app.prefill.intake import chorus_file_name

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=2)
FACTURX_SYNTAX: f.SyntaxeFlux = "IN_DP_E2_CII_FACTURX"
FLUX_POLL_SECONDS = 2.0

# What this process is sending now (entry id → how many senders), and the signal that it is
# closing: a sender that only waits (a flux being integrated) stops waiting, its entry resumes
# at the next start.
_IN_FLIGHT: dict[int, int] = {}
_IN_FLIGHT_LOCK = threading.Lock()
STOPPING = threading.Event()


@contextmanager
def in_flight(entry_id: int) -> Iterator[None]:
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT[entry_id] = _IN_FLIGHT.get(entry_id, 0) + 1
    try:
        yield
    finally:
        with _IN_FLIGHT_LOCK:
            left = _IN_FLIGHT.get(entry_id, 1) - 1
            if left:
                _IN_FLIGHT[entry_id] = left
            else:
                _IN_FLIGHT.pop(entry_id, None)


def sending_now() -> list[int]:
    with _IN_FLIGHT_LOCK:
        return sorted(_IN_FLIGHT)


Progress = Callable[[str], None]


class LeaseLost(Exception):
    """Another sender took the entry over (this one was too slow, or thought dead)."""


@dataclass(frozen=True, slots=True)
class DepositOutcome:
    invoice_id: int
    state: str  # done | refused | waiting | blocked
    chorus_invoice_id: int | None = None
    deposit_date: date | None = None
    message: str = ""


def stored_name(sha256: str, file_name: str) -> str:
    """Files live in the data folder under their sha256, with their own extension."""
    return sha256 + (Path(file_name).suffix.lower() or ".pdf")


def store_file(attachments_dir: Path, source: Path) -> tuple[str, int]:
    """Copy ``source`` into the data folder under its sha256 (atomically); (sha256, size)."""
    digest = hashlib.sha256()
    with source.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    sha256 = digest.hexdigest()
    target = attachments_dir / stored_name(sha256, source.name)
    if not target.exists():
        attachments_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=attachments_dir, prefix=".piece-")
        os.close(handle)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    return sha256, target.stat().st_size


MIME_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".xml": "application/xml",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".zip": "application/zip",
}


def mime_type(file_name: str) -> str:
    return MIME_TYPES.get(Path(file_name).suffix.lower(), "application/octet-stream")


@dataclass(frozen=True, slots=True)
class DraftSummary:
    invoice_id: int
    number: str
    recipient: str
    total_ttc: str
    saved_at: datetime
    note: str | None  # why it is a draft again (Chorus Pro's refusal), if it was sent


class Outbox:
    def __init__(
        self,
        database: Database,
        attachments_dir: Path,
        environment: str,
        flux_wait_seconds: float = 90.0,
    ) -> None:
        self.flux_wait_seconds = flux_wait_seconds
        self.database = database
        self.attachments_dir = attachments_dir
        self.environment = environment

    # --- writing --------------------------------------------------------------------------

    def store(
        self, source: Path, *, designation: str | None = None, type_code: str | None = None
    ) -> AttachmentRef:
        """Keep a copy of ``source`` (the user may move or delete it): in the database, which
        every workstation sharing it reads, and in the data folder as a local cache."""
        sha256, size = store_file(self.attachments_dir, source)
        self._keep_in_database(sha256, self.attachments_dir / stored_name(sha256, source.name))
        return AttachmentRef(chorus_file_name(source.name), sha256, size, designation, type_code)

    def _keep_in_database(self, sha256: str, path: Path) -> None:
        with self.database.session() as session:
            if session.get(models.StoredFile, sha256) is not None:
                return
        content = path.read_bytes()
        try:
            with self.database.session() as session:
                session.add(models.StoredFile(sha256=sha256, size=len(content), content=content))
        except IntegrityError:  # stored by another process at the same moment
            log.debug("Fichier %s déjà en base", sha256)

    def file_path(self, attachment: AttachmentRef) -> Path:
        """The file on this computer, fetched from the database when another workstation
        stored it (or the local cache was cleared)."""
        path = self.attachments_dir / stored_name(attachment.sha256, attachment.file_name)
        if not path.exists():
            with self.database.session() as session:
                stored = session.get(models.StoredFile, attachment.sha256)
                if stored is None:
                    raise ValidationProblem(
                        f"Le fichier « {attachment.file_name} » n'est plus ni dans la base ni "
                        "dans le dossier de Bordereau : joignez-le à nouveau."
                    )
                content = stored.content
            self.attachments_dir.mkdir(parents=True, exist_ok=True)
            write_atomically(path, content)
        return path

    def _write(
        self, session: Session, invoice: Invoice, invoice_id: int | None, status: str
    ) -> models.Invoice:
        row = session.get(models.Invoice, invoice_id) if invoice_id is not None else None
        if row is not None and row.status != DRAFT_STATUS:
            raise ValidationProblem(
                f"La facture {row.number} a déjà été envoyée : elle ne peut plus être modifiée."
            )
        if row is None:
            row = models.Invoice(local_uid=str(uuid.uuid4()), environment=self.environment)
            session.add(row)
        to_row(invoice, row)
        row.status, row.status_at = status, datetime.now(UTC)
        main = invoice.main_attachment
        row.source_file_sha256 = main.sha256 if main else None
        row.attachments = [
            models.Attachment(
                role=role,
                file_name=ref.file_name,
                sha256=ref.sha256,
                size=ref.size,
                mime_type=mime_type(ref.file_name),
                designation=(ref.designation or default)[:100],
                type_code=ref.type_code,
            )
            for role, ref, default in (
                *([("principale", main, f"Facture {invoice.number}")] if main is not None else []),
                *(("complementaire", ref, ref.file_name) for ref in invoice.other_attachments),
            )
        ]
        session.flush()
        return row

    def save_draft(self, invoice: Invoice, draft_id: int | None = None) -> int:
        """Keep the form as it is (nothing is checked); returns the draft's id."""
        with self.database.session() as session:
            return self._write(session, invoice, draft_id, DRAFT_STATUS).id

    def load_draft(self, invoice_id: int) -> Invoice:
        with self.database.session() as session:
            row = session.get(models.Invoice, invoice_id)
            if row is None:
                raise ValidationProblem("Ce brouillon n'existe plus.")
            return from_row(row)

    def drafts(self) -> list[DraftSummary]:
        """The drafts of this environment, the most recent first."""
        with self.database.session() as session:
            rows = session.scalars(
                select(models.Invoice)
                .where(
                    models.Invoice.environment == self.environment,
                    models.Invoice.status == DRAFT_STATUS,
                )
                .order_by(models.Invoice.updated_at.desc())
            )
            return [
                DraftSummary(
                    row.id,
                    row.number,
                    row.recipient_name or row.recipient_siret,
                    format_eur(row.total_ttc),
                    row.updated_at,
                    row.status_comment,
                )
                for row in rows
            ]

    def delete_draft(self, invoice_id: int) -> None:
        with self.database.session() as session:
            row = session.get(models.Invoice, invoice_id)
            if row is not None and row.status == DRAFT_STATUS:
                session.delete(row)

    def enqueue(
        self,
        invoice: Invoice,
        pdf: Path | None = None,
        draft_id: int | None = None,
        operation: str = DEPOSIT,
        claim: Claim | None = None,
        payload: dict[str, object] | None = None,
    ) -> int:
        """The invoice, its files and its send order, in one transaction; returns the order's
        id (the entry :meth:`send` takes). A draft becomes the invoice being sent. With
        ``claim`` the entry is born claimed: no other process takes it before this one sends."""
        if pdf is not None:
            invoice.main_attachment = self.store(pdf)
        with self.database.session() as session:
            row = self._write(session, invoice, draft_id, WAITING_STATUS)
            row.status_comment = None
            row.channel = "pa" if operation in PA_OPERATIONS else "chorus"
            entry = models.OutboxEntry(
                invoice_id=row.id,
                operation=operation,
                state="pending",
                payload=payload or {},
                owner=str(claim) if claim else None,
                lease_until=datetime.now(UTC) + LEASE if claim else None,
            )
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

    def add_entry(
        self,
        invoice_id: int | None,
        operation: str,
        payload: dict[str, object],
        claim: Claim | None = None,
        *,
        received_id: int | None = None,
    ) -> int:
        """A send order about an invoice already known (a lifecycle message about one of the
        user's invoices, or — ``received_id`` — an answer to a supplier's), born claimed with
        ``claim``; returns its id."""
        with self.database.session() as session:
            entry = models.OutboxEntry(
                invoice_id=invoice_id,
                received_id=received_id,
                operation=operation,
                state="pending",
                payload=payload,
                owner=str(claim) if claim else None,
                lease_until=datetime.now(UTC) + LEASE if claim else None,
            )
            session.add(entry)
            session.flush()
            return entry.id

    def unfinished(self, operations: tuple[str, ...] | None = None) -> list[int]:
        """Entries to (re)send, oldest first: after a restart, or when back online; only those
        of ``operations`` (a channel's) when given."""
        query = select(models.OutboxEntry.id).where(models.OutboxEntry.state.in_(UNFINISHED))
        if operations is not None:
            query = query.where(models.OutboxEntry.operation.in_(operations))
        with self.database.session() as session:
            return list(session.scalars(query.order_by(models.OutboxEntry.id)))

    def claim(self, entry_id: int, claim: Claim) -> bool:
        """Take the entry for this sender, atomically: only if it is unfinished and nobody
        holds it (no owner, a lease run out, or an owner on this computer that is gone)."""
        now = datetime.now(UTC)
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            if entry is None or entry.state not in UNFINISHED:
                return False
            owner, lease = entry.owner, entry.lease_until
        held = owner is not None and lease is not None and lease > now
        if held and owner != str(claim) and not owner_is_gone(owner or ""):
            return False
        with self.database.session() as session:
            result = session.execute(
                update(models.OutboxEntry)
                .where(
                    models.OutboxEntry.id == entry_id,
                    models.OutboxEntry.state.in_(UNFINISHED),
                    models.OutboxEntry.owner.is_(None)
                    if owner is None
                    else models.OutboxEntry.owner == owner,
                )
                .values(owner=str(claim), lease_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            return _changed(result) == 1

    def release(self, entry_id: int, claim: Claim) -> None:
        """Let go of the entry (it waits, or it is finished): anyone may take it next."""
        with self.database.session() as session:
            session.execute(
                update(models.OutboxEntry)
                .where(models.OutboxEntry.id == entry_id, models.OutboxEntry.owner == str(claim))
                .values(owner=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )

    def update_held(self, entry_id: int, claim: Claim, **values: object) -> bool:
        """Write ``values`` (and renew the lease) only while this sender holds the unfinished
        entry; False when it does not any more."""
        with self.database.session() as session:
            result = session.execute(
                update(models.OutboxEntry)
                .where(
                    models.OutboxEntry.id == entry_id,
                    models.OutboxEntry.owner == str(claim),
                    models.OutboxEntry.state.in_(UNFINISHED),
                )
                .values(**values, lease_until=datetime.now(UTC) + LEASE)
                .execution_options(synchronize_session=False)
            )
            return _changed(result) == 1

    def record_step(self, entry_id: int, claim: Claim, **values: object) -> None:
        """Record a step, and renew the lease, only while this sender holds the entry."""
        if not self.update_held(entry_id, claim, **values):
            raise LeaseLost(entry_id)

    # --- sending ------------------------------------------------------------------------------

    def _deposit_pdf(
        self,
        entry_id: int,
        claim: Claim,
        client: ChorusClient,
        supplier_id: int,
        report: Progress,
        invoice: Invoice,
        state: str,
        attachment_id: int | None,
        main: tuple[str, str],
        others: list[tuple[int, str, str, int | None]],
    ) -> SubmittedInvoice:
        """ajouter/fichier for each file, then soumettre (reconciled when in doubt)."""
        if state in ("pending", "uploading") or attachment_id is None:
            report("Envoi du PDF à Chorus Pro")
            self.record_step(entry_id, claim, state="uploading")
            attachment_id = self.upload(client, *main)
            self.record_step(entry_id, claim, state="uploaded", chorus_attachment_id=attachment_id)
            state = "uploaded"
        for number, (row_id, other_name, other_sha, chorus_id) in enumerate(others, 1):
            if chorus_id is None:
                report(f"Envoi de la pièce jointe {number}/{len(others)}")
                uploaded = self.upload(client, other_name, other_sha)
                with self.database.session() as session:
                    attachment = session.get(models.Attachment, row_id)
                    assert attachment is not None
                    attachment.chorus_id = uploaded
                invoice.other_attachments[number - 1].chorus_id = uploaded
        in_doubt = state == "submitting"
        report("Dépôt de la facture")
        self._start_submitting(entry_id, claim)
        return submit_once(
            client,
            soumettre_request(invoice, supplier_id, attachment_id),
            already_attempted=in_doubt,
        )

    def _start_submitting(self, entry_id: int, claim: Claim) -> None:
        self.record_step(
            entry_id, claim, state="submitting", attempts=models.OutboxEntry.attempts + 1
        )

    def _deposit_flux(
        self,
        entry_id: int,
        claim: Claim,
        client: ChorusClient,
        supplier_id: int,
        report: Progress,
        number: str,
        state: str,
        flux_number: str | None,
        main: tuple[str, str],
    ) -> SubmittedInvoice | None:
        """deposer/flux once, then the integration report until the flux is integrated
        (the invoice), rejected (``BusinessError`` in French) or still running (None)."""
        if flux_number is None:
            if state == "submitting":  # a flux may have landed before the answer was lost
                found = find_submitted(client, number, supplier_id)
                if found is not None:
                    return submitted_from(found)
            report("Envoi du Factur-X à Chorus Pro")
            self._start_submitting(entry_id, claim)
            file_name, sha256 = main
            content = self._stored_bytes(file_name, sha256)
            answer = client.deposer_flux(
                f.DeposerFluxRequest(
                    fichierFlux=base64.b64encode(content).decode("ascii"),
                    nomFichier=file_name,
                    syntaxeFlux=FACTURX_SYNTAX,
                )
            )
            flux_number = answer.numeroFluxDepot
            if not flux_number:
                raise PlatformUnavailableError(details="deposer/flux sans numéro de flux")
            self.record_step(entry_id, claim, state="flux_deposited", payload={"flux": flux_number})
        deadline = time.monotonic() + self.flux_wait_seconds
        while True:
            report(f"Intégration du flux {flux_number} par Chorus Pro")
            self.record_step(entry_id, claim)  # still here: renew the lease
            outcome = client.consulter_cr_detaille(flux_number, FACTURX_SYNTAX)
            flux_state = outcome.etatCourantDepotFlux or ""
            ending = FLUX_ENDINGS.get(flux_state)
            if flux_state == INTEGRATED or (ending is not None and ending.may_hold_invoice):
                found = find_submitted(client, number, supplier_id)
                if found is not None:
                    return submitted_from(found, recovered=False)
            if ending is not None:
                raise flux_failure(outcome, flux_number)
            if time.monotonic() >= deadline:
                return None
            if STOPPING.wait(FLUX_POLL_SECONDS):  # the window is closing: the entry waits
                return None

    def _stored_bytes(self, file_name: str, sha256: str) -> bytes:
        return self.file_path(AttachmentRef(file_name, sha256, 0)).read_bytes()

    def upload(self, client: ChorusClient, file_name: str, sha256: str) -> int:
        content = self._stored_bytes(file_name, sha256)
        extension = Path(file_name).suffix.lstrip(".").upper() or "PDF"
        answer = client.ajouter_fichier(
            t.AjouterFichierRequest(
                pieceJointeFichier=base64.b64encode(content).decode("ascii"),
                pieceJointeNom=file_name,
                pieceJointeTypeMime=mime_type(file_name),
                pieceJointeExtension=extension,
            )
        )
        if answer.pieceJointeId is None:
            raise PlatformUnavailableError(
                details=f"ajouter/fichier sans identifiant ({file_name})"
            )
        return answer.pieceJointeId

    def send(
        self,
        entry_id: int,
        client: ChorusClient,
        supplier_id: int,
        progress: Progress | None = None,
        claim: Claim | None = None,
    ) -> DepositOutcome | None:
        """Send one entry to the end, or as far as the platform allows. None when another
        sender holds it. ``claim``: the entry is already this sender's (see :meth:`enqueue`).
        Whatever happens to this entry, it is recorded on it and the others can go on."""
        if claim is None:
            claim = Claim.new()
            if not self.claim(entry_id, claim):
                log.info("Envoi %s : déjà pris en charge par un autre envoi", entry_id)
                return None
        try:
            with in_flight(entry_id):
                return self._send_claimed(entry_id, claim, client, supplier_id, progress)
        except LeaseLost:
            log.warning("Envoi %s repris par un autre processus : celui-ci s'arrête", entry_id)
            return None
        finally:
            self.release(entry_id, claim)

    def in_flight_numbers(self) -> list[str]:
        """The invoices this process is sending right now (« facture 2026-0003 »)."""
        with self.database.session() as session:
            said = []
            for entry_id in sending_now():
                entry = session.get(models.OutboxEntry, entry_id)
                if entry is None:
                    continue
                if entry.received_id is not None:
                    received = session.get(models.ReceivedInvoice, entry.received_id)
                    said.append(f"la réponse à la facture {received.number if received else ''}")
                    continue
                row = session.get(models.Invoice, entry.invoice_id)
                said.append(f"la facture {row.number if row else entry_id}")
            return said

    def _send_claimed(
        self,
        entry_id: int,
        claim: Claim,
        client: ChorusClient,
        supplier_id: int,
        progress: Progress | None,
    ) -> DepositOutcome:
        report = progress or (lambda _message: None)
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            row = session.get(models.Invoice, entry.invoice_id)
            assert row is not None
            invoice = from_row(row)
            main = next((a for a in row.attachments if a.role == "principale"), None)
            others = [
                (a.id, a.file_name, a.sha256, a.chorus_id)
                for a in row.attachments
                if a.role == "complementaire"
            ]
            state, attachment_id = entry.state, entry.chorus_attachment_id
            operation, flux_number = entry.operation, (entry.payload or {}).get("flux")
            invoice_id = row.id
        try:
            if main is None:
                raise ValidationProblem("La facture n'a plus de PDF : joignez-le à nouveau.")
            if operation == DEPOSIT_FLUX:
                flux_result = self._deposit_flux(
                    entry_id,
                    claim,
                    client,
                    supplier_id,
                    report,
                    invoice.number,
                    state,
                    flux_number,
                    (main.file_name, main.sha256),
                )
                if flux_result is None:
                    return DepositOutcome(invoice_id, "waiting", message=FLUX_PENDING)
                result = flux_result
            else:
                result = self._deposit_pdf(
                    entry_id,
                    claim,
                    client,
                    supplier_id,
                    report,
                    invoice,
                    state,
                    attachment_id,
                    (main.file_name, main.sha256),
                    others,
                )
        except PlatformUnavailableError as exc:
            self.record_step(
                entry_id,
                claim,
                last_error=exc.message,
                next_attempt_at=datetime.now(UTC) + RETRY_AFTER,
            )
            log.info("Dépôt %s en attente : %s", invoice.number, exc.details or exc.message)
            return DepositOutcome(invoice_id, "waiting", message=exc.message)
        except BusinessError as exc:
            return self._refused(entry_id, claim, invoice_id, exc.message)
        except RequestRejectedError as exc:  # the same request would be turned away again
            log.error("Envoi %s refusé sans réponse métier : %s", entry_id, exc.details)
            return self._blocked(entry_id, claim, invoice_id, invoice.number, exc.message)
        except ChorusError as exc:  # credentials, subscription: the user must act; keep the order
            self.record_step(entry_id, claim, last_error=exc.message)
            return DepositOutcome(invoice_id, "waiting", message=exc.message)
        except (BordereauError, OSError, IntegrityError) as exc:
            log.exception("Envoi %s impossible", entry_id)
            return self._blocked(entry_id, claim, invoice_id, invoice.number, _reason(exc))
        return self._done(entry_id, claim, invoice_id, invoice.number, result, report)

    def _refused(
        self, entry_id: int, claim: Claim, invoice_id: int, message: str
    ) -> DepositOutcome:
        """Chorus Pro said no: the invoice is a draft again, with the platform's reason."""
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            row = session.get(models.Invoice, invoice_id)
            assert entry is not None and row is not None
            if entry.owner != str(claim) or entry.state not in UNFINISHED:
                raise LeaseLost(entry_id)
            entry.state, entry.last_error = "refused", message
            row.status, row.status_comment = DRAFT_STATUS, message
        return DepositOutcome(invoice_id, "refused", message=message)

    def _blocked(
        self, entry_id: int, claim: Claim, invoice_id: int, number: str, reason: str
    ) -> DepositOutcome:
        """This entry cannot go on (not the platform's doing): it is set aside with its reason,
        not retried by itself, and the other entries go on."""
        message = f"La facture {number} ne peut pas partir : {reason}"
        log.error("Envoi %s mis de côté : %s", entry_id, reason)
        self.update_held(entry_id, claim, state="blocked", last_error=message)
        with self.database.session() as session:
            row = session.get(models.Invoice, invoice_id)
            if row is not None and row.status == WAITING_STATUS:
                row.status_comment = message
        return DepositOutcome(invoice_id, "blocked", message=message)

    def _done(
        self,
        entry_id: int,
        claim: Claim,
        invoice_id: int,
        number: str,
        result: SubmittedInvoice,
        report: Progress,
    ) -> DepositOutcome:
        """The platform has it: record its id, once. The platform's answer is the truth, so it
        is written even if the claim ran out meanwhile, but a « done » is never written over."""
        deposited = parse_chorus_date(result.deposit_date) or date.today()
        now = datetime.now(UTC)
        try:
            with self.database.session() as session:
                entry = session.get(models.OutboxEntry, entry_id)
                row = session.get(models.Invoice, invoice_id)
                assert entry is not None and row is not None
                if entry.state != "done":
                    entry.state, entry.last_error = "done", None
                    row.chorus_invoice_id = result.identifiant_facture_cpp
                    row.deposit_date = deposited
                    row.status, row.status_at, row.status_comment = result.status, now, None
                    row.history.append(
                        models.StatusHistory(
                            status=result.status, occurred_at=now, source="local", actor=actor()
                        )
                    )
        except IntegrityError:
            other = self._holder_of(result.identifiant_facture_cpp)
            return self._blocked(
                entry_id,
                claim,
                invoice_id,
                number,
                f"Chorus Pro l'a enregistrée sous l'identifiant {result.identifiant_facture_cpp}, "
                f"que Bordereau connaît déjà pour la facture {other}. Elle n'est pas renvoyée ; "
                "vérifiez-la sur Chorus Pro (Rechercher) avant toute autre action.",
            )
        report("Facture déposée")
        return DepositOutcome(
            invoice_id,
            "done",
            result.identifiant_facture_cpp,
            deposited,
            "Retrouvée sur Chorus Pro après une coupure." if result.recovered else "",
        )

    def _holder_of(self, chorus_invoice_id: int) -> str:
        with self.database.session() as session:
            number = session.scalar(
                select(models.Invoice.number).where(
                    models.Invoice.environment == self.environment,
                    models.Invoice.chorus_invoice_id == chorus_invoice_id,
                )
            )
        return number or "?"

    def waiting(self, entry_id: int, message: str, claim: Claim | None = None) -> DepositOutcome:
        """The platform could not be reached before sending: the order stays queued, free for
        whichever sender comes next."""
        with self.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            entry.last_error = message
            entry.next_attempt_at = datetime.now(UTC) + RETRY_AFTER
            if claim is not None and entry.owner == str(claim):
                entry.owner, entry.lease_until = None, None
            assert entry.invoice_id is not None  # Chorus Pro's entries are about an invoice
            return DepositOutcome(entry.invoice_id, "waiting", message=message)


def _changed(result: object) -> int:
    """Rows an UPDATE changed (``rowcount`` is on the cursor result SQLAlchemy returns)."""
    return int(getattr(result, "rowcount", 0))


def _reason(exc: Exception) -> str:
    if isinstance(exc, BordereauError):
        return exc.message
    if isinstance(exc, OSError):
        return f"un fichier n'a pas pu être lu ({exc.strerror or exc})."
    return "la base de données a refusé l'enregistrement (voir le journal)."


def deposit_facts(
    database: Database, invoice_id: int, supplier_siret: str, supplier_name: str
) -> DepositFacts:
    """What the certificate of deposit states, from the local record."""
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        if row is None or row.chorus_invoice_id is None:
            raise ValidationProblem("Cette facture n'a pas encore été déposée sur Chorus Pro.")
        main = next((a for a in row.attachments if a.role == "principale"), None)
        return DepositFacts(
            number=row.number,
            issue_date=row.issue_date,
            chorus_invoice_id=row.chorus_invoice_id,
            deposit_date=row.deposit_date,
            status_label=status_label(row.status),
            supplier_name=supplier_name,
            supplier_siret=supplier_siret,
            recipient_name=row.recipient_name or "",
            recipient_siret=row.recipient_siret,
            code_service=row.code_service,
            engagement_number=row.engagement_number,
            total_ht=row.total_ht,
            total_tva=row.total_tva,
            total_ttc=row.total_ttc,
            amount_due=row.amount_due,
            currency=row.currency,
            file_name=main.file_name if main else None,
            printed_at=datetime.now().astimezone(),
            demo=row.environment == Environment.DEMO.value,
        )
