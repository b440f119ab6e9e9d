"""``/cpro/structures/v1/...`` and the supplier-structure list of the transverses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.simulator.routes import (
    as_int,
    no_result,
    ok,
    page_of,
    page_request,
    paging,
    refuse,
    route,
)
from app.simulator.seed import SimStructure
from app.simulator.state import SimulatorState

PARIS_MINUTE = "%Y-%m-%d %H:%M"


StructureTest = Callable[[SimStructure], bool]


def _text(criteria: dict[str, Any], key: str) -> str:
    return str(criteria.get(key) or "").strip().lower()


def _structure_tests(criteria: dict[str, Any]) -> list[StructureTest]:
    """One test per criterion of ``RechercherStructureInput``. Every simulated structure is
    a French legal entity with a SIRET, in France, and none is a works-contract MOA."""
    tests: list[StructureTest] = []
    if wanted := _text(criteria, "identifiantStructure"):
        tests.append(lambda item: item.siret == wanted)
    if (kind := criteria.get("typeIdentifiantStructure")) and kind != "SIRET":
        tests.append(lambda item: False)
    names = [_text(criteria, key) for key in ("raisonSocialeStructure", "libelleStructure")]
    if names := [name for name in names if name]:
        tests.append(lambda item: all(name in item.name.lower() for name in names))
    if _text(criteria, "nomStructure") or _text(criteria, "prenomStructure"):
        tests.append(lambda item: False)  # a person's name: no structure here is a person
    if postal := _text(criteria, "adresseCodePostal"):
        tests.append(lambda item: item.postal_code.startswith(postal))
    if city := _text(criteria, "adresseVille"):
        tests.append(lambda item: city in item.city.lower())
    if (country := _text(criteria, "adresseCodePays")) and country != "fr":
        tests.append(lambda item: False)
    if status := criteria.get("statutStructure"):
        tests.append(lambda item: (status == "ACTIF") == item.active)
    if kind_of := criteria.get("typeStructure"):
        tests.append(lambda item: (kind_of == "PUBLIQUE") == item.public)
    if criteria.get("estMOA") or criteria.get("estMOAUniquement"):
        tests.append(lambda item: False)
    return tests


@route("/cpro/structures/v1/rechercher")
def rechercher_structure(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    criteria = body.get("structure") or {}
    tests = _structure_tests(criteria)
    if body.get("restreindreStructuresPrivees") is not False:
        # Public structures, plus the private ones the user is attached to (chorus-api.md §2.2).
        tests.append(lambda item: item.public or item is state.supplier)
    found = [item for item in state.all_structures() if all(test(item) for test in tests)]
    if not found:
        return no_result(state, "listeStructures")
    page, per_page = page_request(body.get("parametres") or {})
    return ok(
        parametresRetour=paging(page, per_page, len(found)),
        listeStructures=[
            {
                "idStructureCPP": item.id,
                "identifiantStructure": item.siret,
                "designationStructure": item.name,
                "typeIdentifiantStructure": "SIRET",
                "statut": "ACTIVE" if item.active else "INACTIVE",
            }
            for item in page_of(found, page, per_page)
        ],
    )


@route("/cpro/structures/v1/consulter")
def consulter_structure(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    structure = state.structure_by_id(as_int(body.get("idStructureCPP")))
    if structure is None:
        return refuse(20000, "TRA_MSG_00.015 La structure n'existe pas")
    info: dict[str, Any] = {
        "idStructureCPP": structure.id,
        "identifiantStructure": structure.siret,
        "typeIdentifiantStructure": "SIRET",
        "raisonSocialeStructure": structure.name,
        "libelleStructure": structure.name,
        "structurePriveePublique": "PUBLIQUE" if structure.public else "PRIVEE",
    }
    if structure.vat_number:
        info["numeroTVA"] = structure.vat_number
    if structure is state.supplier:
        info["dateExpirationMotPasseCompteTech"] = state.password_expires_at.isoformat(
            timespec="milliseconds"
        )
    return ok(
        informationGenerales=info,
        adressePostaleDuSiege={
            "adresse": structure.address,
            "codePostal": structure.postal_code,
            "ville": structure.city,
            "pays": "FR",
        },
        parametres={
            "codeServiceDoitEtreRenseigne": structure.service_required,
            "numeroEJDoitEtreRenseigne": structure.engagement_required,
            "gestionNumeroEJOuCodeService": structure.service_or_engagement,
            "statutMiseEnPaiementNestPasRemonte": structure.payment_status_not_reported,
            "connexionEDI": False,
            "estMoaUniquement": False,
            "recevoirDonneesViaEDI": False,
        },
    )


@route("/cpro/structures/v1/rechercher/services")
def rechercher_services(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    structure = state.structure_by_id(as_int(body.get("idStructure")))
    if structure is None or not structure.services:
        return no_result(state, "listeServices")
    page, per_page = page_request(body.get("parametresRechercherServicesStructure") or {})
    return ok(
        parametresRetour=paging(page, per_page, len(structure.services)),
        listeServices=[
            {
                "idService": service.id,
                "codeService": service.code,
                "libelleService": service.label,
                "estActif": service.active,
                "statutService": "ACTIF" if service.active else "INACTIF",
            }
            for service in page_of(structure.services, page, per_page)
        ],
    )


@route("/cpro/structures/v1/consulter/service")
def consulter_service(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    structure = state.structure_by_id(as_int(body.get("idStructure")))
    service = state.service_by_id(structure, as_int(body.get("idService"))) if structure else None
    if structure is None or service is None:
        return refuse(20000, "TRA_MSG_00.015 Le service n'existe pas")
    parametres: dict[str, Any] = {
        "numeroEngagement": service.engagement_required,
        "miseEnPaiement": not structure.payment_status_not_reported,
        "dateCreation": "2017-01-02 09:00",
        "dateDebutValidite": "2017-01-02 09:00",
    }
    if not service.active:
        parametres["dateFinValidite"] = "2024-12-31 23:59"
    return ok(
        informationsGenerales={
            "codeService": service.code,
            "nomService": service.label,
            "descriptionService": service.label,
        },
        adressePostale={
            "adresse": structure.address,
            "codePostal": structure.postal_code,
            "ville": structure.city,
            "pays": "FR",
        },
        parametres=parametres,
    )


@route("/cpro/transverses/v1/recuperer/structures/actives/fournisseur")
def structures_actives_fournisseur(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    supplier = state.supplier
    return ok(
        listeStructures=[
            {
                "idStructureCPP": supplier.id,
                "identifiant": supplier.siret,
                "designationStructure": supplier.name,
            }
        ],
        parametresRetour=paging(1, 10, 1),
    )


@route("/cpro/transverses/v1/rechercher/destinataire")
def rechercher_destinataire(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    wanted = (body.get("identifiant") or "").strip()
    place = (body.get("nomVilleCodePostal") or "").strip().lower()
    found = [
        item
        for item in state.directory
        if item.public
        and item.active
        and (not wanted or item.siret.startswith(wanted))
        and (
            not place
            or place in item.name.lower()
            or place in item.city.lower()
            or item.postal_code.startswith(place)
        )
    ]
    if not found:
        return no_result(state, "listeDestinataires")
    page, per_page = page_request(body.get("parametresRecherche") or {})
    return ok(
        parametresRetour=paging(page, per_page, len(found)),
        listeDestinataires=[
            {
                "idStructureCPP": item.id,
                "siret": item.siret,
                "nomDestinataire": item.name,
                "adresseCodePostal": item.postal_code,
                "adresseVille": item.city,
            }
            for item in page_of(found, page, per_page)
        ],
    )
