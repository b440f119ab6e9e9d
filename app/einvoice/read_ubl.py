"""The UBL 2.1 reader (Invoice and CreditNote, EN 16931's UBL binding — Peppol BIS 3,
XRechnung UBL, the French CIUS): the same business terms as the CII reader, from UBL's
places."""

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

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
X = Reader(NS)


def is_ubl(root: Element) -> bool:
    return root.tag in (f"{{{INVOICE}}}Invoice", f"{{{CREDIT_NOTE}}}CreditNote")


def read_ubl(root: Element) -> ReceivedDocument:
    credit = root.tag == f"{{{CREDIT_NOTE}}}CreditNote"
    document = ReceivedDocument(syntax="UBL")
    document.number = X.text(root, "cbc:ID")
    document.issue_date = date_of(X.text(root, "cbc:IssueDate"))
    document.type_code = X.text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    document.currency = X.text(root, "cbc:DocumentCurrencyCode")
    document.vat_currency = X.text(root, "cbc:TaxCurrencyCode")
    document.due_date = date_of(X.text(root, "cbc:DueDate")) or date_of(
        X.text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    )
    document.buyer_reference = X.text(root, "cbc:BuyerReference")
    document.process = X.text(root, "cbc:ProfileID")
    document.specification = X.text(root, "cbc:CustomizationID")
    document.notes = X.texts(root, "cbc:Note")
    document.order = X.text(root, "cac:OrderReference/cbc:ID")
    document.sales_order = X.text(root, "cac:OrderReference/cbc:SalesOrderID")
    document.contract = X.text(root, "cac:ContractDocumentReference/cbc:ID")
    document.project = X.text(root, "cac:ProjectReference/cbc:ID")
    document.delivery_date = date_of(X.text(root, "cac:Delivery/cbc:ActualDeliveryDate"))
    document.period_start = date_of(X.text(root, "cac:InvoicePeriod/cbc:StartDate"))
    document.period_end = date_of(X.text(root, "cac:InvoicePeriod/cbc:EndDate"))
    document.preceding = [
        (
            X.text(reference, "cbc:ID") or "",
            date_of(X.text(reference, "cbc:IssueDate")),
        )
        for reference in X.nodes(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        if X.text(reference, "cbc:ID")
    ]
    seller = X.node(root, "cac:AccountingSupplierParty/cac:Party")
    buyer = X.node(root, "cac:AccountingCustomerParty/cac:Party")
    document.seller = _party(seller) if seller is not None else Party()
    document.buyer = _party(buyer) if buyer is not None else Party()
    document.payee_name = X.text(root, "cac:PayeeParty/cac:PartyName/cbc:Name")
    representative = X.node(root, "cac:TaxRepresentativeParty")
    if representative is not None:
        document.tax_representative_name = X.text(representative, "cac:PartyName/cbc:Name")
        document.tax_representative_vat = X.text(representative, "cac:PartyTaxScheme/cbc:CompanyID")
    document.payment = _payment(root)
    document.attachments = [
        _attachment(reference)
        for reference in X.nodes(root, "cac:AdditionalDocumentReference")
        if X.text(reference, "cbc:DocumentTypeCode") in (None, "916")
    ]
    document.allowances = [_allowance(node) for node in X.nodes(root, "cac:AllowanceCharge")]
    document.vat = [
        VatPart(
            category=X.text(subtotal, "cac:TaxCategory/cbc:ID"),
            rate=X.amount(subtotal, "cac:TaxCategory/cbc:Percent"),
            basis=X.amount(subtotal, "cbc:TaxableAmount"),
            tax=X.amount(subtotal, "cbc:TaxAmount"),
            exemption_reason=X.text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReason"),
            exemption_code=X.text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
        )
        for subtotal in X.nodes(root, "cac:TaxTotal[cac:TaxSubtotal]/cac:TaxSubtotal")
    ]
    monetary = X.node(root, "cac:LegalMonetaryTotal")
    document.totals = Totals(
        lines=X.amount(monetary, "cbc:LineExtensionAmount"),
        allowances=X.amount(monetary, "cbc:AllowanceTotalAmount"),
        charges=X.amount(monetary, "cbc:ChargeTotalAmount"),
        without_vat=X.amount(monetary, "cbc:TaxExclusiveAmount"),
        vat=_vat_total(root, document.currency),
        with_vat=X.amount(monetary, "cbc:TaxInclusiveAmount"),
        prepaid=X.amount(monetary, "cbc:PrepaidAmount"),
        rounding=X.amount(monetary, "cbc:PayableRoundingAmount"),
        due=X.amount(monetary, "cbc:PayableAmount"),
    )
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    document.lines = [_line(node, quantity_tag) for node in X.nodes(root, line_tag)]
    return document


def _vat_total(root: Element, currency: str | None) -> Decimal | None:
    """BT-110: the TaxTotal in the document's currency (a second one, without subtotals, is
    BT-111 in the VAT accounting currency)."""
    amounts = X.nodes(root, "cac:TaxTotal/cbc:TaxAmount")
    chosen = [node for node in amounts if node.get("currencyID") in (currency, None)] or amounts
    return X.amount(chosen[0], ".") if chosen else None


def _party(node: Element) -> Party:
    endpoint = X.node(node, "cbc:EndpointID")
    legal = X.node(node, "cac:PartyLegalEntity/cbc:CompanyID")
    address = X.node(node, "cac:PostalAddress")
    lines = []
    if address is not None:
        lines = X.texts(
            address, "cbc:StreetName | cbc:AdditionalStreetName | cac:AddressLine/cbc:Line"
        )
    vat = None
    tax_registration = None
    for scheme in X.nodes(node, "cac:PartyTaxScheme"):
        value = X.text(scheme, "cbc:CompanyID")
        if (X.text(scheme, "cac:TaxScheme/cbc:ID") or "").upper() == "VAT":
            vat = vat or value
        else:
            tax_registration = tax_registration or value
    return Party(
        name=X.text(node, "cac:PartyLegalEntity/cbc:RegistrationName")
        or X.text(node, "cac:PartyName/cbc:Name"),
        trading_name=X.text(node, "cac:PartyName/cbc:Name"),
        identifiers=[
            (" ".join((item.text or "").split()), item.get("schemeID"))
            for item in X.nodes(node, "cac:PartyIdentification/cbc:ID")
            if (item.text or "").strip()
        ],
        legal_id=" ".join((legal.text or "").split()) or None if legal is not None else None,
        legal_id_scheme=legal.get("schemeID") if legal is not None else None,
        vat_number=vat,
        tax_registration=tax_registration,
        electronic_address=" ".join((endpoint.text or "").split()) or None
        if endpoint is not None
        else None,
        electronic_address_scheme=endpoint.get("schemeID") if endpoint is not None else None,
        address=Address(
            lines=lines,
            city=X.text(address, "cbc:CityName"),
            postcode=X.text(address, "cbc:PostalZone"),
            subdivision=X.text(address, "cbc:CountrySubentity"),
            country=X.text(address, "cac:Country/cbc:IdentificationCode"),
        ),
        contact_name=X.text(node, "cac:Contact/cbc:Name"),
        contact_phone=X.text(node, "cac:Contact/cbc:Telephone"),
        contact_email=X.text(node, "cac:Contact/cbc:ElectronicMail"),
    )


def _payment(root: Element) -> Payment:
    means = X.node(root, "cac:PaymentMeans")
    account = X.node(root, "cac:PaymentMeans/cac:PayeeFinancialAccount")
    return Payment(
        means_code=X.text(means, "cbc:PaymentMeansCode"),
        means_text=X.text(means, "cbc:PaymentMeansCode/@name"),
        remittance=X.text(means, "cbc:PaymentID"),
        iban=X.text(account, "cbc:ID"),
        account_name=X.text(account, "cbc:Name"),
        bic=X.text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
        terms=X.text(root, "cac:PaymentTerms/cbc:Note"),
        mandate=X.text(means, "cac:PaymentMandate/cbc:ID"),
        creditor_id=X.text(
            root,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification"
            "/cbc:ID[@schemeID='SEPA']",
        ),
    )


def _attachment(reference: Element) -> Attachment:
    binary = X.node(reference, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
    content = None
    if binary is not None and binary.text:
        try:
            content = base64.b64decode("".join(binary.text.split()), validate=True)
        except (binascii.Error, ValueError):
            content = None
    return Attachment(
        identifier=X.text(reference, "cbc:ID"),
        description=X.text(reference, "cbc:DocumentDescription"),
        file_name=binary.get("filename") if binary is not None else None,
        mime=binary.get("mimeCode") if binary is not None else None,
        content=content,
        uri=X.text(reference, "cac:Attachment/cac:ExternalReference/cbc:URI"),
    )


def _allowance(node: Element) -> AllowanceCharge:
    return AllowanceCharge(
        charge=(X.text(node, "cbc:ChargeIndicator") or "").lower() == "true",
        amount=X.amount(node, "cbc:Amount"),
        reason=X.text(node, "cbc:AllowanceChargeReason"),
        vat_category=X.text(node, "cac:TaxCategory/cbc:ID"),
        vat_rate=X.amount(node, "cac:TaxCategory/cbc:Percent"),
    )


def _line(node: Element, quantity_tag: str) -> Line:
    quantity = X.node(node, quantity_tag)
    return Line(
        identifier=X.text(node, "cbc:ID"),
        name=X.text(node, "cac:Item/cbc:Name"),
        description=X.text(node, "cac:Item/cbc:Description"),
        quantity=X.amount(quantity, ".") if quantity is not None else None,
        unit=quantity.get("unitCode") if quantity is not None else None,
        net_amount=X.amount(node, "cbc:LineExtensionAmount"),
        net_price=X.amount(node, "cac:Price/cbc:PriceAmount"),
        price_base_quantity=X.amount(node, "cac:Price/cbc:BaseQuantity"),
        vat_category=X.text(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=X.amount(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
        note=X.text(node, "cbc:Note"),
        allowances=[_allowance(item) for item in X.nodes(node, "cac:AllowanceCharge")],
    )
