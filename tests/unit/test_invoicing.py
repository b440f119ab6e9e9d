"""Written invoices (issue 24): EN 16931 arithmetic with Decimal, and the mandatory mentions
that block an invoice at their field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.invoicing.mentions import legal_notes, missing_mentions
from app.invoicing.model import (
    Address,
    Adjustment,
    Customer,
    CustomerKind,
    Line,
    Nature,
    PaymentMeans,
    PaymentTerms,
    VatRegime,
    WrittenInvoice,
)
from app.invoicing.totals import line_net, totals_of
from tests.support.written_invoices import seller

CUSTOMER = Customer(
    CustomerKind.COMPANY,
    "SARL Les Tilleuls",
    Address("3 place du Marché", "33600", "Pessac"),
    siren="443061841",
)


def written(
    *lines: Line, regime: VatRegime = VatRegime.STANDARD, **changes: object
) -> WrittenInvoice:
    invoice = WrittenInvoice(
        seller=seller(vat=True),
        customer=CUSTOMER,
        lines=lines,
        regime=regime,
        issue_date=date(2027, 3, 1),
        delivery_date=date(2027, 2, 26),
        payment=PaymentTerms(date(2027, 3, 31), PaymentMeans.TRANSFER),
    )
    return replace(invoice, **changes)  # type: ignore[arg-type]


def line(price: str, quantity: str = "1", rate: str = "20", **changes: object) -> Line:
    made = Line("Prestation", Decimal(quantity), "HUR", Decimal(price), Decimal(rate))
    return replace(made, **changes)  # type: ignore[arg-type]


def test_a_line_is_rounded_to_the_cent_halves_up() -> None:
    """BT-131 = quantity × net price to the cent (BR-DEC-23), less the line's discount."""
    assert line_net(line("0.125", "3")) == Decimal("0.38")  # 0.375 → 0.38
    assert line_net(line("33.333", "3", discount=Decimal("0.99"))) == Decimal("99.01")


def test_vat_is_computed_per_rate_on_the_sum_of_the_lines() -> None:
    """BR-S-09 / BR-CO-17: each rate's VAT is its basis × rate, rounded once — not the sum
    of rounded line VATs (three lines of 0.05 € at 20 % give 0.03 €, not 0.03 × 3)."""
    invoice = written(line("0.05"), line("0.05"), line("0.05"))
    totals = totals_of(invoice)
    assert totals.breakdown[0].basis == Decimal("0.15")
    assert totals.tax == Decimal("0.03")


def test_totals_agree_with_one_another() -> None:
    """BR-CO-10 (lines), BR-CO-11/12 (allowances, charges), BR-CO-13 (basis), BR-CO-15
    (grand total), BR-CO-16 (due = total − prepaid), with two rates and adjustments."""
    invoice = written(
        line("100.00", "2"),
        line("50.00", rate="5.5"),
        adjustments=(
            Adjustment(Decimal("10.00"), "Remise fidélité", Decimal("20")),
            Adjustment(Decimal("5.00"), "Frais de port", Decimal("5.5"), is_charge=True),
        ),
        prepaid=Decimal("100.00"),
    )
    totals = totals_of(invoice)
    assert totals.lines == Decimal("250.00")
    assert (totals.allowances, totals.charges) == (Decimal("10.00"), Decimal("5.00"))
    assert totals.basis == Decimal("245.00")
    by_rate = {part.rate: (part.basis, part.tax) for part in totals.breakdown}
    assert by_rate == {
        Decimal("20"): (Decimal("190.00"), Decimal("38.00")),
        Decimal("5.5"): (Decimal("55.00"), Decimal("3.03")),  # 3.025 → 3.03
    }
    assert totals.grand_total == Decimal("286.03")
    assert totals.due == Decimal("186.03")
    assert all(isinstance(value, Decimal) for value in (totals.basis, totals.tax, totals.due))


def test_outside_the_standard_regime_no_vat_is_charged() -> None:
    """BR-E-05 / BR-AE-05 / BR-IC-05 / BR-G-05: the rate of an exempt line is 0."""
    for regime in (VatRegime.FRANCHISE, VatRegime.REVERSE_CHARGE, VatRegime.EXPORT):
        totals = totals_of(written(line("80.00"), regime=regime))
        assert totals.tax == 0 and totals.grand_total == Decimal("80.00")
        assert [part.category for part in totals.breakdown] == [regime.rule.category]


def test_a_complete_invoice_lacks_nothing() -> None:
    assert missing_mentions(written(line("80.00"))) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seller": replace(seller(vat=True), registration="")}, "seller.registration"),
        ({"seller": replace(seller(vat=True), siret="81234567600018")}, "seller.siret"),
        ({"seller": replace(seller(vat=False))}, "seller.vat_number"),  # standard regime
        ({"seller": replace(seller(vat=True), iban=None)}, "payment.means"),
        ({"customer": replace(CUSTOMER, siren=None)}, "customer.siren"),  # the reform's
        ({"customer": replace(CUSTOMER, address=Address("", "", ""))}, "customer.address"),
        ({"lines": ()}, "lines"),
        ({"lines": (line("10.00", rate="19.6"),)}, "lines.1.vat_rate"),
        ({"lines": (line("10.00", description=" "),)}, "lines.1.description"),
        ({"payment": PaymentTerms(date(2027, 2, 1))}, "payment.due_date"),
        ({"payment": PaymentTerms(date(2027, 3, 31), late_penalty="")}, "payment.late_penalty"),
        ({"regime": VatRegime.REVERSE_CHARGE}, "customer.vat_number"),
    ],
)
def test_a_missing_mention_blocks_at_its_field(change: dict[str, object], field: str) -> None:
    missing = missing_mentions(written(line("80.00"), **change))
    assert field in [item.field for item in missing]
    assert all(item.message[0].isupper() for item in missing)  # a French sentence


def test_a_public_structure_is_named_by_its_siret_and_a_foreign_client_needs_no_siren() -> None:
    public = Customer(CustomerKind.PUBLIC, "COMMUNE DE BREST", CUSTOMER.address, siret="123")
    assert "customer.siret" in [
        m.field for m in missing_mentions(written(line("1"), customer=public))
    ]
    foreign = Customer(
        CustomerKind.COMPANY, "Studio SPRL", Address("Rue Haute 5", "1000", "Bruxelles", "BE")
    )
    # no SIREN, but somewhere to receive its invoices (the reform's BT-49): an e-mail address
    # or its VAT number
    missing = missing_mentions(written(line("1"), customer=foreign))
    assert [m.field for m in missing] == ["customer.email"]
    assert "adresse e-mail" in missing[0].message
    for reachable in (
        replace(foreign, email="compta@studio.be"),
        replace(foreign, vat_number="BE0123456749"),
    ):
        assert missing_mentions(written(line("1"), customer=reachable)) == []


def test_the_legal_notes_carry_the_mentions_that_have_no_field() -> None:
    """Penalties, the 40 € indemnity for professionals, the discount terms, the nature of the
    operation (reform) and the VAT-on-debits option when chosen."""
    invoice = written(
        line("10"),
        replace(line("10"), nature=Nature.GOODS),
        seller=replace(seller(vat=True), vat_on_debits=True),
    )
    notes = dict(legal_notes(invoice))
    assert notes["AAI"] == "Nature de l'opération : Opération mixte (biens et services)"
    assert "trois fois le taux d'intérêt légal" in notes["PMD"]
    assert "40 €" in notes["PMT"]
    assert notes["TXD"] == "Option pour le paiement de la taxe d'après les débits"
    private = replace(invoice, customer=replace(CUSTOMER, professional=False))
    # no indemnity for a consumer, said as such: the reform wants the note (BR-FR-05)
    assert "non applicable" in dict(legal_notes(private))["PMT"]


def test_a_logo_is_a_png_or_a_jpeg_of_at_most_one_megabyte() -> None:
    import io

    from PIL import Image

    from app.invoicing.pdf import MAX_LOGO_BYTES, logo_problem

    def image(kind: str) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 20), (10, 20, 30)).save(buffer, kind)
        return buffer.getvalue()

    assert logo_problem(image("PNG")) is None
    assert logo_problem(image("JPEG")) is None
    assert logo_problem(image("GIF")) == "Le logo doit être une image PNG ou JPEG (c'est du GIF)."
    assert logo_problem(b"%PDF-1.7 pas une image") == (
        "Ce fichier n'est pas une image lisible (PNG ou JPEG)."
    )
    assert "1 Mo au plus" in (logo_problem(b"\x89PNG" + bytes(MAX_LOGO_BYTES)) or "")
