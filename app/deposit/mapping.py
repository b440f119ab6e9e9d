"""Between the invoice as the user checks it (``app.domain.invoice``), its database row, the
prefill result, and the ``soumettre`` request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.chorus import schemas_factures as f
from app.db import models
from app.domain.cadres import CadreFacturation
from app.domain.enums import ModeDepot, ModePaiement, TypeFacture, TypeTva
from app.domain.invoice import (
    AttachmentRef,
    Framework,
    Invoice,
    Recipient,
    References,
    Totals,
    VatLine,
)
from app.prefill.model import PrefillResult

ZERO = Decimal("0.00")


def _amount(value: str | None) -> Decimal:
    return Decimal(value) if value else ZERO


def invoice_from_prefill(result: PrefillResult, main: AttachmentRef) -> Invoice:
    """The form as the prefill engine fills it (the user checks it before sending)."""
    issued = result.value("issue_date")
    tva = _amount(result.value("total_tva"))
    ht = _amount(result.value("total_ht"))
    rate = (tva / ht * 100).quantize(Decimal("0.1")) if ht else Decimal(0)
    return Invoice(
        number=result.value("invoice_number") or "",
        issue_date=date.fromisoformat(issued) if issued else None,
        recipient=Recipient(siret=result.value("buyer_siret") or ""),
        references=References(
            currency=result.value("currency") or "EUR",
            invoice_type=TypeFacture.AVOIR
            if result.value("invoice_type") == "avoir"
            else TypeFacture.FACTURE,
            vat_type=TypeTva.SANS_TVA if tva == 0 else TypeTva.TVA_SUR_DEBIT,
            engagement_number=result.value("order_reference"),
        ),
        totals=Totals(
            total_ht=ht,
            total_tva=tva,
            total_ttc=_amount(result.value("total_ttc")),
            amount_due=_amount(result.value("amount_due") or result.value("total_ttc")),
        ),
        vat_lines=[VatLine(rate, ht, tva)] if ht else [],
        main_attachment=main,
    )


def soumettre_request(invoice: Invoice, supplier_id: int, attachment_id: int) -> f.SoumettreRequest:
    """One summary line and one VAT line per rate: the PDF carries the detail."""
    totals = invoice.totals
    vat_lines = invoice.vat_lines or [VatLine(Decimal(0), totals.total_ht, totals.total_tva)]
    assert invoice.issue_date is not None
    return f.SoumettreRequest(
        modeDepot="DEPOT_PDF_API",
        numeroFactureSaisi=invoice.number,
        dateFacture=invoice.issue_date.isoformat(),
        destinataire=f.SoumettreDestinataire(
            codeDestinataire=invoice.recipient.siret,
            codeServiceExecutant=invoice.recipient.code_service or None,
        ),
        fournisseur=f.SoumettreFournisseur(
            idFournisseur=supplier_id,
            idServiceFournisseur=invoice.supplier.id_service,
            codeCoordonneesBancairesFournisseur=invoice.supplier.bank_account_id,
        ),
        cadreDeFacturation=f.SoumettreCadre(
            codeCadreFacturation=invoice.framework.code.value,
            codeStructureValideur=invoice.framework.validator_siret,
            codeServiceValideur=invoice.framework.validator_service,
        ),
        references=f.SoumettreReferences(
            deviseFacture=invoice.references.currency,
            typeFacture=invoice.references.invoice_type.value,
            typeTva=invoice.references.vat_type.value,
            motifExonerationTva=invoice.references.vat_exemption_reason,
            numeroMarche=invoice.references.contract_number,
            numeroBonCommande=invoice.references.engagement_number or None,
            numeroFactureOrigine=invoice.references.original_invoice_number,
            modePaiement=invoice.references.payment_mode.value,
        ),
        lignePoste=[
            f.SoumettreLignePoste(
                lignePosteNumero=index,
                lignePosteDenomination=f"Facture {invoice.number}"[:100],
                lignePosteQuantite=Decimal(1),
                lignePosteMontantUnitaireHT=line.base_ht,
                lignePosteTauxTvaManuel=line.rate,
            )
            for index, line in enumerate(vat_lines, start=1)
        ],
        ligneTva=[
            f.SoumettreLigneTva(
                ligneTvaTauxManuel=line.rate,
                ligneTvaMontantBaseHtParTaux=line.base_ht,
                ligneTvaMontantTvaParTaux=line.vat_amount,
            )
            for line in vat_lines
        ],
        montantTotal=f.SoumettreMontantTotal(
            montantHtTotal=totals.total_ht,
            montantTVA=totals.total_tva,
            montantTtcTotal=totals.total_ttc,
            montantRemiseGlobaleTTC=totals.global_discount_ttc or None,
            motifRemiseGlobaleTTC=totals.global_discount_reason,
            montantAPayer=totals.amount_due,
        ),
        pieceJointePrincipale=f.PieceJointePrincipale(
            pieceJointePrincipaleDesignation=f"Facture {invoice.number}"[:100],
            pieceJointePrincipaleId=attachment_id,
        ),
        pieceJointeComplementaire=[
            f.PieceJointeComplementaire(
                pieceJointeComplementaireDesignation=(other.designation or other.file_name)[:100],
                pieceJointeComplementaireType=other.type_code,
                pieceJointeComplementaireId=other.chorus_id,
            )
            for other in invoice.other_attachments
            if other.chorus_id is not None
        ]
        or None,
        commentaire=invoice.comment,
    )


def to_row(invoice: Invoice, row: models.Invoice) -> None:
    """Copy the checked form into its database row (drafts and deposits alike)."""
    row.number = invoice.number
    row.issue_date = invoice.issue_date
    row.invoice_type = invoice.references.invoice_type.value
    row.deposit_mode = invoice.deposit_mode.value
    row.cadre = invoice.framework.code.value
    row.validator_siret = invoice.framework.validator_siret
    row.validator_service = invoice.framework.validator_service
    row.recipient_siret = invoice.recipient.siret
    row.recipient_name = invoice.recipient.name
    row.code_service = invoice.recipient.code_service
    row.engagement_number = invoice.references.engagement_number
    row.contract_number = invoice.references.contract_number
    row.original_invoice_number = invoice.references.original_invoice_number
    row.vat_type = invoice.references.vat_type.value
    row.vat_exemption_reason = invoice.references.vat_exemption_reason
    row.payment_mode = invoice.references.payment_mode.value
    row.currency = invoice.references.currency
    row.total_ht = invoice.totals.total_ht
    row.total_tva = invoice.totals.total_tva
    row.total_ttc = invoice.totals.total_ttc
    row.global_discount_ttc = invoice.totals.global_discount_ttc
    row.global_discount_reason = invoice.totals.global_discount_reason
    row.amount_due = invoice.totals.amount_due
    row.comment = invoice.comment
    row.vat_lines = [
        models.InvoiceVatLine(rate=str(line.rate), base_ht=line.base_ht, vat_amount=line.vat_amount)
        for line in invoice.vat_lines
    ]


def _attachment_ref(row: models.Attachment) -> AttachmentRef:
    return AttachmentRef(
        row.file_name, row.sha256, row.size, row.designation, row.type_code, row.chorus_id
    )


def from_row(row: models.Invoice) -> Invoice:
    main = next((a for a in row.attachments if a.role == "principale"), None)
    return Invoice(
        number=row.number,
        issue_date=row.issue_date,
        deposit_mode=ModeDepot(row.deposit_mode),
        recipient=Recipient(row.recipient_siret, row.code_service, row.recipient_name),
        framework=Framework(
            CadreFacturation(row.cadre), row.validator_siret, row.validator_service
        ),
        references=References(
            currency=row.currency,
            invoice_type=TypeFacture(row.invoice_type),
            vat_type=TypeTva(row.vat_type),
            vat_exemption_reason=row.vat_exemption_reason,
            contract_number=row.contract_number,
            engagement_number=row.engagement_number,
            original_invoice_number=row.original_invoice_number,
            payment_mode=ModePaiement(row.payment_mode),
        ),
        totals=Totals(
            total_ht=row.total_ht,
            total_tva=row.total_tva,
            total_ttc=row.total_ttc,
            global_discount_ttc=row.global_discount_ttc,
            global_discount_reason=row.global_discount_reason,
            amount_due=row.amount_due,
        ),
        vat_lines=[VatLine(Decimal(v.rate), v.base_ht, v.vat_amount) for v in row.vat_lines],
        main_attachment=_attachment_ref(main) if main else None,
        other_attachments=[
            _attachment_ref(a) for a in row.attachments if a.role == "complementaire"
        ],
        comment=row.comment,
    )
