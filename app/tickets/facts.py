"""What the database knows about an invoice that a sollicitation should state."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import selectinload

from app.db import models
from app.db.engine import Database
from app.domain.statuses import InvoiceStatus
from app.errors import ValidationProblem
from app.invoices.actions import COMPLETION_ROLE
from app.invoices.listing import summarize
from app.payments.rates import RateTable
from app.tickets.templates import StatusEvent, TicketFacts


def _last(history: list[models.StatusHistory], status: str) -> models.StatusHistory | None:
    found = [event for event in history if event.status == status]
    return found[-1] if found else None


def _event(entry: models.StatusHistory | None) -> StatusEvent | None:
    if entry is None:
        return None
    return StatusEvent(entry.occurred_at.astimezone().date(), entry.comment)


def invoice_facts(
    database: Database, invoice_id: int, *, today: date, rates: RateTable
) -> TicketFacts:
    with database.session() as session:
        row = session.get(
            models.Invoice,
            invoice_id,
            options=[
                selectinload(models.Invoice.history),
                selectinload(models.Invoice.attachments),
            ],
        )
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        supplier = (
            session.get(models.SupplierStructure, row.supplier_structure_id)
            if row.supplier_structure_id
            else None
        )
        history = list(row.history)
        suspension = _last(history, InvoiceStatus.SUSPENDUE)
        completion = None
        complements: tuple[str, ...] = ()
        if suspension is not None:
            after = [e for e in history if e.occurred_at >= suspension.occurred_at]
            completion = _last(after, InvoiceStatus.COMPLETEE)
            complements = tuple(
                item.file_name for item in row.attachments if item.role == COMPLETION_ROLE
            )
        rejection = _last(history, InvoiceStatus.REJETEE)
        if rejection is None and row.status == InvoiceStatus.REJETEE and row.status_at is not None:
            rejection_event: StatusEvent | None = StatusEvent(
                row.status_at.astimezone().date(), row.status_comment
            )
        else:
            rejection_event = _event(rejection)
            if (
                rejection_event is not None
                and not rejection_event.comment
                and row.status == InvoiceStatus.REJETEE
                and row.status_comment
            ):
                rejection_event = StatusEvent(rejection_event.on, row.status_comment)
        return TicketFacts(
            invoice=summarize(row, today, rates),
            today=today,
            supplier_siret=supplier.siret if supplier else "",
            supplier_name=(supplier.name or "") if supplier else "",
            chorus_number=row.chorus_number,
            rejection=rejection_event,
            suspension=_event(suspension),
            completion=_event(completion),
            complements=complements,
        )
