"""« Suivre la facture »: an invoice's statuses, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.chorus.client import ChorusClient
from app.chorus.dates import parse_chorus_datetime
from app.chorus.schemas_factures import ConsulterHistoriqueResponse
from app.db import models
from app.db.engine import Database
from app.domain.statuses import InvoiceStatus, status_label


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime | None
    status: str
    label: str
    comment: str | None
    actor: str = ""  # who moved it: the supplier, the platform, the buyer, its accountant


BY_SUPPLIER = frozenset(
    {InvoiceStatus.BROUILLON, "EN_ATTENTE_ENVOI", InvoiceStatus.DEPOSEE, InvoiceStatus.COMPLETEE}
)
BY_PLATFORM = frozenset(
    {
        InvoiceStatus.EN_COURS_ACHEMINEMENT,
        InvoiceStatus.MISE_A_DISPOSITION,
        InvoiceStatus.INTERPRETEE_OCR,
    }
)
BY_ACCOUNTANT = frozenset(
    {
        InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
        InvoiceStatus.COMPTABILISEE,
        InvoiceStatus.MISE_EN_PAIEMENT,
    }
)


def actor_of(status: str, recipient: str) -> str:
    """Chorus Pro's history does not say who acted; each status says it well enough."""
    if status in BY_SUPPLIER:
        return "Vous (fournisseur)"
    if status in BY_PLATFORM:
        return "Chorus Pro"
    if status in BY_ACCOUNTANT:
        return "Comptable public"
    return recipient or "Destinataire"


def history_of(
    database: Database, invoice_id: int, client: ChorusClient | None
) -> list[HistoryLine]:
    """With a client, the platform's history (remembered locally); without, what is known."""
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        if row is None:
            return []
        chorus_id = row.chorus_invoice_id
        recipient = row.recipient_name or row.recipient_siret
    if client is not None and chorus_id is not None:
        remember_history(database, invoice_id, client.historique(chorus_id))
    with database.session() as session:
        rows = session.scalars(
            select(models.StatusHistory)
            .where(models.StatusHistory.invoice_id == invoice_id)
            .order_by(models.StatusHistory.occurred_at.desc())
        )
        return [
            HistoryLine(
                h.occurred_at,
                h.status,
                status_label(h.status),
                h.comment,
                h.actor or actor_of(h.status, recipient),
            )
            for h in rows
        ]


def remember_history(
    database: Database, invoice_id: int, answer: ConsulterHistoriqueResponse
) -> None:
    """Merge the platform's history into the local one; the row written at deposit time
    takes the platform's date once the platform reports the same status."""
    entries = answer.historiquesDesStatuts.histoStatut if answer.historiquesDesStatuts else []
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        seen = {(h.status, h.occurred_at) for h in row.history}
        seen_ids = {h.chorus_history_id for h in row.history if h.chorus_history_id}
        for entry in entries:
            at = parse_chorus_datetime(entry.histoStatutDatePassage)
            if at is None or entry.histoStatutId in seen_ids:
                continue
            local = next(
                (
                    h
                    for h in row.history
                    if h.source == "local" and h.status == entry.histoStatutCode
                ),
                None,
            )
            if local is not None:
                local.occurred_at, local.source = at, "chorus"
                local.chorus_history_id = entry.histoStatutId
            elif (entry.histoStatutCode, at) not in seen:
                row.history.append(
                    models.StatusHistory(
                        status=entry.histoStatutCode,
                        occurred_at=at,
                        comment=entry.histoStatutCommentaire,
                        chorus_history_id=entry.histoStatutId,
                        source="chorus",
                    )
                )
            seen.add((entry.histoStatutCode, at))
        if answer.statutCourantCode and answer.statutCourantCode != row.status:
            # Dated as the platform's history dates it, when the history holds it.
            row.status = answer.statutCourantCode
            row.status_at = max(
                (h.occurred_at for h in row.history if h.status == row.status),
                default=datetime.now(UTC),
            )
