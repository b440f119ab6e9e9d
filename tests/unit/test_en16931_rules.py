"""Every Factur-X Bordereau writes keeps the EN 16931 business rules (issue 25), and a file
that breaks one is refused with the rule named, in French. Each test cites its rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from app.deposit.en16931 import broken_rules
from app.deposit.facturx_writer import FacturxError, Seller, cii_invoice, embed_facturx
from app.domain.enums import ModePaiement, TypeFacture, TypeTva
from app.domain.invoice import Invoice, References, Totals, VatLine
from app.domain.protocol import CII_NAMESPACES
from app.simulator.seed import siret_for
from tests.support.facturx_sample import sample_invoice

SELLER_SIRET = siret_for(1, "8123")
BUYER = siret_for(4, "2129")
IBAN = "FR7630006000011234567890189"
SELLER = Seller(SELLER_SIRET, "ATELIER MARTIN", "FR12812345676", IBAN, "AGRIFRPP")


def invoice(number: str, **changes: object) -> Invoice:
    return sample_invoice(number, **changes)


def totals(ht: str, tva: str, ttc: str, due: str | None = None) -> Totals:
    return Totals(Decimal(ht), Decimal(tva), Decimal(ttc), amount_due=Decimal(due or ttc))


CASES = [
    invoice("VIREMENT"),
    invoice(
        "CHEQUE",
        references=References(vat_type=TypeTva.TVA_SUR_DEBIT, payment_mode=ModePaiement.CHEQUE),
    ),
    invoice(
        "PRELEVEMENT",
        references=References(
            vat_type=TypeTva.TVA_SUR_DEBIT, payment_mode=ModePaiement.PRELEVEMENT
        ),
    ),
    invoice("ACOMPTE", totals=totals("1000.00", "200.00", "1200.00", "840.00")),
    invoice(
        "FRANCHISE",
        references=References(vat_type=TypeTva.SANS_TVA),
        totals=totals("90.00", "0.00", "90.00"),
        vat_lines=[],
    ),
    invoice(
        "EXONERATION",
        references=References(
            vat_type=TypeTva.EXONERATION, vat_exemption_reason="Exonération, art. 261 du CGI"
        ),
        totals=totals("500.00", "0.00", "500.00"),
        vat_lines=[VatLine(Decimal("0"), Decimal("500.00"), Decimal("0.00"))],
    ),
    invoice(
        "AVOIR",
        references=References(
            invoice_type=TypeFacture.AVOIR,
            vat_type=TypeTva.TVA_SUR_DEBIT,
            original_invoice_number="VIREMENT",
        ),
    ),
    invoice(
        "TROIS-TAUX",
        totals=totals("600.00", "81.00", "681.00"),
        vat_lines=[
            VatLine(Decimal("20"), Decimal("300.00"), Decimal("60.00")),
            VatLine(Decimal("10"), Decimal("100.00"), Decimal("10.00")),
            VatLine(Decimal("5.5"), Decimal("200.00"), Decimal("11.00")),
        ],
    ),
    invoice(
        "ARRONDI",
        totals=totals("33.33", "6.67", "40.00"),
        vat_lines=[VatLine(Decimal("20"), Decimal("33.33"), Decimal("6.67"))],
    ),
]


@pytest.mark.parametrize("made", CASES, ids=lambda made: made.number)
def test_bordereaus_facturx_breaks_no_rule(made: Invoice) -> None:
    """BR-01…BR-07, BR-49, BR-CO-10, BR-CO-13…16, BR-S-08, BR-S-09, BR-E-08, BR-E-10,
    BR-S-02, BR-61: none broken, whatever the payment means, VAT regime or prepaid amount."""
    assert broken_rules(cii_invoice(made, SELLER)) == []


def test_a_prepaid_amount_is_written_so_that_the_due_amount_adds_up() -> None:
    """BR-CO-16: amount due = total with VAT − paid amount (BT-113)."""
    xml = cii_invoice(
        invoice("ACOMPTE", totals=totals("1000.00", "200.00", "1200.00", "840.00")), SELLER
    )
    root = etree.fromstring(xml)
    prepaid = root.findtext(".//ram:TotalPrepaidAmount", namespaces=CII_NAMESPACES)
    assert prepaid == "360.00"


def test_a_transfer_carries_the_payees_iban_and_bic() -> None:
    """BR-61 / CII-SR-470: the payment account identifier (BT-84) for a credit transfer."""
    root = etree.fromstring(cii_invoice(invoice("VIREMENT"), SELLER))
    assert root.findtext(".//ram:IBANID", namespaces=CII_NAMESPACES) == IBAN
    assert root.findtext(".//ram:BICID", namespaces=CII_NAMESPACES) == "AGRIFRPP"


def test_a_transfer_without_an_iban_is_not_written() -> None:
    """BR-61: without the IBAN, the Factur-X option says what is missing."""
    with pytest.raises(FacturxError, match="IBAN"):
        cii_invoice(invoice("VIREMENT"), Seller(SELLER_SIRET, "ATELIER MARTIN", "FR12812345676"))


def _without(xml: bytes, path: str) -> bytes:
    root = etree.fromstring(xml)
    for node in root.findall(path, CII_NAMESPACES):
        node.getparent().remove(node)
    return bytes(etree.tostring(root))


def _with_text(xml: bytes, path: str, text: str) -> bytes:
    root = etree.fromstring(xml)
    node = root.find(path, CII_NAMESPACES)
    assert node is not None
    node.text = text
    return bytes(etree.tostring(root))


def test_broken_files_are_refused_with_the_rule_named_in_french() -> None:
    good = cii_invoice(invoice("VIREMENT"), SELLER)
    no_iban = _without(good, ".//ram:PayeePartyCreditorFinancialAccount")
    assert [b.rule for b in broken_rules(no_iban)] == ["BR-61"]
    wrong_due = _with_text(good, ".//ram:DuePayableAmount", "1000.00")
    assert [b.rule for b in broken_rules(wrong_due)] == ["BR-CO-16"]
    no_vat_id = _without(good, ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration")
    assert [b.rule for b in broken_rules(no_vat_id)] == ["BR-S-02"]
    wrong_vat = _with_text(
        good,
        ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount",
        "199.00",
    )
    assert {b.rule for b in broken_rules(wrong_vat)} == {"BR-CO-14", "BR-S-09"}
    no_number = _without(good, "rsm:ExchangedDocument/ram:ID")
    assert [b.rule for b in broken_rules(no_number)] == ["BR-02"]

    with pytest.raises(FacturxError) as refused:
        embed_facturx(b"%PDF-1.4 not used", no_iban)
    assert "règle BR-61" in refused.value.message and "IBAN" in refused.value.message


def test_the_iban_and_bic_typed_in_the_account_are_checked_in_french() -> None:
    from app.account.service import bank_problems

    assert bank_problems("FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP") == []
    assert bank_problems("", "") == []  # optional: asked for only when a transfer needs it
    wrong = bank_problems("FR76 3000 6000 0112 3456 7890 188", "AGRI")
    assert len(wrong) == 2 and wrong[0].startswith("IBAN") and wrong[1].startswith("BIC")
