"""A received e-invoice as its structured data says it — whatever its syntax (CII, Factur-X,
UBL 2.1 Invoice or CreditNote) — in the terms of EN 16931: each field named after its
business term (BT-1 the number, BT-112 the total with VAT…), so that the readers of the
syntaxes can be compared with each other and with the norm's table.

Nothing here is computed or guessed: a field the file does not carry stays empty (the
checks say what is missing or inconsistent, the reader never repairs)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

CREDIT_NOTE_TYPES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "502", "503"})


@dataclass(slots=True)
class Address:
    lines: list[str] = field(default_factory=list)  # BT-35/36/162
    city: str | None = None  # BT-37
    postcode: str | None = None  # BT-38
    subdivision: str | None = None  # BT-39
    country: str | None = None  # BT-40


@dataclass(slots=True)
class Party:
    name: str | None = None  # BT-27 / BT-44: the legal name
    trading_name: str | None = None  # BT-28 / BT-45
    identifiers: list[tuple[str, str | None]] = field(default_factory=list)  # BT-29 / BT-46
    legal_id: str | None = None  # BT-30 / BT-47
    legal_id_scheme: str | None = None
    vat_number: str | None = None  # BT-31 / BT-48
    tax_registration: str | None = None  # BT-32 (seller's local tax id)
    electronic_address: str | None = None  # BT-34 / BT-49
    electronic_address_scheme: str | None = None
    address: Address = field(default_factory=Address)
    contact_name: str | None = None  # BT-41 / BT-56
    contact_phone: str | None = None
    contact_email: str | None = None

    def _candidates(self) -> list[tuple[str, str | None]]:
        found = [(self.legal_id or "", self.legal_id_scheme), *self.identifiers]
        if self.electronic_address_scheme == "0225":  # SIREN[_SIRET[_routing]]
            parts = (self.electronic_address or "").split("_")
            found.append((parts[0], "0002"))
            if len(parts) > 1:
                found.append((parts[1], "0009"))
        return [("".join(value.split()), scheme) for value, scheme in found if value]

    @property
    def siren(self) -> str | None:
        """The French SIREN the party gives: its legal registration (scheme 0002, or nine
        digits whose key is right, whatever scheme a software wrote but DUNS), else a SIRET's
        first nine digits (scheme 0009), else its electronic address's (scheme 0225), else its
        FR VAT number's."""
        for value, scheme in self._candidates():
            if value.isdigit() and len(value) == 9 and _french(value, scheme, "0002"):
                return value
            if value.isdigit() and len(value) == 14 and _french(value, scheme, "0009"):
                return value[:9]
        vat = (self.vat_number or "").replace(" ", "").upper()
        if vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
            return vat[4:]
        return None

    @property
    def siret(self) -> str | None:
        for value, scheme in self._candidates():
            if value.isdigit() and len(value) == 14 and _french(value, scheme, "0009"):
                return value
        return None

    @property
    def display_name(self) -> str:
        return self.name or self.trading_name or ""


FOREIGN_SCHEMES = frozenset({"0060", "0088", "0184", "0192", "0208", "0106", "0190", "0007"})


def _french(digits: str, scheme: str | None, expected: str) -> bool:
    """A SIREN (``expected`` 0002) or SIRET (0009) by its scheme, or — written under no or
    another scheme — by its Luhn key."""
    if scheme == expected:
        return True
    if scheme in FOREIGN_SCHEMES:
        return False
    from stdnum.fr import siren, siret

    return bool((siren if expected == "0002" else siret).is_valid(digits))


@dataclass(slots=True)
class VatPart:
    category: str | None  # BT-118
    rate: Decimal | None  # BT-119
    basis: Decimal | None  # BT-116
    tax: Decimal | None  # BT-117
    exemption_reason: str | None = None  # BT-120
    exemption_code: str | None = None  # BT-121


@dataclass(slots=True)
class AllowanceCharge:
    charge: bool  # False: an allowance (BG-20), True: a charge (BG-21)
    amount: Decimal | None  # BT-92 / BT-99
    reason: str | None = None  # BT-97 / BT-104
    vat_category: str | None = None  # BT-95 / BT-102
    vat_rate: Decimal | None = None  # BT-96 / BT-103


@dataclass(slots=True)
class Line:
    identifier: str | None  # BT-126
    name: str | None  # BT-153
    description: str | None  # BT-154
    quantity: Decimal | None  # BT-129
    unit: str | None  # BT-130
    net_amount: Decimal | None  # BT-131
    net_price: Decimal | None  # BT-146
    price_base_quantity: Decimal | None  # BT-149
    vat_category: str | None  # BT-151
    vat_rate: Decimal | None  # BT-152
    note: str | None = None  # BT-127
    allowances: list[AllowanceCharge] = field(default_factory=list)  # BG-27 / BG-28


@dataclass(slots=True)
class Totals:
    lines: Decimal | None = None  # BT-106
    allowances: Decimal | None = None  # BT-107
    charges: Decimal | None = None  # BT-108
    without_vat: Decimal | None = None  # BT-109
    vat: Decimal | None = None  # BT-110 (in the invoice's currency)
    with_vat: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    due: Decimal | None = None  # BT-115


@dataclass(slots=True)
class Payment:
    means_code: str | None = None  # BT-81
    means_text: str | None = None  # BT-82
    remittance: str | None = None  # BT-83
    iban: str | None = None  # BT-84
    account_name: str | None = None  # BT-85
    bic: str | None = None  # BT-86
    terms: str | None = None  # BT-20
    mandate: str | None = None  # BT-89
    creditor_id: str | None = None  # BT-90


@dataclass(slots=True)
class Attachment:
    identifier: str | None  # BT-122
    description: str | None  # BT-123
    file_name: str | None  # BT-125 filename
    mime: str | None  # BT-125 mimeCode
    content: bytes | None = None  # BT-125, decoded
    uri: str | None = None  # BT-124


@dataclass(slots=True)
class ReceivedDocument:
    syntax: str  # CII | UBL | Factur-X
    number: str | None = None  # BT-1
    issue_date: date | None = None  # BT-2
    type_code: str | None = None  # BT-3
    currency: str | None = None  # BT-5
    vat_currency: str | None = None  # BT-6
    due_date: date | None = None  # BT-9
    buyer_reference: str | None = None  # BT-10
    project: str | None = None  # BT-11
    contract: str | None = None  # BT-12
    order: str | None = None  # BT-13
    sales_order: str | None = None  # BT-14
    process: str | None = None  # BT-23 (the reform's billing framework)
    specification: str | None = None  # BT-24
    delivery_date: date | None = None  # BT-72
    period_start: date | None = None  # BT-73
    period_end: date | None = None  # BT-74
    notes: list[str] = field(default_factory=list)  # BT-22
    preceding: list[tuple[str, date | None]] = field(default_factory=list)  # BT-25 / BT-26
    seller: Party = field(default_factory=Party)
    buyer: Party = field(default_factory=Party)
    payee_name: str | None = None  # BT-59
    tax_representative_name: str | None = None  # BT-62
    tax_representative_vat: str | None = None  # BT-63
    lines: list[Line] = field(default_factory=list)
    allowances: list[AllowanceCharge] = field(default_factory=list)
    vat: list[VatPart] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    payment: Payment = field(default_factory=Payment)
    attachments: list[Attachment] = field(default_factory=list)
    pdf: bytes | None = None  # the page of a Factur-X

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_TYPES

    @property
    def kind_label(self) -> str:
        return "Avoir" if self.is_credit_note else "Facture"

    def business_terms(self) -> dict[str, Any]:
        """The fields by their EN 16931 identifier (document level), as JSON values."""
        seller, buyer, totals, pay = self.seller, self.buyer, self.totals, self.payment
        terms: dict[str, Any] = {
            "BT-1": self.number,
            "BT-2": self.issue_date,
            "BT-3": self.type_code,
            "BT-5": self.currency,
            "BT-6": self.vat_currency,
            "BT-9": self.due_date,
            "BT-10": self.buyer_reference,
            "BT-11": self.project,
            "BT-12": self.contract,
            "BT-13": self.order,
            "BT-14": self.sales_order,
            "BT-20": pay.terms,
            "BT-23": self.process,
            "BT-24": self.specification,
            "BT-25": self.preceding[0][0] if self.preceding else None,
            "BT-26": self.preceding[0][1] if self.preceding else None,
            "BT-27": seller.name,
            "BT-28": seller.trading_name,
            "BT-29": seller.identifiers[0][0] if seller.identifiers else None,
            "BT-30": seller.legal_id,
            "BT-31": seller.vat_number,
            "BT-32": seller.tax_registration,
            "BT-34": seller.electronic_address,
            "BT-37": seller.address.city,
            "BT-38": seller.address.postcode,
            "BT-40": seller.address.country,
            "BT-44": buyer.name,
            "BT-45": buyer.trading_name,
            "BT-46": buyer.identifiers[0][0] if buyer.identifiers else None,
            "BT-47": buyer.legal_id,
            "BT-48": buyer.vat_number,
            "BT-49": buyer.electronic_address,
            "BT-52": buyer.address.city,
            "BT-53": buyer.address.postcode,
            "BT-55": buyer.address.country,
            "BT-59": self.payee_name,
            "BT-62": self.tax_representative_name,
            "BT-63": self.tax_representative_vat,
            "BT-72": self.delivery_date,
            "BT-73": self.period_start,
            "BT-74": self.period_end,
            "BT-81": pay.means_code,
            "BT-83": pay.remittance,
            "BT-84": pay.iban,
            "BT-85": pay.account_name,
            "BT-86": pay.bic,
            "BT-106": totals.lines,
            "BT-107": totals.allowances,
            "BT-108": totals.charges,
            "BT-109": totals.without_vat,
            "BT-110": totals.vat,
            "BT-112": totals.with_vat,
            "BT-113": totals.prepaid,
            "BT-114": totals.rounding,
            "BT-115": totals.due,
        }
        return {key: json_value(value) for key, value in terms.items()}

    def as_json(self) -> dict[str, Any]:
        """Everything read, as JSON (amounts as strings: exact; dates ISO)."""
        data = asdict(self)
        data.pop("pdf", None)
        for attachment in data["attachments"]:
            content = attachment.pop("content", None)
            attachment["size"] = len(content) if content else 0
        data["seller"]["siren"] = self.seller.siren
        data["seller"]["siret"] = self.seller.siret
        data["buyer"]["siren"] = self.buyer.siren
        data["buyer"]["siret"] = self.buyer.siret
        data["credit_note"] = self.is_credit_note
        data["has_pdf"] = self.pdf is not None
        data["business_terms"] = self.business_terms()
        return json_value(data)  # type: ignore[no-any-return]


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value
