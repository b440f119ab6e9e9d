"""A written invoice as the deposit form knows it (``app.domain.invoice.Invoice``), so that
it is checked against the directory's rules and sent through the same exactly-once outbox
as a dropped PDF.

It goes to Chorus Pro as its Factur-X, through ``deposer/flux`` (syntax
IN_DP_E2_CII_FACTURX), rather than through ``soumettre`` with its lines: the platform then
integrates the XML Bordereau checked against the official EN 16931 rules — every line,
discount and mention as written — instead of a second description of the same invoice
typed into its own fields; and the same file is what a company's approved platform will
take from September 2027."""

from __future__ import annotations

from app.domain.cadres import CadreFacturation
from app.domain.enums import ModePaiement, TypeFacture, TypeTva
from app.domain.invoice import Framework, Invoice, Line, Recipient, References, Totals, VatLine
from app.invoicing.model import PaymentMeans, VatRegime, WrittenInvoice
from app.invoicing.totals import totals_of

PAYMENT_MODES = {
    PaymentMeans.TRANSFER: ModePaiement.VIREMENT,
    PaymentMeans.DIRECT_DEBIT: ModePaiement.PRELEVEMENT,
    PaymentMeans.CHEQUE: ModePaiement.CHEQUE,
    PaymentMeans.CARD: ModePaiement.AUTRE,
}


def vat_type(invoice: WrittenInvoice) -> TypeTva:
    if invoice.regime is VatRegime.FRANCHISE:
        return TypeTva.SANS_TVA
    if invoice.regime is VatRegime.STANDARD:
        return (
            TypeTva.TVA_SUR_DEBIT if invoice.seller.vat_on_debits else TypeTva.TVA_SUR_ENCAISSEMENT
        )
    return TypeTva.EXONERATION


def deposit_invoice(invoice: WrittenInvoice) -> Invoice:
    """The issued ``invoice`` in the deposit's terms (its number must be given)."""
    assert invoice.number, "only an issued invoice is deposited"
    totals = totals_of(invoice)
    customer = invoice.customer
    return Invoice(
        number=invoice.number,
        issue_date=invoice.issue_date,
        recipient=Recipient(customer.siret or "", customer.code_service, customer.name),
        framework=Framework(CadreFacturation(invoice.cadre), invoice.validator_siret),
        references=References(
            invoice_type=TypeFacture.AVOIR if invoice.is_credit_note else TypeFacture.FACTURE,
            vat_type=vat_type(invoice),
            vat_exemption_reason=invoice.regime.rule.mention
            if invoice.regime not in (VatRegime.STANDARD, VatRegime.FRANCHISE)
            else None,
            contract_number=invoice.contract,
            engagement_number=customer.engagement,
            original_invoice_number=invoice.credited_number,
            payment_mode=PAYMENT_MODES[invoice.payment.means],
        ),
        lines=[
            Line(
                number=index,
                description=line.description[:512],
                quantity=line.quantity,
                unit_price_ht=line.unit_price,
                unit=line.unit,
                discount_ht=line.discount,
                vat_rate=line.vat_rate,
            )
            for index, line in enumerate(invoice.lines, start=1)
        ],
        vat_lines=[VatLine(part.rate, part.basis, part.tax) for part in totals.breakdown],
        totals=Totals(
            total_ht=totals.basis,
            total_tva=totals.tax,
            total_ttc=totals.grand_total,
            amount_due=totals.due,
        ),
        comment=invoice.note,
    )
