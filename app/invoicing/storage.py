"""Written invoices in the database: drafts, and issuing — a number from the year's series,
the XML and the PDF made and stored, all in one transaction, so that a failure leaves no gap
in the numbering and an issued invoice never changes afterwards."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.db import models
from app.db.engine import Database
from app.errors import ValidationProblem
from app.invoicing.json_form import from_json, to_json
from app.invoicing.model import WrittenInvoice
from app.invoicing.totals import totals_of

DRAFT = "draft"
ISSUED = "issued"


def invoice_to_json(invoice: WrittenInvoice) -> dict[str, Any]:
    return to_json(invoice)


def invoice_from_json(data: object) -> WrittenInvoice:
    """The invoice from its JSON form (the CLI's input, a stored draft); a French message
    naming each wrong field otherwise."""
    return from_json(WrittenInvoice, data, "Facture")


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    id: int
    invoice: WrittenInvoice
    pdf: bytes
    pdf_sha256: str


def save_draft(database: Database, invoice: WrittenInvoice, draft_id: int | None = None) -> int:
    """A draft has no number; saving it again replaces its content."""
    content = invoice_to_json(replace(invoice, number=None))
    with database.session() as session:
        row = session.get(models.WrittenInvoice, draft_id) if draft_id else None
        if row is None:
            row = models.WrittenInvoice(status=DRAFT, content=content)
            session.add(row)
        elif row.status != DRAFT:
            raise ValidationProblem(
                f"La facture {row.number} est émise : elle ne change plus. Pour la corriger, "
                "émettez un avoir."
            )
        row.content = content
        row.document_type = invoice.document_type.value
        row.customer_name = invoice.customer.name[:200]
        row.total_ttc = totals_of(invoice).grand_total
        session.flush()
        return int(row.id)


def load(database: Database, invoice_id: int) -> WrittenInvoice:
    with database.session() as session:
        row = session.get(models.WrittenInvoice, invoice_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        invoice = invoice_from_json(row.content)
        return replace(invoice, number=row.number) if row.number else invoice


def issued_invoice(database: Database, number: str) -> IssuedInvoice:
    """The issued invoice ``number`` with its PDF, as it was issued."""
    with database.session() as session:
        row = session.scalars(
            select(models.WrittenInvoice).where(models.WrittenInvoice.number == number)
        ).first()
        if row is None or row.status != ISSUED or row.pdf_sha256 is None:
            raise ValidationProblem(f"Aucune facture émise ne porte le numéro {number}.")
        stored = session.get(models.StoredFile, row.pdf_sha256)
        assert stored is not None
        invoice = replace(invoice_from_json(row.content), number=row.number)
        return IssuedInvoice(int(row.id), invoice, stored.content, row.pdf_sha256)


def link_deposit(database: Database, written_id: int, deposit_invoice_id: int) -> None:
    """Remember which deposited invoice (the outbox's, followed by the sync) it became."""
    with database.session() as session:
        row = session.get(models.WrittenInvoice, written_id)
        if row is not None:
            row.deposit_invoice_id = deposit_invoice_id


def _next_number(session: Any, year: int) -> int:
    """The next number of ``year``'s series: the row is created if needed, then incremented
    in place — the database serialises concurrent issuers on that row (SQLite: the write
    lock; PostgreSQL: the row lock), and a rolled-back issue gives its number back."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(models.InvoiceSeries)
        .values(year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    number: int = session.execute(
        update(models.InvoiceSeries)
        .where(models.InvoiceSeries.year == year)
        .values(last_number=models.InvoiceSeries.last_number + 1)
        .returning(models.InvoiceSeries.last_number)
    ).scalar_one()
    return number


def number_text(year: int, position: int) -> str:
    return f"{year}-{position:04d}"


def issue(
    database: Database,
    draft_id: int,
    render: Callable[[WrittenInvoice], bytes],
    *,
    on: date,
    credited_id: int | None = None,
) -> IssuedInvoice:
    """Number the draft, dated ``on`` (numbers follow dates: the series is chronological),
    render its PDF (``render`` gets the numbered invoice and may refuse it) and store both,
    in one transaction; issuing an issued invoice again returns it unchanged."""
    with database.session() as session:
        row = session.get(models.WrittenInvoice, draft_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        if row.status == ISSUED:
            stored = session.get(models.StoredFile, row.pdf_sha256)
            invoice = replace(invoice_from_json(row.content), number=row.number)
            assert stored is not None
            return IssuedInvoice(int(row.id), invoice, stored.content, str(row.pdf_sha256))
        draft = invoice_from_json(row.content)
        numbered = replace(
            draft, issue_date=on, number=number_text(on.year, _next_number(session, on.year))
        )
        pdf = render(numbered)
        digest = hashlib.sha256(pdf).hexdigest()
        if session.get(models.StoredFile, digest) is None:
            session.add(models.StoredFile(sha256=digest, size=len(pdf), content=pdf))
        content = invoice_to_json(numbered)
        row.status = ISSUED
        row.number = numbered.number
        row.content = content
        row.content_sha256 = content_hash(content)
        row.pdf_sha256 = digest
        row.credited_id = credited_id
        row.issued_at = datetime.now(UTC)
        session.flush()
        return IssuedInvoice(int(row.id), numbered, pdf, digest)


def issued_numbers(database: Database, year: int) -> list[str]:
    with database.session() as session:
        return list(
            session.scalars(
                select(models.WrittenInvoice.number)
                .where(
                    models.WrittenInvoice.status == ISSUED,
                    models.WrittenInvoice.number.like(f"{year}-%"),
                )
                .order_by(models.WrittenInvoice.number)
            )
        )


@dataclass(frozen=True, slots=True)
class WrittenRow:
    """A line of « Factures écrites »."""

    id: int
    status: str  # draft | issued
    number: str | None
    document_type: str
    customer_name: str
    total_ttc: Decimal
    issued_at: datetime | None
    updated_at: datetime
    deposited: bool


def written_rows(database: Database) -> list[WrittenRow]:
    """Drafts first (the most recent first), then issued invoices by number, newest first."""
    with database.session() as session:
        rows = session.scalars(select(models.WrittenInvoice)).all()
        made = [
            WrittenRow(
                int(row.id),
                row.status,
                row.number,
                row.document_type,
                row.customer_name,
                row.total_ttc,
                row.issued_at,
                row.updated_at,
                row.deposit_invoice_id is not None,
            )
            for row in rows
        ]
    drafts = sorted(
        (r for r in made if r.status == DRAFT), key=lambda r: r.updated_at, reverse=True
    )
    issued = sorted(
        (r for r in made if r.status == ISSUED), key=lambda r: r.number or "", reverse=True
    )
    return drafts + issued
