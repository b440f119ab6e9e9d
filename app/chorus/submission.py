"""Submit an invoice exactly once, even when the answer to ``soumettre`` is lost.

``soumettre`` is not idempotent: if the connection drops after the platform recorded the
invoice, sending it again would be refused as a duplicate at best. So an unknown outcome is
settled by looking the invoice up by its number before anything is sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient
from app.chorus.errors import PlatformUnavailableError
from app.domain.statuses import InvoiceStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SubmittedInvoice:
    identifiant_facture_cpp: int
    status: str
    deposit_date: str | None
    recovered: bool  # True when found by reconciliation rather than from soumettre's answer


def find_submitted(
    client: ChorusClient, invoice_number: str, supplier_id: int
) -> f.FactureTrouvee | None:
    """The invoice the platform holds under this supplier number, if any."""
    criteria = f.RechercherFournisseurRequest(
        numeroFacture=invoice_number, idFournisseur=supplier_id
    )
    for found in client.iter_factures(criteria, per_page=10):
        if found.numeroFacture == invoice_number:
            return found
    return None


def submitted_from(found: f.FactureTrouvee, *, recovered: bool = True) -> SubmittedInvoice:
    """The invoice as a search found it (after a lost answer, or once a flux is integrated)."""
    return SubmittedInvoice(
        found.identifiantFactureCPP,
        found.statut or InvoiceStatus.DEPOSEE,
        found.dateDepot,
        recovered,
    )


def submit_once(
    client: ChorusClient,
    request: f.SoumettreRequest,
    *,
    already_attempted: bool = False,
    attempts: int = 3,
) -> SubmittedInvoice:
    """Send ``soumettre``; when the outcome is unknown, reconcile before any new attempt.

    ``already_attempted``: an earlier call may have reached the platform (its answer was lost,
    or the app stopped before recording it): look the number up before sending. On a first
    attempt a number already on the platform is a real duplicate and is reported as such.

    Business refusals (:class:`BusinessError`) and authentication problems propagate at once.
    :class:`PlatformUnavailableError` propagates when the platform stays unreachable: the
    caller keeps the invoice in its outbox and calls again later with ``already_attempted``.
    """
    number = request.numeroFactureSaisi
    supplier_id = request.fournisseur.idFournisseur
    last_error: PlatformUnavailableError | None = None
    for attempt in range(attempts):
        if attempt > 0 or already_attempted:
            found = find_submitted(client, number, supplier_id)
            if found is not None:
                log.info("Facture %s retrouvée sur Chorus Pro après une réponse perdue", number)
                return submitted_from(found)
        try:
            answer = client.soumettre(request)
        except PlatformUnavailableError as exc:
            last_error = exc
            log.info("soumettre %s : issue inconnue (%s) ; rapprochement", number, exc.details)
            continue
        if answer.identifiantFactureCPP is None:
            found = find_submitted(client, number, supplier_id)
            if found is None:
                raise PlatformUnavailableError(details="soumettre sans identifiantFactureCPP")
            return submitted_from(found)
        return SubmittedInvoice(
            answer.identifiantFactureCPP,
            answer.statutFacture or InvoiceStatus.DEPOSEE,
            answer.dateDepot,
            False,
        )
    found = find_submitted(client, number, supplier_id)
    if found is not None:
        return submitted_from(found)
    assert last_error is not None
    raise last_error
