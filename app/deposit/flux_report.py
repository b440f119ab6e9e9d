"""What a rejected flux means, in the supplier's words rather than the XML's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.chorus.errors import BusinessError

if TYPE_CHECKING:  # the client and its models load when a flux is read, not at start-up
    from app.chorus.schemas_transverses import ConsulterCRDetailleResponse

FLUX_PENDING = (
    "Le Factur-X a été déposé ; Chorus Pro l'intègre (cela prend de quelques secondes à "
    "quelques minutes). Bordereau suit son intégration et vous dira s'il est accepté."
)

# Fragments of the XML paths or messages the platform reports, and what they mean.
XML_TERMS = (
    ("PaymentMeans", "le moyen de paiement (virement, prélèvement…) n'est pas indiqué"),
    ("ExchangedDocument.ID", "le numéro de facture manque"),
    ("IssueDateTime", "la date de facture manque ou n'est pas au format attendu"),
    ("TaxBasisTotalAmount", "le montant total HT manque"),
    ("TaxTotalAmount", "le montant total de TVA manque"),
    ("GrandTotalAmount", "le montant total TTC manque"),
    ("DuePayableAmount", "le net à payer manque"),
    ("BuyerTradeParty", "le destinataire (SIRET de l'acheteur public) manque"),
    ("BuyerReference", "le code service du destinataire est incorrect"),
    ("BuyerOrderReferencedDocument", "le numéro d'engagement est incorrect"),
    ("mal formé", "le fichier XML est illisible"),
    ("CrossIndustryInvoice", "le fichier n'est pas une facture au format CII"),
    ("XML Factur-X", "le PDF ne contient pas de données Factur-X"),
)


def explain(libelle: str) -> str:
    """One platform message, in French business terms."""
    from app.chorus.client import business_error

    typed = business_error(0, libelle)
    if type(typed) is not BusinessError:  # a known refusal: its advice says what to do
        return typed.message
    for fragment, meaning in XML_TERMS:
        if fragment.lower() in libelle.lower():
            return f"{meaning[0].upper()}{meaning[1:]} (« {libelle} »)."
    return f"Chorus Pro a rejeté la facture : {libelle}"


@dataclass(frozen=True, slots=True)
class FluxEnding:
    """A final state of a deposited flux (chorus-api.md §3.2), in the supplier's words."""

    may_hold_invoice: bool  # the invoice may have been integrated: look it up before failing
    meaning: str
    next_step: str


FLUX_ENDINGS = {
    "IN_REJETE": FluxEnding(
        False,
        "Le Factur-X a été rejeté.",
        "Corrigez ce qui est indiqué, puis renvoyez la facture.",
    ),
    "IN_INCIDENTE": FluxEnding(
        False,
        "Chorus Pro a rencontré un incident technique en traitant le Factur-X : la facture "
        "n'a pas été créée.",
        "Renvoyez-la ; si l'incident se répète, contactez le support de Chorus Pro en citant "
        "le numéro de flux {flux}.",
    ),
    "QP_IRRECEVABLE": FluxEnding(
        False,
        "Chorus Pro a jugé le fichier irrecevable dès sa réception (format, structure ou "
        "signature du Factur-X) : la facture n'a pas été créée.",
        "Renvoyez-la en PDF simple (sans cocher « Factur-X »), ou corrigez le fichier.",
    ),
    "IN_INTEGRE_PARTIEL": FluxEnding(
        True,
        "Chorus Pro n'a intégré qu'une partie du fichier, et pas cette facture.",
        "Corrigez ce qui est indiqué, puis renvoyez la facture.",
    ),
    "QP_RECEVABLE_AVEC_ERREUR": FluxEnding(
        True,
        "Chorus Pro a reçu le fichier mais y a trouvé des erreurs, et n'a pas créé la facture.",
        "Corrigez ce qui est indiqué, puis renvoyez la facture.",
    ),
}
INTEGRATED = "IN_INTEGRE"


def flux_failure(report: ConsulterCRDetailleResponse, flux_number: str) -> BusinessError:
    """Why a flux ended without its invoice, and what to do next."""
    state = report.etatCourantDepotFlux or "IN_REJETE"
    ending = FLUX_ENDINGS.get(state, FLUX_ENDINGS["IN_REJETE"])
    messages = [explain(e.libelleErreurDP or "") for e in report.listeErreurDP if e.libelleErreurDP]
    messages += [
        explain(e.libelleErreur or "") for e in report.listeErreurTechnique if e.libelleErreur
    ]
    reasons = " ".join(dict.fromkeys(messages))
    text = " ".join(
        part
        for part in (ending.meaning, reasons, ending.next_step.format(flux=flux_number))
        if part
    )
    return BusinessError(0, state, text)
