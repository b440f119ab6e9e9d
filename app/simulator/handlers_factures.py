"""``/cpro/factures/v1/...``: file, search, read, download and act on invoices."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.simulator import buyer
from app.simulator.checks import Refusal, Submission, check_routing, check_submission, to_decimal
from app.simulator.flux import FluxRejected, read_structured_invoice
from app.simulator.handlers_transverses import MAX_FILE_BYTES, decode_base64, store_attachment
from app.simulator.routes import (
    OK_FACTURES,
    ApiError,
    as_int,
    no_result,
    ok,
    page_count,
    page_of,
    page_request,
    paging,
    refuse,
    route,
)
from app.simulator.state import SimInvoice, SimulatorState, attachment_bytes

PARIS = ZoneInfo("Europe/Paris")
UNKNOWN_INVOICE = "GDP_MSG_11.008 La demande de paiement n'existe pas"
NOT_AUTHORISED = "GDP_MSG_11.005 Vous n'êtes pas habilité sur cette demande de paiement"
MAX_DOWNLOAD_BYTES = 120 * 1024 * 1024
FLUX_ENDINGS = ("IN_INTEGRE_PARTIEL", "IN_INCIDENTE", "QP_IRRECEVABLE", "QP_RECEVABLE_AVEC_ERREUR")
FLUX_TROUBLES = {
    "IN_INCIDENTE": "Incident lors du traitement du flux",
    "QP_IRRECEVABLE": "Flux irrecevable : le fichier ne respecte pas le format annoncé",
}
FLUX_SYNTAXES = frozenset(
    {
        "IN_DP_E1_UBL_INVOICE",
        "IN_DP_E1_CII",
        "IN_DP_E1_CII_16B",
        "IN_DP_E2_CII_FACTURX",
        "IN_DP_E2_UBL_INVOICE_MIN",
        "IN_DP_E2_CII_MIN",
        "IN_DP_E2_CII_MIN_16B",
    }
)


def day(value: datetime) -> str:
    return value.astimezone(PARIS).strftime("%Y-%m-%d")


def minute(value: datetime) -> str:
    return value.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def instant(value: datetime) -> str:
    return value.astimezone(PARIS).isoformat(timespec="milliseconds")


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


# --- filing ------------------------------------------------------------------------------------


def _main_attachment_id(body: dict[str, Any]) -> int | None:
    main = body.get("pieceJointePrincipale")
    if isinstance(main, list):  # the array form real clients send; the schema says object
        main = main[0] if main else None
    if isinstance(main, dict) and main.get("pieceJointePrincipaleId") is not None:
        return as_int(main.get("pieceJointePrincipaleId"))
    return None


def submission_from_soumettre(body: dict[str, Any]) -> Submission:
    date_text = str(body.get("dateFacture") or "")
    if "T" in date_text:
        # What the real platform does with a date-time here (facturation_electronique).
        raise ApiError(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
    recipient = body.get("destinataire") or {}
    cadre = body.get("cadreDeFacturation") or {}
    references = body.get("references") or {}
    totals = body.get("montantTotal") or {}
    total_ttc = to_decimal(totals.get("montantTtcTotal")) or Decimal(0)
    return Submission(
        number=str(body.get("numeroFactureSaisi") or ""),
        date=date_text,
        recipient_siret=str(recipient.get("codeDestinataire") or ""),
        service_code=recipient.get("codeServiceExecutant") or None,
        engagement=references.get("numeroBonCommande") or None,
        cadre=str(cadre.get("codeCadreFacturation") or ""),
        validator_siret=cadre.get("codeStructureValideur") or None,
        invoice_type=str(references.get("typeFacture") or "FACTURE"),
        vat_type=str(references.get("typeTva") or ""),
        exemption_reason=references.get("motifExonerationTva") or None,
        origin_number=references.get("numeroFactureOrigine") or None,
        currency=str(references.get("deviseFacture") or "EUR"),
        payment_mode=str(references.get("modePaiement") or "VIREMENT"),
        total_ht=to_decimal(totals.get("montantHtTotal")) or Decimal(0),
        total_tva=to_decimal(totals.get("montantTVA")) or Decimal(0),
        total_ttc=total_ttc,
        discount=to_decimal(totals.get("montantRemiseGlobaleTTC")) or Decimal(0),
        amount_due=to_decimal(totals.get("montantAPayer"), total_ttc) or Decimal(0),
        mode_depot=str(body.get("modeDepot") or ""),
        main_attachment_id=_main_attachment_id(body),
        vat_lines=[
            (
                to_decimal(line.get("ligneTvaMontantBaseHtParTaux")) or Decimal(0),
                to_decimal(line.get("ligneTvaMontantTvaParTaux")) or Decimal(0),
            )
            for line in body.get("ligneTva") or []
        ],
        lines=[
            (
                to_decimal(line.get("lignePosteQuantite")) or Decimal(0),
                to_decimal(line.get("lignePosteMontantUnitaireHT")) or Decimal(0),
                to_decimal(line.get("lignePosteMontantRemiseHT")) or Decimal(0),
            )
            for line in body.get("lignePoste") or []
        ],
    )


def file_invoice(
    state: SimulatorState,
    submission: Submission,
    *,
    body: dict[str, Any] | None = None,
    invoice_id: int | None = None,
    flux_number: str | None = None,
    behaviour: str | None = None,
) -> SimInvoice:
    """Record an accepted invoice and hand it to the buyer."""
    routing = check_submission(state, submission)
    body = body or {}
    now = state.clock.now()
    invoice_id = invoice_id or state.new_invoice_id()
    invoice = SimInvoice(
        id=invoice_id,
        number=submission.number,
        chorus_number=f"{now.year}{invoice_id:016d}",
        supplier_id=state.supplier.id,
        recipient_id=routing.recipient.id,
        service_id=routing.service.id if routing.service else None,
        mode_depot=submission.mode_depot,
        cadre=submission.cadre,
        type_facture=submission.invoice_type,
        type_tva=submission.vat_type,
        date_facture=submission.date,
        currency=submission.currency,
        total_ht=submission.total_ht,
        total_tva=submission.total_tva,
        total_ttc=submission.total_ttc,
        amount_due=submission.amount_due,
        payment_mode=submission.payment_mode,
        deposited_at=now,
        status="DEPOSEE",
        status_at=now,
        engagement=submission.engagement,
        contract=(body.get("references") or {}).get("numeroMarche"),
        origin_number=submission.origin_number,
        exemption_reason=submission.exemption_reason,
        validator_siret=submission.validator_siret,
        lines=list(body.get("lignePoste") or []),
        vat_lines=list(body.get("ligneTva") or []),
        main_attachment_id=submission.main_attachment_id,
        other_attachment_ids=[
            as_int(item.get("pieceJointeComplementaireId"))
            for item in body.get("pieceJointeComplementaire") or []
            if isinstance(item, dict)
        ],
        comment=body.get("commentaire"),
        flux_number=flux_number,
    )
    state.invoices[invoice.id] = invoice
    state.numbers[(invoice.supplier_id, invoice.number)] = invoice.id
    state.deposit_order.append(invoice.id)  # the clock never goes back: stays sorted
    buyer.start_buyer(state, invoice, behaviour)
    return invoice


MAIN_ATTACHMENT_FORMS = ("les_deux", "objet", "liste")


def _refuse_main_attachment_form(state: SimulatorState, body: dict[str, Any]) -> None:
    """A platform that takes only one form of ``pieceJointePrincipale`` answers the other
    with its deserialiser's 400, not a business answer."""
    main = body.get("pieceJointePrincipale")
    wanted = state.main_attachment_form
    if main is None or wanted == "les_deux" or isinstance(main, list) == (wanted == "liste"):
        return
    expected = "java.util.ArrayList" if wanted == "liste" else "PieceJointePrincipale"
    raise ApiError(
        400,
        {
            "status": 400,
            "error": "Bad Request",
            "message": f"JSON parse error: Cannot deserialize value of type `{expected}` "
            'through reference chain: SoumettreFactureParam["pieceJointePrincipale"]',
        },
    )


@route("/cpro/factures/v1/soumettre", mutating=True)
def soumettre(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    _refuse_main_attachment_form(state, body)
    supplier = body.get("fournisseur") or {}
    number = str(body.get("numeroFactureSaisi") or "")
    state.soumettre_calls[number] = state.soumettre_calls.get(number, 0) + 1
    if (state.supplier.id, number) in state.numbers:
        state.resubmitted_numbers.append(number)
    if as_int(supplier.get("idFournisseur")) != state.supplier.id:
        return refuse(20001, NOT_AUTHORISED)
    draft_id = None
    submission = submission_from_soumettre(body)
    if submission.main_attachment_id in state.drafts:
        draft_id = state.drafts[submission.main_attachment_id]
    try:
        invoice = file_invoice(state, submission, body=body, invoice_id=draft_id)
    except Refusal as refusal:
        return refuse(refusal.code, refusal.libelle)
    if draft_id is not None:
        state.drafts.pop(submission.main_attachment_id or 0, None)
    proof = hashlib.sha256(
        f"{invoice.id}:{invoice.number}:{instant(invoice.deposited_at)}".encode()
    )
    return ok(
        OK_FACTURES,
        identifiantFactureCPP=invoice.id,
        numeroFacture=invoice.chorus_number,
        statutFacture=invoice.status,
        dateDepot=day(invoice.deposited_at),
        identifiantStructure=state.supplier.siret,
        empreinteCertificatDepot=base64.b64encode(proof.digest()).decode("ascii"),
    )


@route("/cpro/factures/v1/deposer/pdf", mutating=True)
def deposer_pdf(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    content = decode_base64(body.get("fichierFacture"), "fichierFacture")
    if len(content) > MAX_FILE_BYTES:
        raise ApiError(413, {"codeRetour": 413, "libelle": "Fichier supérieur à 10 Mo"})
    if not content.startswith(b"%PDF"):
        return refuse(20002, "GDP_MSG_11.070 Le fichier n'est pas un PDF")
    name = str(body.get("nomFichier") or "facture.pdf")[:200]
    attachment = store_attachment(state, name, "application/pdf", "PDF", content)
    # An INTERPRETEE_OCR draft waits for soumettre; its OCR found nothing useful, as often.
    draft_id = state.new_invoice_id()
    state.drafts[attachment.id] = draft_id
    return {
        "codeRetour": 0,
        "libelle": OK_FACTURES,
        "numeroFacture": "",
        "dateFacture": "",
        "codeDestinataire": "",
        "codeServiceExecutant": "",
        "codeFournisseur": state.supplier.siret,
        "codeDeviseFacture": "EUR",
        "typeFacture": "FACTURE",
        "typeTva": "TVA_SUR_DEBIT",
        "numeroBonCommande": "",
        "montantTtcAvantRemiseGlobalTTC": 0,
        "montantAPayer": 0,
        "montantHtTotal": 0,
        "montantTVA": 0,
        "pieceJointeId": attachment.id,
    }


@route("/cpro/factures/v1/deposer/flux", mutating=True)
def deposer_flux(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    from app.simulator.state import SimFlux

    syntax = str(body.get("syntaxeFlux") or "")
    if syntax not in FLUX_SYNTAXES:
        return refuse(
            20002, f"GDP_MSG_11.071 Syntaxe de flux {syntax or '(vide)'} non prise en charge"
        )
    content = decode_base64(body.get("fichierFlux"), "fichierFlux")
    if len(content) > MAX_FILE_BYTES:
        return refuse(20001, "GDP_MSG_11.022 Le fichier est trop volumineux (10 Mo au plus)")
    now = state.clock.now()
    number = f"CPP00111130000000{state.next_history_id:08d}"
    state.next_history_id += 1
    ending = state.next_flux_endings.pop(0) if state.next_flux_endings else None
    flux = SimFlux(number, str(body.get("nomFichier") or "flux"), syntax, now, "IN_INTEGRE")
    state.fluxes[number] = flux
    state.dirty = True
    if ending in ("IN_INCIDENTE", "QP_IRRECEVABLE"):  # the file never reaches integration
        flux.final_state = ending
        flux.technical_errors.append(
            {
                "codeErreur": "INCIDENT" if ending == "IN_INCIDENTE" else "IRRECEVABLE",
                "libelleErreur": FLUX_TROUBLES[ending],
                "natureErreur": "BLOQUANTE",
            }
        )
        return ok(OK_FACTURES, numeroFluxDepot=number, dateDepot=day(now), syntaxeFlux=syntax)
    try:
        submission = read_structured_invoice(content)
        attachment = store_attachment(
            state,
            flux.file_name[:50],
            "application/pdf" if content.startswith(b"%PDF") else "application/xml",
            "PDF" if content.startswith(b"%PDF") else "XML",
            content,
        )
        submission.main_attachment_id = attachment.id
        invoice = file_invoice(state, submission, flux_number=number)
        flux.invoice_ids.append(invoice.id)
        if ending is not None:  # integrated, with remarks on the rest of the file
            flux.final_state = ending
    except FluxRejected as rejected:
        flux.final_state = "IN_REJETE"
        flux.technical_errors.append(
            {
                "codeErreur": "REJ_SEMAN",
                "libelleErreur": rejected.message,
                "natureErreur": "BLOQUANTE",
            }
        )
    except Refusal as refusal:
        flux.final_state = ending or "IN_REJETE"
        flux.errors.append(
            {
                "identifiantFournisseur": state.supplier.siret,
                "identifiantDestinataire": submission.recipient_siret,
                "numeroDP": submission.number,
                "libelleErreurDP": refusal.libelle,
            }
        )
    return ok(OK_FACTURES, numeroFluxDepot=number, dateDepot=day(now), syntaxeFlux=syntax)


# --- searching and reading -----------------------------------------------------------------------

SORT_KEYS: dict[str, Any] = {
    "DateDepot": lambda inv: (inv.deposited_at, inv.id),
    "NumeroFacture": lambda inv: (inv.number, inv.id),
    "DateFacture": lambda inv: (inv.date_facture, inv.id),
    "MontantHT": lambda inv: (inv.total_ht, inv.id),
    "MontantTTC": lambda inv: (inv.total_ttc, inv.id),
    "MontantAPayer": lambda inv: (inv.amount_due, inv.id),
    "Statut": lambda inv: (inv.status, inv.id),
    "CodeDestinataire": lambda inv: (inv.recipient_id, inv.id),
}


def _day_bound(value: Any) -> str | None:
    return str(value)[:10] if value else None


Predicate = Callable[[SimInvoice], bool]


def _between(low: str | None, high: str | None, value: Callable[[SimInvoice], str]) -> Predicate:
    return lambda inv: not ((low and value(inv) < low) or (high and value(inv) > high))


def _equal(value: Any, attribute: Callable[[SimInvoice], Any]) -> Predicate:
    return lambda inv: attribute(inv) == value


def _amount_range(low: Any, high: Any, amount: Callable[[SimInvoice], Decimal]) -> Predicate:
    low_value = None if low is None else Decimal(str(low))
    high_value = None if high is None else Decimal(str(high))
    return lambda inv: (
        not (
            (low_value is not None and amount(inv) < low_value)
            or (high_value is not None and amount(inv) > high_value)
        )
    )


def _recipient_test(state: SimulatorState, body: dict[str, Any]) -> Predicate | None:
    """``listeDestinataire``: recipients by id, with their services; with
    ``rechercheSirenDestinataire`` every establishment of the same SIREN matches."""
    wanted: dict[int, set[int]] = {}
    for item in body.get("listeDestinataire") or []:
        if isinstance(item, dict) and item.get("idDestinataire") is not None:
            services = {as_int(s) for s in item.get("listeIdServiceExecutant") or []}
            wanted.setdefault(as_int(item["idDestinataire"]), set()).update(services)
    if not wanted:
        return None
    by_siren = bool(body.get("rechercheSirenDestinataire"))
    sirens = {
        structure.siret[:9]
        for structure in map(state.structure_by_id, wanted)
        if structure is not None
    }

    def matches(inv: SimInvoice) -> bool:
        services = wanted.get(inv.recipient_id)
        if services is None and by_siren:
            recipient = state.structure_by_id(inv.recipient_id)
            if recipient is not None and recipient.siret[:9] in sirens:
                return True
        if services is None:
            return False
        return not services or inv.service_id in services

    return matches


def _predicates(state: SimulatorState, body: dict[str, Any]) -> list[Predicate]:
    """One test per criterion of ``RechercherFactureParFournisseurParam`` present in the
    search, so an open search costs nothing."""
    tests: list[Predicate] = []
    for key, attribute in (
        ("numeroFacture", lambda inv: inv.number),
        ("typeFacture", lambda inv: inv.type_facture),
        ("cadreFacturation", lambda inv: inv.cadre),
        ("numeroBonCommande", lambda inv: inv.engagement),
        ("numeroMarche", lambda inv: inv.contract),
        ("numeroFactureOrigine", lambda inv: inv.origin_number),
        ("modeDepot", lambda inv: inv.mode_depot),
        ("numeroFluxDepot", lambda inv: inv.flux_number),
    ):
        if value := body.get(key):
            tests.append(_equal(value, attribute))
    if statuses := set(body.get("statutCourant") or []):
        tests.append(lambda inv: inv.status in statuses)
    if (supplier_id := body.get("idFournisseur")) is not None:
        tests.append(_equal(as_int(supplier_id), lambda inv: inv.supplier_id))
    if body.get("idServiceFournisseur") is not None:
        tests.append(lambda inv: False)  # the simulated supplier has no services
    if (validator := body.get("idStructureValideur")) is not None:
        structure = state.structure_by_id(as_int(validator))
        siret = structure.siret if structure is not None else None
        tests.append(lambda inv: siret is not None and inv.validator_siret == siret)
    if (recipients := _recipient_test(state, body)) is not None:
        tests.append(recipients)
    if (rejet_traite := body.get("rejetTraite")) is not None:
        tests.append(lambda inv: inv.rejet_traite == bool(rejet_traite))
    for low, high, amount in (
        ("montantHTMin", "montantHTMax", lambda inv: inv.total_ht),
        ("montantTTCMin", "montantTTCMax", lambda inv: inv.total_ttc),
        ("montantApayerMin", "montantApayerMax", lambda inv: inv.amount_due),
    ):
        if body.get(low) is not None or body.get(high) is not None:
            tests.append(_amount_range(body.get(low), body.get(high), amount))
    for prefix, value in (
        ("periodeDateDepot", lambda inv: day(inv.deposited_at)),
        ("periodeDateFacture", lambda inv: inv.date_facture[:10]),
        ("periodeDateHeureEtatCourant", lambda inv: day(inv.status_at)),
    ):
        bounds = (_day_bound(body.get(prefix + "Du")), _day_bound(body.get(prefix + "Au")))
        if any(bounds):
            tests.append(_between(*bounds, value))
    return tests


def _matching_ids(state: SimulatorState, body: dict[str, Any]) -> list[int]:
    """Ids of the matching invoices, oldest deposit first."""
    tests = _predicates(state, body)
    if not tests:
        return state.deposit_order
    invoices = state.invoices
    return [i for i in state.deposit_order if all(test(invoices[i]) for test in tests)]


def search_row(state: SimulatorState, invoice: SimInvoice) -> dict[str, Any]:
    recipient = state.structure_by_id(invoice.recipient_id)
    assert recipient is not None
    service = state.service_by_id(recipient, invoice.service_id)
    row: dict[str, Any] = {
        "identifiantFactureCPP": invoice.id,
        "typeDemandePaiement": "FACTURE",
        "codeFournisseur": state.supplier.siret,
        "typeIdentifiantFournisseur": "SIRET",
        "designationFournisseur": state.supplier.name,
        "idDestinataire": recipient.id,
        "codeDestinataire": recipient.siret,
        "designationDestinataire": recipient.name,
        "typeFacture": invoice.type_facture,
        "numeroFacture": invoice.number,
        "dateFacture": invoice.date_facture,
        "dateDepot": day(invoice.deposited_at),
        "montantHT": money(invoice.total_ht),
        "montantTTC": money(invoice.total_ttc),
        "montantAPayer": money(invoice.amount_due),
        "devise": invoice.currency,
        "statut": invoice.status,
        "dateHeureEtatCourant": instant(invoice.status_at),
        "modeDepot": invoice.mode_depot,
        "rejetTraite": invoice.rejet_traite,
    }
    if service is not None:
        row["idServiceExecutant"] = service.id
        row["codeServiceExecutant"] = service.code
        row["nomServiceExecutant"] = service.label
    if invoice.status_comment:
        row["commentaireEtatCourant"] = invoice.status_comment
    for key, value in (
        ("numeroBonCommande", invoice.engagement),
        ("numeroMarche", invoice.contract),
        ("numeroFactureOrigine", invoice.origin_number),
        ("numeroFluxDepot", invoice.flux_number),
    ):
        if value:
            row[key] = value
    return row


@route("/cpro/factures/v1/rechercher/fournisseur")
def rechercher_fournisseur(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    params = body.get("rechercheFactureParFournisseur") or {}
    ids = _matching_ids(state, body)
    maximum = as_int(params.get("nbResultatsMaximum"), 0)
    column = str(params.get("triColonne") or "DateDepot")
    descending = params.get("triSens", "Descendant") != "Ascendant"
    if column in SORT_KEYS and column != "DateDepot":
        found = sorted((state.invoices[i] for i in ids), key=SORT_KEYS[column], reverse=descending)
        ids = [invoice.id for invoice in found]
    elif descending:
        ids = ids[::-1]
    if maximum > 0:
        ids = ids[:maximum]
    if not ids:
        return no_result(state, "listeFactures", NO_RESULT_FACTURES)
    page, per_page = page_request(params)
    return ok(
        OK_FACTURES,
        parametresRetour=paging(page, per_page, len(ids)),
        listeFactures=[search_row(state, state.invoices[i]) for i in page_of(ids, page, per_page)],
    )


NO_RESULT_FACTURES = "GDP_MSG_11.015 La recherche n'a retourné aucun résultat"


def own_invoice(state: SimulatorState, invoice_id: int) -> SimInvoice:
    invoice = state.invoices.get(invoice_id)
    if invoice is None or not invoice.number:
        raise Refusal(20000, UNKNOWN_INVOICE)
    if invoice.supplier_id != state.supplier.id:
        raise Refusal(20001, NOT_AUTHORISED)
    return invoice


def invoice_detail(state: SimulatorState, invoice: SimInvoice) -> dict[str, Any]:
    recipient = state.structure_by_id(invoice.recipient_id)
    assert recipient is not None
    service = state.service_by_id(recipient, invoice.service_id)
    destinataire: dict[str, Any] = {
        "idDestinataire": recipient.id,
        "codeDestinataire": recipient.siret,
        "libelleDestinataire": recipient.name,
        "designationDestinataire": recipient.name,
        "miseEnPaiementDestinataire": not recipient.payment_status_not_reported,
        "adresseDestinataireDetail": recipient.address,
        "adresseDestinataireCodePostal": recipient.postal_code,
        "adresseDestinataireVille": recipient.city,
        "adresseDestinataireCodePays": "FR",
    }
    if service is not None:
        destinataire |= {
            "idServiceExecutant": service.id,
            "codeServiceExecutant": service.code,
            "libelleServiceExecutant": service.label,
        }
    references: dict[str, Any] = {
        "dateFacture": invoice.date_facture,
        "dateDepot": day(invoice.deposited_at),
        "codeDeviseFacture": invoice.currency,
        "typeFacture": invoice.type_facture,
        "typeTva": invoice.type_tva,
        "modePaiement": invoice.payment_mode,
    }
    for key, value in (
        ("numeroBonCommande", invoice.engagement),
        ("numeroMarche", invoice.contract),
        ("numeroFactureOrigine", invoice.origin_number),
        ("motifExonerationTva", invoice.exemption_reason),
    ):
        if value:
            references[key] = value
    pieces = [
        state.attachments[pid]
        for pid in [invoice.main_attachment_id, *invoice.other_attachment_ids]
        if pid is not None and pid in state.attachments
    ]
    facture: dict[str, Any] = {
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "modeDepot": invoice.mode_depot,
        "rejetTraite": invoice.rejet_traite,
        "destinataire": destinataire,
        "fournisseur": {
            "idFournisseur": state.supplier.id,
            "typeIdentifiantFournisseur": "SIRET",
            "codeFournisseur": state.supplier.siret,
            "raisonSocialeFournisseur": state.supplier.name,
            "designationFournisseur": state.supplier.name,
        },
        "cadreDeFacturation": {"codeCadreFacturation": invoice.cadre},
        "references": references,
        "montantTotal": {
            "montantHtTotal": money(invoice.total_ht),
            "montantTVA": money(invoice.total_tva),
            "montantTtcTotal": money(invoice.total_ttc),
            "montantAPayer": money(invoice.amount_due),
        },
        "listeDesPiecesJointes": {
            "pieceJointe": [
                {
                    "pieceJointeId": piece.id,
                    "pieceJointeDesignation": piece.name,
                    "pieceJointeTypeCode": "FACTURE"
                    if piece.id == invoice.main_attachment_id
                    else "99",
                    "pieceJointeExtension": piece.extension,
                }
                for piece in pieces
            ],
            "pageCouranteListePiecesJointe": 1,
            "pagesListePiecesJointe": 1,
            "nbResultatsParPageListePiecesJointe": max(1, len(pieces)),
            "totalListePiecesJointe": len(pieces),
        },
    }
    if invoice.main_attachment_id is not None:
        facture["pieceJointePrincipale"] = {"idPieceJointePrincipale": invoice.main_attachment_id}
    if invoice.comment:
        facture["commentaire"] = invoice.comment
    return facture


@route("/cpro/factures/v1/consulter/fournisseur")
def consulter_fournisseur(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    invoice = own_invoice(state, as_int(body.get("identifiantFactureCPP")))
    return ok(OK_FACTURES, facture=invoice_detail(state, invoice))


@route("/cpro/factures/v1/consulter/historique")
def consulter_historique(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    invoice = own_invoice(state, as_int(body.get("idFacture")))
    params = body.get("paramRechercheHistoStatuts") or {}
    page = max(1, as_int(params.get("pageResultatDemandeeListeHistoStatut"), 1))
    per_page = max(1, as_int(params.get("nbResultatsParPageListeHistoStatut"), 10))
    # Newest first by the date the buyer gave, which is not always the order of arrival.
    entries = sorted(invoice.history, key=lambda entry: (entry.at, entry.id), reverse=True)
    chunk = page_of(entries, page, per_page)
    histo = []
    for entry in chunk:
        item: dict[str, Any] = {
            "histoStatutId": entry.id,
            "histoStatutCode": entry.code,
            "histoStatutDatePassage": minute(entry.at),
        }
        if entry.comment:
            item["histoStatutCommentaire"] = entry.comment
        histo.append(item)
    result = ok(
        OK_FACTURES,
        idFacture=invoice.id,
        numeroFacture=invoice.number,
        modeDepot=invoice.mode_depot,
        statutCourantCode=invoice.status,
        historiquesDesStatuts={
            "histoStatut": histo,
            "pageCouranteHistoStatut": page,
            "pagesHistoStatut": page_count(len(entries), per_page),
            "nbResultatsParPageHistoStatut": per_page,
            "totalHistoStatut": len(entries),
        },
    )
    if invoice.actions:
        result["historiquesDesActionsUtilisateurs"] = {
            "histoAction": invoice.actions,
            "pageCouranteHistoAction": 1,
            "pagesHistoAction": 1,
            "nbResultatsParPageHistoAction": len(invoice.actions),
            "totalHistoAction": len(invoice.actions),
        }
        last = invoice.actions[-1]
        result["derniereAction"] = {
            "derniereActionId": last["histoActionId"],
            "derniereActionCode": last["histoActionCode"],
        }
    return result


def _record_action(state: SimulatorState, invoice: SimInvoice, code: str) -> None:
    invoice.actions.append(
        {
            "histoActionId": state.next_history_id,
            "histoActionCode": code,
            "histoActionDateHeure": minute(state.clock.now()),
        }
    )
    state.next_history_id += 1
    state.dirty = True


def rendered_pdf(invoice: SimInvoice) -> bytes:
    """What the platform gives for an invoice entered without a PDF (SAISIE_API)."""
    import pymupdf

    document = pymupdf.open()
    page = document.new_page()
    page.insert_text(
        (72, 72),
        f"Facture {invoice.number}\nMontant TTC : {money(invoice.total_ttc)} {invoice.currency}",
        fontsize=14,
    )
    data: bytes = document.tobytes()
    document.close()
    return data


def _invoice_pdf(state: SimulatorState, invoice: SimInvoice) -> bytes:
    if invoice.main_attachment_id in state.attachments:
        return attachment_bytes(state.attachments[invoice.main_attachment_id or 0])
    return rendered_pdf(invoice)


@route("/cpro/factures/v1/telecharger/groupe")
def telecharger_groupe(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    wanted = [as_int(item.get("idFacture")) for item in body.get("listeFacture") or []]
    if not wanted:
        return refuse(20005, "GDP_MSG_11.080 Aucune facture demandée")
    invoices = [own_invoice(state, invoice_id) for invoice_id in wanted]
    with_others = str(body.get("avecPiecesJointesComplementaires") or "NON").upper() == "OUI"
    if len(invoices) == 1 and not (with_others and invoices[0].other_attachment_ids):
        content = _invoice_pdf(state, invoices[0])
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for invoice in invoices:
                folder = zip_entry_name(f"{invoice.id}_{invoice.number}")
                archive.writestr(f"{folder}/facture.pdf", _invoice_pdf(state, invoice))
                if with_others:
                    for pid in invoice.other_attachment_ids:
                        piece = state.attachments.get(pid)
                        if piece is not None:
                            name = zip_entry_name(piece.name)
                            archive.writestr(f"{folder}/{name}", attachment_bytes(piece))
        content = buffer.getvalue()
    if len(content) > MAX_DOWNLOAD_BYTES:
        raise ApiError(413, {"codeRetour": 413, "libelle": "Résultat supérieur à 120 Mo"})
    for invoice in invoices:
        _record_action(state, invoice, "TELECHARGEMENT_FACTURE")
    return ok(OK_FACTURES, fichierResultat=base64.b64encode(content).decode("ascii"))


def zip_entry_name(name: str) -> str:
    """One path component, safe to unpack anywhere: no folders, no ``..``, no drive."""
    cleaned = "".join("-" if char in '/\\:*?"<>|' or ord(char) < 32 else char for char in name)
    cleaned = cleaned.strip(". ")
    return cleaned or "piece"


# --- acting on invoices ------------------------------------------------------------------------


@route("/cpro/factures/v1/completer", mutating=True)
def completer(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    invoice = own_invoice(state, as_int(body.get("identifiantFactureCPP")))
    if invoice.status != "SUSPENDUE":
        return refuse(20002, "GDP_MSG_11.033 Le statut de la facture n'est pas Suspendue")
    added = [
        as_int(item.get("pieceJointeComplementaireId"))
        for item in body.get("pieceJointeComplementaire") or []
    ]
    unknown = [pid for pid in added if pid not in state.attachments]
    if unknown:
        return refuse(20003, f"GDP_MSG_11.034 Pièce jointe inconnue : {unknown[0]}")
    if not added and not body.get("commentaire"):
        return refuse(20004, "GDP_MSG_11.035 Ajoutez une pièce jointe ou un commentaire")
    invoice.other_attachment_ids.extend(added)
    if body.get("commentaire"):
        invoice.comment = str(body["commentaire"])
    state.record_status(invoice, "COMPLETEE", comment=body.get("commentaire"))
    buyer.after_completion(state, invoice)
    return ok(
        OK_FACTURES,
        identifiantFactureCPP=invoice.id,
        numeroFacture=invoice.number,
        dateTraitement=minute(state.clock.now()),
    )


@route("/cpro/factures/v1/recycler", mutating=True)
def recycler(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    invoice = own_invoice(state, as_int(body.get("identifiantFactureCPP")))
    if invoice.status not in {"A_RECYCLER", "EN_ATTENTE_RECYCLAGE_FOURNISSEUR"}:
        return refuse(20004, "GDP_MSG_11.001 Le statut de la facture ne permet pas de la recycler")
    recipient_in = body.get("destinataire") or {}
    reference = body.get("reference") or body.get("references") or {}  # both spellings exist
    current = state.structure_by_id(invoice.recipient_id)
    assert current is not None
    siret = str(recipient_in.get("codeDestinataire") or current.siret)
    service_code = recipient_in.get("codeServiceExecutant") or None
    engagement = reference.get("numeroBonCommande") or invoice.engagement
    try:
        routing = check_routing(state, siret, service_code, engagement)
    except Refusal as refusal:
        return refuse(refusal.code, refusal.libelle)
    invoice.recipient_id = routing.recipient.id
    invoice.service_id = routing.service.id if routing.service else None
    invoice.engagement = engagement
    if reference.get("numeroMarche"):
        invoice.contract = str(reference["numeroMarche"])
    if body.get("commentaire"):
        invoice.comment = str(body["commentaire"])
    buyer.after_recycling(state, invoice)
    return ok(
        OK_FACTURES,
        identifiantFactureCPP=invoice.id,
        numeroFacture=invoice.number,
        statutFacture=invoice.status,
        dateDepot=minute(state.clock.now()),
    )


@route("/cpro/factures/v1/traiterRejet", mutating=True)
def traiter_rejet(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    wanted = [
        as_int(item.get("idDemandePaiement")) for item in body.get("listeDemandePaiement") or []
    ]
    if not wanted:
        return refuse(20005, "GDP_MSG_11.080 Aucune demande de paiement indiquée")
    invoices = [own_invoice(state, invoice_id) for invoice_id in wanted]
    not_rejected = [invoice.number for invoice in invoices if invoice.status != "REJETEE"]
    if not_rejected:
        return refuse(
            20002, f"GDP_MSG_11.001 Le statut de la facture {not_rejected[0]} n'est pas Rejetée"
        )
    for invoice in invoices:
        if not invoice.rejet_traite:
            invoice.rejet_traite = True
            _record_action(state, invoice, "TRAITEMENT_REJET")
    return ok(OK_FACTURES)
