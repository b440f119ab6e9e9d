"""Sollicitations kept in the database: the draft's fields, the portal's number and status,
the activity notes and the files to join."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db import models
from app.db.engine import Database
from app.domain.invoice import AttachmentRef
from app.domain.text import fold
from app.errors import ValidationProblem
from app.tickets.catalogue import TicketStatus, TicketView, status_label
from app.tickets.templates import TicketDraft

PORTAL_NUMBER = re.compile(r"^CPROCS\d+$")
FORM_FIELDS = tuple(
    field.name
    for field in fields(TicketDraft)
    if field.name not in {"attachments", "invoice_id", "template"}
)


@dataclass(frozen=True, slots=True)
class TicketNote:
    at: datetime
    kind: str  # "note" | "status"
    text: str


@dataclass(frozen=True, slots=True)
class TicketFile:
    id: int
    file_name: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: int
    invoice_id: int | None
    draft: TicketDraft
    portal_number: str
    status: TicketStatus
    status_at: datetime
    created_at: datetime
    updated_at: datetime
    notes: tuple[TicketNote, ...]
    files: tuple[TicketFile, ...]

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True, slots=True)
class TicketRow:
    """One line of the sollicitations table."""

    id: int
    portal_number: str
    title: str
    object_number: str
    recipient_name: str
    status: str
    created_at: datetime
    updated_at: datetime
    category: str
    subcategory: str
    object_type: str
    recipient_siret: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def normalized_portal_number(text: str) -> str:
    number = re.sub(r"\s+", "", text).upper()
    if number and not PORTAL_NUMBER.match(number):
        raise ValidationProblem(
            "Le numéro donné par le portail commence par « CPROCS » suivi de chiffres "
            "(par exemple CPROCS0012345)."
        )
    return number


class TicketStore:
    def __init__(self, database: Database, environment: str) -> None:
        self.database = database
        self.environment = environment

    # --- writing ------------------------------------------------------------------------

    def create(self, draft: TicketDraft, files: list[AttachmentRef] | None = None) -> int:
        with self.database.session() as session:
            row = models.Ticket(environment=self.environment, invoice_id=draft.invoice_id)
            _copy_form(draft, row)
            row.status = TicketStatus.DRAFT.value
            row.notes.append(models.TicketNote(kind="status", text="Sollicitation préparée."))
            for ref in files or []:
                row.attachments.append(_file_row(ref))
            session.add(row)
            session.flush()
            return row.id

    def update(self, ticket_id: int, draft: TicketDraft) -> None:
        """The form's fields as the user left them."""
        with self.database.session() as session:
            _copy_form(draft, self._row(session, ticket_id))

    def track(self, ticket_id: int, portal_number: str, status: TicketStatus) -> None:
        """The number the portal gave and where the request stands; each change is noted.

        A number on a draft means it was sent: it becomes « Ouvert » unless told otherwise."""
        number = normalized_portal_number(portal_number)
        with self.database.session() as session:
            row = self._row(session, ticket_id)
            if number != row.portal_number:
                if number and row.status == TicketStatus.DRAFT and status is TicketStatus.DRAFT:
                    status = TicketStatus.OPEN
                text = (
                    f"Créée sur le portail sous le numéro {number}."
                    if number
                    else "Numéro du portail effacé."
                )
                row.notes.append(models.TicketNote(kind="status", text=text))
                row.portal_number = number
            if status.value != row.status:
                before = status_label(row.status)
                row.notes.append(
                    models.TicketNote(kind="status", text=f"Statut : {before} → {status.label}.")
                )
                row.status = status.value
                row.status_at = datetime.now(UTC)

    def add_note(self, ticket_id: int, text: str) -> None:
        text = text.strip()
        if not text:
            raise ValidationProblem("La note est vide.")
        with self.database.session() as session:
            row = self._row(session, ticket_id)
            row.notes.append(models.TicketNote(kind="note", text=text))
            row.updated_at = datetime.now(UTC)

    def add_file(self, ticket_id: int, ref: AttachmentRef) -> None:
        with self.database.session() as session:
            row = self._row(session, ticket_id)
            row.attachments.append(_file_row(ref))

    def remove_file(self, ticket_id: int, file_id: int) -> None:
        with self.database.session() as session:
            row = self._row(session, ticket_id)
            row.attachments = [item for item in row.attachments if item.id != file_id]

    def delete(self, ticket_id: int) -> None:
        with self.database.session() as session:
            session.delete(self._row(session, ticket_id))

    # --- reading ------------------------------------------------------------------------

    def get(self, ticket_id: int) -> TicketRecord:
        with self.database.session() as session:
            row = self._row(session, ticket_id)
            draft = TicketDraft(
                **{name: getattr(row, name) or "" for name in FORM_FIELDS},
                template=row.template,
                invoice_id=row.invoice_id,
                attachments=tuple(item.sha256 for item in row.attachments),
            )
            return TicketRecord(
                id=row.id,
                invoice_id=row.invoice_id,
                draft=draft,
                portal_number=row.portal_number,
                status=TicketStatus(row.status),
                status_at=row.status_at,
                created_at=row.created_at,
                updated_at=row.updated_at,
                notes=tuple(TicketNote(note.at, note.kind, note.text) for note in row.notes),
                files=tuple(
                    TicketFile(item.id, item.file_name, item.sha256, item.size)
                    for item in row.attachments
                ),
            )

    def rows(self, view: TicketView | None = None, query: str = "") -> list[TicketRow]:
        """Most recently changed first; ``query`` matches number, title, invoice, recipient
        and text, without case or accents."""
        statement = select(models.Ticket).where(models.Ticket.environment == self.environment)
        if view is not None:
            statement = statement.where(models.Ticket.status.in_([s.value for s in view.statuses]))
        for word in fold(query).split():
            statement = statement.where(models.Ticket.search_text.contains(word, autoescape=True))
        statement = statement.order_by(models.Ticket.updated_at.desc(), models.Ticket.id.desc())
        with self.database.session() as session:
            return [
                TicketRow(
                    id=row.id,
                    portal_number=row.portal_number,
                    title=row.title,
                    object_number=row.object_number,
                    recipient_name=row.recipient_name,
                    status=row.status,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                    category=row.category,
                    subcategory=row.subcategory,
                    object_type=row.object_type,
                    recipient_siret=row.recipient_siret,
                )
                for row in session.scalars(statement)
            ]

    def counts(self) -> dict[TicketView, int]:
        statement = (
            select(models.Ticket.status, func.count())
            .where(models.Ticket.environment == self.environment)
            .group_by(models.Ticket.status)
        )
        with self.database.session() as session:
            by_status = {status: count for status, count in session.execute(statement).all()}
        return {
            view: sum(by_status.get(status.value, 0) for status in view.statuses)
            for view in TicketView
        }

    def for_invoice(self, invoice_id: int) -> list[int]:
        statement = select(models.Ticket.id).where(models.Ticket.invoice_id == invoice_id)
        with self.database.session() as session:
            return list(session.scalars(statement))

    def _row(self, session: Session, ticket_id: int) -> models.Ticket:
        row = session.get(
            models.Ticket,
            ticket_id,
            options=[selectinload(models.Ticket.notes), selectinload(models.Ticket.attachments)],
        )
        if row is None or row.environment != self.environment:
            raise ValidationProblem("Cette sollicitation n'existe plus.")
        return row


def _copy_form(draft: TicketDraft, row: models.Ticket) -> None:
    for name in FORM_FIELDS:
        setattr(row, name, (getattr(draft, name) or "").strip())
    row.template = draft.template


def _file_row(ref: AttachmentRef) -> models.TicketAttachment:
    return models.TicketAttachment(file_name=ref.file_name, sha256=ref.sha256, size=ref.size)
