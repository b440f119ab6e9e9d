"""What every view of an invoice shows: who it is for, its number, dates, status and totals.
The lists' rows (``views.InvoiceRow``) and the summaries with their payment schedule
(``listing.InvoiceSummary``) both extend it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.domain.statuses import status_label


@dataclass(frozen=True, slots=True)
class InvoiceBasics:
    id: int
    number: str
    invoice_type: str
    recipient_name: str
    recipient_siret: str
    code_service: str | None
    engagement_number: str | None
    issue_date: date | None
    deposit_date: date | None
    status: str
    status_at: datetime | None
    total_ht: Decimal
    total_ttc: Decimal
    chorus_invoice_id: int | None
    channel: str  # chorus | pa: the platform it went through
    pa_flow_id: str | None

    @property
    def channel_label(self) -> str:
        return "Plateforme agréée" if self.channel == "pa" else "Chorus Pro"

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def recipient(self) -> str:
        return self.recipient_name or self.recipient_siret
