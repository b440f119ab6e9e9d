"""The values of a written invoice (issue 31): bounds, identifiers, text, logo — each refused
in French at its field; files written whole and never over another; the backups' rotation."""

from __future__ import annotations

import base64
import io
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from app.db.backups import list_backups, rotate
from app.errors import ValidationProblem
from app.files import remove_leftover_temporaries, write_new_file
from app.invoicing.json_form import from_json
from app.invoicing.model import Customer, WrittenInvoice
from app.invoicing.pdf import invoice_html, logo_problem
from app.invoicing.storage import invoice_to_json
from app.invoicing.values import clean_text, value_problems
from tests.support.written_invoices import written_invoice


def fields(invoice: WrittenInvoice) -> dict[str, str]:
    return {problem.field: problem.message for problem in value_problems(invoice)}


def test_a_sound_invoice_has_no_value_problem() -> None:
    for index in range(10):
        assert fields(written_invoice(index)) == {}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"unit_price": Decimal("1e20")}, "lines.1.unit_price", "999 999 999"),
        ({"unit_price": Decimal("12.123456")}, "lines.1.unit_price", "4 décimales"),
        ({"quantity": Decimal("1e9")}, "lines.1.quantity", "9 999 999"),
        ({"discount": Decimal("0.001")}, "lines.1.discount", "centime"),
        ({"description": "x" * 2001}, "lines.1.description", "2000"),
    ],
)
def test_a_line_out_of_bounds_is_refused_at_its_field(
    change: dict[str, object], field: str, words: str
) -> None:
    invoice = written_invoice(0)
    invoice = replace(invoice, lines=(replace(invoice.lines[0], **change), *invoice.lines[1:]))
    found = fields(invoice)
    assert field in found and words in found[field]


def test_identifiers_currency_and_contacts_are_checked() -> None:
    invoice = written_invoice(2)
    seller = replace(
        invoice.seller,
        siret="00000000000000",
        bic="XXXX",
        email="pas-une-adresse",
        vat_number="FR00000000000",
    )
    customer: Customer = replace(invoice.customer, siren="000000000", vat_number="FR99123")
    found = fields(replace(invoice, seller=seller, customer=customer, currency="XXX"))
    assert "clé de contrôle" in found["seller.siret"]  # Luhn accepts zeros: Bordereau does not
    assert "clé de contrôle" in found["customer.siren"]
    assert set(found) >= {"seller.bic", "seller.email", "seller.vat_number", "currency"}
    assert "euros" in found["currency"]
    assert "customer.vat_number" in found


def test_control_and_bidirectional_characters_never_reach_an_invoice() -> None:
    data = invoice_to_json(written_invoice(0))
    data["customer"]["name"] = "Client\x00\x07 \u202egnal\u202c \u200bSARL"
    data["note"] = "Ligne 1\nLigne 2\tfin"
    invoice = from_json(WrittenInvoice, data, "Facture")
    assert invoice.customer.name == "Client gnal SARL"
    assert invoice.note == "Ligne 1\nLigne 2\tfin"
    assert clean_text("déjà propre") == "déjà propre"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"payment": "virement"}, "payment : un objet JSON est attendu"),
        ({"lines": [{"quantity": "beaucoup"}]}, "un nombre est attendu"),
        ({"issue_date": "2026-02-30"}, "date réelle"),
        ({"regime": "inconnu"}, "valeur inconnue"),
    ],
)
def test_malformed_json_is_said_in_french_with_its_field(
    change: dict[str, object], said: str
) -> None:
    data = invoice_to_json(written_invoice(0))
    data.update(change)
    with pytest.raises(ValidationProblem) as refused:
        from_json(WrittenInvoice, data, "Facture")
    assert said in refused.value.message and "Input should" not in refused.value.message


def test_a_long_unbroken_word_gets_break_opportunities_in_linear_time() -> None:
    invoice = replace(written_invoice(0), note="x" * 100_000, number="2026-0001")
    page = invoice_html(invoice)
    assert "x" * 41 not in page and page.count("\u200b") >= 100_000 // 40


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_huge_logo_is_refused_from_its_header_before_it_is_decoded() -> None:
    huge = _png(15000, 15000)  # a few KB on disk, 225 million pixels once decoded
    assert len(huge) < 1024 * 1024
    problem = logo_problem(huge)
    assert problem is not None and "2 000 × 2 000 au plus" in problem
    large = logo_problem(_png(5000, 3000))  # below Pillow's own limit: Bordereau's says it
    assert large is not None and "5000 × 3000" in large
    assert logo_problem(_png(400, 120)) is None
    seller = replace(written_invoice(0).seller, logo=base64.b64encode(huge).decode("ascii"))
    assert "seller.logo" in fields(replace(written_invoice(0), seller=seller))


def test_a_file_is_never_written_over_another(tmp_path: Path) -> None:
    target = tmp_path / "sortie" / "Facture 2026-0001.pdf"
    assert write_new_file(target, b"one")
    assert not write_new_file(target, b"two")
    assert target.read_bytes() == b"one"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


def test_temporaries_of_dead_processes_are_removed_and_others_kept(tmp_path: Path) -> None:
    dead = tmp_path / ".Facture 1.pdf.999999999.abc.bordereau-tmp"
    alive = tmp_path / f".Facture 2.pdf.{os.getpid()}.abc.bordereau-tmp"
    mine = tmp_path / "Facture 3.pdf"
    for path in (dead, alive, mine):
        path.write_bytes(b"x")
    assert remove_leftover_temporaries(tmp_path) == [dead]
    assert alive.exists() and mine.exists()


def test_rotation_keeps_thirty_days_and_twelve_months(tmp_path: Path) -> None:
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    for day in range(400):
        for hour in (0, 5):  # two copies a day: the newest of each day is kept
            taken = start + timedelta(days=day, hours=hour)
            (tmp_path / f"auto-{taken:%Y%m%d-%H%M%S-%f}.sqlite3").write_bytes(b"")
    (tmp_path / "avant-restauration-x.sqlite3").write_bytes(b"")  # the user's: kept
    rotate(tmp_path)
    kept = [backup for backup in list_backups(tmp_path) if backup.automatic]
    days = {backup.taken_at.date() for backup in kept}
    months = {backup.taken_at.strftime("%Y-%m") for backup in kept}
    assert len(kept) == len(days)  # one per day at most
    assert len(months) == 12
    newest = max(days)
    assert all(newest - timedelta(days=n) in days for n in range(30))
    assert len(kept) <= 30 + 12
    assert (tmp_path / "avant-restauration-x.sqlite3").exists()


def test_zeros_are_no_siret_anywhere() -> None:
    """Luhn accepts fourteen zeros: the one check of identifiers, used by the deposit, the
    account and the written invoices alike, does not."""
    from app.domain.identifiers import identifier_problem, siret_problem

    assert siret_problem("00000000000000") is not None
    assert identifier_problem("000000000", "SIREN") is not None
    assert siret_problem("81234567600017") is None
    assert identifier_problem("812345676", "SIREN") is None
