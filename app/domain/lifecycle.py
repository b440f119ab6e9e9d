"""The reform's lifecycle statuses (XP Z12-012, CDAR ``ProcessConditionCode`` 200–228, as
listed by the BR-FR-CDV schematron), in the vocabulary of the Chorus Pro ones: a French
label, a group of the lists, whether the user must act, and the next step.

An invoice sent through a Plateforme Agréée keeps its status in ``invoices.status`` as
``PA_<code>`` (« PA_212 »), beside the Chorus Pro codes: the lists, the Synthèse and the
dashboard read both with the same columns."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.statuses import StatusGroup

PREFIX = "PA_"
_G = StatusGroup


@dataclass(frozen=True, slots=True)
class Lifecycle:
    code: str  # « 212 »
    label: str
    group: StatusGroup
    supplier_must_act: bool
    next_step: str = ""
    needs_reason: bool = False  # the schematron wants a reason code with it (BR-FR-CDV-15)

    @property
    def status(self) -> str:
        return PREFIX + self.code


LIFECYCLE: dict[str, Lifecycle] = {
    item.code: item
    for item in (
        Lifecycle("200", "Déposée", _G.EN_COURS, False, "La plateforme l'a prise en charge."),
        Lifecycle("201", "Émise", _G.EN_COURS, False, "Transmise à la plateforme du client."),
        Lifecycle("202", "Reçue", _G.EN_COURS, False, "La plateforme du client l'a reçue."),
        Lifecycle("203", "Mise à disposition", _G.EN_COURS, False, "Le client peut la lire."),
        Lifecycle("204", "Prise en charge", _G.EN_COURS, False, "Le client la traite."),
        Lifecycle("205", "Approuvée", _G.EN_COURS, False, "Attendez le paiement."),
        Lifecycle(
            "206",
            "Approuvée partiellement",
            _G.A_TRAITER,
            True,
            "Lisez le motif : un avoir pour la part refusée, ou un échange avec le client.",
            needs_reason=True,
        ),
        Lifecycle(
            "207",
            "En litige",
            _G.A_TRAITER,
            True,
            "Répondez au client ; si la facture est fausse, faites un avoir et une nouvelle "
            "facture.",
            needs_reason=True,
        ),
        Lifecycle(
            "208",
            "Suspendue",
            _G.A_TRAITER,
            True,
            "Le client attend une pièce ou une précision : complétez auprès de lui.",
            needs_reason=True,
        ),
        Lifecycle("209", "Complétée", _G.EN_COURS, False, "Le client reprend son traitement."),
        Lifecycle(
            "210",
            "Refusée",
            _G.A_TRAITER,
            True,
            "Faites un avoir qui l'annule, puis une nouvelle facture corrigée.",
            needs_reason=True,
        ),
        Lifecycle(
            "211",
            "Paiement transmis",
            _G.PAYEE,
            True,
            "Quand l'argent est sur votre compte, déclarez-la « Encaissée ».",
        ),
        Lifecycle("212", "Encaissée", _G.PAYEE, False, "Terminée."),
        Lifecycle(
            "213",
            "Rejetée",
            _G.A_TRAITER,
            True,
            "La plateforme l'a rejetée : corrigez et émettez une nouvelle facture.",
            needs_reason=True,
        ),
        Lifecycle("214", "Visée", _G.EN_COURS, False, "Attendez la suite."),
        Lifecycle("220", "Annulée", _G.TERMINEE, False, "Terminée."),
        Lifecycle(
            "221",
            "Erreur de routage",
            _G.A_TRAITER,
            True,
            "Vérifiez le SIREN et le code de routage du client, puis renvoyez.",
            needs_reason=True,
        ),
        Lifecycle("224", "Demande de paiement direct", _G.EN_COURS, False),
        Lifecycle("225", "Affacturée", _G.EN_COURS, False),
        Lifecycle("226", "Affacturée (confidentiel)", _G.EN_COURS, False),
        Lifecycle("227", "Changement de compte à payer", _G.EN_COURS, False),
        Lifecycle("228", "Non affacturée", _G.EN_COURS, False),
        Lifecycle(
            "501",
            "Irrecevable",
            _G.A_TRAITER,
            True,
            "Le fichier n'a pas pu être lu : émettez une nouvelle facture.",
            needs_reason=True,
        ),
    )
}

DEPOSEE, REFUSEE, PAIEMENT_TRANSMIS, ENCAISSEE, REJETEE = "200", "210", "211", "212", "213"
# After these the invoice does not move any more for the seller (a new one replaces it).
FINAL_CODES = frozenset({ENCAISSEE, REFUSEE, REJETEE, "220", "501"})
# What Synthèse lists as to answer: refusals and rejections, disputes and suspensions.
REFUSAL_CODES = (REFUSEE, REJETEE, "501", "221")
DISPUTE_CODES = ("206", "207", "208")


def lifecycle_of(status: str) -> Lifecycle | None:
    """The lifecycle status an ``invoices.status`` value stands for (``PA_212``), if any."""
    if not status.startswith(PREFIX):
        return None
    return LIFECYCLE.get(status[len(PREFIX) :])


def pa_status(code: str) -> str:
    return PREFIX + code


# Reason codes the BR-FR-CDV schematron accepts with a refusal, dispute or suspension, in French
# (the ones a micro-entrepreneur's customer will use; others are shown by their code).
REASONS: dict[str, str] = {
    "TX_TVA_ERR": "taux de TVA erroné",
    "MONTANTTOTAL_ERR": "montant total erroné",
    "CALCUL_ERR": "erreur de calcul",
    "NON_CONFORME": "facture non conforme",
    "DOUBLON": "facture en double",
    "DEST_ERR": "mauvais destinataire",
    "DEST_INC": "destinataire inconnu",
    "TRANSAC_INC": "opération inconnue du client",
    "EMMET_INC": "émetteur inconnu du client",
    "CONTRAT_TERM": "contrat terminé",
    "DOUBLE_FACT": "double facturation",
    "CMD_ERR": "numéro de commande erroné",
    "ADR_ERR": "adresse erronée",
    "SIRET_ERR": "SIRET erroné",
    "CODE_ROUTAGE_ERR": "code de routage erroné",
    "REF_CT_ABSENT": "référence du contrat absente",
    "REF_ERR": "référence erronée",
    "PU_ERR": "prix unitaire erroné",
    "REM_ERR": "remise erronée",
    "QTE_ERR": "quantité erronée",
    "ART_ERR": "article erroné",
    "MODPAI_ERR": "mode de paiement erroné",
    "QUALITE_ERR": "qualité non conforme",
    "LIVR_INCOMP": "livraison incomplète",
    "COORD_BANC_ERR": "coordonnées bancaires erronées",
    "JUSTIF_ABS": "justificatif absent",
    "ROUTAGE_ERR": "erreur de routage",
    "AUTRE": "autre motif",
}


def reason_label(code: str | None) -> str:
    if not code:
        return ""
    return REASONS.get(code, code)
