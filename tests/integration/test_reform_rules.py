"""The reform's French rules (issue 33): every rule of the official BR-FR schematron that
Bordereau's own data can break stops the invoice before it is numbered, with the rule's id
and a French sentence at the field to change; the rules Bordereau writes by itself are shown
to be checked too, on a file broken on purpose; the generator's invoices pass them all."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from app.deposit.official_rules import (
    _ENGINE,
    REFORM_RULES,
    _failures,
    official_report,
    reform_applies,
)
from app.domain.protocol import CII_NAMESPACES
from app.invoicing.cii_writer import written_cii
from app.invoicing.model import CustomerKind, VatRegime, WrittenInvoice
from app.invoicing.service import InvoiceRefused
from app.services import Services
from tests.support.written_invoices import written_invoice

NS = {**CII_NAMESPACES, "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"}
SUITE_SAMPLE = 30  # bench/invoicing.py runs 200


def company_invoice(*, taxed: bool = False) -> WrittenInvoice:
    return next(
        invoice
        for invoice in map(written_invoice, range(40))
        if invoice.customer.kind is CustomerKind.COMPANY
        and invoice.customer.is_french
        and not invoice.is_credit_note
        and (not taxed or invoice.regime is VatRegime.STANDARD)
    )


def public_invoice() -> WrittenInvoice:
    return next(
        invoice
        for invoice in map(written_invoice, range(40))
        if invoice.customer.kind is CustomerKind.PUBLIC and not invoice.is_credit_note
    )


def brfr_rules(xml: bytes) -> list[str]:
    """The BR-FR rules broken, whatever the invoice's processing (as a platform runs them)."""
    broken, _warnings = _failures(_ENGINE.report(xml, REFORM_RULES))
    return sorted(rule.rule for rule in broken)


@pytest.mark.parametrize("index", range(SUITE_SAMPLE))
def test_the_generated_invoices_pass_the_reform_rules(index: int) -> None:
    """Every regime, credit notes, prepaid amounts, discounts and charges, public and
    private customers, abroad too: no BR-FR rule broken, nor any EN 16931 one."""
    xml = written_cii(written_invoice(index))
    assert brfr_rules(xml) == []
    assert official_report(xml).broken == []


def _refused(services: Services, invoice: WrittenInvoice) -> InvoiceRefused:
    with pytest.raises(InvoiceRefused) as refused:
        services.invoicing.write_new(replace(invoice, number=None), today=invoice.issue_date)
    assert services.invoicing.issued_list() == []  # nothing numbered
    return refused.value


@pytest.mark.parametrize(
    ("rule", "change", "field", "said"),
    [
        (
            "BR-FR-23_BT-49",
            {"customer": {"electronic_address": "443000005 service compta"}},
            "customer.electronic_address",
            "ne contient que des lettres",
        ),
        (
            "BR-FR-21_BT-49",
            {"customer": {"electronic_address": "552100554"}},
            "customer.electronic_address",
            "doit commencer par son SIREN",
        ),
        (
            "BR-FR-25_BT-49",
            {"customer": {"electronic_address": "443000005_" + "A" * 130}},
            "customer.electronic_address",
            "125 caractères",
        ),
        (
            "BR-FR-23_BT-34",
            {"seller": {"electronic_address": "812345676/atelier"}},
            "seller.electronic_address",
            "Votre adresse électronique",
        ),
        (
            "BR-FR-25_BT-34",
            {"seller": {"electronic_address": "812345676_" + "B" * 130}},
            "seller.electronic_address",
            "125 caractères",
        ),
    ],
)
def test_a_rule_the_user_s_data_breaks_stops_the_invoice_at_its_field(
    services: Services, rule: str, change: dict[str, dict[str, str]], field: str, said: str
) -> None:
    invoice = company_invoice()
    if "customer" in change:
        invoice = replace(invoice, customer=replace(invoice.customer, **change["customer"]))
    if "seller" in change:
        invoice = replace(invoice, seller=replace(invoice.seller, **change["seller"]))
    refused = _refused(services, invoice)
    broken = {problem.rule: problem for problem in refused.problems}  # type: ignore[union-attr]
    assert rule in broken, list(broken)
    assert broken[rule].field == field and said in broken[rule].message
    assert f"règle {rule}" in refused.message


def test_br_fr_co_09_an_invoice_said_already_paid_is_paid_in_full(services: Services) -> None:
    """« Déjà payée » (a company's, or a public customer's Chorus Pro A2): BT-23 B2/S2/M2,
    what was received is the total, nothing is due — and a file that says otherwise is
    stopped by BR-FR-CO-09."""
    for invoice in (
        replace(company_invoice(), paid=True, prepaid=Decimal(0)),
        replace(public_invoice(), cadre="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"),
    ):
        assert invoice.framework.endswith("2")
        xml = written_cii(invoice)
        assert brfr_rules(xml) == []
        issued = services.invoicing.write_new(
            replace(invoice, number=None), today=invoice.issue_date
        )
        assert issued.invoice.number
    broken = _broken_on_purpose(
        written_cii(replace(company_invoice(), paid=True)),
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
        "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TotalPrepaidAmount",
        "1.00",
    )
    rules = {problem.rule: problem for problem in official_report(broken).broken}
    assert "BR-FR-CO-09_BT-23-1" in rules and rules["BR-FR-CO-09_BT-23-1"].field == "prepaid"
    assert "déjà payée" in rules["BR-FR-CO-09_BT-23-1"].message


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ("BR-FR-11_BT-47", "customer.siren"),  # the buyer's SIREN
        ("BR-FR-CO-07_BT-9", "payment.due_date"),  # a due date before the invoice's
        ("BR-FR-16_BT-152", "lines.1.vat_rate"),  # a VAT rate France does not have
    ],
)
def test_what_the_mentions_stop_first_never_reaches_the_rules(
    services: Services, rule: str, field: str
) -> None:
    """Bordereau's own checks say these at the field before the official rules run."""
    invoice = company_invoice(taxed=True)
    if rule.startswith("BR-FR-11"):
        invoice = replace(invoice, customer=replace(invoice.customer, siren=None))
    elif rule.startswith("BR-FR-CO-07"):
        early = invoice.issue_date.replace(day=1) if invoice.issue_date.day > 1 else None
        assert early is not None
        invoice = replace(invoice, payment=replace(invoice.payment, due_date=early))
    else:
        invoice = replace(
            invoice, lines=(replace(invoice.lines[0], vat_rate=Decimal("19")), *invoice.lines[1:])
        )
    refused = _refused(services, invoice)
    assert field in [problem.field for problem in refused.problems]  # type: ignore[union-attr]


def _broken_on_purpose(xml: bytes, path: str, change: str) -> bytes:
    root = etree.fromstring(xml)
    node = root.find(path, NS)
    assert node is not None, path
    if change == "remove":
        node.getparent().remove(node)
    else:
        node.text = change
    return etree.tostring(root)


AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"


SELLER = f"{AGREEMENT}/ram:SellerTradeParty"
BUYER = f"{AGREEMENT}/ram:BuyerTradeParty"
FRAMEWORK = (
    "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
)
PMT_NOTE = "rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode='PMT']"


@pytest.mark.parametrize(
    ("rule", "path", "change"),
    [
        ("BR-FR-08_BT-23", FRAMEWORK, "A1"),
        ("BR-FR-10_BT-30", f"{SELLER}/ram:SpecifiedLegalOrganization", "remove"),
        ("BR-FR-13_BT-34", f"{SELLER}/ram:URIUniversalCommunication", "remove"),
        ("BR-FR-12_BT-49", f"{BUYER}/ram:URIUniversalCommunication", "remove"),
        ("BR-FR-09_BT-46", f"{BUYER}/ram:GlobalID", "11000201100044"),
        ("BR-FR-02_BT-1", "rsm:ExchangedDocument/ram:ID", "2026 0001"),
        ("BR-FR-05_BT-22_PMT", PMT_NOTE, "remove"),
    ],
)
def test_what_bordereau_writes_itself_is_checked_by_the_reform_rules(
    rule: str, path: str, change: str
) -> None:
    """A file broken on purpose where Bordereau writes the value itself: the official rule
    stops it, in French."""
    xml = _broken_on_purpose(written_cii(public_invoice()), path, change)
    broken = {problem.rule: problem for problem in official_report(xml).broken}
    assert rule in broken, list(broken)
    assert not broken[rule].message.startswith("la règle dit")  # Bordereau's explanation


def test_a_credit_note_names_its_invoice_and_date_br_fr_co_05() -> None:
    credit = next(invoice for invoice in map(written_invoice, range(40)) if invoice.is_credit_note)
    xml = written_cii(credit)
    assert brfr_rules(xml) == []
    broken = _broken_on_purpose(
        xml,
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
        "ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime",
        "remove",
    )
    assert "BR-FR-CO-05_BT-3" in brfr_rules(broken)


def test_the_reform_governs_invoices_between_french_businesses() -> None:
    """B2B (companies and public buyers in France): BR-FR; abroad and consumers: e-reported,
    the BAR note says so."""
    public, company = public_invoice(), company_invoice()
    assert reform_applies(written_cii(public)) and reform_applies(written_cii(company))
    abroad = next(
        invoice for invoice in map(written_invoice, range(40)) if not invoice.customer.is_french
    )
    assert b"<ram:Content>B2BINT</ram:Content>" in written_cii(abroad)
    assert not reform_applies(written_cii(abroad))
    consumer = replace(company, customer=replace(company.customer, professional=False))
    assert b"<ram:Content>B2C</ram:Content>" in written_cii(consumer)
    assert brfr_rules(written_cii(consumer)) == []  # it passes them all the same


def test_a_warning_of_the_rules_is_kept_apart_and_never_blocks() -> None:
    svrl = b"""<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
      <svrl:failed-assert id="FX-1" flag="warning"><svrl:text>[BR-CO-99]-Prudence.</svrl:text>
      </svrl:failed-assert>
      <svrl:failed-assert id="BR-FR-10_BT-30" flag="fatal"><svrl:text>SIREN.</svrl:text>
      </svrl:failed-assert></svrl:schematron-output>"""
    broken, warnings = _failures(svrl)
    assert [rule.rule for rule in broken] == ["BR-FR-10_BT-30"]
    assert [rule.rule for rule in warnings] == ["BR-CO-99"]  # the CEN rule behind its id
