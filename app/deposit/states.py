"""The steps of an outbox entry (a tiny module: read at start-up without heavy imports)."""

from __future__ import annotations

WAITING_STATUS = "EN_ATTENTE_ENVOI"  # local: queued, or sent with the answer in doubt
DRAFT_STATUS = "BROUILLON"
UNFINISHED = ("pending", "uploading", "uploaded", "submitting", "flux_deposited")
DEPOSIT = "deposit"  # PDF uploaded, then soumettre
DEPOSIT_FLUX = "deposit_flux"  # Factur-X through deposer/flux, then its integration report
PA_FLOW = "pa_flow"  # an invoice to a Plateforme Agréée (createFlow, found by its trackingId)
PA_LIFECYCLE = "pa_lifecycle"  # a lifecycle message (CDAR) about an invoice sent to a PA
PA_ANSWER = "pa_answer"  # the user's answer (CDAR) to a supplier's invoice received from a PA
CHORUS_OPERATIONS = (DEPOSIT, DEPOSIT_FLUX)
PA_OPERATIONS = (PA_FLOW, PA_LIFECYCLE, PA_ANSWER)
