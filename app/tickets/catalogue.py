"""What the portal's sollicitation form offers: categories, object types, statuses, views.

The lists follow the supplier's form on the Chorus Pro support portal; the portal changes
them from time to time, so the form's fields also accept free text."""

from __future__ import annotations

from enum import StrEnum

FACTURES_EMISES = "Factures émises"
TO_RECIPIENT = "M - Question pour le destinataire de ma facture"
TO_PUBLIC_ENTITY = "M - Question pour une entité publique"

CATEGORIES: dict[str, tuple[str, ...]] = {
    FACTURES_EMISES: (
        TO_RECIPIENT,
        TO_PUBLIC_ENTITY,
        "Dépôt d'une facture",
        "Suivi du traitement d'une facture",
        "Rejet ou suspension d'une facture",
    ),
    "Annuaire des structures publiques": (
        "Recherche d'un code service",
        "Numéro d'engagement juridique",
        "Structure publique introuvable",
    ),
    "Compte et structure": (
        "Création ou rattachement à une structure",
        "Gestion des utilisateurs",
        "Coordonnées bancaires",
    ),
    "Raccordement API / EDI": (
        "Compte technique",
        "Habilitations PISTE",
        "Erreur technique",
    ),
    "Autre demande": ("Autre",),
}

OBJECT_TYPES = (
    "Facture",
    "Facture de travaux",
    "Demande de remboursement",
    "Mémoire de frais de justice",
    "Engagement juridique",
    "Structure",
    "Aucun",
)

PORTAL_SUPPORT_URL = {
    "production": "https://portail.chorus-pro.gouv.fr/",
    "qualification": "https://portail.qualif.chorus-pro.gouv.fr/",
}


class TicketStatus(StrEnum):
    DRAFT = "BROUILLON"
    OPEN = "OUVERT"
    WAITING_FOR_INFORMATION = "EN_ATTENTE_INFORMATIONS"
    RESOLVED = "RESOLU"
    CLOSED = "FERME"

    @property
    def label(self) -> str:
        return {
            "BROUILLON": "Brouillon",
            "OUVERT": "Ouvert",
            "EN_ATTENTE_INFORMATIONS": "En attente d'informations",
            "RESOLU": "Résolu",
            "FERME": "Fermé",
        }[self.value]


def status_label(code: str) -> str:
    try:
        return TicketStatus(code).label
    except ValueError:
        return code


class TicketView(StrEnum):
    """The portal's three lists of sollicitations."""

    ACTION_REQUIRED = "actions_requises"
    NOT_CLOSED = "ouverts"
    CLOSED = "clotures"

    @property
    def label(self) -> str:
        return {
            "actions_requises": "Actions requises",
            "ouverts": "Tous (sauf clôturés)",
            "clotures": "Clôturés",
        }[self.value]

    @property
    def statuses(self) -> tuple[TicketStatus, ...]:
        if self is TicketView.ACTION_REQUIRED:
            # to paste into the portal, information asked for, a solution to accept or refuse
            return (TicketStatus.DRAFT, TicketStatus.WAITING_FOR_INFORMATION, TicketStatus.RESOLVED)
        if self is TicketView.NOT_CLOSED:
            return tuple(status for status in TicketStatus if status is not TicketStatus.CLOSED)
        return (TicketStatus.CLOSED,)
