"""Small enumerations of the Chorus Pro protocol, each with its French label."""

from __future__ import annotations

from enum import StrEnum


class TypeFacture(StrEnum):
    FACTURE = "FACTURE"
    AVOIR = "AVOIR"
    ACOMPTE = "ACOMPTE"  # searches and outputs only

    @property
    def label(self) -> str:
        return {"FACTURE": "Facture", "AVOIR": "Avoir", "ACOMPTE": "Acompte"}[self.value]


SUBMITTABLE_TYPES_FACTURE = (TypeFacture.FACTURE, TypeFacture.AVOIR)


class TypeTva(StrEnum):
    TVA_SUR_DEBIT = "TVA_SUR_DEBIT"
    TVA_SUR_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT"
    EXONERATION = "EXONERATION"
    SANS_TVA = "SANS_TVA"

    @property
    def label(self) -> str:
        return {
            "TVA_SUR_DEBIT": "TVA sur les débits",
            "TVA_SUR_ENCAISSEMENT": "TVA sur les encaissements",
            "EXONERATION": "Exonération de TVA",
            "SANS_TVA": "Sans TVA (franchise en base)",
        }[self.value]


class ModePaiement(StrEnum):
    CHEQUE = "CHEQUE"
    PRELEVEMENT = "PRELEVEMENT"
    VIREMENT = "VIREMENT"
    ESPECE = "ESPECE"
    AUTRE = "AUTRE"
    REPORT = "REPORT"

    @property
    def label(self) -> str:
        return {
            "CHEQUE": "Chèque",
            "PRELEVEMENT": "Prélèvement",
            "VIREMENT": "Virement",
            "ESPECE": "Espèces",
            "AUTRE": "Autre",
            "REPORT": "Report",
        }[self.value]


class TypeIdentifiant(StrEnum):
    SIRET = "SIRET"
    UE_HORS_FRANCE = "UE_HORS_FRANCE"
    HORS_UE = "HORS_UE"
    RIDET = "RIDET"
    TAHITI = "TAHITI"
    AUTRE = "AUTRE"
    PARTICULIER = "PARTICULIER"

    @property
    def label(self) -> str:
        return {
            "SIRET": "SIRET",
            "UE_HORS_FRANCE": "Structure de l'UE hors France",
            "HORS_UE": "Structure hors UE",
            "RIDET": "RIDET (Nouvelle-Calédonie)",
            "TAHITI": "Numéro Tahiti",
            "AUTRE": "Autre (en cours d'immatriculation)",
            "PARTICULIER": "Particulier",
        }[self.value]


class ModeDepot(StrEnum):
    SAISIE_WEB = "SAISIE_WEB"
    PORTAIL_PDF = "PORTAIL_PDF"
    EDI_XML_STRUCT = "EDI_XML_STRUCT"
    EDI_MIXTE = "EDI_MIXTE"
    EDI_PDF_ARCHIVE = "EDI_PDF_ARCHIVE"
    SAISIE_PORTAIL = "SAISIE_PORTAIL"
    SAISIE_API = "SAISIE_API"
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL"
    DEPOT_PDF_SIGNE_PORTAIL = "DEPOT_PDF_SIGNE_PORTAIL"
    DEPOT_PDF_API = "DEPOT_PDF_API"
    DEPOT_PDF_SIGNE_API = "DEPOT_PDF_SIGNE_API"
    EDI = "EDI"
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL"
    UPLOAD_API = "UPLOAD_API"
    EDI_NUMERISATION = "EDI_NUMERISATION"


SUBMITTABLE_MODES_DEPOT = (
    ModeDepot.SAISIE_API,
    ModeDepot.DEPOT_PDF_API,
    ModeDepot.DEPOT_PDF_SIGNE_API,
)
