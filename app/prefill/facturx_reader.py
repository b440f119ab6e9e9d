"""Exact fields from the XML an e-invoice PDF embeds: CII (Factur-X, ZUGFeRD 2.x), the
older ZUGFeRD 1.0 CII, and UBL (Invoice and CreditNote)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from app.domain.protocol import (
    CII_AGREEMENT,
    CII_NAMESPACES,
    CII_SETTLEMENT,
    CII_SUMMATION,
    CREDIT_NOTE_CODES,
)
from app.prefill.model import Field, PrefillResult

NS = CII_NAMESPACES
AGREEMENT, SETTLEMENT, SUMMATION = CII_AGREEMENT, CII_SETTLEMENT, CII_SUMMATION


def embedded_xml(pdf: bytes) -> bytes | None:
    """The embedded invoice XML, or None when the PDF carries none: the file Factur-X and
    ZUGFeRD name, else any embedded XML file (a UBL invoice, an XRechnung)."""
    from facturx import get_xml_from_pdf

    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception:  # the library raises bare Exceptions on PDFs it cannot parse
        xml = None
    if xml:
        return bytes(xml)
    return _any_embedded_xml(pdf)


def _any_embedded_xml(pdf: bytes) -> bytes | None:
    import pymupdf

    try:
        with pymupdf.open(stream=pdf, filetype="pdf") as document:
            for name in document.embfile_names():
                if not name.lower().endswith(".xml"):
                    continue
                content = bytes(document.embfile_get(name))
                if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    return content
    except Exception:  # a damaged name tree: no structured data, the page is read instead
        return None
    return None


def cii_text(root: ET.Element, path: str) -> str | None:
    """The stripped text at ``path`` (CII namespaces), or None when absent or blank."""
    node = root.find(path, NS)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def _amount(root: ET.Element, path: str) -> str | None:
    return _decimal(cii_text(root, path))


def _siret(root: ET.Element, party: str) -> str | None:
    base = f"{AGREEMENT}/ram:{party}"
    for path in (f"{base}/ram:SpecifiedLegalOrganization/ram:ID", f"{base}/ram:GlobalID"):
        for node in root.findall(path, NS):
            value = (node.text or "").replace(" ", "")
            if len(value) == 14 and value.isdigit():
                return value
    return None


def read_facturx(xml: bytes) -> PrefillResult | None:
    """Fields from an embedded invoice XML (CII, ZUGFeRD 1.0 or UBL); None when it is none
    of them (or not XML at all)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    if root.tag == f"{{{ZUGFERD1['rsm']}}}CrossIndustryDocument":
        return _result(_zugferd1_values(root))
    if root.tag in (f"{{{UBL_INVOICE}}}Invoice", f"{{{UBL_CREDIT_NOTE}}}CreditNote"):
        return _result(_ubl_values(root))
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
    return _result(values)


def _result(values: dict[str, str | None]) -> PrefillResult:
    result = PrefillResult()
    for name, value in values.items():
        result.fields[name] = Field(value, 1.0 if value is not None else 0.0, "facturx")
    return result


def _decimal(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return str(Decimal(text.strip()).quantize(Decimal("0.01")))
    except InvalidOperation:
        return None


def _text_at(root: ET.Element, path: str, namespaces: dict[str, str]) -> str | None:
    node = root.find(path, namespaces)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def _fourteen_digits(nodes: list[ET.Element]) -> str | None:
    for node in nodes:
        value = (node.text or "").replace(" ", "")
        if len(value) == 14 and value.isdigit():
            return value
    return None


# --- ZUGFeRD 1.0: the same ideas as CII, older names ------------------------------------------

ZUGFERD1 = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
}
Z1_TRANSACTION = "rsm:SpecifiedSupplyChainTradeTransaction"
Z1_AGREEMENT = f"{Z1_TRANSACTION}/ram:ApplicableSupplyChainTradeAgreement"
Z1_SETTLEMENT = f"{Z1_TRANSACTION}/ram:ApplicableSupplyChainTradeSettlement"
Z1_SUMMATION = f"{Z1_SETTLEMENT}/ram:SpecifiedTradeSettlementMonetarySummation"


def _zugferd1_values(root: ET.Element) -> dict[str, str | None]:
    def text(path: str) -> str | None:
        return _text_at(root, path, ZUGFERD1)

    def party_siret(party: str) -> str | None:
        base = f"{Z1_AGREEMENT}/ram:{party}"
        return _fourteen_digits(
            root.findall(f"{base}/ram:GlobalID", ZUGFERD1)
            + root.findall(f"{base}/ram:ID", ZUGFERD1)
        )

    issued = text("rsm:HeaderExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    seller_vat = None
    for node in root.findall(
        f"{Z1_AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", ZUGFERD1
    ):
        if node.get("schemeID") == "VA" and node.text:
            seller_vat = node.text.strip()
    total_ttc = _decimal(text(f"{Z1_SUMMATION}/ram:GrandTotalAmount"))
    type_code = text("rsm:HeaderExchangedDocument/ram:TypeCode") or "380"
    return {
        "invoice_number": text("rsm:HeaderExchangedDocument/ram:ID"),
        "issue_date": f"{issued[:4]}-{issued[4:6]}-{issued[6:8]}"
        if issued and len(issued) >= 8
        else None,
        "invoice_type": "avoir" if type_code in CREDIT_NOTE_CODES else "facture",
        "seller_siret": party_siret("SellerTradeParty"),
        "seller_vat": seller_vat,
        "buyer_siret": party_siret("BuyerTradeParty"),
        "order_reference": text(f"{Z1_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:ID"),
        "total_ht": _decimal(text(f"{Z1_SUMMATION}/ram:TaxBasisTotalAmount")),
        "total_tva": _decimal(text(f"{Z1_SUMMATION}/ram:TaxTotalAmount")) or "0.00",
        "total_ttc": total_ttc,
        "amount_due": _decimal(text(f"{Z1_SUMMATION}/ram:DuePayableAmount")) or total_ttc,
        "currency": text(f"{Z1_SETTLEMENT}/ram:InvoiceCurrencyCode") or "EUR",
    }


# --- UBL 2.1 (Invoice, CreditNote) ----------------------------------------------------------------

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def _ubl_values(root: ET.Element) -> dict[str, str | None]:
    def text(path: str) -> str | None:
        return _text_at(root, path, UBL)

    def party(role: str) -> tuple[str | None, str | None]:
        base = f"cac:{role}/cac:Party"
        siret = _fourteen_digits(
            root.findall(f"{base}/cac:PartyLegalEntity/cbc:CompanyID", UBL)
            + root.findall(f"{base}/cac:PartyIdentification/cbc:ID", UBL)
            + root.findall(f"{base}/cbc:EndpointID", UBL)
        )
        vat = _text_at(root, f"{base}/cac:PartyTaxScheme/cbc:CompanyID", UBL)
        return siret, vat

    credit = root.tag == f"{{{UBL_CREDIT_NOTE}}}CreditNote"
    type_code = text("cbc:InvoiceTypeCode") or text("cbc:CreditNoteTypeCode") or "380"
    currency = text("cbc:DocumentCurrencyCode") or "EUR"
    vat_total = None
    for node in root.findall("cac:TaxTotal/cbc:TaxAmount", UBL):
        if node.get("currencyID", currency) == currency:
            vat_total = _decimal(node.text)
            break
    seller_siret, seller_vat = party("AccountingSupplierParty")
    buyer_siret, _buyer_vat = party("AccountingCustomerParty")
    total_ttc = _decimal(text("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"))
    return {
        "invoice_number": text("cbc:ID"),
        "issue_date": text("cbc:IssueDate"),
        "invoice_type": "avoir" if credit or type_code in CREDIT_NOTE_CODES else "facture",
        "seller_siret": seller_siret,
        "seller_vat": seller_vat if seller_vat and seller_vat[:2].isalpha() else None,
        "buyer_siret": buyer_siret,
        "order_reference": text("cac:OrderReference/cbc:ID"),
        "total_ht": _decimal(text("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")),
        "total_tva": vat_total or "0.00",
        "total_ttc": total_ttc,
        "amount_due": _decimal(text("cac:LegalMonetaryTotal/cbc:PayableAmount")) or total_ttc,
        "currency": currency,
    }
