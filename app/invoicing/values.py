"""The values of a written invoice, checked where they are typed (the editor) and where they
come in as JSON (the command line): the bounds that fit the storage and the law of the
document, the identifiers' check digits, and text that prints as it reads.

Bounds, and why:
- currency: the euro only — the totals, the PDF (« € ») and Chorus Pro are in euros;
- quantity: more than 0, at most 9 999 999, 4 decimals at most;
- unit price HT: 0 to 999 999 999 €, 4 decimals at most (EN 16931 allows a price finer than
  the cent; the line's amount is rounded to the cent);
- a discount or a charge, the prepaid amount: to the cent, below 10¹¹ €;
- at most 5 000 lines; a description of at most 2 000 characters, a name of at most 200, a
  note of at most 1 000 000 (a long one prints over as many pages as it needs);
- the total stays below 10¹² € (amounts are stored as whole cents in 64 bits).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from decimal import Decimal
from typing import Any

from stdnum import bic as bic_code
from stdnum import iban as iban_number
from stdnum.eu import vat

from app.domain.identifiers import identifier_problem
from app.invoicing.mentions import MissingMention
from app.invoicing.model import Customer, Seller, WrittenInvoice

CURRENCY = "EUR"
MAX_QUANTITY = Decimal("9999999")
MAX_UNIT_PRICE = Decimal("999999999")
MAX_AMOUNT = Decimal("99999999999")
MAX_TOTAL = Decimal("999999999999")
MAX_PRICE_DECIMALS = 4
MAX_LINES = 5000
MAX_DESCRIPTION = 2000
MAX_NAME = 200
MAX_NOTE = 1_000_000
MAX_LOGO_PIXELS = 4_000_000  # 2000 × 2000: a logo printed 5 cm wide needs far less
MAX_LOGO_SIDE = 4000

# Bidirectional overrides and isolates can make « 1000 € » read « € 0001 » or hide a word;
# zero-width characters can make two names that look the same differ. Never kept.
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_text(text: str) -> str:
    """``text`` without control characters (line breaks and tabs kept), bidirectional
    overrides or zero-width characters."""
    if text.isprintable():
        return text
    return "".join(
        char
        for char in text
        if char in "\n\t"
        or (char not in _INVISIBLE and unicodedata.category(char) not in ("Cc", "Cf", "Cs"))
    )


def cleaned(data: Any) -> Any:
    """Every string of a JSON value cleaned (``clean_text``)."""
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {key: cleaned(value) for key, value in data.items()}
    if isinstance(data, list):
        return [cleaned(value) for value in data]
    return data


def decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def logo_size_problem(width: int, height: int) -> str | None:
    if width * height > MAX_LOGO_PIXELS or max(width, height) > MAX_LOGO_SIDE:
        return (
            f"Le logo mesure {width} × {height} pixels : 2 000 × 2 000 au plus (réduisez-le "
            "dans un logiciel d'images)."
        )
    return None


def logo_problem(encoded: str) -> str | None:
    """A logo kept in the profile (base64): readable, small enough to print."""
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return "Le logo enregistré est illisible : choisissez-le de nouveau."
    from app.invoicing.pdf import logo_problem as image_problem

    return image_problem(content)


def seller_problems(seller: Seller) -> list[MissingMention]:
    """What is malformed in the seller's profile (SIRET, VAT number, IBAN, BIC, e-mail, logo)."""
    problems = []
    if seller.siret.strip():
        problem = identifier_problem(seller.siret, "SIRET")
        if problem:
            problems.append(MissingMention("seller.siret", f"Votre SIRET : {problem}"))
    if seller.vat_number and not vat.is_valid(seller.vat_number):
        problems.append(
            MissingMention(
                "seller.vat_number", "Votre numéro de TVA intracommunautaire est invalide."
            )
        )
    if seller.iban and not iban_number.is_valid(seller.iban):
        problems.append(MissingMention("seller.iban", "Votre IBAN est invalide (clé de contrôle)."))
    if seller.bic and not bic_code.is_valid(seller.bic):
        problems.append(
            MissingMention(
                "seller.bic", "Votre BIC est invalide (8 ou 11 caractères, ex. AGRIFRPP)."
            )
        )
    if seller.email and not _EMAIL.match(seller.email):
        problems.append(MissingMention("seller.email", "Votre adresse e-mail est invalide."))
    if len(seller.name) > MAX_NAME:
        problems.append(
            MissingMention("seller.name", f"Votre nom : {MAX_NAME} caractères au plus.")
        )
    if seller.logo:
        problem = logo_problem(seller.logo)
        if problem:
            problems.append(MissingMention("seller.logo", problem))
    return problems


def _customer_values(customer: Customer) -> list[MissingMention]:
    problems = []
    for field, value, kind in (
        ("customer.siret", customer.siret, "SIRET"),
        ("customer.siren", customer.siren, "SIREN"),
    ):
        if value and value.strip():
            problem = identifier_problem(value, kind)
            if problem:
                problems.append(MissingMention(field, f"Le {kind} du client : {problem}"))
    if customer.vat_number and not vat.is_valid(customer.vat_number):
        problems.append(
            MissingMention(
                "customer.vat_number", "Le numéro de TVA intracommunautaire du client est invalide."
            )
        )
    if len(customer.name) > MAX_NAME:
        problems.append(
            MissingMention("customer.name", f"Le nom du client : {MAX_NAME} caractères au plus.")
        )
    return problems


def _line_values(invoice: WrittenInvoice) -> list[MissingMention]:
    if len(invoice.lines) > MAX_LINES:
        return [MissingMention("lines", f"{MAX_LINES} lignes au plus par facture.")]
    problems = []
    for number, line in enumerate(invoice.lines, start=1):
        where = f"lines.{number}"
        if abs(line.quantity) > MAX_QUANTITY or decimals(line.quantity) > MAX_PRICE_DECIMALS:
            problems.append(
                MissingMention(
                    f"{where}.quantity",
                    f"Ligne {number} : quantité de 9 999 999 au plus, 4 décimales au plus.",
                )
            )
        if abs(line.unit_price) > MAX_UNIT_PRICE or decimals(line.unit_price) > MAX_PRICE_DECIMALS:
            problems.append(
                MissingMention(
                    f"{where}.unit_price",
                    f"Ligne {number} : prix unitaire de 999 999 999 € au plus, 4 décimales au "
                    "plus.",
                )
            )
        if abs(line.discount) > MAX_AMOUNT or decimals(line.discount) > 2:
            problems.append(
                MissingMention(f"{where}.discount", f"Ligne {number} : remise au centime près.")
            )
        if len(line.description) > MAX_DESCRIPTION:
            problems.append(
                MissingMention(
                    f"{where}.description",
                    f"Ligne {number} : {MAX_DESCRIPTION} caractères au plus (le détail peut "
                    "aller dans la note).",
                )
            )
    return problems


def value_problems(invoice: WrittenInvoice) -> list[MissingMention]:
    """What is out of bounds or malformed, each at its field, in French."""
    problems = seller_problems(invoice.seller) + _customer_values(invoice.customer)
    problems += _line_values(invoice)
    if invoice.currency != CURRENCY:
        problems.append(
            MissingMention(
                "currency",
                f"Bordereau facture en euros (EUR) : la devise « {invoice.currency} » n'est pas "
                "prise en charge.",
            )
        )
    for index, adjustment in enumerate(invoice.adjustments, start=1):
        if abs(adjustment.amount) > MAX_AMOUNT or decimals(adjustment.amount) > 2:
            problems.append(
                MissingMention("adjustments", f"Remise ou frais {index} : au centime près.")
            )
    if abs(invoice.prepaid) > MAX_AMOUNT or decimals(invoice.prepaid) > 2:
        problems.append(MissingMention("prepaid", "L'acompte se donne au centime près."))
    if invoice.note and len(invoice.note) > MAX_NOTE:
        problems.append(MissingMention("note", "La note dépasse 1 000 000 caractères."))
    if invoice.validator_siret:
        problem = identifier_problem(invoice.validator_siret, "SIRET")
        if problem:
            problems.append(MissingMention("validator_siret", f"SIRET du valideur : {problem}"))
    if not problems:
        from app.invoicing.totals import totals_of

        if abs(totals_of(invoice).grand_total) > MAX_TOTAL:
            problems.append(
                MissingMention(
                    "lines", "Le total dépasse 999 999 999 999 € : vérifiez les montants."
                )
            )
    return problems
