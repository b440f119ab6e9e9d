"""The simulated public buyer: what happens to an invoice after it is filed, over time.

Every invoice is routed (DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION), then follows
a path drawn from weighted behaviours. Some statuses are reported late, dated before the
status already shown, as the buyer's accounting systems do on the real platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.simulator.seed import SimStructure
from app.simulator.state import PlannedStep, SimInvoice, SimulatorState

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

SUSPENSION_REASONS = (
    "Merci de joindre le bon de livraison signé.",
    "Le procès-verbal de réception est manquant.",
    "Merci de préciser la période de la prestation et de joindre l'attestation de service fait.",
)
RECYCLING_REASONS = (
    "Facture adressée au mauvais service : merci de la recycler vers le service exécutant "
    "indiqué sur le bon de commande.",
    "Numéro d'engagement juridique erroné : merci de corriger le numéro de bon de commande.",
)
REJECTION_REASONS = (
    "Le montant facturé ne correspond pas au bon de commande.",
    "Facture en doublon avec une facture déjà reçue.",
    "Prestation non commandée par nos services.",
)


@dataclass(frozen=True, slots=True)
class Behaviour:
    name: str
    weight: int
    plan: Callable[[SimulatorState, SimInvoice, SimStructure], list[PlannedStep]]


def routing_steps() -> list[PlannedStep]:
    return [
        PlannedStep(2 * MINUTE, "EN_COURS_ACHEMINEMENT"),
        PlannedStep(1 * HOUR, "MISE_A_DISPOSITION"),
    ]


def payment_steps(
    state: SimulatorState, recipient: SimStructure, *, late_days: int = 0
) -> list[PlannedStep]:
    """From MISE_A_DISPOSITION (or COMPLETEE) to payment, within the buyer's delay plus
    ``late_days``; one time in four, the accounting statuses are reported out of order."""
    rng = state.rng
    dgp = recipient.dgp_days + late_days
    steps = [
        PlannedStep(rng.uniform(0.5, 2) * DAY, "PRISE_EN_COMPTE_DESTINATAIRE"),
        PlannedStep(rng.uniform(2, 6) * DAY, "SERVICE_FAIT"),
        PlannedStep(dgp * rng.uniform(0.35, 0.5) * DAY, "MANDATEE"),
    ]
    accounting = [
        PlannedStep(rng.uniform(0.5, 2) * DAY, "MISE_A_DISPOSITION_COMPTABLE"),
        PlannedStep(rng.uniform(1, 3) * DAY, "COMPTABILISEE"),
    ]
    if rng.random() < 0.25:
        # The accountant's system reports COMPTABILISEE first; MISE_A_DISPOSITION_COMPTABLE
        # arrives a day later, dated before it.
        accounting = [
            PlannedStep(accounting[0].delay_seconds, "COMPTABILISEE"),
            PlannedStep(1 * DAY, "MISE_A_DISPOSITION_COMPTABLE", backdate_seconds=1.5 * DAY),
        ]
    steps += accounting
    if not recipient.payment_status_not_reported:
        elapsed = sum(step.delay_seconds for step in steps)
        remaining = max(1 * DAY, dgp * DAY * rng.uniform(0.85, 0.98) - elapsed)
        steps.append(PlannedStep(remaining, "MISE_EN_PAIEMENT"))
    return steps


def _paid(state: SimulatorState, invoice: SimInvoice, recipient: SimStructure) -> list[PlannedStep]:
    return routing_steps() + payment_steps(state, recipient)


def _paid_late(
    state: SimulatorState, invoice: SimInvoice, recipient: SimStructure
) -> list[PlannedStep]:
    return routing_steps() + payment_steps(state, recipient, late_days=state.rng.randint(15, 45))


def _suspended(
    state: SimulatorState, invoice: SimInvoice, recipient: SimStructure
) -> list[PlannedStep]:
    reason = state.rng.choice(SUSPENSION_REASONS)
    return [*routing_steps(), PlannedStep(state.rng.uniform(3, 8) * DAY, "SUSPENDUE", reason)]


def _recycled(
    state: SimulatorState, invoice: SimInvoice, recipient: SimStructure
) -> list[PlannedStep]:
    reason = state.rng.choice(RECYCLING_REASONS)
    return [*routing_steps(), PlannedStep(state.rng.uniform(1, 4) * DAY, "A_RECYCLER", reason)]


def _rejected(
    state: SimulatorState, invoice: SimInvoice, recipient: SimStructure
) -> list[PlannedStep]:
    reason = state.rng.choice(REJECTION_REASONS)
    return [*routing_steps(), PlannedStep(state.rng.uniform(4, 12) * DAY, "REJETEE", reason)]


def _never_reported(
    state: SimulatorState, invoice: SimInvoice, recipient: SimStructure
) -> list[PlannedStep]:
    steps = routing_steps() + payment_steps(state, recipient)
    return [step for step in steps if step.status != "MISE_EN_PAIEMENT"]


BEHAVIOURS = (
    Behaviour("payee", 45, _paid),
    Behaviour("payee_en_retard", 15, _paid_late),
    Behaviour("suspendue", 12, _suspended),
    Behaviour("a_recycler", 10, _recycled),
    Behaviour("rejetee", 8, _rejected),
    Behaviour("paiement_non_remonte", 10, _never_reported),
)
BEHAVIOUR_NAMES = tuple(item.name for item in BEHAVIOURS)


def choose_behaviour(state: SimulatorState) -> Behaviour:
    return state.rng.choices(BEHAVIOURS, weights=[item.weight for item in BEHAVIOURS])[0]


def start_buyer(state: SimulatorState, invoice: SimInvoice, behaviour: str | None = None) -> None:
    """Called when the invoice is filed: record DEPOSEE and plan what the buyer will do."""
    recipient = state.structure_by_id(invoice.recipient_id)
    assert recipient is not None
    if behaviour is None and state.next_behaviours:
        behaviour = state.next_behaviours.pop(0)
    chosen = next((b for b in BEHAVIOURS if b.name == behaviour), None) or choose_behaviour(state)
    invoice.behaviour = chosen.name
    state.record_status(invoice, "DEPOSEE")
    state.schedule(invoice, chosen.plan(state, invoice, recipient))


def after_completion(state: SimulatorState, invoice: SimInvoice) -> None:
    """The supplier completed a suspended invoice: back with the buyer, then paid."""
    recipient = state.structure_by_id(invoice.recipient_id)
    assert recipient is not None
    state.schedule(
        invoice,
        [
            PlannedStep(state.rng.uniform(0.5, 2) * DAY, "MISE_A_DISPOSITION"),
            *payment_steps(state, recipient),
        ],
    )


def after_recycling(state: SimulatorState, invoice: SimInvoice) -> None:
    """Re-routed by the supplier: filed again, routed, then paid."""
    recipient = state.structure_by_id(invoice.recipient_id)
    assert recipient is not None
    state.record_status(invoice, "DEPOSEE")
    state.schedule(invoice, routing_steps() + payment_steps(state, recipient))


def force_status(
    state: SimulatorState,
    invoice: SimInvoice,
    status: str,
    comment: str | None,
    dated: datetime | None = None,
) -> None:
    """Admin: the buyer acts now. Waiting statuses stop the plan until the supplier acts;
    other statuses continue towards payment. ``dated``: the platform reports the status with
    this past date as its current-status date (a business date reported late)."""
    recipient = state.structure_by_id(invoice.recipient_id)
    assert recipient is not None
    state.record_status(invoice, status, comment=comment, arrived=dated, dated=dated)
    if status in {"SUSPENDUE", "A_RECYCLER", "REJETEE", "MISE_EN_PAIEMENT"}:
        state.schedule(invoice, [])
        return
    remaining = payment_steps(state, recipient)
    order = [step.status for step in remaining]
    if status in order:
        remaining = remaining[order.index(status) + 1 :]
    state.schedule(invoice, remaining)
