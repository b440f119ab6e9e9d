"""A credit note corrects what people correct: a quantity of a line, an amount of a line, or
whole lines — never more than was invoiced, whatever was credited before (issue 32)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.errors import ValidationProblem
from app.invoicing.credits import CreditPart, parse_parts
from app.invoicing.model import Line, VatRegime
from app.invoicing.totals import totals_of
from app.services import Services
from tests.support.written_invoices import written_invoice

HOURS = Line("Pose de rayonnages", Decimal(8), "HUR", Decimal("50.00"), Decimal(20),
             discount=Decimal("40.00"))  # fmt: skip
FLAT = Line("Déplacement", Decimal(1), "LS", Decimal("120.00"), Decimal(20))


def _invoice() -> str:
    model = next(
        made
        for made in map(written_invoice, range(80))
        if made.regime is VatRegime.STANDARD and not made.is_credit_note and not made.prepaid
    )
    return replace(model, number=None, lines=(HOURS, FLAT), adjustments=())  # type: ignore[return-value]


def test_a_quantity_then_an_amount_never_more_than_invoiced(services: Services) -> None:
    invoicing = services.invoicing
    issued = invoicing.write_new(_invoice(), today=date.today())  # type: ignore[arg-type]
    number = issued.invoice.number or ""

    two_hours = invoicing.credit_note(number, parts=[CreditPart(1, quantity=Decimal(2))])
    [line] = two_hours.invoice.lines
    assert (line.quantity, line.unit_price, line.discount) == (
        Decimal(2),
        Decimal("50.00"),
        Decimal("10.00"),  # the discount, in proportion
    )
    assert totals_of(two_hours.invoice).basis == Decimal("90.00")

    with pytest.raises(ValidationProblem) as refused:
        invoicing.credit_note(number, parts=[CreditPart(1, quantity=Decimal(7))])
    assert "déjà été créditée de 90,00 € HT sur 360,00 €" in refused.value.message
    assert "il reste 270,00 €" in refused.value.message

    price = invoicing.credit_note(number, parts=[CreditPart(2, amount=Decimal("20.00"))])
    [corrected] = price.invoice.lines
    assert corrected.description == "Déplacement — correction du montant"
    assert (corrected.quantity, corrected.unit, corrected.unit_price) == (
        Decimal(1),
        "LS",
        Decimal("20.00"),
    )
    assert totals_of(price.invoice).grand_total == Decimal("24.00")

    rest = invoicing.credit_note(number, parts=[CreditPart(1, amount=Decimal("270.00"))])
    assert totals_of(rest.invoice).basis == Decimal("270.00")
    with pytest.raises(ValidationProblem, match="il reste 0,00 €"):
        invoicing.credit_note(number, parts=[CreditPart(1, quantity=Decimal("0.5"))])
    with pytest.raises(ValidationProblem, match="toute la facture la créditerait deux fois"):
        invoicing.credit_note(number)
    whole_rest = invoicing.credit_note(number, parts=[CreditPart(2, amount=Decimal("100.00"))])
    assert totals_of(whole_rest.invoice).basis == Decimal("100.00")
    with pytest.raises(ValidationProblem, match="ligne 2 a déjà été créditée"):
        invoicing.credit_note(number, line_numbers=[2])


def test_quantities_and_amounts_out_of_the_line_are_refused(services: Services) -> None:
    invoicing = services.invoicing
    number = invoicing.write_new(_invoice(), today=date.today()).invoice.number or ""  # type: ignore[arg-type]
    for part, said in (
        (CreditPart(1, quantity=Decimal(9)), "entre 0 et 8"),
        (CreditPart(1, quantity=Decimal(0)), "entre 0 et 8"),
        (CreditPart(2, amount=Decimal("120.01")), "entre 0 et 120,00 €"),
        (CreditPart(3), "pas de ligne 3"),
    ):
        with pytest.raises(ValidationProblem, match=said):
            invoicing.credit_note(number, parts=[part])
    with pytest.raises(ValidationProblem, match="deux fois"):
        invoicing.credit_note(number, parts=[CreditPart(1), CreditPart(1, amount=Decimal(1))])
    whole = invoicing.credit_note(number, parts=[CreditPart(1), CreditPart(2)])
    assert totals_of(whole.invoice).basis == Decimal("480.00")  # every line: the invoice
    with pytest.raises(ValidationProblem, match="corrige déjà toute cette facture"):
        invoicing.credit_note(number, parts=[CreditPart(2, amount=Decimal(1))])


def test_the_command_line_names_parts() -> None:
    assert parse_parts("1,3") == [CreditPart(1), CreditPart(3)]
    assert parse_parts("2:1.5, 4:=120.50") == [
        CreditPart(2, quantity=Decimal("1.5")),
        CreditPart(4, amount=Decimal("120.50")),
    ]
    assert parse_parts("2:1,5; 4:=120,50") == [
        CreditPart(2, quantity=Decimal("1.5")),
        CreditPart(4, amount=Decimal("120.50")),
    ]
    with pytest.raises(ValidationProblem, match="--lines attend"):
        parse_parts("deux")
