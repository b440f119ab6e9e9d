"""What a rejected flux means, in the supplier's words rather than the XML's."""

from __future__ import annotations

from app.chorus.client import business_error
from app.chorus.errors import BusinessError
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
    typed = business_error(0, libelle)
    if type(typed) is not BusinessError:  # a known refusal: its advice says what to do
        return typed.message
    for fragment, meaning in XML_TERMS:
        if fragment.lower() in libelle.lower():
            return f"{meaning[0].upper()}{meaning[1:]} (« {libelle} »)."
    return f"Chorus Pro a rejeté la facture : {libelle}"


def flux_rejection(report: ConsulterCRDetailleResponse) -> BusinessError:
    messages = [explain(e.libelleErreurDP or "") for e in report.listeErreurDP if e.libelleErreurDP]
    messages += [
        explain(e.libelleErreur or "") for e in report.listeErreurTechnique if e.libelleErreur
    ]
    text = (
        " ".join(dict.fromkeys(messages)) or "Chorus Pro a rejeté le flux sans en donner la raison."
    )
    return BusinessError(0, "IN_REJETE", f"Le Factur-X a été rejeté : {text}")
