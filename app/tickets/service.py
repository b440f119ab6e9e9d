"""Sollicitations: support requests about an invoice, written from its facts for the Chorus
Pro portal, kept and followed here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.context import AppContext
from app.deposit.service import DepositService
from app.directory.service import DirectoryService
from app.domain.environments import Environment
from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.tickets.catalogue import TicketStatus, TicketView
    from app.tickets.store import TicketRecord, TicketRow, TicketStore
    from app.tickets.templates import Template, TicketDraft, TicketFacts


class TicketService:
    def __init__(
        self, context: AppContext, directory: DirectoryService, deposit: DepositService
    ) -> None:
        self.context = context
        self.directory = directory
        self.deposit = deposit

    def store(self) -> TicketStore:
        from app.tickets.store import TicketStore

        return TicketStore(self.context.database, self.context.account_status().effective.value)

    def facts(self, invoice_id: int) -> TicketFacts:
        """What a sollicitation about the invoice can state (dates, amounts, reasons)."""
        from app.payments.rates import RateTable
        from app.tickets.facts import invoice_facts

        facts = invoice_facts(
            self.context.database,
            invoice_id,
            today=datetime.now(UTC).date(),
            rates=RateTable(self.context.settings.late_interest_rates),
        )
        if not facts.supplier_siret:  # imported from the portal: the account's structure
            siret, name = self._supplier_identity()
            facts = replace(facts, supplier_siret=siret, supplier_name=name)
        structure, _services = self.directory.recipient_info(facts.invoice.recipient_siret)
        if structure is not None:
            facts = replace(
                facts,
                service_required=structure.service_required,
                engagement_required=structure.engagement_required,
            )
        return facts

    def templates(self, invoice_id: int) -> list[Template]:
        from app.tickets.templates import templates_for

        return templates_for(self.facts(invoice_id))

    def from_invoice(self, invoice_id: int, template: Template) -> int:
        """A draft sollicitation written from the invoice's facts; files sent with
        « Compléter » are joined to a « pièces transmises » one."""
        from app.db import models
        from app.domain.invoice import AttachmentRef
        from app.invoices.actions import COMPLETION_ROLE
        from app.tickets.templates import Template, draft_from

        draft = draft_from(template, self.facts(invoice_id))
        files: list[AttachmentRef] = []
        if template is Template.SUSPENDED_DOCUMENTS:
            with self.context.database.session() as session:
                row = session.get(models.Invoice, invoice_id)
                assert row is not None
                files = [
                    AttachmentRef(item.file_name, item.sha256, item.size)
                    for item in row.attachments
                    if item.role == COMPLETION_ROLE
                ]
        return self.store().create(draft, files)

    def new(self) -> int:
        """A blank sollicitation with the user's structure filled in."""
        from app.tickets.templates import TicketDraft

        siret, name = self._supplier_identity()
        return self.store().create(TicketDraft(supplier_siret=siret, supplier_name=name))

    def _supplier_identity(self) -> tuple[str, str]:
        """The account's SIRET and the name Chorus Pro gave it (empty when not known)."""
        from sqlalchemy import select

        from app.db import models

        environment = self.context.account_status().effective
        try:
            siret = self.context.supplier_siret(environment)
        except ValidationProblem:
            return "", ""  # no account yet: the user types it
        with self.context.database.session() as session:
            name = session.scalar(
                select(models.SupplierStructure.name).where(
                    models.SupplierStructure.environment == environment.value,
                    models.SupplierStructure.siret == siret,
                )
            )
        if not name:
            try:
                name = self.context.supplier_profile().name  # asked once per session
            except BordereauError:
                name = ""  # offline: the user types it
        return siret, name

    def get(self, ticket_id: int) -> TicketRecord:
        return self.store().get(ticket_id)

    def save(self, ticket_id: int, draft: TicketDraft) -> None:
        self.store().update(ticket_id, draft)

    def track(self, ticket_id: int, portal_number: str, status: TicketStatus) -> None:
        self.store().track(ticket_id, portal_number, status)

    def add_note(self, ticket_id: int, text: str) -> None:
        self.store().add_note(ticket_id, text)

    def add_file(self, ticket_id: int, source: Path) -> None:
        """Keep a copy in the data folder first: the user may move or delete the original."""
        self.store().add_file(ticket_id, self.deposit.store_attachment(source))

    def file_path(self, ticket_id: int, file_id: int) -> Path:
        from app.domain.invoice import AttachmentRef

        record = self.get(ticket_id)
        item = next((f for f in record.files if f.id == file_id), None)
        if item is None:
            raise ValidationProblem("Cette pièce jointe n'existe plus.")
        return self.deposit.attachment_path(AttachmentRef(item.file_name, item.sha256, item.size))

    def remove_file(self, ticket_id: int, file_id: int) -> None:
        self.store().remove_file(ticket_id, file_id)

    def delete(self, ticket_id: int) -> None:
        self.store().delete(ticket_id)

    def rows(self, view: TicketView | None = None, query: str = "") -> list[TicketRow]:
        return self.store().rows(view, query)

    def counts(self) -> dict[TicketView, int]:
        return self.store().counts()

    def portal_text(self, ticket_id: int) -> str:
        from app.tickets.export import portal_text

        return portal_text(self.get(ticket_id))

    def export(self, rows: list[TicketRow], target: Path) -> Path:
        from app.files import write_atomically
        from app.tickets.export import csv_bytes

        return write_atomically(target, csv_bytes(rows))

    def export_letter(self, ticket_id: int, target: Path) -> Path:
        from app.tickets.export import write_letter

        return write_letter(self.get(ticket_id), target, datetime.now(UTC).astimezone().date())

    def support_portal_url(self) -> str:
        from app.tickets.catalogue import PORTAL_SUPPORT_URL

        environment = self.context.account_status().effective
        key = "qualification" if environment is Environment.QUALIFICATION else "production"
        return PORTAL_SUPPORT_URL[key]
