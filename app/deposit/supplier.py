"""The user's own structure on Chorus Pro, as the deposit form's « Fournisseur » shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.errors import ValidationProblem

if TYPE_CHECKING:  # the client and its models load with the first call, not at start-up
    from app.chorus.client import ChorusClient


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True, slots=True)
class SupplierProfile:
    siret: str
    name: str
    id_structure_cpp: int
    services: list[Choice] = field(default_factory=list)  # active services only
    bank_accounts: list[Choice] = field(default_factory=list)
    vat_number: str | None = None  # numeroTVA of the structure's record, when Chorus Pro has one


def fetch_supplier_profile(client: ChorusClient, siret: str) -> SupplierProfile:
    mine = client.structures_actives_fournisseur().listeStructures
    structure = next((item for item in mine if item.identifiant == siret), None)
    if structure is None:
        raise ValidationProblem(
            f"Le compte technique n'est pas rattaché à votre structure (SIRET {siret}) : "
            "rattachez-le dans Chorus Pro (Raccordements), ou corrigez le SIRET dans "
            "Compte › Compte Chorus Pro."
        )
    services = [
        Choice(item.idService, f"{item.codeService} — {item.libelleService or ''}".strip(" —"))
        for item in client.all_services(structure.idStructureCPP)
        if item.estActif
    ]
    banks = [
        Choice(
            item.idCoordonneeBancaire, item.nomCoordonneeBancaire or str(item.idCoordonneeBancaire)
        )
        for item in client.coordonnees_bancaires(structure.idStructureCPP).listeCoordonneeBancaire
    ]
    record = client.consulter_structure(structure.idStructureCPP).informationGenerales
    vat_number = record.numeroTVA if record is not None and record.numeroTVA else None
    return SupplierProfile(
        siret,
        structure.designationStructure or siret,
        structure.idStructureCPP,
        services,
        banks,
        vat_number=vat_number,
    )
