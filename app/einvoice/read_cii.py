"""The CII reader (UN/CEFACT Cross Industry Invoice D16B — Factur-X, ZUGFeRD 2 — and D22B):
every business term of EN 16931 the received-invoice page and the checks use, from the
places the norm's CII binding gives them."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from app.einvoice.document import (
    Address,
    AllowanceCharge,
    Attachment,
    Line,
    Party,
    Payment,
    ReceivedDocument,
    Totals,
    VatPart,
)
from app.einvoice.xmltext import Element, Reader, date_of

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS = {
    "rsm": RSM,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
X = Reader(NS)
TRANSACTION = "rsm:SupplyChainTradeTransaction"
AGREEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
DELIVERY = f"{TRANSACTION}/ram:ApplicableHeaderTradeDelivery"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"


def is_cii(root: Element) -> bool:
    return bool(root.tag == f"{{{RSM}}}CrossIndustryInvoice")


def read_cii(root: Element, syntax: str = "CII") -> ReceivedDocument:
    document = ReceivedDocument(syntax=syntax)
    header = X.node(root, "rsm:ExchangedDocument")
    context = X.node(root, "rsm:ExchangedDocumentContext")
    document.number = X.text(header, "ram:ID")
    document.type_code = X.text(header, "ram:TypeCode")
    document.issue_date = date_of(X.text(header, "ram:IssueDateTime/udt:DateTimeString"))
    document.notes = X.texts(root, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
    document.process = X.text(
        context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    )
    document.specification = X.text(
        context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    )
    agreement = X.node(root, AGREEMENT)
    delivery = X.node(root, DELIVERY)
    settlement = X.node(root, SETTLEMENT)
    if agreement is not None:
        _read_agreement(agreement, document)
    if delivery is not None:
        document.delivery_date = date_of(
            X.text(
                delivery,
                "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString",
            )
        )
    if settlement is not None:
        _read_settlement(settlement, document)
    document.lines = [
        _line(item) for item in X.nodes(root, f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem")
    ]
    return document


def _read_agreement(agreement: Element, document: ReceivedDocument) -> None:
    document.buyer_reference = X.text(agreement, "ram:BuyerReference")
    seller = X.node(agreement, "ram:SellerTradeParty")
    buyer = X.node(agreement, "ram:BuyerTradeParty")
    document.seller = _party(seller) if seller is not None else Party()
    document.buyer = _party(buyer) if buyer is not None else Party()
    representative = X.node(agreement, "ram:SellerTaxRepresentativeTradeParty")
    if representative is not None:
        document.tax_representative_name = X.text(representative, "ram:Name")
        document.tax_representative_vat = X.text(
            representative, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"
        )
    document.sales_order = X.text(
        agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"
    )
    document.order = X.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID")
    document.contract = X.text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID")
    document.project = X.text(agreement, "ram:SpecifiedProcuringProject/ram:ID")
    for reference in X.nodes(agreement, "ram:AdditionalReferencedDocument"):
        if X.text(reference, "ram:TypeCode") not in ("916", None):
            continue  # 50: a tender or lot, 130: an invoiced object — not attachments
        binary = X.node(reference, "ram:AttachmentBinaryObject")
        document.attachments.append(
            Attachment(
                identifier=X.text(reference, "ram:IssuerAssignedID"),
                description=X.text(reference, "ram:Name"),
                file_name=binary.get("filename") if binary is not None else None,
                mime=binary.get("mimeCode") if binary is not None else None,
                content=_decoded(binary.text if binary is not None else None),
                uri=X.text(reference, "ram:URIID"),
            )
        )


def _decoded(text: str | None) -> bytes | None:
    if not text:
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _party(node: Element) -> Party:
    identifiers = [
        (" ".join((item.text or "").split()), item.get("schemeID"))
        for item in X.nodes(node, "ram:ID | ram:GlobalID")
        if (item.text or "").strip()
    ]
    legal = X.node(node, "ram:SpecifiedLegalOrganization/ram:ID")
    address = X.node(node, "ram:PostalTradeAddress")
    uri = X.node(node, "ram:URIUniversalCommunication/ram:URIID")
    contact = X.node(node, "ram:DefinedTradeContact")
    return Party(
        name=X.text(node, "ram:Name"),
        trading_name=X.text(node, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        identifiers=identifiers,
        legal_id=" ".join((legal.text or "").split()) or None if legal is not None else None,
        legal_id_scheme=legal.get("schemeID") if legal is not None else None,
        vat_number=X.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        tax_registration=X.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
        electronic_address=" ".join((uri.text or "").split()) or None if uri is not None else None,
        electronic_address_scheme=uri.get("schemeID") if uri is not None else None,
        address=Address(
            lines=X.texts(address, "ram:LineOne | ram:LineTwo | ram:LineThree")
            if address is not None
            else [],
            city=X.text(address, "ram:CityName"),
            postcode=X.text(address, "ram:PostcodeCode"),
            subdivision=X.text(address, "ram:CountrySubDivisionName"),
            country=X.text(address, "ram:CountryID"),
        ),
        contact_name=X.text(contact, "ram:PersonName"),
        contact_phone=X.text(contact, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
        contact_email=X.text(contact, "ram:EmailURIUniversalCommunication/ram:URIID"),
    )


def _read_settlement(settlement: Element, document: ReceivedDocument) -> None:
    document.currency = X.text(settlement, "ram:InvoiceCurrencyCode")
    document.vat_currency = X.text(settlement, "ram:TaxCurrencyCode")
    document.payee_name = X.text(settlement, "ram:PayeeTradeParty/ram:Name")
    means = X.node(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    terms = X.node(settlement, "ram:SpecifiedTradePaymentTerms")
    document.payment = Payment(
        means_code=X.text(means, "ram:TypeCode"),
        means_text=X.text(means, "ram:Information"),
        remittance=X.text(settlement, "ram:PaymentReference"),
        iban=X.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        or X.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID"),
        account_name=X.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:AccountName"),
        bic=X.text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
        terms=X.text(terms, "ram:Description"),
        mandate=X.text(terms, "ram:DirectDebitMandateID"),
        creditor_id=X.text(settlement, "ram:CreditorReferenceID"),
    )
    document.due_date = date_of(X.text(terms, "ram:DueDateDateTime/udt:DateTimeString"))
    period = X.node(settlement, "ram:BillingSpecifiedPeriod")
    document.period_start = date_of(X.text(period, "ram:StartDateTime/udt:DateTimeString"))
    document.period_end = date_of(X.text(period, "ram:EndDateTime/udt:DateTimeString"))
    document.vat = [
        VatPart(
            category=X.text(tax, "ram:CategoryCode"),
            rate=X.amount(tax, "ram:RateApplicablePercent"),
            basis=X.amount(tax, "ram:BasisAmount"),
            tax=X.amount(tax, "ram:CalculatedAmount"),
            exemption_reason=X.text(tax, "ram:ExemptionReason"),
            exemption_code=X.text(tax, "ram:ExemptionReasonCode"),
        )
        for tax in X.nodes(settlement, "ram:ApplicableTradeTax")
    ]
    document.allowances = [
        _allowance(item) for item in X.nodes(settlement, "ram:SpecifiedTradeAllowanceCharge")
    ]
    document.preceding = [
        (
            X.text(reference, "ram:IssuerAssignedID") or "",
            date_of(X.text(reference, "ram:FormattedIssueDateTime/qdt:DateTimeString")),
        )
        for reference in X.nodes(settlement, "ram:InvoiceReferencedDocument")
        if X.text(reference, "ram:IssuerAssignedID")
    ]
    summation = X.node(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    document.totals = Totals(
        lines=X.amount(summation, "ram:LineTotalAmount"),
        allowances=X.amount(summation, "ram:AllowanceTotalAmount"),
        charges=X.amount(summation, "ram:ChargeTotalAmount"),
        without_vat=X.amount(summation, "ram:TaxBasisTotalAmount"),
        vat=_vat_total(summation, document.currency),
        with_vat=X.amount(summation, "ram:GrandTotalAmount"),
        prepaid=X.amount(summation, "ram:TotalPrepaidAmount"),
        rounding=X.amount(summation, "ram:RoundingAmount"),
        due=X.amount(summation, "ram:DuePayableAmount"),
    )


def _vat_total(summation: Element | None, currency: str | None) -> Decimal | None:
    """BT-110: the VAT total in the invoice's currency (BT-111, in the VAT accounting
    currency, is the other one when there are two)."""
    if summation is None:
        return None
    totals = X.nodes(summation, "ram:TaxTotalAmount")
    if len(totals) > 1 and currency:
        totals = [item for item in totals if item.get("currencyID") in (currency, None)] or totals
    return X.amount(totals[0], ".") if totals else None


def _allowance(node: Element) -> AllowanceCharge:
    return AllowanceCharge(
        charge=(X.text(node, "ram:ChargeIndicator/udt:Indicator") or "").lower() == "true",
        amount=X.amount(node, "ram:ActualAmount"),
        reason=X.text(node, "ram:Reason"),
        vat_category=X.text(node, "ram:CategoryTradeTax/ram:CategoryCode"),
        vat_rate=X.amount(node, "ram:CategoryTradeTax/ram:RateApplicablePercent"),
    )


def _line(item: Element) -> Line:
    agreement = X.node(item, "ram:SpecifiedLineTradeAgreement")
    settlement = X.node(item, "ram:SpecifiedLineTradeSettlement")
    quantity = X.node(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    return Line(
        identifier=X.text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        name=X.text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        description=X.text(item, "ram:SpecifiedTradeProduct/ram:Description"),
        quantity=X.amount(quantity, ".") if quantity is not None else None,
        unit=quantity.get("unitCode") if quantity is not None else None,
        net_amount=X.amount(
            settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
        ),
        net_price=X.amount(agreement, "ram:NetPriceProductTradePrice/ram:ChargeAmount"),
        price_base_quantity=X.amount(agreement, "ram:NetPriceProductTradePrice/ram:BasisQuantity"),
        vat_category=X.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
        vat_rate=X.amount(settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
        note=X.text(item, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),
        allowances=[
            _allowance(node) for node in X.nodes(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ]
        if settlement is not None
        else [],
    )
