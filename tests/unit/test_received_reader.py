# ruff: noqa: E501 — the table of expected values reads best one sample per line
"""The received-invoice reader on CEN's own EN 16931 examples (UBL 2.1 and CII): every one
read, its figures exact (the file's own arithmetic holds on what was read: lines, VAT
breakdown, totals — a field read from the wrong place breaks it), the identity and totals of
each as the file says them, and the same invoice given in both syntaxes read the same."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.einvoice.document import ReceivedDocument
from app.einvoice.reading import read_document, syntax_of
from app.errors import ValidationProblem

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "cen-en16931"
ALL = sorted(path for path in SAMPLES.glob("*/*") if path.suffix.lower() == ".xml")

# (BT-1, BT-2, BT-3, BT-5, BT-27 seller, BT-44 buyer, BT-115 due, lines, VAT parts, BT-84),
# read by hand in each file
EXPECTED = {
    "CII-BR-CO-10-RoundingIssue.xml": ("0", "2021-03-26", "380", "EUR", "Seller GmbH", "BuyerName", "0.00", 4, 2, "IBAN"),
    "CII_business_example_01.xml": ("TOSL108", "2013-06-30", "380", "NOK", "Salescompany ltd.", "The Buyercompany", "801.78", 5, 3, "NO9386011117947"),
    "CII_business_example_02.xml": ("INV000013", "2013-08-25", "380", "EUR", "xxxx", "Buyercompany ltd", "11.90", 3, 1, "DK1212341234123412"),
    "CII_business_example_Z.xml": ("2016166", "2015-01-09", "380", "EUR", "XXX AG", "XXX AG", "11693.87", 3, 1, "DE12500105170648489890"),
    "CII_example1.xml": ("12115118", "2015-01-09", "380", "EUR", "De Koksmaat", "ODIN 59", "250.33", 20, 2, "NL57 RABO 0107307510"),
    "CII_example2.xml": ("TOSL108", "2013-06-30", "380", "NOK", "Salescompany ltd.", "The Buyercompany", "801.78", 5, 3, "NO9386011117947"),
    "CII_example3.xml": ("TOSL108", "2013-04-10", "380", "DKK", "SubscriptionSeller", "Buyercompany ltd", "1125", 1, 1, "DK1212341234123412"),
    "CII_example4.xml": ("TOSL110", "2013-04-10", "380", "DKK", "SellerCompany", "Buyercompany ltd", "4675", 3, 2, "DK1212341234123412"),
    "CII_example5.xml": ("TOSL110", "2013-04-10", "380", "DKK", "SellerCompany", "Buyercompany ltd", "2337.5", 3, 2, "DK1212341234123412"),
    "CII_example6.xml": ("TOSL110", "2013-04-10", "380", "DKK", "SellerCompany", "Buyercompany ltd", "4675", 3, 2, None),
    "CII_example7.xml": ("INVOICE_test_7", "2013-05-13", "380", "SEK", "The Sellercompany Incorporated", "THe Buyercompany", "3200", 2, 1, "SE1212341234123412"),
    "CII_example8.xml": ("1100512149", "2014-11-10", "380", "EUR", "Enexis B.V.", "Klant", "1099.78", 10, 1, "NL28RBOS0420242228"),
    "CII_example9.xml": ("20150483", "2015-04-01", "380", "EUR", "Bluem BV", "Provide Verzekeringen", "177.87", 1, 1, "NL13RABO0377815500"),
    "XRechnung-O.xml": ("150377292", "2021-01-14", "380", "EUR", "XX", "XX", "385544.60", 2, 1, "XX"),
    "huf_example_cii.xml": ("21/001003559/996", "2021-10-05", "380", "HUF", "DKV Euro Service GmbH + Co. KG", "HIL Heeresinstandsetzungslogistik GmbH", "87859.00", 3, 1, "DE26330403100827038100"),
    "BIS3_Invoice_negativ.XML": ("12345", "2019-01-25", "380", "DKK", "Company A", "Company B", "-782179.43", 1, 1, "1234567891234"),
    "BIS3_Invoice_positive.XML": ("12345", "2019-01-25", "380", "DKK", "Company A", "Company B", "782179.43", 1, 1, "1234567891234"),
    "FT G2G_TD01 con Allegato, Bonifico e Split Payment.xml": ("1316/85", "2020-02-13", "380", "EUR", "Azienda Unita Sanitaria Locale di Reggio Emilia", "AZIENDA AUSL DI MODENA", "1246.00", 1, 1, "IT64W0100003245243300306301"),
    "guide-example1.xml": ("12115118", "2015-01-09", "380", "EUR", "De Koksmaat", "ODIN 59", "250.33", 20, 2, "NL57 RABO 0107307510"),
    "guide-example2.xml": ("TOSL108", "2013-06-30", "380", "NOK", "Salescompany ltd.", "The Buyercompany", "801.78", 5, 3, "NO9386011117947"),
    "guide-example3.xml": ("TOSL108", "2013-04-10", "380", "DKK", "SubscriptionSeller", "Buyercompany ltd", "1125.00", 2, 1, "DK1212341234123412"),
    "issue116.xml": ("2018210", "2018-02-08", "380", "SEK", "SÄLJARNAMNET", "Project services AB", "830", 4, 4, None),
    "sample-discount-price.xml": ("test decimal 1", "2018-02-05", "380", "EUR", "HEP SPLIT", "HEP-OPERATOR DISTRIBUCIJSKOG SUSTAVA D.O.O. ZA DISTRIBUCIJU I OPSKRBU ELEKTRICNE ENERGIJE", "15.15", 1, 1, None),
    "ubl-tc434-creditnote1.xml": ("018304 / 28865", "2019-09-23", "381", "EUR", "My Supplier Company", "My Customer Company", "100.11", 1, 1, "BE91000000143476"),
    "ubl-tc434-example1.xml": ("12115118", "2015-01-09", "380", "EUR", "De Koksmaat", "ODIN 59", "250.33", 20, 2, "NL57 RABO 0107307510"),
    "ubl-tc434-example10.xml": ("12115118", "2015-01-09", "380", "EUR", "De Koksmaat", "ODIN 59", "250.33", 20, 2, "NL57 RABO 0107307510"),
    "ubl-tc434-example2.xml": ("TOSL108", "2013-06-30", "380", "NOK", "Salescompany ltd.", "The Buyercompany", "801.78", 5, 3, "NO9386011117947"),
    "ubl-tc434-example3.xml": ("TOSL108", "2013-04-10", "380", "DKK", "SubscriptionSeller", "Buyercompany ltd", "2005.00", 2, 2, "DK1212341234123412"),
    "ubl-tc434-example4.xml": ("TOSL110", "2013-04-10", "380", "DKK", "SellerCompany", "Buyercompany ltd", "4675.00", 3, 2, "DK1212341234123412"),
    "ubl-tc434-example5.xml": ("TOSL110", "2013-04-10", "380", "DKK", "SellerCompany", "Buyercompany ltd", "2337.50", 3, 2, None),
    "ubl-tc434-example6.xml": ("TOSL110", "2013-04-10", "380", "DKK", "SellerCompany", "Buyercompany ltd", "4675.00", 3, 2, None),
    "ubl-tc434-example7.xml": ("INVOICE_test_7", "2013-03-11", "380", "SEK", "The Sellercompany Incorporated", "THe Buyercompany", "3200.00", 2, 1, "SE1212341234123412"),
    "ubl-tc434-example8.xml": ("1100512149", "2014-11-10", "380", "EUR", "Enexis B.V.", "Klant", "1099.78", 10, 1, "NL28RBOS0420242228"),
    "ubl-tc434-example9.xml": ("20150483", "2015-04-01", "380", "EUR", "Bluem BV", "Provide Verzekeringen", "177.87", 1, 1, "NL13RABO0377815500"),
}  # fmt: skip


def read(name: str) -> ReceivedDocument:
    path = next(path for path in ALL if path.name == name)
    return read_document(path.read_bytes())


def test_every_sample_has_its_expectation() -> None:
    assert {path.name for path in ALL} == set(EXPECTED)


@pytest.mark.parametrize("path", ALL, ids=[path.name for path in ALL])
def test_sample_read_as_the_file_says(path: Path) -> None:
    document = read_document(path.read_bytes())
    number, issued, kind, currency, seller, buyer, due, lines, parts, iban = EXPECTED[path.name]
    assert document.syntax == ("UBL" if "ubl" in path.parent.name else "CII")
    assert document.number == number
    assert document.issue_date is not None and document.issue_date.isoformat() == issued
    assert document.type_code == kind
    assert document.is_credit_note == (kind == "381")
    assert document.currency == currency
    assert document.seller.name == seller
    assert document.buyer.name == buyer
    assert document.totals.due == Decimal(due)
    assert len(document.lines) == lines
    assert len(document.vat) == parts
    assert document.payment.iban == iban


@pytest.mark.parametrize("path", ALL, ids=[path.name for path in ALL])
def test_sample_arithmetic_holds_on_what_was_read(path: Path) -> None:
    document = read_document(path.read_bytes())
    totals = document.totals

    def value(amount: Decimal | None) -> Decimal:
        return amount if amount is not None else Decimal(0)

    line_sum = sum((value(line.net_amount) for line in document.lines), Decimal(0))
    assert all(line.net_amount is not None for line in document.lines)
    assert line_sum == totals.lines  # BR-CO-10
    assert value(totals.lines) - value(totals.allowances) + value(totals.charges) == (
        totals.without_vat
    )  # BR-CO-13
    assert sum((value(part.tax) for part in document.vat), Decimal(0)) == value(totals.vat)
    assert sum((value(part.basis) for part in document.vat), Decimal(0)) == totals.without_vat
    assert value(totals.without_vat) + value(totals.vat) == totals.with_vat  # BR-CO-15
    assert value(totals.with_vat) - value(totals.prepaid) + value(totals.rounding) == totals.due
    for part in document.vat:
        assert part.category is not None


# the same invoice in UBL and in CII (CEN's pairs); fields where CEN's two files differ
# on purpose are left out of the comparison, named
PAIRS = [
    ("guide-example1.xml", "CII_example1.xml", {"BT-81"}),  # 31 vs 30
    ("ubl-tc434-example1.xml", "CII_example1.xml", {"BT-81"}),
    ("guide-example2.xml", "CII_example2.xml", {"BT-23"}),
    ("guide-example3.xml", "CII_example3.xml", {"BT-29", "BT-47", "BT-48", "lines"}),
    ("ubl-tc434-example4.xml", "CII_example4.xml", set()),
    ("ubl-tc434-example6.xml", "CII_example6.xml", set()),
    ("ubl-tc434-example8.xml", "CII_example8.xml", set()),
    ("ubl-tc434-example9.xml", "CII_example9.xml", {"BT-9", "BT-73", "BT-74"}),
]


def _comparable(value: object) -> object:
    if isinstance(value, str):
        try:
            return Decimal(value) if value[:1] in "-0123456789" and "-" not in value[1:] else value
        except ArithmeticError:
            return value
    return value


@pytest.mark.parametrize(("ubl", "cii", "differ"), PAIRS, ids=[pair[0] for pair in PAIRS])
def test_same_invoice_read_the_same_in_both_syntaxes(ubl: str, cii: str, differ: set[str]) -> None:
    left, right = read(ubl).business_terms(), read(cii).business_terms()
    different = {
        term
        for term in left
        if _comparable(left[term]) != _comparable(right[term]) and term not in differ
    }
    assert different == set()
    left_lines = [(line.identifier, line.net_amount, line.vat_rate) for line in read(ubl).lines]
    right_lines = [(line.identifier, line.net_amount, line.vat_rate) for line in read(cii).lines]
    if "lines" not in differ:  # guide-example3 splits CII_example3's line in two
        assert left_lines == right_lines


def test_credit_note_lines_and_preceding_invoice() -> None:
    document = read("ubl-tc434-creditnote1.xml")
    assert document.is_credit_note and document.kind_label == "Avoir"
    assert document.lines[0].quantity is not None
    assert document.totals.due == Decimal("100.11")


def test_negative_invoice_keeps_its_sign() -> None:
    document = read("BIS3_Invoice_negativ.XML")
    assert not document.is_credit_note
    assert document.totals.with_vat is not None and document.totals.with_vat < 0


def test_embedded_attachment_decoded() -> None:
    document = read("CII_example5.xml")
    slip = next(item for item in document.attachments if item.file_name == "EHF.pdf")
    assert slip.mime == "application/pdf" and slip.content and len(slip.content) > 0


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "vide"),
        (b"<html><body>facture</body></html>", "ni une facture CII"),
        (b"<Invoice><unclosed>", "illisible"),
        (b"%PDF-1.4\n%%EOF", "pas de données de facture"),
    ],
)
def test_unreadable_files_said_in_french(content: bytes, said: str) -> None:
    with pytest.raises(ValidationProblem) as caught:
        read_document(content)
    assert said in caught.value.message


def test_entities_are_not_expanded() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:ID>&e;</cbc:ID></Invoice>"
    )
    document = read_document(hostile)
    assert "root" not in (document.number or "")


def test_syntax_told_by_the_bytes() -> None:
    assert syntax_of((SAMPLES / "cii" / "CII_example1.xml").read_bytes()) == "CII"
    assert syntax_of((SAMPLES / "ubl" / "guide-example1.xml").read_bytes()) == "UBL"
    assert syntax_of(b"%PDF-1.7") == "Factur-X"


def test_invoice_xml_embedded_under_another_name_in_a_pdf() -> None:
    import pymupdf

    ubl = (SAMPLES / "ubl" / "ubl-tc434-creditnote1.xml").read_bytes()
    with pymupdf.open() as document:  # type: ignore[no-untyped-call]
        document.new_page()
        document.embfile_add("xrechnung.xml", ubl)
        pdf = document.tobytes()
    read = read_document(pdf)
    assert read.syntax == "Factur-X" and read.number == "018304 / 28865"
    assert read.pdf == pdf


def test_siren_found_as_software_write_it() -> None:
    from app.einvoice.document import Party

    assert Party(legal_id="443 061 841", legal_id_scheme="0002").siren == "443061841"
    assert Party(legal_id="443061841", legal_id_scheme="SIREN").siren == "443061841"  # key right
    assert Party(legal_id="443061842", legal_id_scheme="SIREN").siren is None  # key wrong
    assert Party(legal_id="443061841", legal_id_scheme="0060").siren is None  # a DUNS number
    assert Party(identifiers=[("44306184100015", "0009")]).siret == "44306184100015"
    routed = Party(electronic_address="443061841_44306184100015_COMPTA",
                   electronic_address_scheme="0225")  # fmt: skip
    assert (routed.siren, routed.siret) == ("443061841", "44306184100015")
    assert Party(vat_number="FR64443061841").siren == "443061841"
