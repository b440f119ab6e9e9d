"""Lifecycle messages (CDAR D22B, norm XP Z12-012): the ones Bordereau writes as the seller
(« Encaissée », 212) and the ones it reads about its invoices (the platform's and the
customer's: Déposée, Reçue, Approuvée, Refusée, Paiement transmis…).

A message Bordereau writes passes the official XSD and the BR-FR-CDV schematron before it
leaves (``lifecycle_report``); one that would not is never sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from lxml import etree

from app.domain.lifecycle import LIFECYCLE
from app.errors import ValidationProblem

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
PROFILE = "urn.cpro.gouv.fr:1p0:CDV:invoice"  # between platforms (not to the PPF)
SIREN_SCHEME = "0002"
ADDRESS_SCHEME = "0225"  # the reform's directory addresses
PROCESSING = "23"  # a processing status (305: a transmission status, the platforms')


@dataclass(frozen=True, slots=True)
class Party:
    siren: str
    name: str
    address: str = ""  # its electronic address (BT-49/BT-34, scheme 0225): where it receives


@dataclass(frozen=True, slots=True)
class PaidAmount:
    """What was received, per VAT rate (MEN: « montant encaissé », TTC)."""

    amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True, slots=True)
class LifecycleMessage:
    """One status about one invoice."""

    code: str  # 200–228
    invoice_number: str
    invoice_date: date | None
    invoice_type: str  # 380, 381…
    seller: Party
    buyer: Party
    at: datetime  # when the status was set
    reason: str | None = None  # reason code (refusals, disputes, suspensions)
    comment: str | None = None
    paid: tuple[PaidAmount, ...] = ()
    message_id: str = ""

    @property
    def label(self) -> str:
        found = LIFECYCLE.get(self.code)
        return found.label if found else self.code


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _party(tag: str, party: Party, role: str) -> str:
    address = (
        "<ram:URIUniversalCommunication>"
        f'<ram:URIID schemeID="{ADDRESS_SCHEME}">{escape(party.address)}</ram:URIID>'
        "</ram:URIUniversalCommunication>"
        if party.address
        else ""
    )
    return (
        f'<ram:{tag}><ram:GlobalID schemeID="{SIREN_SCHEME}">{escape(party.siren)}'
        f"</ram:GlobalID><ram:Name>{escape(party.name[:200])}</ram:Name>"
        f"<ram:RoleCode>{role}</ram:RoleCode>{address}</ram:{tag}>"
    )


def write_seller_status(message: LifecycleMessage, *, sent_to_platform_at: datetime) -> bytes:
    """The CDAR of a status the seller sets (212 Encaissée) on its own invoice, sent by its
    platform (SenderTradeParty WK) to the buyer's side."""
    if message.code == "212" and not message.paid:
        raise ValidationProblem("« Encaissée » doit dire le montant encaissé.")
    return _write(
        message, sent_to_platform_at, issuer=(message.seller, "SE"), recipient=(message.buyer, "BY")
    )


def write_buyer_status(message: LifecycleMessage, *, sent_to_platform_at: datetime) -> bytes:
    """The CDAR of the buyer's answer to a supplier's invoice (Approuvée, Refusée, En litige,
    Paiement transmis…), sent by the buyer's platform to the seller's side."""
    status = LIFECYCLE[message.code]
    if status.needs_reason and not message.reason:
        raise ValidationProblem(f"« {status.label} » doit donner son motif.")
    return _write(
        message, sent_to_platform_at, issuer=(message.buyer, "BY"), recipient=(message.seller, "SE")
    )


def _write(
    message: LifecycleMessage,
    sent_to_platform_at: datetime,
    *,
    issuer: tuple[Party, str],
    recipient: tuple[Party, str],
) -> bytes:
    status = LIFECYCLE[message.code]
    characteristics = "".join(
        "<ram:SpecifiedDocumentCharacteristic><ram:TypeCode>MEN</ram:TypeCode>"
        f'<ram:ValueAmount currencyID="EUR">{paid.amount:.2f}</ram:ValueAmount>'
        f"<ram:ValuePercent>{paid.vat_rate:.2f}</ram:ValuePercent>"
        "</ram:SpecifiedDocumentCharacteristic>"
        for paid in message.paid
    )
    reason = f"<ram:ReasonCode>{escape(message.reason)}</ram:ReasonCode>" if message.reason else ""
    comment = (
        f"<ram:Reason>{escape(message.comment[:1000])}</ram:Reason>" if message.comment else ""
    )
    detail = ""
    if characteristics or reason or comment:
        detail = (
            f"<ram:SpecifiedDocumentStatus>{reason}{comment}"
            f"<ram:SequenceNumeric>1</ram:SequenceNumeric>{characteristics}"
            "</ram:SpecifiedDocumentStatus>"
        )
    invoice_date = (
        "<ram:FormattedIssueDateTime>"
        f'<qdt:DateTimeString format="102">{message.invoice_date:%Y%m%d}</qdt:DateTimeString>'
        "</ram:FormattedIssueDateTime>"
        if message.invoice_date
        else ""
    )
    identifier = message.message_id or (
        f"{message.invoice_number}_{message.code}_{_stamp(message.at)}"
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="{RSM}" xmlns:ram="{RAM}" '
        f'xmlns:udt="{UDT}" xmlns:qdt="{QDT}">'
        "<rsm:ExchangedDocumentContext>"
        "<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>REGULATED</ram:ID>"
        "</ram:BusinessProcessSpecifiedDocumentContextParameter>"
        f"<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{PROFILE}</ram:ID>"
        "</ram:GuidelineSpecifiedDocumentContextParameter>"
        "</rsm:ExchangedDocumentContext>"
        "<rsm:ExchangedDocument>"
        f"<ram:ID>{escape(identifier[:200])}</ram:ID>"
        f"<ram:Name>{escape(message.invoice_number)} {escape(status.label)}</ram:Name>"
        f'<ram:IssueDateTime><udt:DateTimeString format="204">{_stamp(sent_to_platform_at)}'
        "</udt:DateTimeString></ram:IssueDateTime>"
        "<ram:SenderTradeParty><ram:RoleCode>WK</ram:RoleCode></ram:SenderTradeParty>"
        f"{_party('IssuerTradeParty', *issuer)}"
        f"{_party('RecipientTradeParty', *recipient)}"
        "</rsm:ExchangedDocument>"
        "<rsm:AcknowledgementDocument>"
        "<ram:MultipleReferencesIndicator><udt:Indicator>false</udt:Indicator>"
        "</ram:MultipleReferencesIndicator>"
        f"<ram:TypeCode>{PROCESSING}</ram:TypeCode>"
        f'<ram:IssueDateTime><udt:DateTimeString format="204">{_stamp(message.at)}'
        "</udt:DateTimeString></ram:IssueDateTime>"
        "<ram:ReferenceReferencedDocument>"
        f"<ram:IssuerAssignedID>{escape(message.invoice_number)}</ram:IssuerAssignedID>"
        f"<ram:TypeCode>{escape(message.invoice_type)}</ram:TypeCode>"
        f"{invoice_date}"
        f"<ram:ProcessConditionCode>{message.code}</ram:ProcessConditionCode>"
        f"<ram:ProcessCondition>{escape(status.label)}</ram:ProcessCondition>"
        f'<ram:IssuerTradeParty><ram:GlobalID schemeID="{SIREN_SCHEME}">'
        f"{escape(message.seller.siren)}</ram:GlobalID></ram:IssuerTradeParty>"
        f"{detail}"
        "</ram:ReferenceReferencedDocument>"
        "</rsm:AcknowledgementDocument>"
        "</rsm:CrossDomainAcknowledgementAndResponse>"
    )
    return xml.encode("utf-8")


def checked(xml: bytes) -> bytes:
    """``xml`` when the official XSD and BR-FR-CDV accept it; else what they refuse."""
    from app.deposit.official_rules import lifecycle_report

    report = lifecycle_report(xml)
    if report.broken:
        raise ValidationProblem(
            "Le message de statut ne respecte pas les règles officielles : "
            + " ; ".join(f"{rule.rule} {rule.message}" for rule in report.broken[:5])
        )
    return xml


def _text(node: etree._Element, path: str) -> str | None:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return None
    value = found[0]
    text = value if isinstance(value, str) else value.text
    return str(text).strip() if text is not None else None


def _datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        try:
            return datetime.strptime(text[:8], "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            return None


def read_statuses(xml: bytes) -> list[LifecycleMessage]:
    """Every status a CDAR carries (one per referenced invoice, usually one)."""
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ValidationProblem(f"Message de statut illisible : {exc}") from exc
    if etree.QName(root).localname != "CrossDomainAcknowledgementAndResponse":
        raise ValidationProblem("Ce fichier n'est pas un message de statut (CDAR).")
    seller = Party(
        _text(root, "rsm:ExchangedDocument/ram:IssuerTradeParty/ram:GlobalID") or "",
        _text(root, "rsm:ExchangedDocument/ram:IssuerTradeParty/ram:Name") or "",
    )
    message_id = _text(root, "rsm:ExchangedDocument/ram:ID") or ""
    messages = []
    for acknowledgement in root.xpath("rsm:AcknowledgementDocument", namespaces=NS):
        at = _datetime(_text(acknowledgement, "ram:IssueDateTime/udt:DateTimeString"))
        for reference in acknowledgement.xpath("ram:ReferenceReferencedDocument", namespaces=NS):
            code = _text(reference, "ram:ProcessConditionCode") or ""
            invoice_date = _datetime(
                _text(reference, "ram:FormattedIssueDateTime/qdt:DateTimeString")
            )
            amounts = tuple(
                PaidAmount(
                    Decimal(_text(item, "ram:ValueAmount") or "0"),
                    Decimal(_text(item, "ram:ValuePercent") or "0"),
                )
                for item in reference.xpath(
                    "ram:SpecifiedDocumentStatus/ram:SpecifiedDocumentCharacteristic"
                    "[normalize-space(ram:TypeCode) = 'MEN']",
                    namespaces=NS,
                )
            )
            messages.append(
                LifecycleMessage(
                    code=code,
                    invoice_number=_text(reference, "ram:IssuerAssignedID") or "",
                    invoice_date=invoice_date.date() if invoice_date else None,
                    invoice_type=_text(reference, "ram:TypeCode") or "380",
                    seller=Party(
                        _text(reference, "ram:IssuerTradeParty/ram:GlobalID") or seller.siren,
                        seller.name,
                    ),
                    buyer=Party(
                        _text(root, "rsm:ExchangedDocument/ram:RecipientTradeParty/ram:GlobalID")
                        or "",
                        _text(root, "rsm:ExchangedDocument/ram:RecipientTradeParty/ram:Name") or "",
                        _text(
                            root,
                            "rsm:ExchangedDocument/ram:RecipientTradeParty"
                            "/ram:URIUniversalCommunication/ram:URIID",
                        )
                        or "",
                    ),
                    at=at or datetime.now(UTC),
                    reason=_text(reference, "ram:SpecifiedDocumentStatus/ram:ReasonCode"),
                    comment=_text(reference, "ram:SpecifiedDocumentStatus/ram:Reason"),
                    paid=amounts,
                    message_id=message_id,
                )
            )
    return messages
