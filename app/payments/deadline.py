"""When an invoice must be paid, and what a late payment costs the buyer (domain.md §1.5).

- The clock starts when the invoice is made available to the buyer (``MISE_A_DISPOSITION``;
  after a recycling, the new one — the cautious reading).
- ``SUSPENDUE`` stops it once; when the invoice is completed (``COMPLETEE``, or the buyer moves
  it on), a new delay opens: 30 days, or what was left if that is more (R.2192-29).
- ``REJETEE`` ends it: a corrected invoice starts a new clock.
- Interest runs from the day after the deadline to the payment (``MISE_EN_PAIEMENT``, or a
  date the user gives), simple interest on the TTC amount; plus a flat 40 € indemnity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.statuses import InvoiceStatus
from app.payments.rates import Rate, RateTable

# Late interest on a public payment can be claimed for four years (déchéance quadriennale).
LATE_INTEREST_CLAIM_DAYS = 4 * 365

STATE_AND_LOCAL_DAYS = 30
HOSPITAL_DAYS = 50
PUBLIC_COMPANY_DAYS = 60
RESTART_MINIMUM_DAYS = 30
INDEMNITY = Decimal("40.00")
CENT = Decimal("0.01")

HOSPITAL_WORDS = (
    "HOSPITALIER",
    "HOSPITALIERE",
    "HOSPICES",
    "HOPITAL",
    "HÔPITAL",
    "CHU ",
    "CHRU",
    "ASSISTANCE PUBLIQUE",
    "SERVICE DE SANTE DES ARMEES",
)

MADE_AVAILABLE = InvoiceStatus.MISE_A_DISPOSITION
SUSPENDED = InvoiceStatus.SUSPENDUE
COMPLETED = InvoiceStatus.COMPLETEE
PAID = InvoiceStatus.MISE_EN_PAIEMENT
REJECTED = InvoiceStatus.REJETEE
BACK_TO_SUPPLIER = frozenset(
    {InvoiceStatus.A_RECYCLER, InvoiceStatus.EN_ATTENTE_RECYCLAGE_FOURNISSEUR}
)


def default_deadline_days(recipient_name: str | None) -> int:
    """30 days, 50 for public hospitals (the user overrides per invoice, e.g. 60 for a public
    company)."""
    name = f"{(recipient_name or '').upper()} "
    return HOSPITAL_DAYS if any(word in name for word in HOSPITAL_WORDS) else STATE_AND_LOCAL_DAYS


@dataclass(frozen=True, slots=True)
class StatusEvent:
    status: str
    on: date


@dataclass(frozen=True, slots=True)
class PaymentSchedule:
    deadline_days: int
    started_on: date | None  # made available to the buyer
    due_on: date | None  # last day to pay; None while not started, suspended or rejected
    suspended: bool
    rejected: bool
    paid_on: date | None
    days_late: int
    rate: Rate | None
    interest: Decimal
    indemnity: Decimal

    @property
    def owed(self) -> Decimal:
        return self.interest + self.indemnity

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


# A Plateforme Agréée's lifecycle read as Chorus Pro's: the delay runs from the invoice's
# deposit (between businesses it runs from the invoice, which leaves the day it is issued),
# stops when the customer suspends it, ends with a refusal or the payment.
PLATFORM_EQUIVALENTS: dict[str, str] = {
    "PA_200": MADE_AVAILABLE,
    "PA_208": SUSPENDED,
    "PA_209": COMPLETED,
    "PA_210": REJECTED,
    "PA_213": REJECTED,
    "PA_211": PAID,
    "PA_212": PAID,
}


def _events(history: Iterable[tuple[str, date | datetime]]) -> list[StatusEvent]:
    events = [
        StatusEvent(
            PLATFORM_EQUIVALENTS.get(status, status),
            on.date() if isinstance(on, datetime) else on,
        )
        for status, on in history
    ]
    return sorted(events, key=lambda event: event.on)


def late_interest(amount_ttc: Decimal, rate: Decimal, days_late: int) -> Decimal:
    """TTC × rate × days / 365, to the cent."""
    if days_late <= 0:
        return Decimal("0.00")
    raw = amount_ttc * rate / Decimal(100) * Decimal(days_late) / Decimal(365)
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def payment_schedule(
    history: Iterable[tuple[str, date | datetime]],
    amount_ttc: Decimal,
    *,
    deadline_days: int,
    today: date,
    rates: RateTable | None = None,
    paid_on: date | None = None,
) -> PaymentSchedule:
    """The deadline and what is owed, from the invoice's status history (any order)."""
    started: date | None = None
    due: date | None = None
    suspended_left: int | None = None
    interrupted = rejected = False
    paid = paid_on
    for event in _events(history):
        if event.status == MADE_AVAILABLE:
            started, due, rejected = event.on, event.on + timedelta(days=deadline_days), False
            suspended_left, interrupted = None, False
        elif event.status == SUSPENDED and due is not None and not interrupted:
            suspended_left, interrupted = max(0, (due - event.on).days), True
            due = None
        elif event.status == REJECTED:
            rejected, due = True, None
        elif event.status in BACK_TO_SUPPLIER:
            due = None  # a new clock starts when the recycled invoice is made available
        elif event.status == PAID and paid is None:
            paid = event.on
        elif suspended_left is not None and event.status != SUSPENDED:
            # Completed (or moved on by the buyer): a new delay opens.
            due = event.on + timedelta(days=max(RESTART_MINIMUM_DAYS, suspended_left))
            suspended_left = None
    end = paid or today
    days_late = max(0, (end - due).days) if due is not None and not rejected else 0
    rate = (rates or RateTable()).rate_on(due + timedelta(days=1)) if due and days_late else None
    interest = late_interest(amount_ttc, rate.percent, days_late) if rate else Decimal("0.00")
    return PaymentSchedule(
        deadline_days=deadline_days,
        started_on=started,
        due_on=due,
        suspended=suspended_left is not None,
        rejected=rejected,
        paid_on=paid,
        days_late=days_late,
        rate=rate,
        interest=interest,
        indemnity=INDEMNITY if days_late > 0 else Decimal("0.00"),
    )
