"""pydantic models of Chorus Pro requests and responses (shared by client and simulator).

Field names are the protocol's, on purpose: they are checked against the official swaggers.
Responses ignore unknown fields; lists that the platform sometimes sends as a single object
are accepted either way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, field_validator


def _decimal_to_wire(value: Decimal) -> float | int:
    """JSON has one number type: amounts of at most a few decimals survive ``float`` exactly
    (its shortest repr is the same decimal string), and responses are parsed back into
    ``Decimal`` with ``parse_float``."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


Amount = Annotated[Decimal, PlainSerializer(_decimal_to_wire, when_used="json")]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class Response(BaseModel):
    model_config = ConfigDict(extra="ignore")

    codeRetour: int = 0
    libelle: str = ""


def as_list(value: Any) -> Any:
    """Chorus sometimes returns an object where the schema says array (Pastell quirk)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    return value


class Reply(BaseModel):
    """A nested response object: unknown fields ignored."""

    model_config = ConfigDict(extra="ignore")


class ParametresRetour(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pageCourante: int = 1
    pages: int = 1
    nbResultatsParPage: int = 10
    total: int = 0


class PisteToken(BaseModel):
    model_config = ConfigDict(extra="ignore")

    access_token: str
    token_type: str = "Bearer"
    expires_in: int = 3600
    scope: str | None = None


class HealthCheck(BaseModel):
    model_config = ConfigDict(extra="ignore")

    body: str | None = None
    statusCode: str | None = None
    statusCodeValue: int | None = None


# --- structures/v1/rechercher ------------------------------------------------------------


class RechercherStructureCriteres(Request):
    identifiantStructure: str | None = None
    typeIdentifiantStructure: str | None = None
    raisonSocialeStructure: str | None = None
    libelleStructure: str | None = None
    nomStructure: str | None = None
    prenomStructure: str | None = None
    adresseCodePostal: str | None = None
    adresseVille: str | None = None
    adresseCodePays: str | None = None
    typeStructure: str | None = None
    statutStructure: str | None = None
    estMOA: bool | None = None
    estMOAUniquement: bool | None = None


class ParametresRechercheStructure(Request):
    nbResultatsParPage: int | None = None
    pageResultatDemandee: int | None = None
    triColonne: str | None = None
    triSens: str | None = None


class RechercherStructureRequest(Request):
    structure: RechercherStructureCriteres | None = None
    parametres: ParametresRechercheStructure | None = None
    restreindreStructuresPrivees: bool | None = None


class StructureTrouvee(BaseModel):
    model_config = ConfigDict(extra="ignore")

    idStructureCPP: int
    identifiantStructure: str | None = None
    designationStructure: str | None = None
    typeIdentifiantStructure: str | None = None
    statut: str | None = None


class RechercherStructureResponse(Response):
    listeStructures: list[StructureTrouvee] = []
    parametresRetour: ParametresRetour | None = None

    _as_list = field_validator("listeStructures", mode="before")(as_list)


# --- structures/v1/consulter ---------------------------------------------------------------


class ConsulterStructureRequest(Request):
    idStructureCPP: int
    codeLangue: str | None = None


class AdressePostale(BaseModel):
    model_config = ConfigDict(extra="ignore")

    adresse: str | None = None
    codePostal: str | None = None
    complementAdresse1: str | None = None
    complementAdresse2: str | None = None
    ville: str | None = None
    pays: str | None = None


class InformationGenerales(BaseModel):
    model_config = ConfigDict(extra="ignore")

    idStructureCPP: int | None = None
    identifiantStructure: str | None = None
    typeIdentifiantStructure: str | None = None
    raisonSocialeStructure: str | None = None
    libelleStructure: str | None = None
    numeroTVA: str | None = None
    emailStructure: str | None = None
    structurePriveePublique: str | None = None
    dateExpirationMotPasseCompteTech: str | None = None


class ParametresStructure(BaseModel):
    model_config = ConfigDict(extra="ignore")

    codeServiceDoitEtreRenseigne: bool = False
    numeroEJDoitEtreRenseigne: bool = False
    gestionNumeroEJOuCodeService: bool = False
    statutMiseEnPaiementNestPasRemonte: bool = False


class ConsulterStructureResponse(Response):
    informationGenerales: InformationGenerales | None = None
    adressePostaleDuSiege: AdressePostale | None = None
    parametres: ParametresStructure | None = None


# --- transverses/v1/recuperer/structures/actives/fournisseur ---------------------------------


class StructureActiveFournisseur(BaseModel):
    model_config = ConfigDict(extra="ignore")

    idStructureCPP: int
    identifiant: str | None = None
    designationStructure: str | None = None


class StructuresActivesFournisseurResponse(Response):
    listeStructures: list[StructureActiveFournisseur] = []

    _as_list = field_validator("listeStructures", mode="before")(as_list)


# --- structures/v1/rechercher/services and consulter/service -----------------------------


class ParametresRechercherServices(Request):
    nbResultatsParPage: int | None = None
    pageResultatDemandee: int | None = None
    triColonne: str | None = None
    triSens: str | None = None


class RechercherServicesRequest(Request):
    idStructure: int
    parametresRechercherServicesStructure: ParametresRechercherServices | None = None


class ServiceExpose(Reply):
    idService: int
    codeService: str | None = None
    libelleService: str | None = None
    estActif: bool = True
    statutService: str | None = None


class RechercherServicesResponse(Response):
    listeServices: list[ServiceExpose] = []
    parametresRetour: ParametresRetour | None = None

    _as_list = field_validator("listeServices", mode="before")(as_list)


class ConsulterServiceRequest(Request):
    idStructure: int
    idService: int
    codeLangue: str | None = None


class ServiceInformations(Reply):
    codeService: str | None = None
    nomService: str | None = None
    descriptionService: str | None = None


class ServiceParametres(Reply):
    numeroEngagement: bool = False
    miseEnPaiement: bool = True
    dateDebutValidite: str | None = None
    dateFinValidite: str | None = None


class ConsulterServiceResponse(Response):
    informationsGenerales: ServiceInformations | None = None
    adressePostale: AdressePostale | None = None
    parametres: ServiceParametres | None = None
