"""An invoice written in Bordereau (« Saisir une facture »): who sells, who buys, the lines,
the VAT regime and the payment terms — everything the PDF and its Factur-X XML carry.

Money is Decimal; amounts are HT unless a name says otherwise. The arithmetic is in
``app/invoicing/totals.py``, the EN 16931 XML in ``cii_writer.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0")


class VatRegime(StrEnum):
    """How VAT applies to the whole invoice, each with its EN 16931 category (UNTDID 5305),
    its exemption reason code (VATEX) and the mention the law asks for."""

    FRANCHISE = "franchise"  # franchise en base: the micro-entrepreneur's usual case
    STANDARD = "standard"  # VAT at 20, 10, 5.5 or 2.1 %
    REVERSE_CHARGE = "autoliquidation"  # construction subcontracting (CGI art. 283-2 nonies)
    INTRA_EU = "intracommunautaire"  # to a business in another EU country
    EXPORT = "export"  # outside the EU

    @property
    def rule(self) -> RegimeRule:
        return REGIME_RULES[self]


@dataclass(frozen=True, slots=True)
class RegimeRule:
    label: str  # in the editor
    category: str  # EN 16931 VAT category code (BT-151, BT-118)
    exemption_code: str | None  # BT-121
    mention: str | None  # BT-120, and on the PDF
    needs_seller_vat: bool
    needs_buyer_vat: bool


REGIME_RULES: dict[VatRegime, RegimeRule] = {
    VatRegime.FRANCHISE: RegimeRule(
        "Franchise en base de TVA (micro-entreprise)",
        "E",
        "VATEX-FR-FRANCHISE",
        "TVA non applicable, art. 293 B du CGI",
        needs_seller_vat=False,
        needs_buyer_vat=False,
    ),
    VatRegime.STANDARD: RegimeRule(
        "TVA facturée", "S", None, None, needs_seller_vat=True, needs_buyer_vat=False
    ),
    VatRegime.REVERSE_CHARGE: RegimeRule(
        "Autoliquidation (sous-traitance du bâtiment)",
        "AE",
        "VATEX-FR-AE",
        "Autoliquidation — TVA due par le preneur, art. 283-2 nonies du CGI",
        needs_seller_vat=True,
        needs_buyer_vat=True,
    ),
    VatRegime.INTRA_EU: RegimeRule(
        "Client dans un autre pays de l'Union européenne",
        "K",
        "VATEX-EU-IC",
        "Exonération de TVA, art. 262 ter I du CGI (livraison intracommunautaire)",
        needs_seller_vat=True,
        needs_buyer_vat=True,
    ),
    VatRegime.EXPORT: RegimeRule(
        "Exportation hors de l'Union européenne",
        "G",
        "VATEX-EU-G",
        "Exonération de TVA, art. 262 I du CGI (exportation)",
        needs_seller_vat=True,
        needs_buyer_vat=False,
    ),
}

STANDARD_RATES = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"))

# UN/ECE Recommendation 20 codes behind the French words the editor offers.
UNITS: dict[str, str] = {
    "unité": "C62",
    "heure": "HUR",
    "jour": "DAY",
    "semaine": "WEE",
    "mois": "MON",
    "forfait": "LS",
    "pièce": "H87",
    "kilogramme": "KGM",
    "mètre": "MTR",
    "mètre carré": "MTK",
    "litre": "LTR",
}
UNIT_WORDS = {code: word for word, code in UNITS.items()}


class Nature(StrEnum):
    """What a line sells: the reform's « nature de l'opération » is derived from them."""

    SERVICES = "services"
    GOODS = "biens"


class CustomerKind(StrEnum):
    PUBLIC = "public"  # a public structure: the invoice goes to Chorus Pro
    COMPANY = "entreprise"  # a business: a Factur-X for its approved platform


class PaymentMeans(StrEnum):
    """UNTDID 4461."""

    TRANSFER = "30"
    DIRECT_DEBIT = "49"
    CHEQUE = "20"
    CARD = "48"

    @property
    def label(self) -> str:
        return {
            PaymentMeans.TRANSFER: "Virement",
            PaymentMeans.DIRECT_DEBIT: "Prélèvement",
            PaymentMeans.CHEQUE: "Chèque",
            PaymentMeans.CARD: "Carte bancaire",
        }[self]


class DocumentType(StrEnum):
    INVOICE = "380"
    CREDIT_NOTE = "381"  # avoir


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    postcode: str
    city: str
    country: str = "FR"  # ISO 3166-1 alpha-2
    line2: str = ""

    def lines(self) -> list[str]:
        town = f"{self.postcode} {self.city}".strip()
        country = "" if self.country == "FR" else self.country
        return [part for part in (self.line1, self.line2, town, country) if part]


@dataclass(frozen=True, slots=True)
class Seller:
    """The micro-entrepreneur: an « entrepreneur individuel » (EI), by law named as such."""

    name: str  # as registered: « Marie Martin »
    siret: str
    address: Address
    registration: str  # « RCS Lyon 812 345 676 », « RM 69 … », « Dispensé d'immatriculation »
    trade_name: str | None = None
    vat_number: str | None = None  # only when registered for VAT
    iban: str | None = None
    bic: str | None = None
    vat_on_debits: bool = False  # « Option pour le paiement de la taxe d'après les débits »
    email: str | None = None
    phone: str | None = None
    logo: str | None = None  # a PNG or JPEG image, base64, printed at the top of the page
    # the reform's directory address where the seller receives (BT-34): its SIREN by default
    electronic_address: str | None = None

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def address_for_invoices(self) -> str:
        return self.electronic_address or self.siren

    @property
    def legal_name(self) -> str:
        """The name with « EI », as the law wants it next to the name."""
        return self.name if self.name.rstrip().endswith(" EI") else f"{self.name} EI"


@dataclass(frozen=True, slots=True)
class Customer:
    kind: CustomerKind
    name: str
    address: Address
    siret: str | None = None  # a public structure's (Chorus Pro routes by it)
    siren: str | None = None  # a company's; derived from the SIRET when there is one
    vat_number: str | None = None
    delivery_address: Address | None = None  # when it differs from the billing address
    code_service: str | None = None  # public structures
    engagement: str | None = None  # public structures: « numéro d'engagement »
    purchase_order: str | None = None  # a company's order number
    professional: bool = True  # the 40 € recovery indemnity applies to professionals
    # the reform's directory (BT-49): where the customer receives; by default its SIREN
    # (SIREN_SIRET for a public structure), with the routing code when it has one
    electronic_address: str | None = None
    routing_code: str | None = None
    email: str | None = None  # where the customer receives invoices by e-mail

    @property
    def identifier_siren(self) -> str | None:
        return self.siren or (self.siret[:9] if self.siret else None)

    @property
    def is_french(self) -> bool:
        return self.address.country == "FR"

    @property
    def address_for_invoices(self) -> str | None:
        """BT-49: the address typed, or the one the directory gives by default."""
        from app.einvoice.reform import electronic_address

        if self.electronic_address:
            return self.electronic_address
        siren = self.identifier_siren
        if siren is None:  # abroad, or a consumer: an e-mail address, else the VAT number
            from app.einvoice.reform import vat_address

            if self.email:
                return self.email
            return vat_address(self.vat_number) if self.vat_number else None
        if self.kind is CustomerKind.PUBLIC:
            return electronic_address(siren, self.siret, self.routing_code or self.code_service)
        return electronic_address(
            siren, self.siret if self.routing_code else None, self.routing_code
        )


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: Decimal
    unit: str  # UN/ECE Rec 20 code (UNITS)
    unit_price: Decimal  # HT
    vat_rate: Decimal = ZERO  # % (0 outside the standard regime)
    discount: Decimal = ZERO  # HT amount taken off the line (BT-136)
    discount_reason: str = "Remise"
    nature: Nature = Nature.SERVICES


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A discount or a charge on the whole invoice (BG-20 / BG-21), HT, at one VAT rate."""

    amount: Decimal
    reason: str
    vat_rate: Decimal = ZERO
    is_charge: bool = False


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    due_date: date
    means: PaymentMeans = PaymentMeans.TRANSFER
    late_penalty: str = "trois fois le taux d'intérêt légal"
    early_payment_discount: str = "pas d'escompte pour paiement anticipé"


@dataclass(frozen=True, slots=True)
class WrittenInvoice:
    seller: Seller
    customer: Customer
    lines: tuple[Line, ...]
    regime: VatRegime
    issue_date: date
    delivery_date: date  # date of the sale or of the end of the service (BT-72)
    payment: PaymentTerms
    adjustments: tuple[Adjustment, ...] = ()
    prepaid: Decimal = ZERO  # acompte already received (BT-113)
    document_type: DocumentType = DocumentType.INVOICE
    number: str | None = None  # given at issue, never on a draft
    credited_number: str | None = None  # a credit note's invoice (BT-25)
    credited_date: date | None = None  # BT-26
    contract: str | None = None  # marché (BT-12)
    # Chorus Pro's « cadre de facturation » for a public customer: a supplier's invoice (A1),
    # already paid (A2), a subcontractor's (A9) or a co-contractor's (A12), these two with
    # the SIRET of the structure that validates them
    cadre: str = "A1_FACTURE_FOURNISSEUR"
    validator_siret: str | None = None
    note: str | None = None
    currency: str = "EUR"
    # already paid in full (the reform's B2/S2/M2; Chorus Pro's A2): what was received is
    # the total, nothing is due
    paid: bool = False
    extra_mentions: tuple[str, ...] = field(default=())  # insurance for trades, etc.

    @property
    def is_credit_note(self) -> bool:
        return self.document_type is DocumentType.CREDIT_NOTE

    @property
    def already_paid(self) -> bool:
        public = self.customer.kind is CustomerKind.PUBLIC
        return self.paid or (public and self.cadre.startswith("A2"))

    @property
    def framework(self) -> str:
        """BT-23, the reform's billing framework (``app/einvoice/reform.py``)."""
        from app.einvoice.reform import billing_framework
        from app.invoicing.totals import totals_of

        natures = {line.nature for line in self.lines}
        totals = totals_of(self)
        paid = totals.prepaid > 0 and totals.due == 0
        return billing_framework(
            goods=Nature.GOODS in natures,
            services=Nature.SERVICES in natures or not natures,
            already_paid=paid,
            after_deposit=totals.prepaid > 0 and not paid,
            chorus_cadre=self.cadre if self.customer.kind is CustomerKind.PUBLIC else None,
        )

    @property
    def processing(self) -> str:
        """BT-22 of the « BAR » note: B2B, B2BINT or B2C."""
        from app.einvoice.reform import processing

        customer = self.customer
        business = customer.professional or customer.kind is CustomerKind.PUBLIC
        return processing(french=customer.is_french, business=business)

    @property
    def nature(self) -> str:
        """The reform's « nature de l'opération »."""
        natures = {line.nature for line in self.lines}
        if natures == {Nature.GOODS}:
            return "Livraison de biens"
        if natures == {Nature.SERVICES}:
            return "Prestation de services"
        return "Opération mixte (biens et services)"
