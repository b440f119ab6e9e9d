"""Exact fields from the CII XML a Factur-X / ZUGFeRD PDF embeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from app.prefill.model import Field, PrefillResult

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458"}
AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def embedded_xml(pdf: bytes) -> bytes | None:
    """The embedded invoice XML, or None when the PDF carries none."""
    from facturx import get_xml_from_pdf

    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception:  # the library raises bare Exceptions on PDFs it cannot parse
        return None
    return bytes(xml) if xml else None


def cii_text(root: ET.Element, path: str) -> str | None:
    """The stripped text at ``path`` (CII namespaces), or None when absent or blank."""
    node = root.find(path, NS)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def _amount(root: ET.Element, path: str) -> str | None:
    text = cii_text(root, path)
    if text is None:
        return None
    try:
        return str(Decimal(text).quantize(Decimal("0.01")))
    except InvalidOperation:
        return None


def _siret(root: ET.Element, party: str) -> str | None:
    base = f"{AGREEMENT}/ram:{party}"
    for path in (f"{base}/ram:SpecifiedLegalOrganization/ram:ID", f"{base}/ram:GlobalID"):
        for node in root.findall(path, NS):
            value = (node.text or "").replace(" ", "")
            if len(value) == 14 and value.isdigit():
                return value
    return None


def read_facturx(xml: bytes) -> PrefillResult | None:
    """Fields from a CII document; None when the XML is not CII (UBL is not read here)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    if root.tag != f"{{{NS['rsm']}}}CrossIndustryInvoice":
        return None
    issued = cii_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    type_code = cii_text(root, "rsm:ExchangedDocument/ram:TypeCode") or "380"
    seller_vat = None
    for node in root.findall(
        f"{AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", NS
    ):
        if node.get("schemeID") == "VA" and node.text:
            seller_vat = node.text.strip()
    total_ttc = _amount(root, f"{SUMMATION}/ram:GrandTotalAmount")
    values = {
        "invoice_number": cii_text(root, "rsm:ExchangedDocument/ram:ID"),
        "issue_date": f"{issued[:4]}-{issued[4:6]}-{issued[6:8]}"
        if issued and len(issued) >= 8
        else None,
        "invoice_type": "avoir" if type_code in CREDIT_NOTE_CODES else "facture",
        "seller_siret": _siret(root, "SellerTradeParty"),
        "seller_vat": seller_vat,
        "buyer_siret": _siret(root, "BuyerTradeParty"),
        "order_reference": cii_text(
            root, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        "total_ht": _amount(root, f"{SUMMATION}/ram:TaxBasisTotalAmount"),
        "total_tva": _amount(root, f"{SUMMATION}/ram:TaxTotalAmount") or "0.00",
        "total_ttc": total_ttc,
        "amount_due": _amount(root, f"{SUMMATION}/ram:DuePayableAmount") or total_ttc,
        "currency": cii_text(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode") or "EUR",
    }
    result = PrefillResult()
    for name, value in values.items():
        result.fields[name] = Field(value, 1.0 if value is not None else 0.0, "facturx")
    return result
