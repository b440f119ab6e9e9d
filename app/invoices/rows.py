"""What the invoice lists are made of — rows, criteria, categories, sort keys — without the
queries (``app/invoices/views.py``), so that the window can be built before the database
layer is imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from app.deposit.states import DRAFT_STATUS, WAITING_STATUS
from app.domain.lifecycle import DISPUTE_CODES, REFUSAL_CODES, pa_status
from app.domain.statuses import InvoiceStatus
from app.invoices.model import InvoiceBasics


class WorkCategory(StrEnum):
    """What the Synthèse lists: invoices waiting for the user, each with its own action."""

    DRAFT = "brouillon"
    WAITING = "en_attente"
    RECYCLE = "a_recycler"
    SUSPENDED = "suspendue"
    REJECTED = "rejetee"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def statuses(self) -> tuple[str, ...]:
        return _CATEGORY_STATUSES[self]


_CATEGORY_LABELS = {
    WorkCategory.DRAFT: "Brouillons",
    WorkCategory.WAITING: "En attente d'envoi",
    WorkCategory.RECYCLE: "À recycler",
    WorkCategory.SUSPENDED: "Suspendues",
    WorkCategory.REJECTED: "Rejetées",
}
_CATEGORY_STATUSES = {
    WorkCategory.DRAFT: (DRAFT_STATUS,),
    WorkCategory.WAITING: (WAITING_STATUS,),
    WorkCategory.RECYCLE: (
        InvoiceStatus.A_RECYCLER,
        InvoiceStatus.EN_ATTENTE_RECYCLAGE_FOURNISSEUR,
    ),
    WorkCategory.SUSPENDED: (
        InvoiceStatus.SUSPENDUE,
        InvoiceStatus.A_COMPLETER,
        *(pa_status(code) for code in DISPUTE_CODES),
    ),
    WorkCategory.REJECTED: (InvoiceStatus.REJETEE, *(pa_status(code) for code in REFUSAL_CODES)),
}


def work_category(status: str, rejection_acknowledged: bool) -> WorkCategory | None:
    for category in WorkCategory:
        if status in category.statuses:
            if category is WorkCategory.REJECTED and rejection_acknowledged:
                return None
            return category
    return None


class SortKey(StrEnum):
    TYPE = "type"
    RECIPIENT = "recipient"
    SERVICE = "service"
    NUMBER = "number"
    ISSUE_DATE = "issue_date"
    DEPOSIT_DATE = "deposit_date"
    STATUS = "status"
    STATUS_AT = "status_at"
    TOTAL_HT = "total_ht"
    TOTAL_TTC = "total_ttc"
    ENGAGEMENT = "engagement"


class RecipientScope(StrEnum):
    ALL = "toutes"
    STATE = "etat"
    OTHERS = "hors_etat"


@dataclass(frozen=True, slots=True)
class Criteria:
    """The portal's search criteria, plus a quick text search and the Synthèse's categories."""

    text: str = ""  # words found in the number, recipient, SIRET, service or engagement
    recipient_scope: RecipientScope = RecipientScope.ALL
    invoice_type: str | None = None  # FACTURE | AVOIR
    recipient_siret: str | None = None
    code_service: str | None = None
    cadre: str | None = None
    issue_from: date | None = None
    issue_to: date | None = None
    deposit_from: date | None = None
    deposit_to: date | None = None
    statuses: tuple[str, ...] = ()
    number: str = ""
    amount_min: Decimal | None = None  # TTC
    amount_max: Decimal | None = None
    work: tuple[WorkCategory, ...] = ()  # only these Synthèse categories
    hide_rejected_before: datetime | None = None  # Synthèse: older rejections are hidden


@dataclass(frozen=True, slots=True)
class InvoiceRow(InvoiceBasics):
    """A line of the Synthèse and Rechercher lists."""

    cadre: str
    status_comment: str | None
    rejection_acknowledged: bool
    has_file: bool

    @property
    def category(self) -> WorkCategory | None:
        return work_category(self.status, self.rejection_acknowledged)
