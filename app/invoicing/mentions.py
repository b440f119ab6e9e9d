"""The mandatory mentions of a micro-entrepreneur's invoice (Code de commerce L441-9 and
R123-237, CGI 242 nonies A, and the four of the 2026–2027 reform): the notes written into
the PDF and the XML, and the checks that block an invoice which lacks one, each at its field
and in French."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stdnum import iban as iban_number
from stdnum.eu import vat
from stdnum.fr import siren, siret

from app.invoicing.model import (
    STANDARD_RATES,
    UNITS,
    CustomerKind,
    PaymentMeans,
    VatRegime,
    WrittenInvoice,
)
from app.invoicing.totals import to_cent, totals_of

RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
    "(art. L441-10 et D441-5 du Code de commerce)"
)
NO_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement : non applicable (client non professionnel)"
)
VAT_ON_DEBITS = "Option pour le paiement de la taxe d'après les débits"


@dataclass(frozen=True, slots=True)
class MissingMention:
    field: str  # the editor's field: "seller.siret", "customer.siren", "lines.2.description"…
    message: str  # in French

    def __str__(self) -> str:
        return self.message


def legal_notes(invoice: WrittenInvoice) -> list[tuple[str, str]]:
    """(UNTDID 4451 subject code, text): the mentions that are not a field of their own."""
    payment = invoice.payment
    notes = [
        ("AAI", f"Nature de l'opération : {invoice.nature}"),
        ("PMD", f"Pénalités de retard : {payment.late_penalty}"),
        ("AAB", f"Escompte : {payment.early_payment_discount}"),
    ]
    # the reform wants the PMT note on every invoice (BR-FR-05): a consumer's says why none
    notes.append(("PMT", RECOVERY_INDEMNITY if invoice.customer.professional else NO_INDEMNITY))
    if invoice.seller.vat_on_debits and invoice.regime is VatRegime.STANDARD:
        notes.append(("TXD", VAT_ON_DEBITS))
    notes += [("AAI", mention) for mention in invoice.extra_mentions]
    if invoice.note:
        notes.append(("AAI", invoice.note))
    return notes


def _seller_mentions(invoice: WrittenInvoice) -> list[MissingMention]:
    seller = invoice.seller
    missing = []
    if not seller.name.strip():
        missing.append(MissingMention("seller.name", "Votre nom est obligatoire sur la facture."))
    if not siret.is_valid(seller.siret):
        missing.append(
            MissingMention("seller.siret", "Votre SIRET (14 chiffres) est absent ou invalide.")
        )
    if not (seller.address.line1 and seller.address.postcode and seller.address.city):
        missing.append(MissingMention("seller.address", "Votre adresse complète est obligatoire."))
    if not seller.registration.strip():
        missing.append(
            MissingMention(
                "seller.registration",
                "Indiquez votre immatriculation (« RCS Ville numéro », « RM numéro ») ou "
                "« Dispensé d'immatriculation ».",
            )
        )
    if invoice.regime.rule.needs_seller_vat and not (
        seller.vat_number and vat.is_valid(seller.vat_number)
    ):
        missing.append(
            MissingMention(
                "seller.vat_number",
                "Ce régime de TVA exige votre numéro de TVA intracommunautaire (valide).",
            )
        )
    if invoice.payment.means is PaymentMeans.TRANSFER and not (
        seller.iban and iban_number.is_valid(seller.iban)
    ):
        missing.append(
            MissingMention("payment.means", "Un paiement par virement exige votre IBAN (valide).")
        )
    return missing


def _customer_mentions(invoice: WrittenInvoice) -> list[MissingMention]:
    customer = invoice.customer
    missing = []
    if not customer.name.strip():
        missing.append(MissingMention("customer.name", "Le nom du client est obligatoire."))
    if not (customer.address.line1 and customer.address.city):
        missing.append(
            MissingMention(
                "customer.address", "L'adresse de facturation du client est obligatoire."
            )
        )
    if customer.kind is CustomerKind.PUBLIC:
        if not (customer.siret and siret.is_valid(customer.siret)):
            missing.append(
                MissingMention(
                    "customer.siret",
                    "Une structure publique se désigne par son SIRET (14 chiffres) : "
                    "choisissez-la dans l'annuaire.",
                )
            )
    elif customer.address.country == "FR" and not (
        customer.identifier_siren and siren.is_valid(customer.identifier_siren)
    ):
        missing.append(
            MissingMention(
                "customer.siren",
                "Le SIREN du client est une mention obligatoire (réforme de la facturation "
                "électronique) : 9 chiffres valides.",
            )
        )
    if customer.professional and customer.name.strip() and customer.address_for_invoices is None:
        missing.append(
            MissingMention(
                "customer.email",
                "Ce client n'a ni SIREN ni numéro de TVA : indiquez l'adresse e-mail où il "
                "reçoit ses factures (son adresse électronique de facturation, réforme 2026).",
            )
        )
    if invoice.regime.rule.needs_buyer_vat and not (
        customer.vat_number and vat.is_valid(customer.vat_number)
    ):
        missing.append(
            MissingMention(
                "customer.vat_number",
                "Ce régime de TVA exige le numéro de TVA intracommunautaire du client (valide).",
            )
        )
    return missing


def _line_mentions(invoice: WrittenInvoice) -> list[MissingMention]:
    if not invoice.lines:
        return [MissingMention("lines", "Ajoutez au moins une ligne.")]
    missing = []
    for number, line in enumerate(invoice.lines, start=1):
        where = f"lines.{number}"
        if not line.description.strip():
            missing.append(
                MissingMention(
                    f"{where}.description", f"Ligne {number} : décrivez ce qui est vendu."
                )
            )
        if line.quantity <= 0:
            missing.append(
                MissingMention(
                    f"{where}.quantity", f"Ligne {number} : la quantité doit être positive."
                )
            )
        if line.unit_price < 0:
            missing.append(
                MissingMention(
                    f"{where}.unit_price",
                    f"Ligne {number} : le prix unitaire ne peut pas être négatif "
                    "(une réduction se note en remise, un remboursement en avoir).",
                )
            )
        if line.unit not in UNITS.values():
            missing.append(MissingMention(f"{where}.unit", f"Ligne {number} : choisissez l'unité."))
        if not 0 <= line.discount <= to_cent(line.quantity * line.unit_price):
            missing.append(
                MissingMention(
                    f"{where}.discount",
                    f"Ligne {number} : la remise doit être entre 0 et le montant de la ligne.",
                )
            )
        if invoice.regime is VatRegime.STANDARD and line.vat_rate not in STANDARD_RATES:
            missing.append(
                MissingMention(
                    f"{where}.vat_rate",
                    f"Ligne {number} : taux de TVA de 20, 10, 5,5 ou 2,1 %.",
                )
            )
    return missing


def missing_mentions(invoice: WrittenInvoice) -> list[MissingMention]:
    """What stops this invoice from being issued, each at its field; [] when it may be."""
    missing = _seller_mentions(invoice) + _customer_mentions(invoice) + _line_mentions(invoice)
    if invoice.payment.due_date < invoice.issue_date:
        missing.append(
            MissingMention(
                "payment.due_date", "L'échéance ne peut pas précéder la date de la facture."
            )
        )
    if not invoice.payment.late_penalty.strip():
        missing.append(
            MissingMention(
                "payment.late_penalty", "Le taux des pénalités de retard est obligatoire."
            )
        )
    if not invoice.payment.early_payment_discount.strip():
        missing.append(
            MissingMention(
                "payment.early_payment_discount",
                "Les conditions d'escompte sont obligatoires (« pas d'escompte » suffit).",
            )
        )
    if invoice.is_credit_note and not invoice.credited_number:
        missing.append(
            MissingMention("credited_number", "Un avoir indique la facture qu'il corrige.")
        )
    if not missing:
        totals = totals_of(invoice)
        if totals.basis < 0:
            missing.append(
                MissingMention("adjustments", "Les remises dépassent le montant des lignes.")
            )
        if not Decimal(0) <= totals.prepaid <= totals.grand_total:
            missing.append(
                MissingMention("prepaid", "L'acompte doit être entre 0 et le total TTC.")
            )
    return missing
