"""Invoice statuses of Chorus Pro (the 56 codes of the official swagger)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StatusGroup(StrEnum):
    BROUILLON = "brouillon"
    EN_COURS = "en_cours"
    A_TRAITER = "a_traiter"
    PAYEE = "payee"
    TERMINEE = "terminee"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    StatusGroup.BROUILLON: "Brouillon",
    StatusGroup.EN_COURS: "En cours",
    StatusGroup.A_TRAITER: "À traiter",
    StatusGroup.PAYEE: "Payée",
    StatusGroup.TERMINEE: "Terminée",
}


@dataclass(frozen=True, slots=True)
class StatusInfo:
    label: str
    group: StatusGroup
    supplier_must_act: bool


class InvoiceStatus(StrEnum):
    BROUILLON = "BROUILLON"
    A_VALIDER_1 = "A_VALIDER_1"
    ERREUR_FOURNISSEUR_SUR_VALIDEUR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    REFUSEE_1 = "REFUSEE_1"
    VALIDEE_1 = "VALIDEE_1"
    ABSENCE_VALIDATION_1_HORS_DELAI = "ABSENCE_VALIDATION_1_HORS_DELAI"
    A_VALIDER_2 = "A_VALIDER_2"
    ERREUR_COTRAITANT_SUR_VALIDEUR = "ERREUR_COTRAITANT_SUR_VALIDEUR"
    REFUSEE_2 = "REFUSEE_2"
    VALIDEE_2 = "VALIDEE_2"
    ABSENCE_VALIDATION_2_HORS_DELAI = "ABSENCE_VALIDATION_2_HORS_DELAI"
    DEPOSEE = "DEPOSEE"
    ERREUR_FOURNISSEUR_SUR_MOE = "ERREUR_FOURNISSEUR_SUR_MOE"
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT"
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION"
    A_RECYCLER = "A_RECYCLER"
    SUSPENDUE = "SUSPENDUE"
    REJETEE = "REJETEE"
    MANDATEE = "MANDATEE"
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"
    COMPTABILISEE = "COMPTABILISEE"
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE"
    ABANDONNEE = "ABANDONNEE"
    SUPPRIMEE = "SUPPRIMEE"
    ASSOCIEE = "ASSOCIEE"
    EN_COURS_TRAITEMENT_PIVOT_S = "EN_COURS_TRAITEMENT_PIVOT_S"
    A_VALIDER_MOE = "A_VALIDER_MOE"
    REFUSEE_MOE = "REFUSEE_MOE"
    EN_ATTENTE_RECYCLAGE_FOURNISSEUR = "EN_ATTENTE_RECYCLAGE_FOURNISSEUR"
    ERREUR_MOE_SUR_FOURNISSEUR = "ERREUR_MOE_SUR_FOURNISSEUR"
    ERREUR_MOA_SUR_FOURNISSEUR = "ERREUR_MOA_SUR_FOURNISSEUR"
    INTERPRETEE_OCR = "INTERPRETEE_OCR"
    COMPLETEE = "COMPLETEE"
    ERREUR_FOURNISSEUR_SUR_MOA = "ERREUR_FOURNISSEUR_SUR_MOA"
    ERREUR_MOE_SUR_MOA = "ERREUR_MOE_SUR_MOA"
    ERREUR_DESTINATAIRE_PD = "ERREUR_DESTINATAIRE_PD"
    ERREUR_DESTINATAIRE_EA = "ERREUR_DESTINATAIRE_EA"
    SERVICE_FAIT = "SERVICE_FAIT"
    NON_CONFORME = "NON_CONFORME"
    A_ASSOCIER_MOE = "A_ASSOCIER_MOE"
    ERREUR_DE_MOE = "ERREUR_DE_MOE"
    MISE_A_DISPOSITION_MOE = "MISE_A_DISPOSITION_MOE"
    PRISE_EN_COMPTE_MOE = "PRISE_EN_COMPTE_MOE"
    A_ASSOCIER_MOA = "A_ASSOCIER_MOA"
    ERREUR_DE_MOA = "ERREUR_DE_MOA"
    REFUSEE_MOA = "REFUSEE_MOA"
    A_ASSOCIER_FOURNISSEUR = "A_ASSOCIER_FOURNISSEUR"
    REFUSEE_FOURNISSEUR = "REFUSEE_FOURNISSEUR"
    A_COMPLETER = "A_COMPLETER"
    TRANSMISE_MOA = "TRANSMISE_MOA"
    PRISE_EN_COMPTE_DESTINATAIRE = "PRISE_EN_COMPTE_DESTINATAIRE"
    REMPLACEE_PAR_A22 = "REMPLACEE_PAR_A22"
    DUPLIQUE_APRES_REFUS = "DUPLIQUE_APRES_REFUS"
    MISE_A_DISPOSITION_MOA = "MISE_A_DISPOSITION_MOA"
    PRISE_EN_COMPTE_MOA = "PRISE_EN_COMPTE_MOA"
    TECHNIQUE_INCONNU = "TECHNIQUE_INCONNU"

    @property
    def info(self) -> StatusInfo:
        return STATUS_INFO[self]

    @property
    def label(self) -> str:
        return STATUS_INFO[self].label

    @property
    def group(self) -> StatusGroup:
        return STATUS_INFO[self].group

    @property
    def supplier_must_act(self) -> bool:
        return STATUS_INFO[self].supplier_must_act


_S = InvoiceStatus
_G = StatusGroup

STATUS_INFO: dict[InvoiceStatus, StatusInfo] = {
    _S.BROUILLON: StatusInfo("Brouillon", _G.BROUILLON, True),
    _S.INTERPRETEE_OCR: StatusInfo("Interprétée (à soumettre)", _G.BROUILLON, True),
    _S.DEPOSEE: StatusInfo("Déposée", _G.EN_COURS, False),
    _S.EN_COURS_ACHEMINEMENT: StatusInfo("En cours d'acheminement", _G.EN_COURS, False),
    _S.MISE_A_DISPOSITION: StatusInfo("Mise à disposition du destinataire", _G.EN_COURS, False),
    _S.PRISE_EN_COMPTE_DESTINATAIRE: StatusInfo(
        "Prise en compte par le destinataire", _G.EN_COURS, False
    ),
    _S.A_RECYCLER: StatusInfo("À recycler", _G.A_TRAITER, True),
    _S.EN_ATTENTE_RECYCLAGE_FOURNISSEUR: StatusInfo(
        "En attente de recyclage fournisseur", _G.A_TRAITER, True
    ),
    _S.SUSPENDUE: StatusInfo("Suspendue", _G.A_TRAITER, True),
    _S.A_COMPLETER: StatusInfo("À compléter", _G.A_TRAITER, True),
    _S.COMPLETEE: StatusInfo("Complétée", _G.EN_COURS, False),
    _S.REJETEE: StatusInfo("Rejetée", _G.A_TRAITER, True),
    _S.SERVICE_FAIT: StatusInfo("Service fait", _G.EN_COURS, False),
    _S.MANDATEE: StatusInfo("Mandatée", _G.EN_COURS, False),
    _S.MISE_A_DISPOSITION_COMPTABLE: StatusInfo(
        "Mise à disposition du comptable", _G.EN_COURS, False
    ),
    _S.COMPTABILISEE: StatusInfo("Comptabilisée", _G.EN_COURS, False),
    _S.MISE_EN_PAIEMENT: StatusInfo("Mise en paiement", _G.PAYEE, False),
    # Validation circuit (cadres A9 / A12).
    _S.A_VALIDER_1: StatusInfo("À valider (1er valideur)", _G.EN_COURS, False),
    _S.VALIDEE_1: StatusInfo("Validée (1er valideur)", _G.EN_COURS, False),
    _S.REFUSEE_1: StatusInfo("Refusée (1er valideur)", _G.A_TRAITER, True),
    _S.ABSENCE_VALIDATION_1_HORS_DELAI: StatusInfo(
        "Sans validation dans le délai (1er valideur)", _G.EN_COURS, False
    ),
    _S.A_VALIDER_2: StatusInfo("À valider (2e valideur)", _G.EN_COURS, False),
    _S.VALIDEE_2: StatusInfo("Validée (2e valideur)", _G.EN_COURS, False),
    _S.REFUSEE_2: StatusInfo("Refusée (2e valideur)", _G.A_TRAITER, True),
    _S.ABSENCE_VALIDATION_2_HORS_DELAI: StatusInfo(
        "Sans validation dans le délai (2e valideur)", _G.EN_COURS, False
    ),
    _S.ERREUR_FOURNISSEUR_SUR_VALIDEUR: StatusInfo(
        "Erreur du fournisseur sur le valideur", _G.A_TRAITER, True
    ),
    _S.ERREUR_COTRAITANT_SUR_VALIDEUR: StatusInfo(
        "Erreur du cotraitant sur le valideur", _G.A_TRAITER, True
    ),
    # Works contracts (MOE / MOA).
    _S.ERREUR_FOURNISSEUR_SUR_MOE: StatusInfo(
        "Erreur du fournisseur sur la maîtrise d'œuvre", _G.A_TRAITER, True
    ),
    _S.ERREUR_FOURNISSEUR_SUR_MOA: StatusInfo(
        "Erreur du fournisseur sur la maîtrise d'ouvrage", _G.A_TRAITER, True
    ),
    _S.ERREUR_MOE_SUR_FOURNISSEUR: StatusInfo(
        "Erreur de la maîtrise d'œuvre sur le fournisseur", _G.EN_COURS, False
    ),
    _S.ERREUR_MOA_SUR_FOURNISSEUR: StatusInfo(
        "Erreur de la maîtrise d'ouvrage sur le fournisseur", _G.EN_COURS, False
    ),
    _S.ERREUR_MOE_SUR_MOA: StatusInfo(
        "Erreur de la maîtrise d'œuvre sur la maîtrise d'ouvrage", _G.EN_COURS, False
    ),
    _S.ERREUR_DE_MOE: StatusInfo("Erreur de maîtrise d'œuvre", _G.EN_COURS, False),
    _S.ERREUR_DE_MOA: StatusInfo("Erreur de maîtrise d'ouvrage", _G.EN_COURS, False),
    _S.A_VALIDER_MOE: StatusInfo("À valider par la maîtrise d'œuvre", _G.EN_COURS, False),
    _S.REFUSEE_MOE: StatusInfo("Refusée par la maîtrise d'œuvre", _G.A_TRAITER, True),
    _S.A_ASSOCIER_MOE: StatusInfo("À associer (maîtrise d'œuvre)", _G.EN_COURS, False),
    _S.MISE_A_DISPOSITION_MOE: StatusInfo(
        "Mise à disposition de la maîtrise d'œuvre", _G.EN_COURS, False
    ),
    _S.PRISE_EN_COMPTE_MOE: StatusInfo(
        "Prise en compte par la maîtrise d'œuvre", _G.EN_COURS, False
    ),
    _S.A_ASSOCIER_MOA: StatusInfo("À associer (maîtrise d'ouvrage)", _G.EN_COURS, False),
    _S.REFUSEE_MOA: StatusInfo("Refusée par la maîtrise d'ouvrage", _G.A_TRAITER, True),
    _S.MISE_A_DISPOSITION_MOA: StatusInfo(
        "Mise à disposition de la maîtrise d'ouvrage", _G.EN_COURS, False
    ),
    _S.PRISE_EN_COMPTE_MOA: StatusInfo(
        "Prise en compte par la maîtrise d'ouvrage", _G.EN_COURS, False
    ),
    _S.TRANSMISE_MOA: StatusInfo("Transmise à la maîtrise d'ouvrage", _G.EN_COURS, False),
    _S.A_ASSOCIER_FOURNISSEUR: StatusInfo("À associer par le fournisseur", _G.A_TRAITER, True),
    _S.REFUSEE_FOURNISSEUR: StatusInfo("Refusée par le fournisseur", _G.TERMINEE, False),
    # Recipient-side errors and technical statuses.
    _S.ERREUR_DESTINATAIRE_PD: StatusInfo(
        "Erreur du destinataire (demande de paiement)", _G.EN_COURS, False
    ),
    _S.ERREUR_DESTINATAIRE_EA: StatusInfo(
        "Erreur du destinataire (état d'acompte)", _G.EN_COURS, False
    ),
    _S.NON_CONFORME: StatusInfo("Non conforme", _G.A_TRAITER, True),
    _S.ASSOCIEE: StatusInfo("Associée", _G.EN_COURS, False),
    _S.ABANDONNEE: StatusInfo("Abandonnée", _G.TERMINEE, False),
    _S.SUPPRIMEE: StatusInfo("Supprimée", _G.TERMINEE, False),
    _S.REMPLACEE_PAR_A22: StatusInfo("Remplacée (procédure tacite)", _G.TERMINEE, False),
    _S.DUPLIQUE_APRES_REFUS: StatusInfo("Dupliquée après refus", _G.TERMINEE, False),
    _S.EN_COURS_TRAITEMENT_PIVOT_S: StatusInfo("En cours de traitement", _G.EN_COURS, False),
    _S.TECHNIQUE_INCONNU: StatusInfo("Statut technique inconnu", _G.EN_COURS, False),
}

# Statuses after which the platform never moves the invoice again for the supplier.
FINAL_STATUSES: frozenset[InvoiceStatus] = frozenset(
    {
        _S.MISE_EN_PAIEMENT,
        _S.REJETEE,
        _S.ABANDONNEE,
        _S.SUPPRIMEE,
        _S.REMPLACEE_PAR_A22,
        _S.DUPLIQUE_APRES_REFUS,
        _S.REFUSEE_FOURNISSEUR,
    }
)

# Statuses that exist only in Bordereau, before the platform has the invoice.
# Local lines of an invoice's history: its wait before sending, and what someone of the office
# did on it (« Recycler », « Compléter », « Traiter le rejet »), with who and where.
LOCAL_STATUS_LABELS = {
    "EN_ATTENTE_ENVOI": "En attente d'envoi",
    "ACTION_RECYCLER": "Recyclée vers un autre destinataire",
    "ACTION_COMPLETER": "Complétée (pièces ou commentaire envoyés)",
    "ACTION_REJET_TRAITE": "Rejet marqué comme traité",
}


def status_label(code: str) -> str:
    """The French label of a platform or local status code (the code itself if unknown)."""
    if code in LOCAL_STATUS_LABELS:
        return LOCAL_STATUS_LABELS[code]
    if code.startswith("PA_"):  # a Plateforme Agréée's lifecycle status
        from app.domain.lifecycle import lifecycle_of

        found = lifecycle_of(code)
        return found.label if found else code
    try:
        return InvoiceStatus(code).label
    except ValueError:
        return code
