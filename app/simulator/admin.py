"""The simulator's admin interface under ``/_simulateur/`` (not part of Chorus Pro).

Tests and demos use it to move the clock, make the buyer act now, choose what the buyer
will do with the next invoices, expire the technical password and inject faults.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.simulator import buyer
from app.simulator.routes import ApiError
from app.simulator.state import SimulatorState

ADMIN_PREFIX = "/_simulateur/"


def _invoice_id(path: str) -> int:
    parts = path.removeprefix(ADMIN_PREFIX).split("/")
    try:
        return int(parts[1])
    except (IndexError, ValueError) as exc:
        raise ApiError(404, {"erreur": f"chemin inconnu : {path}"}) from exc


def admin_state(state: SimulatorState) -> dict[str, Any]:
    return {
        "maintenant": state.clock.now().isoformat(),
        "factures": len(state.invoices),
        "pannes": state.faults.describe(),
        "prochains_comportements": list(state.next_behaviours),
        "comportements": list(buyer.BEHAVIOUR_NAMES),
        "soumissions": dict(state.soumettre_calls),
        "numeros_renvoyes_apres_enregistrement": list(state.resubmitted_numbers),
        "expiration_mot_de_passe": state.password_expires_at.isoformat(),
    }


def handle_admin(state: SimulatorState, method: str, path: str, body: dict[str, Any]) -> Any:
    """Run one admin command; the caller holds the state lock."""
    if method == "GET" and path == ADMIN_PREFIX + "etat":
        return admin_state(state)
    if method != "POST":
        raise ApiError(405, {"erreur": "méthode non prise en charge"})
    if path == ADMIN_PREFIX + "horloge":
        delta = timedelta(
            days=float(body.get("jours", 0)),
            hours=float(body.get("heures", 0)),
            minutes=float(body.get("minutes", 0)),
        )
        if delta < timedelta():
            raise ApiError(400, {"erreur": "l'horloge ne recule pas"})
        state.clock.advance(delta)
        state.dirty = True
        return {"maintenant": state.clock.now().isoformat(), "changements": state.catch_up()}
    if path == ADMIN_PREFIX + "pannes":
        try:
            state.faults.configure(body)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, {"erreur": str(exc)}) from exc
        return state.faults.describe()
    if path == ADMIN_PREFIX + "comportements":
        names = [str(name) for name in body.get("prochains", [])]
        unknown = [name for name in names if name not in buyer.BEHAVIOUR_NAMES]
        if unknown:
            raise ApiError(400, {"erreur": f"comportement inconnu : {unknown[0]}"})
        state.next_behaviours = names
        return {"prochains_comportements": names}
    if path == ADMIN_PREFIX + "compte":
        if "expiration_mot_de_passe" in body:
            state.password_expires_at = datetime.fromisoformat(body["expiration_mot_de_passe"])
            state.dirty = True
        return admin_state(state)
    if path.startswith(ADMIN_PREFIX + "factures/") and path.endswith("/action"):
        invoice = state.invoices.get(_invoice_id(path))
        if invoice is None:
            raise ApiError(404, {"erreur": "facture inconnue"})
        if body.get("statut"):
            buyer.force_status(state, invoice, str(body["statut"]), body.get("commentaire"))
        elif not state.apply_next_step(invoice, forced=True):
            raise ApiError(409, {"erreur": "l'acheteur n'a plus rien prévu pour cette facture"})
        return {
            "identifiantFactureCPP": invoice.id,
            "statut": invoice.status,
            "prochaines_etapes": [step.status for step in invoice.plan],
        }
    raise ApiError(404, {"erreur": f"chemin inconnu : {path}"})
