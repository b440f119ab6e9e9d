"""What happens to an invoice after the simulated PA received it: the customer's side sends
lifecycle statuses (CDAR D22B, as XP Z12-012 writes them), over time or on demand, and the
seller's own statuses (« Encaissée ») are read back from the flows it sends.

The platform writes its CDAR itself (the simulator shares no code with the client); the
tests judge both with the official XSD and BR-FR-CDV schematron."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from app.simulator.flux import FluxRejected, _xml_of, cii_text

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
CDAR_NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

LABELS = {
    "202": "Reçue",
    "203": "Mise à disposition",
    "204": "Prise en charge",
    "205": "Approuvée",
    "206": "Approuvée partiellement",
    "207": "En litige",
    "208": "Suspendue",
    "209": "Complétée",
    "210": "Refusée",
    "211": "Paiement transmis",
    "212": "Encaissée",
    "213": "Rejetée",
    "220": "Annulée",
}
TRANSMISSION = frozenset({"202", "203", "213"})  # the platforms' statuses (MDT-77 305)
NEEDS_REASON = frozenset({"206", "207", "208", "210", "213"})
DEFAULT_REASON = {"213": "REJ_SEMAN"}
# The demo customer's behaviour: seconds after the invoice is recorded, the status it sends.
DEMO_SCHEDULE: tuple[tuple[float, str], ...] = (
    (3, "202"),
    (6, "203"),
    (20, "204"),
    (45, "205"),
    (120, "211"),
)


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    number: str
    issue_date: str  # AAAAMMJJ
    type_code: str
    seller_siren: str
    seller_name: str
    seller_address: str
    buyer_siren: str
    buyer_name: str


def invoice_facts(content: bytes) -> InvoiceFacts:
    """The platform's reading of an invoice flow (Factur-X or CII)."""
    try:
        root = ET.fromstring(_xml_of(content))
    except ET.ParseError as exc:
        raise FluxRejected(f"XML mal formé : {exc}") from exc
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    seller, buyer = f"{agreement}/ram:SellerTradeParty", f"{agreement}/ram:BuyerTradeParty"
    number = cii_text(root, "rsm:ExchangedDocument/ram:ID")
    if not number:
        raise FluxRejected("Numéro de facture absent")

    def siren(party: str) -> str:
        for path in (
            f"{party}/ram:SpecifiedLegalOrganization/ram:ID",
            f"{party}/ram:GlobalID",
            f"{party}/ram:URIUniversalCommunication/ram:URIID",
        ):
            value = cii_text(root, path) or ""
            if value[:9].isdigit() and len(value) >= 9:
                return value[:9]
        return ""

    return InvoiceFacts(
        number=number,
        issue_date=cii_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
        or "",
        type_code=cii_text(root, "rsm:ExchangedDocument/ram:TypeCode") or "380",
        seller_siren=siren(seller),
        seller_name=cii_text(root, f"{seller}/ram:Name") or "",
        seller_address=cii_text(root, f"{seller}/ram:URIUniversalCommunication/ram:URIID")
        or siren(seller),
        buyer_siren=siren(buyer),
        buyer_name=cii_text(root, f"{buyer}/ram:Name") or "",
    )


def ubl_facts(content: bytes) -> InvoiceFacts:
    """The platform's reading of a UBL invoice or credit note."""
    cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
    cac = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise FluxRejected(f"XML mal formé : {exc}") from exc

    def party(tag: str) -> tuple[str, str]:
        node = root.find(f"{cac}{tag}/{cac}Party")
        if node is None:
            return "", ""
        siren = (node.findtext(f"{cac}PartyLegalEntity/{cbc}CompanyID") or "").strip()[:9]
        name = (node.findtext(f"{cac}PartyLegalEntity/{cbc}RegistrationName") or "").strip()
        return siren, name

    number = (root.findtext(f"{cbc}ID") or "").strip()
    if not number:
        raise FluxRejected("Numéro de facture absent")
    seller, buyer = party("AccountingSupplierParty"), party("AccountingCustomerParty")
    kind = root.findtext(f"{cbc}InvoiceTypeCode") or root.findtext(f"{cbc}CreditNoteTypeCode")
    return InvoiceFacts(
        number=number,
        issue_date=(root.findtext(f"{cbc}IssueDate") or "").replace("-", ""),
        type_code=(kind or "380").strip(),
        seller_siren=seller[0],
        seller_name=seller[1],
        seller_address=seller[0],
        buyer_siren=buyer[0],
        buyer_name=buyer[1],
    )


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def customer_status(
    facts: InvoiceFacts,
    code: str,
    *,
    reason: str | None = None,
    comment: str | None = None,
    at: datetime | None = None,
    from_seller: bool = False,
) -> bytes:
    """The CDAR of a status about ``facts``' invoice, sent to its seller: by the customer
    (a processing status, MDT-77 23) or by the platforms (a transmission status, 305); or,
    ``from_seller``, the seller's own status sent to the customer (Encaissée, Complétée…)."""
    moment = at or datetime.now(UTC)
    transmission = code in TRANSMISSION
    if code in NEEDS_REASON and not reason:
        reason = DEFAULT_REASON.get(code, "AUTRE")
    issuer = (
        "<ram:IssuerTradeParty><ram:RoleCode>WK</ram:RoleCode></ram:IssuerTradeParty>"
        if transmission
        else '<ram:IssuerTradeParty><ram:GlobalID schemeID="0002">'
        f"{escape(facts.buyer_siren)}</ram:GlobalID><ram:Name>{escape(facts.buyer_name)}"
        "</ram:Name><ram:RoleCode>BY</ram:RoleCode></ram:IssuerTradeParty>"
    )
    recipient = (
        '<ram:RecipientTradeParty><ram:GlobalID schemeID="0002">'
        f"{escape(facts.seller_siren)}</ram:GlobalID><ram:Name>{escape(facts.seller_name)}"
        "</ram:Name><ram:RoleCode>SE</ram:RoleCode><ram:URIUniversalCommunication>"
        f'<ram:URIID schemeID="0225">{escape(facts.seller_address)}</ram:URIID>'
        "</ram:URIUniversalCommunication></ram:RecipientTradeParty>"
    )
    if from_seller:
        issuer = (
            '<ram:IssuerTradeParty><ram:GlobalID schemeID="0002">'
            f"{escape(facts.seller_siren)}</ram:GlobalID><ram:Name>{escape(facts.seller_name)}"
            "</ram:Name><ram:RoleCode>SE</ram:RoleCode></ram:IssuerTradeParty>"
        )
        recipient = (
            '<ram:RecipientTradeParty><ram:GlobalID schemeID="0002">'
            f"{escape(facts.buyer_siren)}</ram:GlobalID><ram:Name>{escape(facts.buyer_name)}"
            "</ram:Name><ram:RoleCode>BY</ram:RoleCode><ram:URIUniversalCommunication>"
            f'<ram:URIID schemeID="0225">{escape(facts.buyer_siren)}</ram:URIID>'
            "</ram:URIUniversalCommunication></ram:RecipientTradeParty>"
        )
    detail = ""
    if reason or comment:
        detail = (
            "<ram:SpecifiedDocumentStatus>"
            + (f"<ram:ReasonCode>{escape(reason)}</ram:ReasonCode>" if reason else "")
            + (f"<ram:Reason>{escape(comment)}</ram:Reason>" if comment else "")
            + "<ram:SequenceNumeric>1</ram:SequenceNumeric></ram:SpecifiedDocumentStatus>"
        )
    label = LABELS.get(code, code)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="{RSM}" xmlns:ram="{RAM}" '
        f'xmlns:udt="{UDT}" xmlns:qdt="{QDT}">'
        "<rsm:ExchangedDocumentContext><ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:ID>REGULATED</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:GuidelineSpecifiedDocumentContextParameter>"
        "<ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID>"
        "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>"
        "<rsm:ExchangedDocument>"
        f"<ram:ID>{escape(facts.number)}_{code}_{_stamp(moment)}</ram:ID>"
        f"<ram:Name>{escape(label)}</ram:Name>"
        f'<ram:IssueDateTime><udt:DateTimeString format="204">{_stamp(moment)}'
        "</udt:DateTimeString></ram:IssueDateTime>"
        "<ram:SenderTradeParty><ram:RoleCode>WK</ram:RoleCode></ram:SenderTradeParty>"
        f"{issuer}{recipient}"
        "</rsm:ExchangedDocument>"
        "<rsm:AcknowledgementDocument><ram:MultipleReferencesIndicator>"
        "<udt:Indicator>false</udt:Indicator></ram:MultipleReferencesIndicator>"
        f"<ram:TypeCode>{'305' if transmission else '23'}</ram:TypeCode>"
        f'<ram:IssueDateTime><udt:DateTimeString format="204">{_stamp(moment)}'
        "</udt:DateTimeString></ram:IssueDateTime>"
        "<ram:ReferenceReferencedDocument>"
        f"<ram:IssuerAssignedID>{escape(facts.number)}</ram:IssuerAssignedID>"
        f"<ram:TypeCode>{escape(facts.type_code)}</ram:TypeCode>"
        + (
            "<ram:FormattedIssueDateTime>"
            f'<qdt:DateTimeString format="102">{facts.issue_date}</qdt:DateTimeString>'
            "</ram:FormattedIssueDateTime>"
            if facts.issue_date
            else ""
        )
        + f"<ram:ProcessConditionCode>{code}</ram:ProcessConditionCode>"
        f"<ram:ProcessCondition>{escape(label)}</ram:ProcessCondition>"
        '<ram:IssuerTradeParty><ram:GlobalID schemeID="0002">'
        f"{escape(facts.seller_siren)}</ram:GlobalID></ram:IssuerTradeParty>"
        f"{detail}"
        "</ram:ReferenceReferencedDocument></rsm:AcknowledgementDocument>"
        "</rsm:CrossDomainAcknowledgementAndResponse>"
    )
    return document.encode("utf-8")


def status_sent(content: bytes) -> tuple[str, str] | None:
    """(invoice number, status code) of a CDAR the seller sends; None when it is not one."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return None
    if root.tag != f"{{{RSM}}}CrossDomainAcknowledgementAndResponse":
        return None
    reference = root.find("rsm:AcknowledgementDocument/ram:ReferenceReferencedDocument", CDAR_NS)
    if reference is None:
        return None
    number = (reference.findtext("ram:IssuerAssignedID", "", CDAR_NS) or "").strip()
    code = (reference.findtext("ram:ProcessConditionCode", "", CDAR_NS) or "").strip()
    return (number, code) if number and code else None
