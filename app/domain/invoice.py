"""The invoice as Bordereau holds it: the fields of Chorus Pro's ``soumettre``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.domain.cadres import DEFAULT_CADRE, CadreFacturation
from app.domain.enums import ModeDepot, ModePaiement, TypeFacture, TypeTva
from app.domain.money import ZERO

MAX_INVOICE_NUMBER_LENGTH = 20
MAX_ENGAGEMENT_LENGTH = 50
MAX_ATTACHMENT_NAME_LENGTH = 50
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_INVOICE_TOTAL_BYTES = 120 * 1024 * 1024

# pieceJointeComplementaireType, as the platform's list (recuperer/typespj) names them.
ATTACHMENT_TYPES: dict[str, str] = {
    "01": "Bon de commande",
    "02": "Bon de livraison",
    "03": "Procès-verbal de réception",
    "04": "Attestation de service fait",
    "99": "Autre",
}


@dataclass(slots=True)
class Recipient:
    """``destinataire``: the public buyer."""

    siret: str = ""  # codeDestinataire
    code_service: str | None = None  # codeServiceExecutant
    name: str | None = None  # shown to the user, not sent


@dataclass(slots=True)
class Supplier:
    """``fournisseur``: the user's own structure on Chorus Pro."""

    id_structure_cpp: int | None = None  # idFournisseur
    id_service: int | None = None  # idServiceFournisseur
    bank_account_id: int | None = None  # codeCoordonneesBancairesFournisseur
    siret: str | None = None


@dataclass(slots=True)
class Framework:
    """``cadreDeFacturation``."""

    code: CadreFacturation = DEFAULT_CADRE
    validator_siret: str | None = None  # codeStructureValideur
    validator_service: str | None = None  # codeServiceValideur


@dataclass(slots=True)
class References:
    """``references``."""

    currency: str = "EUR"  # deviseFacture
    invoice_type: TypeFacture = TypeFacture.FACTURE
    vat_type: TypeTva = TypeTva.SANS_TVA
    vat_exemption_reason: str | None = None  # motifExonerationTva
    contract_number: str | None = None  # numeroMarche
    engagement_number: str | None = None  # numeroBonCommande
    original_invoice_number: str | None = None  # numeroFactureOrigine
    payment_mode: ModePaiement = ModePaiement.VIREMENT


@dataclass(slots=True)
class Line:
    """``lignePoste``."""

    number: int
    description: str
    quantity: Decimal
    unit_price_ht: Decimal
    reference: str | None = None
    unit: str | None = None
    discount_ht: Decimal = ZERO
    vat_rate: Decimal = ZERO  # lignePosteTauxTvaManuel, in percent


@dataclass(slots=True)
class VatLine:
    """``ligneTva``: one rate of the VAT breakdown."""

    rate: Decimal  # ligneTvaTauxManuel, in percent
    base_ht: Decimal
    vat_amount: Decimal


@dataclass(slots=True)
class Totals:
    """``montantTotal``."""

    total_ht: Decimal = ZERO
    total_tva: Decimal = ZERO  # montantTVA
    total_ttc: Decimal = ZERO  # montantTtcTotal (after the global discount)
    global_discount_ttc: Decimal = ZERO  # montantRemiseGlobaleTTC
    global_discount_reason: str | None = None
    amount_due: Decimal = ZERO  # montantAPayer
    # What the user typed as "TTC avant remise" (the platform only takes the discount and
    # the TTC after it); None when it was not entered separately.
    entered_ttc_before_discount: Decimal | None = None

    @property
    def total_ttc_before_discount(self) -> Decimal:
        if self.entered_ttc_before_discount is not None:
            return self.entered_ttc_before_discount
        return self.total_ttc + self.global_discount_ttc


@dataclass(slots=True)
class AttachmentRef:
    """A file attached to the invoice, kept in the data dir under its sha256."""

    file_name: str
    sha256: str
    size: int
    designation: str | None = None
    type_code: str | None = None  # pieceJointeComplementaireType
    chorus_id: int | None = None  # pieceJointeId once uploaded


@dataclass(slots=True)
class Invoice:
    number: str = ""  # numeroFactureSaisi
    issue_date: date | None = None  # dateFacture
    deposit_mode: ModeDepot = ModeDepot.DEPOT_PDF_API
    recipient: Recipient = field(default_factory=Recipient)
    supplier: Supplier = field(default_factory=Supplier)
    framework: Framework = field(default_factory=Framework)
    references: References = field(default_factory=References)
    lines: list[Line] = field(default_factory=list)
    vat_lines: list[VatLine] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    main_attachment: AttachmentRef | None = None
    other_attachments: list[AttachmentRef] = field(default_factory=list)
    comment: str | None = None
