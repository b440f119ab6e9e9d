"""The database schema. Changing it means writing an Alembic migration under migrations/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.db.types import Money, UTCDateTime
from app.domain.text import fold


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class SupplierStructure(Base):
    """One of the user's own structures on Chorus Pro (the ``fournisseur``)."""

    __tablename__ = "supplier_structures"
    __table_args__ = (UniqueConstraint("environment", "siret"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(20))
    siret: Mapped[str] = mapped_column(String(14))
    name: Mapped[str | None] = mapped_column(String(200))
    id_structure_cpp: Mapped[int | None] = mapped_column(BigInteger)
    id_service: Mapped[int | None] = mapped_column(BigInteger)
    bank_account_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The lists sort on each column and filter on status and text among 100 000 invoices:
# an index per sort column (the deposit one covers the quick text search too).
LIST_INDEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "ix_invoices_env_deposit": ("environment", "deposit_date", "search_text"),
    "ix_invoices_env_work": ("environment", "status", "rejection_acknowledged", "status_at"),
    "ix_invoices_env_recipient": ("environment", "recipient_siret", "recipient_name"),
    "ix_invoices_env_recipient_name": ("environment", "recipient_name"),
    "ix_invoices_env_status_at": ("environment", "status_at"),
    "ix_invoices_env_type": ("environment", "invoice_type"),
    "ix_invoices_env_service": ("environment", "code_service"),
    "ix_invoices_env_number": ("environment", "number"),
    "ix_invoices_env_issue": ("environment", "issue_date"),
    "ix_invoices_env_ht": ("environment", "total_ht"),
    "ix_invoices_env_ttc": ("environment", "total_ttc"),
    "ix_invoices_env_engagement": ("environment", "engagement_number"),
}
LIST_INDEXES = tuple(Index(name, *columns) for name, columns in LIST_INDEX_COLUMNS.items())


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("environment", "chorus_invoice_id"),
        Index("ix_invoices_supplier_number", "supplier_structure_id", "number"),
        Index("ix_invoices_status", "status"),
        Index("ix_invoices_pa_flow", "pa_flow_id"),
        *LIST_INDEXES,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    local_uid: Mapped[str] = mapped_column(String(36), unique=True)
    environment: Mapped[str] = mapped_column(String(20))
    supplier_structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_structures.id", ondelete="SET NULL")
    )
    number: Mapped[str] = mapped_column(String(20))
    issue_date: Mapped[date | None] = mapped_column(Date)
    invoice_type: Mapped[str] = mapped_column(String(10), default="FACTURE")
    deposit_mode: Mapped[str] = mapped_column(String(30), default="DEPOT_PDF_API")
    cadre: Mapped[str] = mapped_column(String(60), default="A1_FACTURE_FOURNISSEUR")
    validator_siret: Mapped[str | None] = mapped_column(String(14))
    validator_service: Mapped[str | None] = mapped_column(String(100))
    recipient_siret: Mapped[str] = mapped_column(String(14), default="")
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    code_service: Mapped[str | None] = mapped_column(String(100))
    engagement_number: Mapped[str | None] = mapped_column(String(50))
    contract_number: Mapped[str | None] = mapped_column(String(50))
    original_invoice_number: Mapped[str | None] = mapped_column(String(20))
    vat_type: Mapped[str] = mapped_column(String(30), default="SANS_TVA")
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(100))
    payment_mode: Mapped[str] = mapped_column(String(20), default="VIREMENT")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    total_ht: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_tva: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_ttc: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    global_discount_ttc: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    global_discount_reason: Mapped[str | None] = mapped_column(String(200))
    amount_due: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(40), default="BROUILLON")
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_comment: Mapped[str | None] = mapped_column(Text)
    rejection_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    # « chorus » or « pa »: the platform the invoice went through (app/domain/lifecycle.py)
    channel: Mapped[str] = mapped_column(String(10), default="chorus", server_default="chorus")
    pa_flow_id: Mapped[str | None] = mapped_column(String(64))  # the PA's flowId
    chorus_invoice_id: Mapped[int | None] = mapped_column(BigInteger)
    chorus_number: Mapped[str | None] = mapped_column(String(40))
    deposit_date: Mapped[date | None] = mapped_column(Date)
    deposit_fingerprint: Mapped[str | None] = mapped_column(Text)
    payment_deadline_days: Mapped[int | None] = mapped_column(Integer)
    source_file_sha256: Mapped[str | None] = mapped_column(String(64))
    # Number, recipient, SIRET, service and engagement folded (no case, no accents): what
    # the quick search looks in. Kept by the listener below.
    search_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: an update made from a stale copy (another workstation, or the sync
    # and an action on the same invoice) fails with StaleDataError instead of undoing the other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.number"
    )
    vat_lines: Mapped[list[InvoiceVatLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    history: Mapped[list[StatusHistory]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="StatusHistory.occurred_at"
    )


def invoice_search_text(row: Invoice) -> str:
    parts = (
        row.number,
        row.recipient_name,
        row.recipient_siret,
        row.code_service,
        row.engagement_number,
        row.chorus_number,
    )
    return fold(" ".join(part for part in parts if part))


@event.listens_for(Invoice, "before_insert")
@event.listens_for(Invoice, "before_update")
def _keep_search_text(_mapper: object, _connection: object, row: Invoice) -> None:
    row.search_text = invoice_search_text(row)


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[str] = mapped_column(String(30))  # Decimal as text: quantities may be 1.5
    unit: Mapped[str | None] = mapped_column(String(30))
    unit_price_ht: Mapped[Decimal] = mapped_column(Money)
    discount_ht: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    vat_rate: Mapped[str] = mapped_column(String(10), default="0")

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class InvoiceVatLine(Base):
    __tablename__ = "invoice_vat_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    rate: Mapped[str] = mapped_column(String(10))
    base_ht: Mapped[Decimal] = mapped_column(Money)
    vat_amount: Mapped[Decimal] = mapped_column(Money)

    invoice: Mapped[Invoice] = relationship(back_populates="vat_lines")


class Attachment(Base):
    """A file of an invoice; the bytes live in the data dir under their sha256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # "principale" | "complementaire" | "completer"
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    designation: Mapped[str | None] = mapped_column(String(100))
    type_code: Mapped[str | None] = mapped_column(String(30))
    chorus_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="attachments")


class StatusHistory(Base):
    __tablename__ = "status_history"
    __table_args__ = (UniqueConstraint("invoice_id", "status", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    chorus_history_id: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(10), default="chorus")  # "chorus" | "local"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="history")


class OutboxEntry(Base):
    """One operation to send to Chorus Pro exactly once, with the step it reached.

    A sender claims an entry by setting ``owner`` and ``lease_until`` in one conditional
    update; it renews the lease at each step, and another process may take the entry over only
    once the lease has run out (or, on the same computer, once the owner's process is gone)."""

    __tablename__ = "outbox_entries"
    __table_args__ = (Index("ix_outbox_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # the invoice it is about — or, for an answer to a supplier's invoice, ``received_id``
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), nullable=True
    )
    received_id: Mapped[int | None] = mapped_column(
        ForeignKey("received_invoices.id", ondelete="CASCADE"), nullable=True
    )
    operation: Mapped[str] = mapped_column(String(30))  # deposit, recycle, complete, ...
    state: Mapped[str] = mapped_column(String(20), default="pending")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chorus_attachment_id: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(String(200))  # host/pid/claim of the sender
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReceivedInvoice(Base):
    """A supplier's invoice received through the Plateforme Agréée: the platform's flow, the
    original file (its bytes in ``stored_files`` by sha256, never rewritten), what was read
    from it, what the checks found, and the answers given (``status``: ``PA_<code>``)."""

    __tablename__ = "received_invoices"
    __table_args__ = (
        UniqueConstraint("environment", "pa_flow_id", name="uq_received_flow"),
        Index("ix_received_seller_number", "seller_key", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    local_uid: Mapped[str] = mapped_column(String(36), unique=True)
    environment: Mapped[str] = mapped_column(String(20))
    pa_flow_id: Mapped[str] = mapped_column(String(64))
    syntax: Mapped[str] = mapped_column(String(10))  # Factur-X | CII | UBL
    file_name: Mapped[str] = mapped_column(String(255))
    original_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    number: Mapped[str | None] = mapped_column(String(200))
    type_code: Mapped[str | None] = mapped_column(String(10))
    issue_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(3))
    seller_name: Mapped[str | None] = mapped_column(String(300))
    seller_key: Mapped[str | None] = mapped_column(String(40))  # SIREN, else VAT, else name
    seller_vat: Mapped[str | None] = mapped_column(String(40))
    buyer_siren: Mapped[str | None] = mapped_column(String(9))
    total_ht: Mapped[Decimal | None] = mapped_column(Money)
    total_tva: Mapped[Decimal | None] = mapped_column(Money)
    total_ttc: Mapped[Decimal | None] = mapped_column(Money)
    amount_due: Mapped[Decimal | None] = mapped_column(Money)
    iban: Mapped[str | None] = mapped_column(String(60))
    readable: Mapped[bool] = mapped_column(Boolean, default=True)
    read_error: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what was read
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # the checks
    status: Mapped[str] = mapped_column(String(40))
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_comment: Mapped[str | None] = mapped_column(Text)
    paid_on: Mapped[date | None] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    history: Mapped[list[ReceivedHistory]] = relationship(
        back_populates="received",
        cascade="all, delete-orphan",
        order_by="ReceivedHistory.id",  # in the order things were recorded
    )


class ReceivedHistory(Base):
    __tablename__ = "received_history"
    __table_args__ = (UniqueConstraint("received_id", "status", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_id: Mapped[int] = mapped_column(ForeignKey("received_invoices.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10), default="local")  # local | pa
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    received: Mapped[ReceivedInvoice] = relationship(back_populates="history")


class StoredFile(Base):
    """The bytes of an invoice's file, by sha256: in the database, so that every workstation
    sharing it can send what another one queued (a local copy is kept as a cache)."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SharedSetting(Base):
    """What belongs to the office rather than to one workstation (the account's non-secret
    settings, the last sync), as JSON values by name."""

    __tablename__ = "shared_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Ticket(Base):
    """A « sollicitation » prepared here for the Chorus Pro support portal, and its follow-up.

    The API cannot create one (chorus-api.md §2.19): the user pastes it into the portal, then
    notes here the number the portal gave (CPROCS…) and how it goes."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_env_status", "environment", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(20))
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL"), index=True
    )
    template: Mapped[str | None] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(100), default="")
    subcategory: Mapped[str] = mapped_column(String(100), default="")
    object_type: Mapped[str] = mapped_column(String(60), default="")
    object_number: Mapped[str] = mapped_column(String(60), default="")
    supplier_siret: Mapped[str] = mapped_column(String(14), default="")
    supplier_name: Mapped[str] = mapped_column(String(200), default="")
    supplier_service: Mapped[str] = mapped_column(String(100), default="")
    recipient_siret: Mapped[str] = mapped_column(String(14), default="")
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    portal_number: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(30), default="BROUILLON")
    status_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notes: Mapped[list[TicketNote]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TicketNote.at"
    )
    attachments: Mapped[list[TicketAttachment]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TicketAttachment.id"
    )


class TicketNote(Base):
    """One line of a ticket's activity: a status change or what the user wrote down."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(10), default="note")  # "note" | "status"
    text: Mapped[str] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="notes")


class TicketAttachment(Base):
    """A file to join to the sollicitation; the bytes live in the data dir under their sha256."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


def ticket_search_text(row: Ticket) -> str:
    parts = (
        row.portal_number,
        row.title,
        row.object_number,
        row.recipient_name,
        row.recipient_siret,
        row.description,
    )
    return fold(" ".join(part for part in parts if part))


@event.listens_for(Ticket, "before_insert")
@event.listens_for(Ticket, "before_update")
def _keep_ticket_search_text(_mapper: object, _connection: object, row: Ticket) -> None:
    row.search_text = ticket_search_text(row)


class InvoiceSeries(Base):
    """The last number given in a year's series of written invoices (« Saisir une facture »):
    one continuous, chronological series per year, a number given only when an invoice is
    issued, in the same transaction (a failed issue gives its number back)."""

    __tablename__ = "invoice_series"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class WrittenInvoice(Base):
    """An invoice written in Bordereau: a draft (no number, editable) or issued (numbered,
    immutable: its content and PDF are kept with their sha256, corrected only by a credit
    note that references it)."""

    __tablename__ = "written_invoices"
    __table_args__ = (
        Index("ix_written_invoices_status", "status"),
        Index("ix_written_invoices_credited", "credited_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | issued
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    document_type: Mapped[str] = mapped_column(String(3), default="380")
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    total_ttc: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    content: Mapped[Any] = mapped_column(JSON)  # the invoice, as app.invoicing.storage writes it
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # the bytes: stored_files
    credited_id: Mapped[int | None] = mapped_column(
        ForeignKey("written_invoices.id", ondelete="RESTRICT")
    )
    deposit_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL")
    )  # once sent to Chorus Pro through the outbox
    # a credit note's lines of the credited invoice, numbered from 1 (None: all of them)
    credited_lines: Mapped[Any] = mapped_column(JSON, nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the archive's copy
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a PDF saved for the user
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InvoicingCustomer(Base):
    """A customer of invoices written here (« Clients »): remembered when an invoice is
    issued, offered again in the editor, managed from Fichier › Clients et catalogue."""

    __tablename__ = "invoicing_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(220), unique=True)  # SIRET, SIREN or the name
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[Any] = mapped_column(JSON)  # app.invoicing.model.Customer, as JSON
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CatalogueItem(Base):
    """A service or product sold before (« Catalogue »): description, unit, price, VAT."""

    __tablename__ = "catalogue_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(500), unique=True)
    content: Mapped[Any] = mapped_column(JSON)  # app.invoicing.model.Line, as JSON
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
