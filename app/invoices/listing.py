"""Invoices with their current status, payment deadline and what a late payment owes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import models
from app.db.engine import Database
from app.domain.money import format_amount
from app.domain.text import french_date
from app.files import spreadsheet_csv
from app.invoices.model import InvoiceBasics
from app.payments.deadline import PaymentSchedule, default_deadline_days, payment_schedule
from app.payments.rates import RateTable


@dataclass(frozen=True, slots=True)
class InvoiceSummary(InvoiceBasics):
    """An invoice with its payment deadline and what a late payment owes."""

    schedule: PaymentSchedule


def summarize(row: models.Invoice, today: date, rates: RateTable) -> InvoiceSummary:
    days = row.payment_deadline_days or default_deadline_days(row.recipient_name)
    schedule = payment_schedule(
        [(h.status, h.occurred_at) for h in row.history],
        row.total_ttc,
        deadline_days=days,
        today=today,
        rates=rates,
    )
    return InvoiceSummary(
        id=row.id,
        number=row.number,
        invoice_type=row.invoice_type,
        recipient_name=row.recipient_name or "",
        recipient_siret=row.recipient_siret,
        code_service=row.code_service,
        engagement_number=row.engagement_number,
        issue_date=row.issue_date,
        deposit_date=row.deposit_date,
        status=row.status,
        status_at=row.status_at,
        total_ht=row.total_ht,
        total_ttc=row.total_ttc,
        chorus_invoice_id=row.chorus_invoice_id,
        channel=row.channel,
        pa_flow_id=row.pa_flow_id,
        schedule=schedule,
    )


def list_invoices(
    database: Database,
    environment: str,
    *,
    today: date,
    rates: RateTable,
    status: str | None = None,
) -> list[InvoiceSummary]:
    """Newest deposits first; drafts and waiting invoices (no deposit date) on top."""
    query = (
        select(models.Invoice)
        .where(models.Invoice.environment == environment)
        .options(selectinload(models.Invoice.history))
        .order_by(models.Invoice.deposit_date.desc().nulls_first(), models.Invoice.id.desc())
    )
    if status:
        query = query.where(models.Invoice.status == status)
    with database.session() as session:
        return [summarize(row, today, rates) for row in session.scalars(query)]


def summaries_of(
    database: Database, ids: list[int], *, today: date, rates: RateTable, chunk: int = 500
) -> Iterator[InvoiceSummary]:
    """The summaries of ``ids``, in that order (a list as the user sorted it)."""
    for start in range(0, len(ids), chunk):
        wanted = ids[start : start + chunk]
        query = (
            select(models.Invoice)
            .where(models.Invoice.id.in_(wanted))
            .options(selectinload(models.Invoice.history))
        )
        with database.session() as session:
            found = {row.id: summarize(row, today, rates) for row in session.scalars(query)}
        yield from (found[invoice_id] for invoice_id in wanted if invoice_id in found)


CSV_HEADERS = (
    "Numéro",
    "Type",
    "Destinataire",
    "SIRET destinataire",
    "Code service",
    "Numéro d'engagement",
    "Date de facture",
    "Date de dépôt",
    "État courant",
    "Date de l'état",
    "Montant HT",
    "Montant TTC",
    "Échéance de paiement",
    "Jours de retard",
    "Intérêts moratoires",
    "Indemnité forfaitaire",
)


def _amount(value: Decimal) -> str:
    return format_amount(value, "")


def write_csv(invoices: Iterable[InvoiceSummary], stream: IO[str]) -> None:
    """CSV that LibreOffice and Excel open as they are: UTF-8 with BOM, « ; », French
    decimals and dates (the caller opens ``stream`` with ``newline=""``)."""
    writer = spreadsheet_csv(stream)
    writer.writerow(CSV_HEADERS)
    for item in invoices:
        schedule = item.schedule
        writer.writerow(
            (
                item.number,
                "Avoir" if item.invoice_type == "AVOIR" else "Facture",
                item.recipient_name,
                item.recipient_siret,
                item.code_service or "",
                item.engagement_number or "",
                french_date(item.issue_date),
                french_date(item.deposit_date),
                item.status_label,
                french_date(item.status_at),
                _amount(item.total_ht),
                _amount(item.total_ttc),
                french_date(schedule.due_on),
                str(schedule.days_late) if schedule.days_late else "",
                _amount(schedule.interest) if schedule.days_late else "",
                _amount(schedule.indemnity) if schedule.days_late else "",
            )
        )
