"""pydantic models of the ``/cpro/factures`` requests and responses (swagger-factures.json).

Requests carry only the fields of the official schema (``extra="forbid"`` catches a typo);
responses keep the fields Bordereau uses and ignore the rest.
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from app.chorus.schemas import Amount, ParametresRetour, Reply, Request, Response, as_list

ModeDepotSoumettre = Literal["SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API"]
CadreSoumettre = Literal[
    "A1_FACTURE_FOURNISSEUR",
    "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
    "A9_FACTURE_SOUSTRAITANT",
    "A12_FACTURE_COTRAITANT",
]
TypeFactureSoumettre = Literal["FACTURE", "AVOIR"]
TypeTvaSoumettre = Literal["TVA_SUR_DEBIT", "TVA_SUR_ENCAISSEMENT", "EXONERATION", "SANS_TVA"]
ModePaiementSoumettre = Literal["CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT"]
FormatDepot = Literal["PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES"]
SyntaxeFlux = Literal[
    "IN_DP_E1_UBL_INVOICE",
    "IN_DP_E1_CII",
    "IN_DP_E1_PES_FACTURE",
    "IN_DP_E1_XCBL",
    "IN_DP_E1_CII_16B",
    "IN_DP_E2_UBL_INVOICE_MIN",
    "IN_DP_E2_CII_MIN",
    "IN_DP_E2_CII_MIN_16B",
    "IN_DP_E2_PES_FACTURE_MIN",
    "IN_DP_E2_CPP_FACTURE_MIN",
    "IN_DP_E2_CII_FACTURX",
    "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG",
    "IN_DP_PDFARCHIVE_CII_MUG",
]

# --- deposer/pdf -------------------------------------------------------------------------


class DeposerPdfRequest(Request):
    fichierFacture: str
    nomFichier: str
    formatDepot: FormatDepot = "PDF_NON_SIGNE"


class DeposerPdfResponse(Response):
    """The platform's own OCR reading: often empty, never trusted over Bordereau's."""

    pieceJointeId: int | None = None
    numeroFacture: str | None = None
    dateFacture: str | None = None
    codeDestinataire: str | None = None
    codeServiceExecutant: str | None = None
    typeFacture: str | None = None
    montantAPayer: Amount | None = None


# --- soumettre ---------------------------------------------------------------------------


class SoumettreDestinataire(Request):
    codeDestinataire: str
    codeServiceExecutant: str | None = None


class SoumettreFournisseur(Request):
    idFournisseur: int
    idServiceFournisseur: int | None = None
    codeCoordonneesBancairesFournisseur: int | None = None


class SoumettreCadre(Request):
    codeCadreFacturation: CadreSoumettre
    codeStructureValideur: str | None = None
    codeServiceValideur: str | None = None


class SoumettreReferences(Request):
    deviseFacture: str | None = None
    typeFacture: TypeFactureSoumettre | None = None
    typeTva: TypeTvaSoumettre | None = None
    motifExonerationTva: str | None = None
    numeroMarche: str | None = None
    numeroBonCommande: str | None = None
    numeroFactureOrigine: str | None = None
    modePaiement: ModePaiementSoumettre | None = None


class SoumettreLignePoste(Request):
    lignePosteNumero: int
    lignePosteReference: str | None = None
    lignePosteDenomination: str
    lignePosteQuantite: Amount
    lignePosteUnite: str | None = None
    lignePosteMontantUnitaireHT: Amount
    lignePosteMontantRemiseHT: Amount | None = None
    lignePosteTauxTva: str | None = None
    lignePosteTauxTvaManuel: Amount | None = None


class SoumettreLigneTva(Request):
    ligneTvaTaux: str | None = None
    ligneTvaTauxManuel: Amount | None = None
    ligneTvaMontantBaseHtParTaux: Amount
    ligneTvaMontantTvaParTaux: Amount


class SoumettreMontantTotal(Request):
    montantHtTotal: Amount
    montantTVA: Amount
    montantTtcTotal: Amount
    montantRemiseGlobaleTTC: Amount | None = None
    motifRemiseGlobaleTTC: str | None = None
    montantAPayer: Amount


class PieceJointePrincipale(Request):
    pieceJointePrincipaleDesignation: str
    pieceJointePrincipaleId: int


class PieceJointeComplementaire(Request):
    pieceJointeComplementaireDesignation: str
    pieceJointeComplementaireType: str | None = None
    pieceJointeComplementaireNumeroLigneFacture: int | None = None
    pieceJointeComplementaireId: int


class SoumettreRequest(Request):
    """``SoumettreFactureParam``. ``pieceJointePrincipale`` is a single object, as in the
    swagger schema (the simulator also takes the one-element array some clients send)."""

    modeDepot: ModeDepotSoumettre
    numeroFactureSaisi: str
    dateFacture: str  # "YYYY-MM-DD": a date-time here earned one client an HTTP 500
    destinataire: SoumettreDestinataire
    fournisseur: SoumettreFournisseur
    cadreDeFacturation: SoumettreCadre
    references: SoumettreReferences
    lignePoste: list[SoumettreLignePoste] = []
    ligneTva: list[SoumettreLigneTva] = []
    montantTotal: SoumettreMontantTotal
    pieceJointePrincipale: PieceJointePrincipale | None = None
    pieceJointeComplementaire: list[PieceJointeComplementaire] | None = None
    commentaire: str | None = None


class SoumettreResponse(Response):
    identifiantFactureCPP: int | None = None
    numeroFacture: str | None = None
    statutFacture: str | None = None
    dateDepot: str | None = None
    identifiantStructure: str | None = None
    empreinteCertificatDepot: str | None = None


# --- deposer/flux ------------------------------------------------------------------------


class DeposerFluxRequest(Request):
    fichierFlux: str
    nomFichier: str
    syntaxeFlux: SyntaxeFlux
    avecSignature: bool = False


class DeposerFluxResponse(Response):
    numeroFluxDepot: str | None = None
    dateDepot: str | None = None
    syntaxeFlux: str | None = None


# --- rechercher/fournisseur ----------------------------------------------------------------


class ParametresRechercheFournisseur(Request):
    nbResultatsMaximum: int | None = None
    pageResultatDemandee: int = 1
    nbResultatsParPage: int = 100
    triSens: str | None = None
    triColonne: str | None = None


class CritereDestinataire(Request):
    idDestinataire: int | None = None
    listeIdServiceExecutant: list[int] | None = None


class RechercherFournisseurRequest(Request):
    listeDestinataire: list[CritereDestinataire] | None = None
    numeroFacture: str | None = None
    typeFacture: str | None = None
    idFournisseur: int | None = None
    cadreFacturation: str | None = None
    statutCourant: list[str] | None = None
    periodeDateDepotDu: str | None = None
    periodeDateDepotAu: str | None = None
    periodeDateHeureEtatCourantDu: str | None = None
    periodeDateHeureEtatCourantAu: str | None = None
    numeroBonCommande: str | None = None
    numeroMarche: str | None = None
    numeroFactureOrigine: str | None = None
    numeroFluxDepot: str | None = None
    modeDepot: str | None = None
    periodeDateFactureDu: str | None = None
    periodeDateFactureAu: str | None = None
    montantHTMin: Amount | None = None
    montantHTMax: Amount | None = None
    montantTTCMin: Amount | None = None
    montantTTCMax: Amount | None = None
    montantApayerMin: Amount | None = None
    montantApayerMax: Amount | None = None
    rejetTraite: bool | None = None
    rechercheFactureParFournisseur: ParametresRechercheFournisseur | None = None


class FactureTrouvee(Reply):
    identifiantFactureCPP: int
    numeroFacture: str | None = None
    typeFacture: str | None = None
    dateFacture: str | None = None
    dateDepot: str | None = None
    idDestinataire: int | None = None
    codeDestinataire: str | None = None
    designationDestinataire: str | None = None
    idServiceExecutant: int | None = None
    codeServiceExecutant: str | None = None
    nomServiceExecutant: str | None = None
    montantHT: Amount | None = None
    montantTTC: Amount | None = None
    montantAPayer: Amount | None = None
    devise: str | None = None
    statut: str | None = None
    dateHeureEtatCourant: str | None = None
    commentaireEtatCourant: str | None = None
    numeroBonCommande: str | None = None
    numeroFluxDepot: str | None = None
    modeDepot: str | None = None
    rejetTraite: bool | None = None


class RechercherFournisseurResponse(Response):
    listeFactures: list[FactureTrouvee] = []
    parametresRetour: ParametresRetour | None = None

    _as_list = field_validator("listeFactures", mode="before")(as_list)


# --- consulter/fournisseur ----------------------------------------------------------------


class ConsulterFournisseurRequest(Request):
    identifiantFactureCPP: int
    codeLangue: str | None = None


class DestinataireEmise(Reply):
    idDestinataire: int | None = None
    codeDestinataire: str | None = None
    libelleDestinataire: str | None = None
    idServiceExecutant: int | None = None
    codeServiceExecutant: str | None = None
    libelleServiceExecutant: str | None = None
    miseEnPaiementDestinataire: bool | None = None


class ReferencesEmise(Reply):
    dateFacture: str | None = None
    dateDepot: str | None = None
    codeDeviseFacture: str | None = None
    typeFacture: str | None = None
    typeTva: str | None = None
    numeroMarche: str | None = None
    numeroBonCommande: str | None = None
    numeroFactureOrigine: str | None = None
    modePaiement: str | None = None
    dateEcheancePaiement: str | None = None


class MontantTotalEmise(Reply):
    montantHtTotal: Amount | None = None
    montantTVA: Amount | None = None
    montantTtcTotal: Amount | None = None
    montantAPayer: Amount | None = None


class CadreEmise(Reply):
    codeCadreFacturation: str | None = None


class PieceJointeEmise(Reply):
    pieceJointeId: int | None = None
    pieceJointeDesignation: str | None = None
    pieceJointeTypeCode: str | None = None
    pieceJointeExtension: str | None = None


class PiecesJointesEmise(Reply):
    pieceJointe: list[PieceJointeEmise] = []

    _as_list = field_validator("pieceJointe", mode="before")(as_list)


class FactureEmise(Reply):
    identifiantFactureCPP: int
    numeroFacture: str | None = None
    statutFacture: str | None = None
    modeDepot: str | None = None
    rejetTraite: bool | None = None
    commentaire: str | None = None
    destinataire: DestinataireEmise | None = None
    cadreDeFacturation: CadreEmise | None = None
    references: ReferencesEmise | None = None
    montantTotal: MontantTotalEmise | None = None
    listeDesPiecesJointes: PiecesJointesEmise | None = None


class ConsulterFournisseurResponse(Response):
    facture: FactureEmise | None = None


# --- consulter/historique -----------------------------------------------------------------


class ParamRechercheHistoStatuts(Request):
    pageResultatDemandeeListeHistoStatut: int = 1
    nbResultatsParPageListeHistoStatut: int = 100


class ConsulterHistoriqueRequest(Request):
    idFacture: int
    paramRechercheHistoStatuts: ParamRechercheHistoStatuts | None = None


class HistoStatut(Reply):
    histoStatutId: int | None = None
    histoStatutCode: str
    histoStatutDatePassage: str | None = None
    histoStatutCommentaire: str | None = None


class HistoriquesDesStatuts(Reply):
    histoStatut: list[HistoStatut] = []
    pageCouranteHistoStatut: int | None = None
    pagesHistoStatut: int | None = None
    totalHistoStatut: int | None = None

    _as_list = field_validator("histoStatut", mode="before")(as_list)


class ConsulterHistoriqueResponse(Response):
    idFacture: int | None = None
    numeroFacture: str | None = None
    statutCourantCode: str | None = None
    historiquesDesStatuts: HistoriquesDesStatuts | None = None


# --- telecharger/groupe --------------------------------------------------------------------


class IdFacture(Request):
    idFacture: int


class TelechargerGroupeRequest(Request):
    listeFacture: list[IdFacture]
    format: str = "PDF"
    avecPiecesJointesComplementaires: str = "NON"


class TelechargerGroupeResponse(Response):
    fichierResultat: str | None = None


# --- completer / recycler / traiterRejet ---------------------------------------------------


class CompleterRequest(Request):
    identifiantFactureCPP: int
    pieceJointeComplementaire: list[PieceJointeComplementaire] | None = None
    commentaire: str | None = None


class CompleterResponse(Response):
    identifiantFactureCPP: int | None = None
    numeroFacture: str | None = None
    dateTraitement: str | None = None


class RecyclerDestinataire(Request):
    codeDestinataire: str
    codeServiceExecutant: str | None = None


class RecyclerReference(Request):
    numeroBonCommande: str | None = None
    numeroMarche: str | None = None


class RecyclerRequest(Request):
    identifiantFactureCPP: int
    destinataire: RecyclerDestinataire | None = None
    commentaire: str | None = None
    reference: RecyclerReference | None = None  # singular, as in the swagger


class RecyclerResponse(Response):
    identifiantFactureCPP: int | None = None
    numeroFacture: str | None = None
    statutFacture: str | None = None
    dateDepot: str | None = None


class DemandePaiementRef(Request):
    idDemandePaiement: int


class TraiterRejetRequest(Request):
    listeDemandePaiement: list[DemandePaiementRef]


class TraiterRejetResponse(Response):
    pass
