"""``/cpro/transverses/v1/...``: attachments, reference lists, flux reports."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from app.domain.cadres import SUBMITTABLE_CADRES
from app.domain.enums import ModePaiement
from app.simulator.routes import ApiError, as_int, ok, refuse, route
from app.simulator.state import SimAttachment, SimulatorState

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_NAME = 50
ALLOWED_EXTENSIONS = frozenset(
    {
        "BMP",
        "BZ2",
        "CSV",
        "DOC",
        "DOCX",
        "FAX",
        "GIF",
        "GZ",
        "GZIP",
        "HTM",
        "HTML",
        "JPEG",
        "JPG",
        "ODP",
        "ODS",
        "ODT",
        "P7S",
        "PDF",
        "PNG",
        "PPS",
        "PPT",
        "PPTX",
        "RTF",
        "SVG",
        "TGZ",
        "TIF",
        "TIFF",
        "TXT",
        "XHTML",
        "XLC",
        "XLM",
        "XLS",
        "XLSX",
        "XML",
        "ZIP",
    }
)

VAT_RATES = (
    ("TVA0", "0 %", 0),
    ("TVA2_1", "2,1 %", 2.1),
    ("TVA5", "5,5 %", 5.5),
    ("TVA10", "10 %", 10),
    ("TVA20", "20 %", 20),
)
EXEMPTION_REASONS = (
    ("TVA_NON_APPLICABLE_293B", "TVA non applicable, art. 293 B du CGI"),
    ("EXONERATION_261", "Exonération de TVA, art. 261 du CGI"),
    ("AUTOLIQUIDATION", "Autoliquidation"),
)
ATTACHMENT_TYPES = (
    (1, "01", "Bon de commande"),
    (2, "02", "Bon de livraison"),
    (3, "03", "Procès-verbal de réception"),
    (4, "04", "Attestation de service fait"),
    (5, "99", "Autre"),
)
CURRENCIES = (
    ("EUR", "Euro"),
    ("USD", "Dollar des États-Unis"),
    ("GBP", "Livre sterling"),
    ("CHF", "Franc suisse"),
    ("JPY", "Yen"),
    ("CAD", "Dollar canadien"),
)
BANK_ACCOUNT_ID = 77001


def decode_base64(value: Any, field: str) -> bytes:
    try:
        return base64.b64decode(str(value or ""), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(400, {"codeRetour": 400, "libelle": f"{field} : base64 invalide"}) from exc


def store_attachment(
    state: SimulatorState, name: str, mime: str, extension: str, content: bytes
) -> SimAttachment:
    attachment = SimAttachment(
        id=state.new_attachment_id(),
        name=name,
        mime=mime,
        extension=extension.upper(),
        content_b64=base64.b64encode(content).decode("ascii"),
        size=len(content),
        created=state.clock.now(),
    )
    state.attachments[attachment.id] = attachment
    state.dirty = True
    return attachment


@route("/cpro/transverses/v1/ajouter/fichier", mutating=True)
def ajouter_fichier(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    name = str(body.get("pieceJointeNom") or "")
    extension = str(body.get("pieceJointeExtension") or "").upper().lstrip(".")
    if not name or len(name) > MAX_ATTACHMENT_NAME:
        raise ApiError(
            400,
            {
                "codeRetour": 400,
                "libelle": "pieceJointeNom : 1 à 50 caractères, extension comprise",
            },
        )
    content = decode_base64(body.get("pieceJointeFichier"), "pieceJointeFichier")
    if len(content) > MAX_FILE_BYTES:
        return refuse(
            20003, "TRA_MSG_00.020 Le fichier dépasse la taille maximale autorisée (10 Mo)"
        )
    if extension not in ALLOWED_EXTENSIONS:
        return refuse(
            20002, f"TRA_MSG_00.021 L'extension {extension or '(vide)'} n'est pas autorisée"
        )
    if not content:
        return refuse(20004, "TRA_MSG_00.022 Le fichier est vide")
    attachment = store_attachment(
        state, name, str(body.get("pieceJointeTypeMime") or ""), extension, content
    )
    return ok(pieceJointeId=attachment.id)


@route("/cpro/transverses/v1/recuperer/tauxtva")
def taux_tva(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    return ok(
        listeTauxTva=[
            {"codeTauxTva": code, "libelleTauxTva": label, "valeurTauxTva": value}
            for code, label, value in VAT_RATES
        ]
    )


@route("/cpro/transverses/v1/recuperer/motifs/exonerationtva")
def motifs_exoneration(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    return ok(
        listeMotifsExonerationTva=[
            {"codeMotifExonerationTva": code, "libelleMotifExonerationTva": label}
            for code, label in EXEMPTION_REASONS
        ]
    )


@route("/cpro/transverses/v1/recuperer/typespj")
def types_pj(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    return ok(
        listeTypePieceJointe=[
            {
                "idTypePieceJointe": ident,
                "codeTypePieceJointe": code,
                "libelleTypePieceJointe": label,
                "typeObjet": body.get("typeObjet") or "FACTURE",
            }
            for ident, code, label in ATTACHMENT_TYPES
        ]
    )


@route("/cpro/transverses/v1/recuperer/devises")
def devises(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    return ok(listeDevises=[{"codeDevise": c, "libelleDevise": label} for c, label in CURRENCIES])


@route("/cpro/transverses/v1/recuperer/modereglements")
def modes_reglement(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    return ok(listeModePaiement=[{"modePaiement": mode.value} for mode in ModePaiement])


@route("/cpro/transverses/v1/recuperer/cadrefacturation")
def cadres(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    return ok(listeCadreFacturation=[{"codeCadreFacturation": c.value} for c in SUBMITTABLE_CADRES])


@route("/cpro/transverses/v1/recuperer/coordbanc/valides")
def coordonnees_bancaires(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    if as_int(body.get("idStructure")) != state.supplier.id:
        return refuse(20001, "TRA_MSG_00.005 Vous n'êtes pas habilité sur cette structure")
    return ok(
        listeCoordonneeBancaire=[
            {"idCoordonneeBancaire": BANK_ACCOUNT_ID, "nomCoordonneeBancaire": "Compte courant"}
        ]
    )


@route("/cpro/transverses/v1/consulterCRDetaille")
def consulter_cr_detaille(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    flux = state.fluxes.get(str(body.get("numeroFluxDepot") or ""))
    if flux is None:
        return refuse(20000, "TRA_MSG_00.015 Le flux n'existe pas")
    waited = (state.clock.now() - flux.deposited_at).total_seconds()
    settled = waited >= state.config.flux_settle_seconds
    current = flux.final_state if settled else "IN_EN_COURS_TRAITEMENT_CPP"
    return ok(
        codeInterfaceDepotFlux="FSO1113A",
        dateDepotFlux=flux.deposited_at.strftime("%Y-%m-%d"),
        dateHeureEtatCourantFlux=state.clock.now().isoformat(timespec="milliseconds"),
        etatCourantDepotFlux=current,
        nomFichier=flux.file_name,
        listeErreurDP=flux.errors if settled else [],
        listeErreurTechnique=flux.technical_errors if settled else [],
    )
