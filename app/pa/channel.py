"""An issued invoice to a company, through the user's Plateforme Agréée: the customer looked
up in the reform's directory first (said before sending when it cannot be reached), then
the Factur-X queued and sent through the exactly-once outbox (``app/pa/sending.py``).

The flow's ``trackingId`` is the issued PDF's sha256: chosen before the first attempt, the
same whatever happens to this process or this database row, so that the platform's record
of it is always found again instead of sent twice."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.db import models
from app.deposit.claims import Claim
from app.deposit.outbox import DepositOutcome, Outbox
from app.deposit.states import DRAFT_STATUS, PA_FLOW, PA_LIFECYCLE, PA_OPERATIONS, UNFINISHED
from app.domain.lifecycle import ENCAISSEE, REFUSEE, REJETEE, pa_status
from app.errors import ValidationProblem
from app.invoicing.model import CustomerKind
from app.invoicing.storage import IssuedInvoice, link_deposit
from app.invoicing.to_chorus import deposit_invoice
from app.pa.cdar import LifecycleMessage, PaidAmount, Party, checked, write_seller_status
from app.pa.client import DirectoryLine, PaClient, PaError
from app.pa.sending import PlatformSender, status_entry

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Reachability:
    """What the directory says of a customer: the line an invoice would go to, if any."""

    reachable: bool
    line: DirectoryLine | None
    message: str


def customer_reachability(client: PaClient, issued: IssuedInvoice) -> Reachability:
    customer = issued.invoice.customer
    siren = customer.identifier_siren
    if not siren:
        return Reachability(
            False,
            None,
            f"{customer.name} n'a pas de SIREN : une facture électronique ne peut lui être "
            "adressée que par son SIREN (complétez le client).",
        )
    lines = client.directory_lines(siren=siren)
    if customer.routing_code:
        routed = [line for line in lines if line.routing == customer.routing_code]
        lines = routed or lines
    enabled = [line for line in lines if line.reachable]
    if enabled:
        return Reachability(True, enabled[0], "")
    if not lines:
        message = (
            f"L'annuaire de la réforme ne connaît pas {customer.name} (SIREN {siren}) : "
            "elle ne peut pas encore recevoir de factures électroniques. Vérifiez le SIREN, "
            "ou envoyez-lui le PDF (« Enregistrer le PDF… ») et renvoyez quand elle sera "
            "inscrite."
        )
    else:
        message = (
            f"{customer.name} (SIREN {siren}) figure dans l'annuaire mais ne reçoit pas encore "
            f"de factures électroniques (ligne « {lines[0].status} ») : envoyez-lui le PDF et "
            "renvoyez quand sa ligne sera active."
        )
    return Reachability(False, lines[0] if lines else None, message)


def queued_entry(outbox: Outbox, number: str) -> tuple[int, int] | None:
    """(invoice row, unfinished entry) when ``number`` is already queued for the PA."""
    with outbox.database.session() as session:
        found = session.execute(
            select(models.Invoice.id, models.OutboxEntry.id)
            .join(models.OutboxEntry, models.OutboxEntry.invoice_id == models.Invoice.id)
            .where(
                models.Invoice.number == number,
                models.Invoice.channel == "pa",
                models.Invoice.status != DRAFT_STATUS,
                models.OutboxEntry.operation == PA_FLOW,
                models.OutboxEntry.state.in_(UNFINISHED),
            )
        ).first()
    return (found[0], found[1]) if found else None


def send_issued(
    outbox: Outbox,
    client: PaClient,
    issued: IssuedInvoice,
    pdf_name: str,
    progress: Progress | None = None,
) -> DepositOutcome:
    """Queue the issued invoice for the PA (once) and send it."""
    number = issued.invoice.number or ""
    if issued.invoice.customer.kind is CustomerKind.PUBLIC:
        raise ValidationProblem(
            f"{number} est adressée à une structure publique : elle part sur Chorus Pro."
        )
    sender = PlatformSender(outbox, client)
    already = queued_entry(outbox, number)
    if already is not None:  # a send interrupted, or queued offline: take it up again
        outcome = sender.send(already[1], progress)
        return outcome or DepositOutcome(already[0], "waiting", message=_TAKEN)
    if _already_sent(outbox, issued.id):
        raise ValidationProblem(
            f"La facture {number} a déjà été envoyée : suivez-la dans Rechercher."
        )
    report = progress or (lambda _message: None)
    report("Recherche du client dans l'annuaire")
    try:
        found = customer_reachability(client, issued)
    except PaError as exc:
        if not (exc.answer_lost or exc.status >= 500):
            raise
        log.info("Annuaire injoignable, la facture attend : %s", exc.message)
    else:
        if not found.reachable:
            raise ValidationProblem(found.message)
    claim = Claim.new()
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / pdf_name
        pdf.write_bytes(issued.pdf)
        entry_id = outbox.enqueue(
            deposit_invoice(issued.invoice),
            pdf,
            None,
            PA_FLOW,
            claim=claim,
            payload={"tracking_id": issued.pdf_sha256},
        )
    invoice_id = _invoice_of(outbox, entry_id)
    link_deposit(outbox.database, issued.id, invoice_id)
    outcome = sender.send(entry_id, progress, claim=claim)
    return outcome or DepositOutcome(invoice_id, "waiting", message=_TAKEN)


_TAKEN = "Son envoi est en cours sur un autre poste ou dans une autre fenêtre."


def _already_sent(outbox: Outbox, written_id: int) -> bool:
    with outbox.database.session() as session:
        row = session.get(models.WrittenInvoice, written_id)
        return row is not None and row.deposit_invoice_id is not None


def _invoice_of(outbox: Outbox, entry_id: int) -> int:
    with outbox.database.session() as session:
        entry = session.get(models.OutboxEntry, entry_id)
        assert entry is not None and entry.invoice_id is not None
        return entry.invoice_id


def resume(
    outbox: Outbox, client: PaClient, progress: Progress | None = None
) -> list[DepositOutcome]:
    """Send what waits for the PA: after a restart, or when the platform answers again."""
    sender = PlatformSender(outbox, client)
    outcomes = []
    for entry_id in outbox.unfinished(PA_OPERATIONS):
        outcome = sender.send(entry_id, progress)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


@dataclass(frozen=True, slots=True)
class StatusSent:
    """A lifecycle status Bordereau sent about one of its invoices (« invoice paid »)."""

    number: str
    code: str
    state: str  # done | waiting | blocked
    message: str
    tracking_id: str


def _sent_row(outbox: Outbox, written_id: int, number: str) -> tuple[int, str, str]:
    """(invoice row, its local uid, its status) of the issued invoice sent to the PA."""
    with outbox.database.session() as session:
        written = session.get(models.WrittenInvoice, written_id)
        row = (
            session.get(models.Invoice, written.deposit_invoice_id)
            if written is not None and written.deposit_invoice_id is not None
            else None
        )
        if row is None or row.channel != "pa" or row.pa_flow_id is None:
            raise ValidationProblem(
                f"La facture {number} n'a pas été envoyée par la plateforme agréée : "
                "son encaissement n'a pas à lui être déclaré (envoyez-la d'abord)."
            )
        return row.id, row.local_uid, row.status


def paid_message(issued: IssuedInvoice, paid_on: date | None) -> LifecycleMessage:
    """The seller's « Encaissée » (212): what was received, TTC per VAT rate."""
    from app.einvoice.reform import electronic_address
    from app.invoicing.totals import totals_of

    invoice = issued.invoice
    seller, customer = invoice.seller, invoice.customer
    totals = totals_of(invoice)
    paid = tuple(PaidAmount(part.basis + part.tax, part.rate) for part in totals.breakdown) or (
        PaidAmount(totals.grand_total, Decimal(0)),
    )
    siren = customer.identifier_siren or ""
    at = datetime.combine(paid_on, time(12), tzinfo=UTC) if paid_on else datetime.now(UTC)
    return LifecycleMessage(
        code=ENCAISSEE,
        invoice_number=invoice.number or "",
        invoice_date=invoice.issue_date,
        invoice_type=invoice.document_type.value,
        seller=Party(seller.siren, seller.legal_name, seller.address_for_invoices),
        buyer=Party(
            siren,
            customer.name,
            customer.electronic_address
            or electronic_address(siren, customer.siret, customer.routing_code),
        ),
        at=at,
        paid=paid,
    )


def record_paid(
    outbox: Outbox,
    client: PaClient,
    issued: IssuedInvoice,
    paid_on: date | None,
    progress: Progress | None = None,
) -> StatusSent:
    """Tell the customer's side the invoice is « Encaissée », once: the message is checked by
    the official XSD and BR-FR-CDV, queued, then sent through the outbox."""
    number = issued.invoice.number or ""
    if paid_on is not None and paid_on > date.today():
        raise ValidationProblem(f"La date d'encaissement ({paid_on:%d/%m/%Y}) est dans le futur.")
    invoice_id, local_uid, status = _sent_row(outbox, issued.id, number)
    tracking_id = f"{ENCAISSEE}-{local_uid}"
    existing = status_entry(outbox, PA_LIFECYCLE, tracking_id, invoice_id=invoice_id)
    sender = PlatformSender(outbox, client)
    if existing is not None and existing[1] == "done":
        return StatusSent(
            number,
            ENCAISSEE,
            "done",
            f"La facture {number} est déjà déclarée encaissée.",
            tracking_id,
        )
    if existing is None:
        if status in (pa_status(code) for code in (REFUSEE, REJETEE)):
            raise ValidationProblem(
                f"La facture {number} a été refusée ou rejetée : elle ne peut pas être "
                "encaissée (faites un avoir et une nouvelle facture)."
            )
        message = paid_message(issued, paid_on)
        xml = checked(write_seller_status(message, sent_to_platform_at=datetime.now(UTC)))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"CDV_{number}_{ENCAISSEE}.xml"
            path.write_bytes(xml)
            stored = outbox.store(path)
        claim = Claim.new()
        entry_id = outbox.add_entry(
            invoice_id,
            PA_LIFECYCLE,
            {
                "tracking_id": tracking_id,
                "file_name": stored.file_name,
                "sha256": stored.sha256,
                "status": ENCAISSEE,
            },
            claim,
        )
        outcome = sender.send(entry_id, progress, claim=claim)
    else:
        outcome = sender.send(existing[0], progress)
    if outcome is None:
        return StatusSent(number, ENCAISSEE, "waiting", _TAKEN, tracking_id)
    said = {
        "done": f"Facture {number} déclarée encaissée auprès de la plateforme agréée.",
        "waiting": f"Encaissement de la facture {number} en attente d'envoi : {outcome.message}",
    }.get(outcome.state, outcome.message)
    return StatusSent(number, ENCAISSEE, outcome.state, said, tracking_id)
