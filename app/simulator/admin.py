"""The simulator's admin interface under ``/_simulateur/`` (not part of Chorus Pro).

Tests and demos use it to move the clock, make the buyer act now, choose what the buyer
will do with the next invoices, expire the technical password and inject faults.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.domain.statuses import InvoiceStatus
from app.simulator import buyer
from app.simulator.handlers_factures import FLUX_ENDINGS, MAIN_ATTACHMENT_FORMS
from app.simulator.routes import ApiError
from app.simulator.state import SimulatorState

ADMIN_PREFIX = "/_simulateur/"
CHORUS_STATUSES = frozenset(status.value for status in InvoiceStatus if status != "BROUILLON")


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


def _finite(body: dict[str, Any], key: str, limit: float) -> float:
    value = body.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ApiError(400, {"erreur": f"{key} : nombre attendu"})
    try:
        number = float(value)
    except ValueError:
        raise ApiError(400, {"erreur": f"{key} : nombre attendu"}) from None
    if not math.isfinite(number) or abs(number) > limit:
        raise ApiError(400, {"erreur": f"{key} : nombre fini, au plus {limit:g} en valeur absolue"})
    return number


def _instant(body: dict[str, Any], key: str) -> datetime | None:
    text = body.get(key)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise ApiError(400, {"erreur": f"{key} : date ISO 8601 attendue"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _names(body: dict[str, Any], key: str, allowed: Iterable[str]) -> list[str]:
    values = body.get(key, [])
    if not isinstance(values, list):
        raise ApiError(400, {"erreur": f"{key} : liste attendue"})
    names = [str(name) for name in values]
    known = set(allowed)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ApiError(400, {"erreur": f"{key} : valeur inconnue : {unknown[0]}"})
    return names


def _move_clock(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    delta = timedelta(
        days=_finite(body, "jours", 3650),
        hours=_finite(body, "heures", 24 * 3650),
        minutes=_finite(body, "minutes", 24 * 60 * 3650),
    )
    if delta < timedelta():
        raise ApiError(400, {"erreur": "l'horloge ne recule pas"})
    state.clock.advance(delta)
    state.dirty = True
    return {"maintenant": state.clock.now().isoformat(), "changements": state.catch_up()}


def _act_on_invoice(state: SimulatorState, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The buyer acts now: the next planned step, or the status given. ``date_statut`` dates
    the status in the past, as a platform that reports a business date late would."""
    invoice = state.invoices.get(_invoice_id(path))
    if invoice is None:
        raise ApiError(404, {"erreur": "facture inconnue"})
    status = body.get("statut")
    if status:
        if str(status) not in CHORUS_STATUSES:
            raise ApiError(400, {"erreur": f"statut inconnu de Chorus Pro : {status}"})
        dated = _instant(body, "date_statut")
        if dated is not None and dated > state.clock.now():
            raise ApiError(400, {"erreur": "date_statut : pas de date dans le futur"})
        comment = body.get("commentaire")
        buyer.force_status(
            state, invoice, str(status), None if comment is None else str(comment)[:255], dated
        )
    elif not state.apply_next_step(invoice, forced=True):
        raise ApiError(409, {"erreur": "l'acheteur n'a plus rien prévu pour cette facture"})
    return {
        "identifiantFactureCPP": invoice.id,
        "statut": invoice.status,
        "prochaines_etapes": [step.status for step in invoice.plan],
    }


def _empty_search_answer(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    code = body.get("codeRetour", 20000)
    if isinstance(code, bool) or not isinstance(code, int):
        raise ApiError(400, {"erreur": "codeRetour : entier attendu"})
    state.no_result_answer = (code, str(body.get("libelle") or ""))
    return {"resultat_vide": list(state.no_result_answer)}


def handle_admin(state: SimulatorState, method: str, path: str, body: dict[str, Any]) -> Any:
    """Run one admin command; the caller holds the state lock."""
    if method == "GET" and path == ADMIN_PREFIX + "etat":
        return admin_state(state)
    if method != "POST":
        raise ApiError(405, {"erreur": "méthode non prise en charge"})
    if path == ADMIN_PREFIX + "horloge":
        return _move_clock(state, body)
    if path == ADMIN_PREFIX + "pannes":
        try:
            state.faults.configure(body)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ApiError(400, {"erreur": str(exc)}) from exc
        return state.faults.describe()
    if path == ADMIN_PREFIX + "comportements":
        state.next_behaviours = _names(body, "prochains", buyer.BEHAVIOUR_NAMES)
        return {"prochains_comportements": state.next_behaviours}
    if path == ADMIN_PREFIX + "flux":
        state.next_flux_endings = _names(body, "prochains", FLUX_ENDINGS)
        return {"prochains_flux": state.next_flux_endings}
    if path == ADMIN_PREFIX + "pieces_jointes":
        form = str(body.get("principale", "les_deux"))
        if form not in MAIN_ATTACHMENT_FORMS:
            raise ApiError(400, {"erreur": f"principale : valeur inconnue : {form}"})
        state.main_attachment_form = form
        return {"principale": form}
    if path == ADMIN_PREFIX + "resultat_vide":
        return _empty_search_answer(state, body)
    if path == ADMIN_PREFIX + "compte":
        expiry = _instant(body, "expiration_mot_de_passe")
        if expiry is not None:
            state.password_expires_at = expiry
            state.dirty = True
        return admin_state(state)
    if path.startswith(ADMIN_PREFIX + "factures/") and path.endswith("/action"):
        return _act_on_invoice(state, path, body)
    raise ApiError(404, {"erreur": f"chemin inconnu : {path}"})
