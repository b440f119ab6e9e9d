"""What the user does to an invoice that came back: recycle, complete, acknowledge a rejection,
start a new invoice from an old one, download it."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient
from app.db import models
from app.db.engine import Database
from app.deposit.claims import actor
from app.deposit.mapping import from_row
from app.deposit.outbox import Outbox, mime_type
from app.domain.invoice import AttachmentRef, Invoice
from app.errors import ValidationProblem
from app.files import write_atomically
from app.sync.history import remember_history

TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)(\D*)$")


@dataclass(frozen=True, slots=True)
class RecycleChange:
    """The only things a recycling may change (the portal's « Recycler » form)."""

    siret: str
    code_service: str | None
    engagement_number: str | None
    comment: str | None = None


def platform_id(database: Database, invoice_id: int) -> int:
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        if row.chorus_invoice_id is None:
            raise ValidationProblem(
                f"La facture {row.number} n'est pas (encore) sur Chorus Pro : synchronisez, puis "
                "réessayez."
            )
        return row.chorus_invoice_id


def invoice_of(database: Database, invoice_id: int) -> Invoice:
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        return from_row(row)


def record_action(row: models.Invoice, code: str, comment: str | None = None) -> None:
    """A line of the invoice's history saying who did this, from which workstation."""
    row.history.append(
        models.StatusHistory(
            status=code,
            occurred_at=datetime.now(UTC),
            comment=comment,
            actor=actor(),
            source="action",
        )
    )


def _after_action(database: Database, client: ChorusClient, invoice_id: int, chorus_id: int) -> str:
    """The platform's history and current status, written locally; returns the status."""
    remember_history(database, invoice_id, client.historique(chorus_id))
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        return row.status


def recycle(
    database: Database,
    client: ChorusClient,
    invoice_id: int,
    change: RecycleChange,
    recipient_name: str | None,
) -> str:
    """``recycler``: the invoice goes again to the (corrected) recipient."""
    chorus_id = platform_id(database, invoice_id)
    client.recycler(
        f.RecyclerRequest(
            identifiantFactureCPP=chorus_id,
            destinataire=f.RecyclerDestinataire(
                codeDestinataire=change.siret, codeServiceExecutant=change.code_service or None
            ),
            reference=f.RecyclerReference(numeroBonCommande=change.engagement_number or None),
            commentaire=change.comment or None,
        )
    )
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        row.recipient_siret = change.siret
        row.recipient_name = recipient_name or row.recipient_name
        row.code_service = change.code_service or None
        row.engagement_number = change.engagement_number or None
        record_action(row, "ACTION_RECYCLER", change.comment or None)
    return _after_action(database, client, invoice_id, chorus_id)


COMPLETION_ROLE = "completer"  # a file sent with « Compléter », after the deposit


def complete(
    database: Database,
    client: ChorusClient,
    outbox: Outbox,
    invoice_id: int,
    attachments: list[AttachmentRef],
    comment: str | None,
) -> str:
    """``completer``: the documents (and comment) the buyer asked for a suspended invoice."""
    if not attachments and not (comment or "").strip():
        raise ValidationProblem("Ajoutez une pièce jointe ou un commentaire pour compléter.")
    chorus_id = platform_id(database, invoice_id)
    pieces = []
    for attachment in attachments:
        uploaded = outbox.upload(client, attachment.file_name, attachment.sha256)
        pieces.append(
            f.PieceJointeComplementaire(
                pieceJointeComplementaireDesignation=(
                    attachment.designation or attachment.file_name
                )[:100],
                pieceJointeComplementaireType=attachment.type_code,
                pieceJointeComplementaireId=uploaded,
            )
        )
    client.completer(
        f.CompleterRequest(
            identifiantFactureCPP=chorus_id,
            pieceJointeComplementaire=pieces or None,
            commentaire=(comment or "").strip() or None,
        )
    )
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        for attachment in attachments:
            row.attachments.append(
                models.Attachment(
                    role=COMPLETION_ROLE,
                    file_name=attachment.file_name,
                    sha256=attachment.sha256,
                    size=attachment.size,
                    mime_type=mime_type(attachment.file_name),
                    designation=(attachment.designation or attachment.file_name)[:100],
                    type_code=attachment.type_code,
                )
            )
        record_action(row, "ACTION_COMPLETER", (comment or "").strip() or None)
    return _after_action(database, client, invoice_id, chorus_id)


def acknowledge_rejection(database: Database, client: ChorusClient, invoice_id: int) -> None:
    """``traiterRejet``: the rejection is seen; the Synthèse stops listing it."""
    client.traiter_rejet([platform_id(database, invoice_id)])
    note_rejection_seen(database, invoice_id)


def note_rejection_seen(database: Database, invoice_id: int) -> None:
    """The Synthèse stops listing the rejection."""
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        row.rejection_acknowledged = True
        record_action(row, "ACTION_REJET_TRAITE")


def next_number(database: Database, environment: str, number: str) -> str:
    """The number after the user's highest one of the same pattern (F2026-014 → F2026-015)."""
    match = TRAILING_NUMBER.match(number)
    with database.session() as session:
        if match is None:
            taken = set(
                session.scalars(
                    select(models.Invoice.number).where(
                        models.Invoice.environment == environment,
                        models.Invoice.number.startswith(number, autoescape=True),
                    )
                )
            )
            suffix = 2
            while f"{number}-{suffix}" in taken:
                suffix += 1
            return f"{number}-{suffix}"[-20:]
        prefix, digits, tail = match.groups()
        highest = int(digits)
        for other in session.scalars(
            select(models.Invoice.number).where(
                models.Invoice.environment == environment,
                models.Invoice.number.startswith(prefix, autoescape=True),
            )
        ):
            found = TRAILING_NUMBER.match(other)
            if found and found.group(1) == prefix and found.group(3) == tail:
                highest = max(highest, int(found.group(2)))
    return f"{prefix}{str(highest + 1).zfill(len(digits))}{tail}"


def new_draft_from(
    database: Database,
    outbox: Outbox,
    invoice_id: int,
    note: Callable[[models.Invoice], str],
) -> int:
    """A draft copied from an invoice (same recipient, references and amounts) with the next
    number; ``note`` says, from the old row, where it comes from."""
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        if row is None:
            raise ValidationProblem("Cette facture n'existe plus.")
        invoice, text, environment = from_row(row), note(row), row.environment
    invoice.number = next_number(database, environment, invoice.number)
    draft_id = outbox.save_draft(invoice)
    with database.session() as session:
        draft = session.get(models.Invoice, draft_id)
        assert draft is not None
        draft.status_comment = text
    return draft_id


def download(
    database: Database,
    client: ChorusClient | None,
    outbox: Outbox,
    invoice_ids: list[int],
    target: Path,
) -> Path:
    """One invoice: its PDF (the copy kept here, else Chorus Pro's). Several: Chorus Pro's
    ZIP of their PDFs."""
    if len(invoice_ids) == 1:
        with database.session() as session:
            row = session.get(models.Invoice, invoice_ids[0])
            if row is None:
                raise ValidationProblem("Cette facture n'existe plus.")
            main = next((a for a in row.attachments if a.role == "principale"), None)
            kept = (
                outbox.file_path(AttachmentRef(main.file_name, main.sha256, main.size))
                if main
                else None
            )
        if kept is not None and kept.exists():
            return write_atomically(target, kept.read_bytes())
    if client is None:
        raise ValidationProblem(
            "Le PDF n'est pas sur cet ordinateur : connectez-vous à Chorus Pro."
        )
    ids = [platform_id(database, invoice_id) for invoice_id in invoice_ids]
    answer = client.telecharger(ids)
    if not answer.fichierResultat:
        raise ValidationProblem("Chorus Pro n'a pas renvoyé de fichier.")
    return write_atomically(target, base64.b64decode(answer.fichierResultat))
