"""Read the invoice of a structured flux (Factur-X PDF or CII XML) for ``deposer/flux``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from app.domain.protocol import CII_AGREEMENT as AGREEMENT
from app.domain.protocol import CII_NAMESPACES as NS
from app.domain.protocol import CII_SETTLEMENT as SETTLEMENT
from app.domain.protocol import CII_SUMMATION as SUMMATION
from app.domain.protocol import CREDIT_NOTE_CODES
from app.simulator.checks import Submission

PAYMENT_MODES = {
    "30": "VIREMENT",
    "31": "VIREMENT",
    "58": "VIREMENT",
    "49": "PRELEVEMENT",
    "59": "PRELEVEMENT",
    "20": "CHEQUE",
    "10": "ESPECE",
}


def cii_text(root: ET.Element, path: str) -> str | None:
    """The platform's own reading of a CII element: its stripped text, None when blank."""
    node = root.find(path, NS)
    text = (node.text or "").strip() if node is not None else ""
    return text or None


class FluxRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _xml_of(content: bytes) -> bytes:
    if content.startswith(b"%PDF"):
        from facturx import get_xml_from_pdf

        try:
            _name, xml = get_xml_from_pdf(content, check_xsd=False)
        except Exception as exc:  # the library raises bare Exceptions on broken PDFs
            raise FluxRejected(f"PDF illisible : {exc}") from exc
        if not xml:
            raise FluxRejected("Le PDF ne contient pas de XML Factur-X")
        return bytes(xml)
    return content


def _amount(root: ET.Element, path: str, *, required: bool = True) -> Decimal:
    text = cii_text(root, path)
    if text is None:
        if required:
            raise FluxRejected(f"{path.split(':')[-1]}.value est obligatoire")
        return Decimal(0)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise FluxRejected(f"Montant illisible : {text}") from exc


def _buyer_siret(root: ET.Element, buyer: str) -> str:
    """The buyer's SIRET: its legal identifier before the reform (scheme 0009), its global
    identifier (BT-46, scheme 0009) since the reform made the legal one its SIREN."""
    for path in (f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID", f"{buyer}/ram:GlobalID"):
        for node in root.findall(path, NS):
            value = (node.text or "").strip()
            if len(value) == 14 and value.isdigit():
                return value
    return ""


def read_structured_invoice(content: bytes) -> Submission:
    """The invoice a flux carries, as ``soumettre`` would file it; :class:`FluxRejected`
    with the platform's kind of message when it cannot be integrated."""
    try:
        root = ET.fromstring(_xml_of(content))
    except ET.ParseError as exc:
        raise FluxRejected(f"XML mal formé : {exc}") from exc
    if root.tag != f"{{{NS['rsm']}}}CrossIndustryInvoice":
        raise FluxRejected("Le flux n'est pas une facture CII (CrossIndustryInvoice)")
    header, settlement, totals = AGREEMENT, SETTLEMENT, SUMMATION
    number = cii_text(root, "rsm:ExchangedDocument/ram:ID")
    if not number:
        raise FluxRejected("ExchangedDocument.ID.value est obligatoire")
    issued = cii_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") or ""
    if len(issued) != 8 or not issued.isdigit():
        raise FluxRejected("IssueDateTime.DateTimeString doit être au format AAAAMMJJ (102)")
    payment_code = cii_text(
        root, f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"
    )
    if payment_code is None:
        raise FluxRejected("SpecifiedTradeSettlementPaymentMeans.TypeCode.value est obligatoire")
    total_ht = _amount(root, f"{totals}/ram:TaxBasisTotalAmount")
    total_tva = _amount(root, f"{totals}/ram:TaxTotalAmount")
    total_ttc = _amount(root, f"{totals}/ram:GrandTotalAmount")
    due = cii_text(root, f"{totals}/ram:DuePayableAmount")
    type_code = cii_text(root, "rsm:ExchangedDocument/ram:TypeCode") or "380"
    return Submission(
        number=number,
        date=f"{issued[:4]}-{issued[4:6]}-{issued[6:]}",
        recipient_siret=_buyer_siret(root, f"{header}/ram:BuyerTradeParty"),
        service_code=cii_text(root, f"{header}/ram:BuyerReference"),
        engagement=cii_text(
            root, f"{header}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        cadre="A1_FACTURE_FOURNISSEUR",
        validator_siret=None,
        invoice_type="AVOIR" if type_code in CREDIT_NOTE_CODES else "FACTURE",
        vat_type="TVA_SUR_DEBIT" if total_tva else "SANS_TVA",
        exemption_reason=None,
        origin_number=cii_text(
            root, f"{settlement}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
        )
        or (number if type_code in CREDIT_NOTE_CODES else None),
        currency=cii_text(root, f"{settlement}/ram:InvoiceCurrencyCode") or "EUR",
        payment_mode=PAYMENT_MODES.get(payment_code, "AUTRE"),
        total_ht=total_ht,
        total_tva=total_tva,
        total_ttc=total_ttc,
        discount=Decimal(0),
        amount_due=Decimal(due) if due else total_ttc,
        mode_depot="UPLOAD_API",
    )
