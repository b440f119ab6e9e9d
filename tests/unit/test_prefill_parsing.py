"""Amount and date parsing never crashes and round-trips the French formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.prefill.parsing import (
    amounts_in,
    dates_in,
    format_amount_fr,
    format_date_fr,
    parse_amount,
    parse_date,
)

AMOUNTS = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


@given(st.text())
def test_parsing_any_text_never_crashes(text: str) -> None:
    parse_amount(text)
    amounts_in(text)
    parse_date(text)
    dates_in(text)


@given(AMOUNTS)
def test_amounts_round_trip_every_french_spelling(value: Decimal) -> None:
    assert parse_amount(format_amount_fr(value)) == value  # "1 188,00 €" (narrow nbsp)
    assert parse_amount(format_amount_fr(value, thousands=" ", symbol=False)) == value
    assert parse_amount(format_amount_fr(value, thousands="\u00a0") + "") == value
    assert parse_amount(format_amount_fr(value, thousands=".", symbol=False)) == value  # 1.188,00
    assert parse_amount(f"{value:.2f}") == value  # 1188.00
    assert parse_amount(f"{value:,.2f}") == value  # 1,188.00


@given(AMOUNTS)
def test_an_amount_is_found_inside_a_line(value: Decimal) -> None:
    line = f"Total TTC {format_amount_fr(value)}"
    assert [found for found, _start, _end in amounts_in(line)] == [value]


@given(DATES)
def test_dates_round_trip_every_french_spelling(value: date) -> None:
    assert parse_date(format_date_fr(value)) == value  # 12 mars 2025
    assert parse_date(value.strftime("%d/%m/%Y")) == value  # 12/03/2025
    assert parse_date(value.strftime("%d.%m.%Y")) == value
    assert parse_date(value.strftime("%d-%m-%Y")) == value
    assert parse_date(value.isoformat()) == value
    assert parse_date(f"Émise le {format_date_fr(value)}, payable à 30 jours") == value


def test_the_examples_of_the_issue() -> None:
    assert parse_amount("1 188,00 €") == Decimal("1188.00")
    assert parse_amount("1.188,00") == Decimal("1188.00")
    assert parse_date("12 mars 2025") == date(2025, 3, 12)
    assert parse_date("12/03/2025") == date(2025, 3, 12)
    assert parse_date("1er décembre 2025") == date(2025, 12, 1)
    assert parse_amount("12 %") is None and parse_amount("1.2.3") is None
    assert parse_date("31/02/2025") is None


def test_a_run_of_digits_longer_than_any_amount_is_not_one() -> None:
    """Hypothesis found it: 27 digits made Decimal.quantize raise (more digits than its
    precision). An IBAN or a phone number is not an amount."""
    assert parse_amount("100000000000000000000000000") is None
    assert amounts_in("Réf. 100000000000000000000000000") == []
    assert parse_amount("999 999 999 999 999,99") is not None


def test_a_scanned_date_keeps_its_day() -> None:
    """Under OCR a « 1 » becomes « l », « I » or « | », a « 0 » an « O », and a space slips
    in: the day must not fall to the 1st of the month (« l1/03/2024 » matched as « 1/03 »)."""
    assert parse_date("Date : l1/03/2024") == date(2024, 3, 11)
    assert parse_date("du I1/03/2024") == date(2024, 3, 11)
    assert parse_date("le 3 1/03/2024") == date(2024, 3, 31)
    assert parse_date("Date 2 1/03/2024") == date(2024, 3, 21)
    assert parse_date("31/O3/2O24") == date(2024, 3, 31)
    assert parse_date("1l/03/2024") == date(2024, 3, 11)
    assert parse_date("15/03/ 2024") == date(2024, 3, 15)
    # year first, as an ERP prints it in a header band's box, cut or with a dot for a dash
    assert parse_date("2026-08- 19 2026-10-18") == date(2026, 8, 19)
    assert parse_date("Date d'émission : 2024-12.01") == date(2024, 12, 1)
    assert parse_date("2O24-03-15") == date(2024, 3, 15)
    # the span still points at the date in the line as read
    assert dates_in("Date : l1/03/2024 échéance")[0][1:] == (7, 17)
    # a repair that gives no real date, or words, are left alone
    assert parse_date("Il/13/2024") is None
    assert dates_in("Tél. 01 02 03 04 05") == []
    assert parse_date("du 1/03/2024 au 31/03/2024") == date(2024, 3, 1)


@given(DATES)
def test_a_date_read_with_ocr_confusions_is_the_printed_one(value: date) -> None:
    day_and_month, year = value.strftime("%d/%m/"), value.strftime("%Y")
    misread = day_and_month.replace("1", "l").replace("0", "O") + year
    assert parse_date(f"Date : {misread}") == value
