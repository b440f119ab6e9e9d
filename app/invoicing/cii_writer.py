"""The EN 16931 CII XML of a written invoice (the Factur-X « EN 16931 » profile): every line,
discounts and charges, the VAT breakdown, the payment terms and the legal mentions, in the
order the XSD wants them."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from app.einvoice.cii import (
    EN16931_GUIDELINE,
    CiiBuilder,
    amount_text,
    quantity_text,
    rate_text,
)
from app.einvoice.reform import PROCESSING_SUBJECT, SIREN_SCHEME, SIRET_SCHEME, address_scheme
from app.invoicing.mentions import legal_notes
from app.invoicing.model import ZERO, Address, CustomerKind, PaymentMeans, WrittenInvoice
from app.invoicing.totals import Totals, line_net, to_cent, totals_of


def _address(b: CiiBuilder, party: etree._Element, address: Address) -> None:
    postal = b.add(party, "ram:PostalTradeAddress")
    if address.postcode:
        b.add(postal, "ram:PostcodeCode", address.postcode)
    if address.line1:
        b.add(postal, "ram:LineOne", address.line1)
    if address.line2:
        b.add(postal, "ram:LineTwo", address.line2)
    if address.city:
        b.add(postal, "ram:CityName", address.city)
    b.add(postal, "ram:CountryID", address.country)


def _tax(
    b: CiiBuilder, parent: etree._Element, invoice: WrittenInvoice, rate: Decimal
) -> etree._Element:
    rule = invoice.regime.rule
    tax = b.add(parent, "ram:ApplicableTradeTax")
    b.add(tax, "ram:TypeCode", "VAT")
    b.add(tax, "ram:CategoryCode", rule.category)
    b.add(tax, "ram:RateApplicablePercent", rate_text(rate))
    return tax


def _electronic_address(b: CiiBuilder, party: etree._Element, address: str | None) -> None:
    """BT-34 / BT-49: where the party receives invoices (the reform's directory)."""
    if address:
        scheme, identifier = address_scheme(address)
        uri = b.add(party, "ram:URIUniversalCommunication")
        b.add(uri, "ram:URIID", identifier, schemeID=scheme)


def _seller(b: CiiBuilder, agreement: etree._Element, invoice: WrittenInvoice) -> None:
    seller = invoice.seller
    party = b.add(agreement, "ram:SellerTradeParty")
    b.add(party, "ram:GlobalID", seller.siret, schemeID=SIRET_SCHEME)  # BT-29
    b.add(party, "ram:Name", seller.legal_name)
    b.add(party, "ram:Description", f"Entrepreneur individuel (EI) — {seller.registration}")
    organization = b.add(party, "ram:SpecifiedLegalOrganization")
    b.add(organization, "ram:ID", seller.siren, schemeID=SIREN_SCHEME)  # BT-30
    if seller.trade_name:
        b.add(organization, "ram:TradingBusinessName", seller.trade_name)
    if seller.email or seller.phone:
        contact = b.add(party, "ram:DefinedTradeContact")
        if seller.phone:
            phone = b.add(contact, "ram:TelephoneUniversalCommunication")
            b.add(phone, "ram:CompleteNumber", seller.phone)
        if seller.email:
            email = b.add(contact, "ram:EmailURIUniversalCommunication")
            b.add(email, "ram:URIID", seller.email)
    _address(b, party, seller.address)
    _electronic_address(b, party, seller.address_for_invoices)
    if seller.vat_number:
        registration = b.add(party, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", seller.vat_number, schemeID="VA")
    else:  # BR-E-02: without a VAT number, the SIREN is the seller's tax registration
        registration = b.add(party, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", seller.siren, schemeID="FC")


def _buyer(b: CiiBuilder, agreement: etree._Element, invoice: WrittenInvoice) -> None:
    customer = invoice.customer
    party = b.add(agreement, "ram:BuyerTradeParty")
    if customer.siret:  # BT-46: a public structure is routed by its SIRET
        b.add(party, "ram:GlobalID", customer.siret, schemeID=SIRET_SCHEME)
    b.add(party, "ram:Name", customer.name)
    if customer.identifier_siren:  # BT-47
        organization = b.add(party, "ram:SpecifiedLegalOrganization")
        b.add(organization, "ram:ID", customer.identifier_siren, schemeID=SIREN_SCHEME)
    _address(b, party, customer.address)
    _electronic_address(b, party, customer.address_for_invoices)
    if customer.vat_number:
        registration = b.add(party, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", customer.vat_number, schemeID="VA")


def _lines(b: CiiBuilder, transaction: etree._Element, invoice: WrittenInvoice) -> None:
    taxed = invoice.regime.rule.category == "S"
    for index, line in enumerate(invoice.lines, start=1):
        item = b.add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        b.add(b.add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        b.add(b.add(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        agreement = b.add(item, "ram:SpecifiedLineTradeAgreement")
        price = b.add(agreement, "ram:NetPriceProductTradePrice")
        b.add(price, "ram:ChargeAmount", f"{line.unit_price.normalize():f}")
        delivery = b.add(item, "ram:SpecifiedLineTradeDelivery")
        b.add(delivery, "ram:BilledQuantity", quantity_text(line.quantity), unitCode=line.unit)
        settlement = b.add(item, "ram:SpecifiedLineTradeSettlement")
        _tax(b, settlement, invoice, line.vat_rate if taxed else ZERO)
        if line.discount:
            allowance = b.add(settlement, "ram:SpecifiedTradeAllowanceCharge")
            b.add(b.add(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
            b.add(allowance, "ram:ActualAmount", amount_text(to_cent(line.discount)))
            b.add(allowance, "ram:Reason", line.discount_reason)
        summation = b.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        b.add(summation, "ram:LineTotalAmount", amount_text(line_net(line)))


def _settlement(
    b: CiiBuilder, transaction: etree._Element, invoice: WrittenInvoice, totals: Totals
) -> None:
    rule = invoice.regime.rule
    seller, payment = invoice.seller, invoice.payment
    settlement = b.add(transaction, "ram:ApplicableHeaderTradeSettlement")
    b.add(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
    means = b.add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    b.add(means, "ram:TypeCode", payment.means.value)
    if payment.means is PaymentMeans.TRANSFER and seller.iban:
        account = b.add(means, "ram:PayeePartyCreditorFinancialAccount")
        b.add(account, "ram:IBANID", seller.iban)
        if seller.bic:
            bank = b.add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            b.add(bank, "ram:BICID", seller.bic)
    for part in totals.breakdown:
        tax = b.add(settlement, "ram:ApplicableTradeTax")
        b.add(tax, "ram:CalculatedAmount", amount_text(part.tax))
        b.add(tax, "ram:TypeCode", "VAT")
        if rule.mention:
            b.add(tax, "ram:ExemptionReason", rule.mention)
        b.add(tax, "ram:BasisAmount", amount_text(part.basis))
        b.add(tax, "ram:CategoryCode", part.category)
        if rule.exemption_code:
            b.add(tax, "ram:ExemptionReasonCode", rule.exemption_code)
        if seller.vat_on_debits and rule.category == "S":
            b.add(tax, "ram:DueDateTypeCode", "5")  # VAT due at the invoice's date
        b.add(tax, "ram:RateApplicablePercent", rate_text(part.rate))
    taxed = rule.category == "S"
    for adjustment in invoice.adjustments:
        charge = b.add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        indicator = "true" if adjustment.is_charge else "false"
        b.add(b.add(charge, "ram:ChargeIndicator"), "udt:Indicator", indicator)
        b.add(charge, "ram:ActualAmount", amount_text(to_cent(adjustment.amount)))
        b.add(charge, "ram:Reason", adjustment.reason)
        category = b.add(charge, "ram:CategoryTradeTax")
        b.add(category, "ram:TypeCode", "VAT")
        b.add(category, "ram:CategoryCode", rule.category)
        rate = adjustment.vat_rate if taxed else ZERO
        b.add(category, "ram:RateApplicablePercent", rate_text(rate))
    terms = b.add(settlement, "ram:SpecifiedTradePaymentTerms")
    b.add(
        terms,
        "ram:Description",
        f"{payment.means.label}, à payer au plus tard le {payment.due_date:%d/%m/%Y}",
    )
    b.date(terms, "ram:DueDateDateTime", payment.due_date)
    summation = b.add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.add(summation, "ram:LineTotalAmount", amount_text(totals.lines))
    if invoice.adjustments:
        b.add(summation, "ram:ChargeTotalAmount", amount_text(totals.charges))
        b.add(summation, "ram:AllowanceTotalAmount", amount_text(totals.allowances))
    b.add(summation, "ram:TaxBasisTotalAmount", amount_text(totals.basis))
    b.add(summation, "ram:TaxTotalAmount", amount_text(totals.tax), currencyID=invoice.currency)
    b.add(summation, "ram:GrandTotalAmount", amount_text(totals.grand_total))
    if totals.prepaid:
        b.add(summation, "ram:TotalPrepaidAmount", amount_text(totals.prepaid))
    b.add(summation, "ram:DuePayableAmount", amount_text(totals.due))
    if invoice.credited_number:
        referenced = b.add(settlement, "ram:InvoiceReferencedDocument")
        b.add(referenced, "ram:IssuerAssignedID", invoice.credited_number)
        if invoice.credited_date:
            issued = b.add(referenced, "ram:FormattedIssueDateTime")
            b.add(issued, "qdt:DateTimeString", f"{invoice.credited_date:%Y%m%d}", format="102")


def written_cii(invoice: WrittenInvoice) -> bytes:
    """The XML of an issued invoice (it must have its number)."""
    if not invoice.number:
        raise ValueError("an invoice gets its number when it is issued")
    totals = totals_of(invoice)
    b = CiiBuilder()
    context = b.add(b.root, "rsm:ExchangedDocumentContext")
    process = b.add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    b.add(process, "ram:ID", invoice.framework)  # BT-23, the reform's (B1, S1, M1, S5…)
    guideline = b.add(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    b.add(guideline, "ram:ID", EN16931_GUIDELINE)

    document = b.add(b.root, "rsm:ExchangedDocument")
    b.add(document, "ram:ID", invoice.number)
    b.add(document, "ram:TypeCode", invoice.document_type.value)
    b.date(document, "ram:IssueDateTime", invoice.issue_date)
    for subject, text in [*legal_notes(invoice), (PROCESSING_SUBJECT, invoice.processing)]:
        note = b.add(document, "ram:IncludedNote")
        b.add(note, "ram:Content", text)
        b.add(note, "ram:SubjectCode", subject)

    transaction = b.add(b.root, "rsm:SupplyChainTradeTransaction")
    _lines(b, transaction, invoice)

    customer = invoice.customer
    agreement = b.add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if customer.kind is CustomerKind.PUBLIC and customer.code_service:
        b.add(agreement, "ram:BuyerReference", customer.code_service)
    _seller(b, agreement, invoice)
    _buyer(b, agreement, invoice)
    order = customer.engagement or customer.purchase_order
    if order:
        b.add(b.add(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", order)
    if invoice.contract:
        contract = b.add(agreement, "ram:ContractReferencedDocument")
        b.add(contract, "ram:IssuerAssignedID", invoice.contract)

    delivery = b.add(transaction, "ram:ApplicableHeaderTradeDelivery")
    ship_to = customer.delivery_address or (
        customer.address if invoice.regime.rule.category == "K" else None  # BR-IC-12
    )
    if ship_to is not None:
        party = b.add(delivery, "ram:ShipToTradeParty")
        b.add(party, "ram:Name", customer.name)
        _address(b, party, ship_to)
    event = b.add(delivery, "ram:ActualDeliverySupplyChainEvent")
    b.date(event, "ram:OccurrenceDateTime", invoice.delivery_date)

    _settlement(b, transaction, invoice, totals)
    return b.tostring()
