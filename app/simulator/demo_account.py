"""Demo mode's account: a year of a small supplier's invoices to public buyers, so that the
Synthèse, Rechercher and the dashboard have something true to show before any real account.

Invoices are filed in date order (the platform's deposit order never goes back), then their
statuses are written at the dates they would have happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from app.simulator.checks import Submission
from app.simulator.handlers_factures import file_invoice
from app.simulator.seed import siret_for
from app.simulator.state import SimClock, SimulatorState

PAID_CHAIN = ("MISE_A_DISPOSITION", "SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT")
PESSAC_SIRET = siret_for(2, "2133")  # a code service is required: SERV_TECH, ENFANCE


@dataclass(frozen=True, slots=True)
class DemoInvoice:
    days_ago: int  # deposit
    amount: str
    steps: tuple[tuple[str, int], ...]  # (status, days after the deposit)
    comment: str | None = None  # of the last status
    recipient: str | None = None  # SIRET, when the story needs a particular buyer
    service: str | None = None


def _paid(days_ago: int, amount: str, paid_after: int) -> DemoInvoice:
    return DemoInvoice(
        days_ago,
        amount,
        (
            ("MISE_A_DISPOSITION", 1),
            ("SERVICE_FAIT", 6),
            ("MANDATEE", paid_after - 6),
            ("MISE_EN_PAIEMENT", paid_after),
        ),
    )


DEMO_INVOICES = (
    _paid(350, "1800.00", 27),
    _paid(330, "650.00", 24),
    _paid(300, "2400.00", 52),  # paid 21 days late: interest owed
    _paid(280, "920.00", 29),
    _paid(250, "1350.00", 26),
    _paid(220, "480.00", 31),
    _paid(200, "3100.00", 25),
    _paid(170, "760.00", 47),  # paid late
    _paid(150, "1200.00", 28),
    _paid(125, "540.00", 22),
    _paid(100, "2050.00", 30),
    _paid(80, "880.00", 26),
    _paid(62, "1475.00", 29),
    DemoInvoice(75, "1960.00", (("MISE_A_DISPOSITION", 1), ("SERVICE_FAIT", 9))),  # late
    DemoInvoice(24, "1120.00", (("MISE_A_DISPOSITION", 1), ("SERVICE_FAIT", 8))),
    DemoInvoice(12, "690.00", (("MISE_A_DISPOSITION", 1),)),
    DemoInvoice(3, "2300.00", (("MISE_A_DISPOSITION", 1),)),
    DemoInvoice(
        20,
        "1580.00",
        (("MISE_A_DISPOSITION", 1), ("A_RECYCLER", 4)),
        "Les services techniques ne traitent pas cette prestation : adressez la facture au "
        "service ENFANCE de la Commune de Pessac.",
        recipient=PESSAC_SIRET,
        service="SERV_TECH",
    ),
    DemoInvoice(
        30,
        "830.00",
        (("MISE_A_DISPOSITION", 1), ("SUSPENDUE", 9)),
        "Merci de joindre le bon de livraison signé.",
    ),
    DemoInvoice(
        9,
        "415.00",
        (("MISE_A_DISPOSITION", 1), ("REJETEE", 5)),
        "Numéro d'engagement inconnu de nos services.",
    ),
    DemoInvoice(
        60,
        "275.00",
        (("MISE_A_DISPOSITION", 1), ("REJETEE", 6)),
        "Facture en double.",
    ),
)


def seed_demo_account(state: SimulatorState) -> None:
    """File :data:`DEMO_INVOICES` for the demo supplier (once, on a fresh platform)."""
    recipients = [
        structure
        for structure in state.directory
        if structure.active
        and structure.public
        and not (
            structure.service_required
            or structure.engagement_required
            or structure.service_or_engagement
        )
    ][:6]
    real_clock = state.clock
    now = real_clock.now()
    try:
        for index, demo in enumerate(sorted(DEMO_INVOICES, key=lambda d: -d.days_ago), start=1):
            deposited = datetime.combine(
                (now - timedelta(days=demo.days_ago)).date(), time(9, 30), now.tzinfo
            )
            state.clock = SimClock(deposited - datetime.now(deposited.tzinfo))
            siret = demo.recipient or recipients[index % len(recipients)].siret
            invoice = file_invoice(
                state,
                Submission.entered(
                    f"F{deposited.year}-{index:03d}",
                    siret,
                    Decimal(demo.amount),
                    service_code=demo.service,
                    date=(deposited.date() - timedelta(days=1)).isoformat(),
                ),
            )
            state.schedule(invoice, [])
            for number, (status, after) in enumerate(demo.steps, start=1):
                last = number == len(demo.steps)
                state.record_status(
                    invoice,
                    status,
                    comment=demo.comment if last else None,
                    arrived=deposited + timedelta(days=after, hours=2),
                )
    finally:
        state.clock = real_clock
    state.dirty = True
