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

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from app.db import models
from app.db.engine import Database
from app.errors import ValidationProblem
from app.invoicing.json_form import from_json, to_json
from app.invoicing.model import WrittenInvoice
from app.invoicing.totals import totals_of
from app.invoicing.values import MAX_TOTAL

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
    problems: tuple[str, ...] = ()  # what failed after the issue (archive, backup), in French
    warnings: tuple[str, ...] = ()  # the official rules' warnings (said, never blocking)

    @property
    def intact(self) -> bool:
        """The PDF's bytes are those that were issued."""
        return hashlib.sha256(self.pdf).hexdigest() == self.pdf_sha256


def save_draft(
    database: Database,
    invoice: WrittenInvoice,
    draft_id: int | None = None,
    *,
    reuse_same: bool = False,
) -> int:
    """A draft has no number; saving it again replaces its content. ``reuse_same``: a draft
    with the very same content is taken instead of a new one (an issue killed or refused
    halfway, tried again, leaves one draft, not one per try)."""
    content = invoice_to_json(replace(invoice, number=None))
    digest = content_hash(content)
    with database.session() as session:
        row = session.get(models.WrittenInvoice, draft_id) if draft_id else None
        if row is None and reuse_same:
            row = session.scalars(
                select(models.WrittenInvoice).where(
                    models.WrittenInvoice.status == DRAFT,
                    models.WrittenInvoice.content_sha256 == digest,
                )
            ).first()
        if row is None:
            row = models.WrittenInvoice(status=DRAFT, content=content)
            session.add(row)
        elif row.status != DRAFT:
            raise ValidationProblem(
                f"La facture {row.number} est émise : elle ne change plus. Pour la corriger, "
                "émettez un avoir."
            )
        row.content = content
        row.content_sha256 = digest
        row.document_type = invoice.document_type.value
        row.customer_name = invoice.customer.name[:200]
        total = totals_of(invoice).grand_total
        row.total_ttc = total if abs(total) <= MAX_TOTAL else Decimal(0)  # refused at issue
        session.flush()
        return int(row.id)


def draft_count(database: Database) -> int:
    with database.session() as session:
        return int(
            session.scalar(select(func.count()).where(models.WrittenInvoice.status == DRAFT)) or 0
        )


def delete_draft(database: Database, draft_id: int) -> None:
    """Forget a draft (an issued invoice is never deleted)."""
    with database.session() as session:
        row = session.get(models.WrittenInvoice, draft_id)
        if row is not None and row.status == DRAFT:
            session.delete(row)


def load(database: Database, invoice_id: int) -> WrittenInvoice:
    with database.session() as session:
        row = session.get(models.WrittenInvoice, invoice_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        invoice = invoice_from_json(row.content)
        return replace(invoice, number=row.number) if row.number else invoice


class NotIssued(ValidationProblem):
    """No issued invoice has this number."""


def issued_invoice(database: Database, number: str) -> IssuedInvoice:
    """The issued invoice ``number`` with its PDF as stored (the caller checks its sha256:
    ``IssuedInvoice.intact``)."""
    with database.session() as session:
        row = session.scalars(
            select(models.WrittenInvoice).where(models.WrittenInvoice.number == number)
        ).first()
        if row is None or row.status != ISSUED or row.pdf_sha256 is None:
            raise NotIssued(f"Aucune facture émise ne porte le numéro {number}.")
        return _issued_from_row(session, row)


def _issued_from_row(session: Any, row: models.WrittenInvoice) -> IssuedInvoice:
    stored = session.get(models.StoredFile, row.pdf_sha256)
    invoice = replace(invoice_from_json(row.content), number=row.number)
    return IssuedInvoice(
        int(row.id), invoice, stored.content if stored is not None else b"", str(row.pdf_sha256)
    )


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
    ensure_series(session, year)
    number: int = session.execute(
        update(models.InvoiceSeries)
        .where(models.InvoiceSeries.year == year)
        .values(last_number=models.InvoiceSeries.last_number + 1)
        .returning(models.InvoiceSeries.last_number)
    ).scalar_one()
    return number


def ensure_series(session: Any, year: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(models.InvoiceSeries)
        .values(year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )


def number_text(year: int, position: int) -> str:
    return f"{year}-{position:04d}"


def issue(
    database: Database,
    draft_id: int,
    render: Callable[[WrittenInvoice], bytes],
    *,
    on: date,
    credited_id: int | None = None,
    credited_lines: list[Any] | None = None,
) -> IssuedInvoice:
    """Number the draft, dated ``on`` (numbers follow dates: the series is chronological),
    render its PDF (``render`` gets the numbered invoice and may refuse it) and store both,
    in one transaction; issuing an issued invoice again returns it unchanged. A credit note
    (``credited_id``) of all the invoice (``credited_lines`` None) or of these lines is
    refused when another one already corrects them — checked once the number is taken,
    since taking it serialises issuers."""
    with database.session() as session:
        row = session.get(models.WrittenInvoice, draft_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        if row.status == ISSUED:
            return _issued_from_row(session, row)
        draft = invoice_from_json(row.content)
        position = _next_number(session, on.year)
        if credited_id is not None:
            _refuse_credit_twice(session, credited_id, credited_lines)
        numbered = replace(draft, issue_date=on, number=number_text(on.year, position))
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
        row.credited_lines = credited_lines
        row.issued_at = datetime.now(UTC)
        session.flush()
        return IssuedInvoice(int(row.id), numbered, pdf, digest)


def _refuse_credit_twice(session: Any, credited_id: int, lines: list[Any] | None) -> None:
    from app.invoicing.credits import refuse_beyond_invoiced

    credited = session.get(models.WrittenInvoice, credited_id)
    invoice = invoice_from_json(credited.content)
    earlier = session.execute(
        select(models.WrittenInvoice.number, models.WrittenInvoice.credited_lines).where(
            models.WrittenInvoice.credited_id == credited_id,
            models.WrittenInvoice.status == ISSUED,
        )
    ).all()
    refuse_beyond_invoiced(invoice.lines, [(row[0], row[1]) for row in earlier], lines)


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
    public: bool = False  # a public customer's: it goes to Chorus Pro
    sent_status: str | None = None  # once sent: its status on the platform (« PA_211 »)


def written_rows(database: Database) -> list[WrittenRow]:
    """Drafts first (the most recent first), then issued invoices by number, newest first."""
    with database.session() as session:
        rows = session.execute(
            select(models.WrittenInvoice, models.Invoice.status).outerjoin(
                models.Invoice, models.Invoice.id == models.WrittenInvoice.deposit_invoice_id
            )
        ).all()
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
                (row.content or {}).get("customer", {}).get("kind") == "public",
                sent_status,
            )
            for row, sent_status in rows
        ]
    drafts = sorted(
        (r for r in made if r.status == DRAFT), key=lambda r: r.updated_at, reverse=True
    )
    issued = sorted(
        (r for r in made if r.status == ISSUED), key=lambda r: r.number or "", reverse=True
    )
    return drafts + issued


@dataclass(frozen=True, slots=True)
class IssuedListing:
    """One issued invoice or credit note, as « invoice list » shows it."""

    number: str
    document_type: str
    issue_date: date
    customer_name: str
    customer_identifier: str | None
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    due: Decimal
    pdf_sha256: str
    content_sha256: str | None
    credited_number: str | None
    issued_at: datetime | None
    archived: bool
    exported: bool
    deposited: bool


def listing_of(invoice: WrittenInvoice, **facts: Any) -> IssuedListing:
    """An issued invoice's line of « invoice list »: its totals, customer and date from the
    invoice, the rest (number, type, sha256, flags) given."""
    totals = totals_of(invoice)
    return IssuedListing(
        issue_date=invoice.issue_date,
        customer_name=invoice.customer.name,
        customer_identifier=invoice.customer.siret or invoice.customer.identifier_siren,
        total_ht=totals.basis,
        total_vat=totals.tax,
        total_ttc=totals.grand_total,
        due=totals.due,
        **facts,
    )


def issued_listing(database: Database, year: int | None = None) -> list[IssuedListing]:
    """The issued invoices and credit notes by number (of ``year`` only, when given)."""
    credited = aliased(models.WrittenInvoice)
    query = (
        select(models.WrittenInvoice, credited.number)
        .outerjoin(credited, credited.id == models.WrittenInvoice.credited_id)
        .where(models.WrittenInvoice.status == ISSUED)
        .order_by(models.WrittenInvoice.number)
    )
    if year is not None:
        query = query.where(models.WrittenInvoice.number.like(f"{year}-%"))
    listed = []
    with database.session() as session:
        for row, credited_number in session.execute(query):
            invoice = invoice_from_json(row.content)
            listed.append(
                listing_of(
                    invoice,
                    number=str(row.number),
                    document_type=row.document_type,
                    pdf_sha256=str(row.pdf_sha256),
                    content_sha256=row.content_sha256,
                    credited_number=credited_number or invoice.credited_number,
                    issued_at=row.issued_at,
                    archived=row.archived_at is not None,
                    exported=row.exported_at is not None,
                    deposited=row.deposit_invoice_id is not None,
                )
            )
    return listed


def mark(
    database: Database, written_id: int, *, archived: bool = False, exported: bool = False
) -> None:
    """Note that the issued invoice's archive copy, or a copy for the user, was written."""
    now = datetime.now(UTC)
    with database.session() as session:
        row = session.get(models.WrittenInvoice, written_id)
        if row is None:
            return
        if archived and row.archived_at is None:
            row.archived_at = now
        if exported and row.exported_at is None:
            row.exported_at = now


def unarchived(database: Database) -> list[int]:
    """Issued invoices whose archive copy was not written (a kill right after the issue)."""
    with database.session() as session:
        return [
            int(written_id)
            for written_id in session.scalars(
                select(models.WrittenInvoice.id).where(
                    models.WrittenInvoice.status == ISSUED,
                    models.WrittenInvoice.archived_at.is_(None),
                )
            )
        ]


def issued_by_id(database: Database, written_id: int) -> IssuedInvoice:
    with database.session() as session:
        row = session.get(models.WrittenInvoice, written_id)
        if row is None or row.status != ISSUED:
            raise NotIssued("Cette facture n'est pas émise.")
        return _issued_from_row(session, row)


def credit_detail(
    database: Database, written_id: int
) -> tuple[str | None, list[int] | None, datetime | None]:
    """A credit note's credited invoice number and lines (None: all of it), and when the
    document was issued."""
    with database.session() as session:
        row = session.get(models.WrittenInvoice, written_id)
        if row is None:
            return None, None, None
        if row.credited_id is None:
            return None, None, row.issued_at
        credited = session.get(models.WrittenInvoice, row.credited_id)
        return (credited.number if credited else None), row.credited_lines, row.issued_at


def take_back(
    database: Database,
    *,
    number: str,
    document_type: str,
    content: dict[str, Any],
    pdf: bytes,
    pdf_sha256: str,
    issued_at: datetime,
    credited_number: str | None,
    credited_lines: list[Any] | None,
) -> bool:
    """Put back an issued invoice the database lost (restored from an older backup) from its
    archive record; its year's series goes at least to its number. False when it is there."""
    invoice = invoice_from_json(content)
    year, position = (int(part) for part in number.split("-"))
    with database.session() as session:
        present = session.scalars(
            select(models.WrittenInvoice.id).where(models.WrittenInvoice.number == number)
        ).first()
        if present is not None:
            return False
        if session.get(models.StoredFile, pdf_sha256) is None:
            session.add(models.StoredFile(sha256=pdf_sha256, size=len(pdf), content=pdf))
        credited_id = None
        if credited_number:
            credited_id = session.scalars(
                select(models.WrittenInvoice.id).where(
                    models.WrittenInvoice.number == credited_number
                )
            ).first()
        session.add(
            models.WrittenInvoice(
                status=ISSUED,
                number=number,
                document_type=document_type,
                customer_name=invoice.customer.name[:200],
                total_ttc=totals_of(invoice).grand_total,
                content=content,
                content_sha256=content_hash(content),
                pdf_sha256=pdf_sha256,
                credited_id=credited_id,
                credited_lines=credited_lines,
                issued_at=issued_at,
                archived_at=datetime.now(UTC),
            )
        )
        ensure_series(session, year)
        session.execute(
            update(models.InvoiceSeries)
            .where(models.InvoiceSeries.year == year, models.InvoiceSeries.last_number < position)
            .values(last_number=position)
        )
    return True
