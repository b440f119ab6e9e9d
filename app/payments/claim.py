"""The facts of a late payment, as a claim to the buyer states them (domain.md §1.5)."""

from __future__ import annotations

from app.domain.money import format_eur
from app.domain.text import french_date
from app.invoices.listing import InvoiceSummary


def late_payment_facts(item: InvoiceSummary) -> str:
    """What was owed and when, to the cent: the body of a claim for late-payment interest."""
    schedule = item.schedule
    rate = schedule.rate
    lines = [
        f"Facture n° {item.number} — {item.recipient_name or item.recipient_siret} "
        f"(SIRET {item.recipient_siret}"
        + (f", service {item.code_service}" if item.code_service else "")
        + ")",
        f"Montant TTC : {format_eur(item.total_ttc)}",
        f"Déposée sur Chorus Pro le {french_date(item.deposit_date)}, mise à disposition le "
        f"{french_date(schedule.started_on)}.",
        f"Délai global de paiement : {schedule.deadline_days} jours, échéance le "
        f"{french_date(schedule.due_on)}.",
        (
            f"Payée le {french_date(schedule.paid_on)}, avec {schedule.days_late} jour(s) "
            "de retard."
            if schedule.paid_on
            else f"Non payée à ce jour : {schedule.days_late} jour(s) de retard."
        ),
    ]
    if rate is not None:
        lines.append(
            f"Intérêts moratoires : {format_eur(item.total_ttc)} × {rate.percent} % × "
            f"{schedule.days_late} / 365 = {format_eur(schedule.interest)} (taux du semestre "
            f"{rate.half_year})."
        )
    lines += [
        f"Indemnité forfaitaire pour frais de recouvrement : {format_eur(schedule.indemnity)}.",
        f"Total dû au titre du retard : {format_eur(schedule.owed)}.",
        "Références : articles L.2192-10 à L.2192-14 et R.2192-31 à R.2192-36 du code de la "
        "commande publique.",
    ]
    return "\n".join(lines)
