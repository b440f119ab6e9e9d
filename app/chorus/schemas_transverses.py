"""pydantic models of the ``/cpro/transverses`` requests and responses.

No official swagger of the Transverses API was published with the others; the field names
follow chorus-api.md §2.4, §2.7 and §2.17 (consistent across turbo124, go-choruspro and OCA).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import field_validator

from app.chorus.schemas import ParametresRetour, Reply, Request, Response, as_list

# --- ajouter/fichier ---------------------------------------------------------------------


class AjouterFichierRequest(Request):
    pieceJointeFichier: str
    pieceJointeNom: str
    pieceJointeTypeMime: str
    pieceJointeExtension: str


class AjouterFichierResponse(Response):
    pieceJointeId: int | None = None


# --- consulterCR / consulterCRDetaille ---------------------------------------------------


class ConsulterCRDetailleRequest(Request):
    numeroFluxDepot: str
    syntaxeFlux: str | None = None


class ErreurDemandePaiement(Reply):
    identifiantFournisseur: str | None = None
    identifiantDestinataire: str | None = None
    numeroDP: str | None = None
    libelleErreurDP: str | None = None


class ErreurTechnique(Reply):
    codeErreur: str | None = None
    libelleErreur: str | None = None
    natureErreur: str | None = None


class ConsulterCRDetailleResponse(Response):
    codeInterfaceDepotFlux: str | None = None
    dateDepotFlux: str | None = None
    dateHeureEtatCourantFlux: str | None = None
    etatCourantDepotFlux: str | None = None
    nomFichier: str | None = None
    listeErreurDP: list[ErreurDemandePaiement] = []
    listeErreurTechnique: list[ErreurTechnique] = []

    _as_list = field_validator("listeErreurDP", "listeErreurTechnique", mode="before")(as_list)


# --- reference lists (recuperer/...) -----------------------------------------------------


class CodeLangueRequest(Request):
    codeLangue: str = "FR"


class TauxTva(Reply):
    codeTauxTva: str
    libelleTauxTva: str | None = None
    valeurTauxTva: Decimal | None = None


class TauxTvaResponse(Response):
    listeTauxTva: list[TauxTva] = []

    _as_list = field_validator("listeTauxTva", mode="before")(as_list)


class MotifExonerationTva(Reply):
    codeMotifExonerationTva: str
    libelleMotifExonerationTva: str | None = None


class MotifsExonerationTvaResponse(Response):
    listeMotifsExonerationTva: list[MotifExonerationTva] = []

    _as_list = field_validator("listeMotifsExonerationTva", mode="before")(as_list)


class TypesPieceJointeRequest(Request):
    codeLangue: str = "FR"
    typeObjet: str = "FACTURE"


class TypePieceJointe(Reply):
    idTypePieceJointe: int | None = None
    codeTypePieceJointe: str
    libelleTypePieceJointe: str | None = None
    typeObjet: str | None = None


class TypesPieceJointeResponse(Response):
    listeTypePieceJointe: list[TypePieceJointe] = []

    _as_list = field_validator("listeTypePieceJointe", mode="before")(as_list)


class Devise(Reply):
    codeDevise: str
    libelleDevise: str | None = None


class DevisesResponse(Response):
    listeDevises: list[Devise] = []

    _as_list = field_validator("listeDevises", mode="before")(as_list)


class ModePaiementItem(Reply):
    modePaiement: str


class ModesPaiementResponse(Response):
    listeModePaiement: list[ModePaiementItem] = []

    _as_list = field_validator("listeModePaiement", mode="before")(as_list)


class CadresFacturationRequest(Request):
    typeDemandePaiement: str = "FACTURE"


class CadreFacturationItem(Reply):
    codeCadreFacturation: str


class CadresFacturationResponse(Response):
    listeCadreFacturation: list[CadreFacturationItem] = []

    _as_list = field_validator("listeCadreFacturation", mode="before")(as_list)


# --- coordonnées bancaires ---------------------------------------------------------------


class CoordonneesBancairesRequest(Request):
    idStructure: int


class CoordonneeBancaire(Reply):
    idCoordonneeBancaire: int
    nomCoordonneeBancaire: str | None = None


class CoordonneesBancairesResponse(Response):
    listeCoordonneeBancaire: list[CoordonneeBancaire] = []

    _as_list = field_validator("listeCoordonneeBancaire", mode="before")(as_list)


# --- rechercher/destinataire -------------------------------------------------------------


class ParametresRechercheDestinataire(Request):
    nbResultatsParPage: int | None = None
    pageResultatDemandee: int | None = None
    triColonne: str | None = None
    triSens: str | None = None


class RechercherDestinataireRequest(Request):
    identifiant: str | None = None
    nomVilleCodePostal: str | None = None
    typeStructure: str | None = None
    parametresRecherche: ParametresRechercheDestinataire | None = None


class DestinataireTrouve(Reply):
    idStructureCPP: int
    siret: str | None = None
    nomDestinataire: str | None = None
    adresseCodePostal: str | None = None
    adresseVille: str | None = None


class RechercherDestinataireResponse(Response):
    listeDestinataires: list[DestinataireTrouve] = []
    parametresRetour: ParametresRetour | None = None

    _as_list = field_validator("listeDestinataires", mode="before")(as_list)
