"""Varied written invoices for the tests and bench/invoicing.py (issue 24): every VAT regime,
1 to 40 lines of goods and services in every unit, line discounts, global discounts and
charges, prepaid amounts, credit notes, public structures and companies, with and without
VAT numbers, delivery addresses and notes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from app.domain.identifiers import vat_number_of
from app.invoicing.model import (
    STANDARD_RATES,
    UNITS,
    Address,
    Adjustment,
    Customer,
    CustomerKind,
    DocumentType,
    Line,
    Nature,
    PaymentMeans,
    PaymentTerms,
    Seller,
    VatRegime,
    WrittenInvoice,
)
from app.invoicing.totals import totals_of
from app.simulator.seed import make_siret, siret_for

SELLER_SIRET = make_siret("81234567", "0001")
IBAN = "FR7630006000011234567890189"

DESCRIPTIONS = {
    Nature.SERVICES: (
        "Animation d'un atelier d'écriture",
        "Développement du site de la médiathèque",
        "Maintenance informatique",
        "Formation des agents à la bureautique",
        "Traduction d'un dossier de presse (anglais → français)",
        "Conseil en aménagement paysager",
        "Nettoyage des vitres de l'école",
    ),
    Nature.GOODS: (
        "Ramettes de papier recyclé A4",
        "Bancs en chêne massif",
        "Jeux de société pour la ludothèque",
        "Plants de tomates anciennes",
        "Cartouches d'encre",
    ),
}
CITIES = (("33600", "Pessac"), ("29200", "Brest"), ("69003", "Lyon"), ("75011", "Paris"))


def belgian_vat(seed: int) -> str:
    """A valid Belgian VAT number (BE + 10 digits, the last two 97 − first eight mod 97)."""
    body = f"0{seed % 10_000_000:07d}"
    return f"BE{body}{97 - int(body) % 97:02d}"


def seller(*, vat: bool, vat_on_debits: bool = False) -> Seller:
    return Seller(
        name="Marie Martin",
        siret=SELLER_SIRET,
        address=Address("12 rue des Lilas", "33000", "Bordeaux"),
        registration="Dispensé d'immatriculation",
        trade_name="Atelier Martin",
        vat_number=vat_number_of(SELLER_SIRET) if vat else None,
        iban=IBAN,
        bic="AGRIFRPP",
        vat_on_debits=vat_on_debits,
        email="contact@atelier-martin.fr",
    )


def customer(rng: random.Random, index: int, regime: VatRegime) -> Customer:
    postcode, city = rng.choice(CITIES)
    address = Address(f"{rng.randint(1, 120)} avenue de la République", postcode, city)
    if regime in (VatRegime.INTRA_EU, VatRegime.EXPORT):
        country = "BE" if regime is VatRegime.INTRA_EU else "CH"
        return Customer(
            CustomerKind.COMPANY,
            f"Studio {index} SPRL" if country == "BE" else f"Atelier {index} SA",
            Address(
                "Rue Haute 5",
                "1000" if country == "BE" else "1201",
                "Bruxelles" if country == "BE" else "Genève",
                country,
            ),
            siren=None,
            vat_number=belgian_vat(index) if country == "BE" else None,
            # without a SIREN or a VAT number, the reform's address is an e-mail (BT-49)
            email=None if country == "BE" else f"factures@atelier{index}.ch",
        )
    if rng.random() < 0.5 and regime is not VatRegime.REVERSE_CHARGE:
        siret = siret_for(index % 60 + 1, "2129")
        return Customer(
            CustomerKind.PUBLIC,
            f"COMMUNE N° {index}",
            address,
            siret=siret,
            code_service=rng.choice([None, "CULTURE", "ENFANCE"]),
            engagement=rng.choice([None, f"EJ{index:06d}"]),
        )
    siret = make_siret(f"{44300000 + index:08d}", "0012")
    return Customer(
        CustomerKind.COMPANY,
        f"SARL Client {index}",
        address,
        siren=siret[:9],
        vat_number=vat_number_of(siret),
        delivery_address=(
            Address("Zone artisanale, lot 4", "33700", "Mérignac") if rng.random() < 0.3 else None
        ),
        purchase_order=rng.choice([None, f"BC-{index}"]),
    )


def lines(rng: random.Random, regime: VatRegime, count: int) -> tuple[Line, ...]:
    made = []
    for _ in range(count):
        nature = rng.choice(list(Nature))
        unit = rng.choice(list(UNITS.values()))
        quantity = Decimal(rng.choice(["1", "2", "3", "0.5", "7.25", "12", "1.5"]))
        price = Decimal(rng.randint(100, 250_000)) / 100
        discount = (
            (quantity * price * Decimal(rng.choice([5, 10, 15])) / 100).quantize(Decimal("0.01"))
            if rng.random() < 0.2
            else Decimal(0)
        )
        rate = rng.choice(STANDARD_RATES) if regime is VatRegime.STANDARD else Decimal(0)
        made.append(
            Line(
                rng.choice(DESCRIPTIONS[nature]),
                quantity,
                unit,
                price,
                rate,
                discount,
                nature=nature,
            )
        )
    return tuple(made)


def written_invoice(index: int, seed: int = 2027) -> WrittenInvoice:
    """The index-th invoice of a reproducible variety."""
    rng = random.Random(seed * 100_003 + index)
    regime = list(VatRegime)[index % len(VatRegime)]
    count = rng.choice([1, 1, 2, 3, 5, 8, 13, 40]) if index % 17 else 40
    made_lines = lines(rng, regime, count)
    issued = date(2027, 1, 4) + timedelta(days=index % 300)
    adjustments: tuple[Adjustment, ...] = ()
    if rng.random() < 0.3:
        rate = made_lines[0].vat_rate
        adjustments = (Adjustment(Decimal("15.00"), "Remise fidélité", rate),)
        if rng.random() < 0.5:
            adjustments += (Adjustment(Decimal("12.50"), "Frais de déplacement", rate, True),)
    invoice = WrittenInvoice(
        seller=seller(
            vat=regime is not VatRegime.FRANCHISE or rng.random() < 0.3,
            vat_on_debits=rng.random() < 0.2,
        ),
        customer=customer(rng, index, regime),
        lines=made_lines,
        regime=regime,
        issue_date=issued,
        delivery_date=issued - timedelta(days=rng.randint(0, 20)),
        payment=PaymentTerms(
            issued + timedelta(days=30),
            rng.choice([PaymentMeans.TRANSFER] * 3 + list(PaymentMeans)),
        ),
        adjustments=adjustments,
        number=f"{issued.year}-{index + 1:04d}",
        note=rng.choice([None, "Merci de rappeler le numéro de facture lors du paiement."]),
    )
    total = totals_of(invoice).grand_total
    if rng.random() < 0.2 and total > 10:
        invoice = replace(invoice, prepaid=(total * Decimal("0.3")).quantize(Decimal("0.01")))
    if index % 7 == 6:  # a credit note for an earlier invoice
        invoice = replace(
            invoice,
            document_type=DocumentType.CREDIT_NOTE,
            credited_number=f"{issued.year}-{index:04d}",
            credited_date=issued - timedelta(days=3),
            prepaid=Decimal(0),
        )
    return invoice
