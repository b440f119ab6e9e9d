"""Cadres de facturation (billing frameworks)."""

from __future__ import annotations

from enum import StrEnum


class CadreFacturation(StrEnum):
    A1 = "A1_FACTURE_FOURNISSEUR"
    A2 = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"
    A3 = "A3_MEMOIRE_JUSTICE"
    A4 = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    A5 = "A5_ETAT_ACOMPTE_FOURNISSEUR"
    A6 = "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR"
    A7 = "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR"
    A8 = "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"
    A9 = "A9_FACTURE_SOUSTRAITANT"
    A10 = "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"
    A11 = "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT"
    A12 = "A12_FACTURE_COTRAITANT"
    A13 = "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT"
    A14 = "A14_PROJET_DECOMPTE_FINAL_COTRAITANT"
    A15 = "A15_ETAT_ACOMPTE_MOE"
    A16 = "A16_ETAT_ACOMPTE_VALIDE_MOE"
    A17 = "A17_PROJET_DECOMPTE_GENERAL_MOE"
    A18 = "A18_DECOMPTE_GENERAL_MOE"
    A19 = "A19_ETAT_ACOMPTE_VALIDE_MOA"
    A20 = "A20_DECOMPTE_GENERAL_MOA"
    A21 = "A21_DEMANDE_REMBOURSEMENT_TIC"
    A22 = "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE"
    A23 = "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR"
    A24 = "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE"
    A25 = "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE"
    SANS_CADRE = "SANS_CADRE_DE_FACTURATION"

    @property
    def label(self) -> str:
        return CADRE_LABELS[self]

    @property
    def short_code(self) -> str:
        return "—" if self is CadreFacturation.SANS_CADRE else self.value.split("_", 1)[0]

    @property
    def submittable(self) -> bool:
        return self in SUBMITTABLE_CADRES

    @property
    def needs_validator(self) -> bool:
        return self in (CadreFacturation.A9, CadreFacturation.A12)


_C = CadreFacturation

CADRE_LABELS: dict[CadreFacturation, str] = {
    _C.A1: "Dépôt par un fournisseur d'une facture",
    _C.A2: "Dépôt par un fournisseur d'une facture déjà payée",
    _C.A3: "Dépôt d'un mémoire de frais de justice",
    _C.A4: "Dépôt par un fournisseur d'un projet de décompte mensuel",
    _C.A5: "Dépôt par un fournisseur d'un état d'acompte",
    _C.A6: "Dépôt par un fournisseur d'un état d'acompte validé",
    _C.A7: "Dépôt par un fournisseur d'un projet de décompte final",
    _C.A8: "Dépôt par un fournisseur d'un décompte général et définitif",
    _C.A9: "Dépôt par un sous-traitant d'une facture",
    _C.A10: "Dépôt par un sous-traitant d'un projet de décompte mensuel",
    _C.A11: "Dépôt par un sous-traitant d'un projet de décompte final",
    _C.A12: "Dépôt par un cotraitant d'une facture",
    _C.A13: "Dépôt par un cotraitant d'un projet de décompte mensuel",
    _C.A14: "Dépôt par un cotraitant d'un projet de décompte final",
    _C.A15: "Dépôt par une MOE d'un état d'acompte",
    _C.A16: "Dépôt par une MOE d'un état d'acompte validé",
    _C.A17: "Dépôt par une MOE d'un projet de décompte général",
    _C.A18: "Dépôt par une MOE d'un décompte général",
    _C.A19: "Dépôt par une MOA d'un état d'acompte validé",
    _C.A20: "Dépôt par une MOA d'un décompte général",
    _C.A21: "Dépôt par un bénéficiaire d'une demande de remboursement de la TIC",
    _C.A22: "Projet de décompte général déposé par le fournisseur (procédure tacite)",
    _C.A23: "Décompte général et définitif tacite (fournisseur)",
    _C.A24: "Décompte général et définitif tacite (MOE)",
    _C.A25: "Décompte général et définitif (MOE, procédure tacite)",
    _C.SANS_CADRE: "Sans cadre de facturation",
}

SUBMITTABLE_CADRES: tuple[CadreFacturation, ...] = (_C.A1, _C.A2, _C.A9, _C.A12)
DEFAULT_CADRE = _C.A1
