"""``/cpro/structures/v1/...`` and the supplier-structure list of the transverses."""

from __future__ import annotations

from typing import Any

from app.simulator.routes import (
    NO_RESULT,
    as_int,
    ok,
    page_of,
    page_request,
    paging,
    refuse,
    route,
)
from app.simulator.state import SimulatorState

PARIS_MINUTE = "%Y-%m-%d %H:%M"


@route("/cpro/structures/v1/rechercher")
def rechercher_structure(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    criteria = body.get("structure") or {}
    wanted_id = (criteria.get("identifiantStructure") or "").strip()
    name = (criteria.get("raisonSocialeStructure") or "").strip().lower()
    postal = (criteria.get("adresseCodePostal") or "").strip()
    status = criteria.get("statutStructure")
    found = [
        item
        for item in state.all_structures()
        if (not wanted_id or item.siret == wanted_id)
        and (not name or name in item.name.lower())
        and (not postal or item.postal_code.startswith(postal))
        and (status is None or (status == "ACTIF") == item.active)
        and (
            body.get("restreindreStructuresPrivees") is False
            or item.public
            or item is state.supplier
        )
    ]
    if not found:
        return refuse(20000, NO_RESULT)
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
        return refuse(20000, NO_RESULT)
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
        return refuse(20000, NO_RESULT)
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
