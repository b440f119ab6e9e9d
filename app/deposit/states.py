"""The steps of an outbox entry (a tiny module: read at start-up without heavy imports)."""

from __future__ import annotations

UNFINISHED = ("pending", "uploading", "uploaded", "submitting", "flux_deposited")
DEPOSIT = "deposit"  # PDF uploaded, then soumettre
DEPOSIT_FLUX = "deposit_flux"  # Factur-X through deposer/flux, then its integration report
