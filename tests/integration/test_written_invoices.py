"""Saisir une facture (issue 24), for real: generated invoices of every kind pass the Factur-X
XSD and the official EN 16931 schematron; the PDF is PDF/A-3 with the XML embedded; the
prefill reads every field back; numbers are given at issue, in one continuous series per
year even with two processes issuing at once, on SQLite and on PostgreSQL; an issued
invoice never changes and is corrected by a credit note."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pymupdf
import pytest
from facturx import get_xml_from_pdf, xml_check_xsd
from sqlalchemy import select

from app.db import models
from app.deposit.official_rules import official_broken_rules
from app.errors import ValidationProblem
from app.invoicing import storage
from app.invoicing.cii_writer import written_cii
from app.invoicing.model import CustomerKind, DocumentType, WrittenInvoice
from app.invoicing.pdf import invoice_pdf
from app.invoicing.service import InvoiceRefused
from app.invoicing.totals import totals_of
from app.paths import resolve_paths
from app.prefill.facturx_reader import read_facturx
from app.services import Services
from app.simulator.seed import siret_for
from tests.support.written_invoices import written_invoice

SUITE_SAMPLE = 25  # bench/invoicing.py runs 200


@pytest.mark.parametrize("index", range(SUITE_SAMPLE))
def test_generated_invoices_pass_the_xsd_and_the_official_rules(index: int) -> None:
    """Every regime (S, E/VATEX-FR-FRANCHISE, AE, K, G), 1–40 lines, line discounts, global
    discounts and charges (BR-CO-11…13), prepaid amounts (BR-CO-16), credit notes (381 with
    BT-25), public structures and companies: zero fatal rule."""
    invoice = written_invoice(index)
    xml = written_cii(invoice)
    xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert [str(rule) for rule in official_broken_rules(xml)] == []


def expected_prefill(invoice: WrittenInvoice) -> dict[str, str | None]:
    totals = totals_of(invoice)
    customer = invoice.customer
    return {
        "invoice_number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "invoice_type": "avoir" if invoice.is_credit_note else "facture",
        "seller_siret": invoice.seller.siret,
        "seller_vat": invoice.seller.vat_number,
        "buyer_siret": customer.siret,
        "order_reference": customer.engagement or customer.purchase_order,
        "total_ht": str(totals.basis),
        "total_tva": str(totals.tax),
        "total_ttc": str(totals.grand_total),
        "amount_due": str(totals.due),
        "currency": "EUR",
    }


def test_the_prefill_reads_every_field_back_from_the_xml() -> None:
    read = wanted = 0
    for index in range(SUITE_SAMPLE):
        invoice = written_invoice(index)
        result = read_facturx(written_cii(invoice))
        assert result is not None
        expected = expected_prefill(invoice)
        wanted += len(expected)
        read += sum(result.fields[name].value == value for name, value in expected.items())
    assert read == wanted  # 100 %


def test_the_pdf_is_pdf_a_3_with_its_factur_x(tmp_path: Path) -> None:
    """Checked with PyMuPDF: an sRGB output intent with its ICC profile; XMP metadata saying
    PDF/A-3 and carrying the Factur-X extension schema (document name, type, version,
    profile); the XML embedded as factur-x.xml, related to the document (/AF) as its
    /Alternative; every font embedded; the page says the invoice's number and total.
    Not verified here: the full PDF/A-3 conformance a validator such as veraPDF checks."""
    invoice = written_invoice(3)
    pdf = invoice_pdf(invoice, written_cii(invoice))
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        catalog = document.pdf_catalog()
        intents = document.xref_get_key(catalog, "OutputIntents")[1]
        intent = int(re.findall(r"(\d+) 0 R", intents)[0])
        assert document.xref_get_key(intent, "S")[1] == "/GTS_PDFA1"
        profile = int(document.xref_get_key(intent, "DestOutputProfile")[1].split()[0])
        assert document.xref_get_key(profile, "N")[1] == "3"
        assert len(document.xref_stream(profile)) > 400
        metadata = document.xref_stream(
            int(document.xref_get_key(catalog, "Metadata")[1].split()[0])
        )
        assert re.search(rb"pdfaid:part[^0-9]{1,3}3", metadata)
        assert b"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in metadata
        assert re.search(rb"fx:ConformanceLevel[^A-Z]{1,3}EN 16931", metadata)
        assert document.embfile_names() == ["factur-x.xml"]
        attached = document.xref_get_key(catalog, "AF")  # an array, or a reference to one
        array = (
            attached[1]
            if attached[0] == "array"
            else document.xref_object(int(attached[1].split()[0]))
        )
        [spec] = [int(found) for found in re.findall(r"(\d+) 0 R", array)]
        assert document.xref_get_key(spec, "AFRelationship")[1] == "/Alternative"
        assert document.xref_get_key(spec, "F")[1] == "factur-x.xml"
        for page in document:  # every font embedded, the page numbers' too
            fonts = page.get_fonts(full=True)
            assert fonts and all(font[1] not in ("n/a", "") for font in fonts), fonts
        assert document.page_count == 2  # a long invoice numbers its pages
        assert f"Facture {invoice.number} — page 2/2" in document[1].get_text()
        text = "".join(page.get_text() for page in document)
    assert f"Facture n° {invoice.number}" in text
    assert "Net à payer" in text or "Net à déduire" in text
    _name, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert xml == written_cii(invoice)


@pytest.fixture
def office(isolated_environment: Path, database_url: str | None) -> Iterator[Services]:
    made = Services(resolve_paths(isolated_environment), database_url=database_url)
    made.context.open_database()
    yield made
    made.close()


@pytest.mark.both_databases
def test_issue_numbers_once_refuses_what_lacks_a_mention_and_keeps_issued_invoices(
    office: Services,
) -> None:
    invoicing = office.invoicing
    DAY = written_invoice(1).issue_date  # noqa: N806  (the due date is 30 days on)
    broken = replace(
        written_invoice(1), number=None, seller=replace(written_invoice(1).seller, registration="")
    )
    draft = invoicing.save_draft(broken)
    with pytest.raises(InvoiceRefused) as refused:
        invoicing.issue(draft, today=DAY)
    assert [p.field for p in refused.value.problems] == ["seller.registration"]  # type: ignore[union-attr]
    assert storage.issued_numbers(office.context.database, 2027) == []  # nothing numbered

    fixed = invoicing.save_draft(replace(broken, seller=written_invoice(1).seller), draft)
    first = invoicing.issue(fixed, today=DAY)
    assert first.invoice.number == "2027-0001" and first.invoice.issue_date == DAY
    again = invoicing.issue(fixed, today=DAY + timedelta(days=1))  # issuing twice changes nothing
    assert again.invoice.number == "2027-0001" and again.pdf_sha256 == first.pdf_sha256
    with pytest.raises(ValidationProblem, match="émise : elle ne change plus"):
        invoicing.save_draft(first.invoice, fixed)

    credit = invoicing.credit_note("2027-0001", line_numbers=[1], today=DAY + timedelta(days=3))
    assert credit.invoice.number == "2027-0002"
    assert credit.invoice.document_type is DocumentType.CREDIT_NOTE
    assert credit.invoice.credited_number == "2027-0001" and len(credit.invoice.lines) == 1
    credit_xml = written_cii(credit.invoice)
    assert official_broken_rules(credit_xml) == []
    assert b"<ram:IssuerAssignedID>2027-0001</ram:IssuerAssignedID>" in credit_xml  # BT-25
    with pytest.raises(ValidationProblem, match="déjà un avoir"):
        invoicing.credit_note("2027-0002")


ISSUER = """
import sys
from dataclasses import replace
from datetime import date
from app.paths import resolve_paths
from app.services import Services
from tests.support.written_invoices import written_invoice

services = Services(resolve_paths(sys.argv[1]), database_url=sys.argv[2] or None)
services.context.open_database()
model = written_invoice(5)  # franchise en base, a company
for index in range(int(sys.argv[3])):
    invoice = replace(model, number=None, lines=model.lines[:2])
    draft = services.invoicing.save_draft(invoice)
    print(services.invoicing.issue(draft, today=invoice.issue_date).invoice.number, flush=True)
services.close()
"""


@pytest.mark.slow
@pytest.mark.both_databases
def test_two_processes_issuing_at_once_get_consecutive_numbers(
    office: Services,
    isolated_environment: Path,
    database_url: str | None,
    subprocess_env: dict[str, str],
) -> None:
    """200 invoices from two processes on one database: 2027-0001 … 2027-0200, no gap, no
    duplicate (the series row serialises the issuers; PDF and number commit together)."""
    each = 100
    command = [
        sys.executable,
        "-c",
        ISSUER,
        str(isolated_environment),
        database_url or "",
        str(each),
    ]
    workers = [
        subprocess.Popen(
            command, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=900) for worker in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-3000:]
    numbers = [line for out, _err in outputs for line in out.split()]
    assert len(numbers) == 2 * each
    assert sorted(numbers) == [f"2027-{n:04d}" for n in range(1, 2 * each + 1)]
    assert storage.issued_numbers(office.context.database, 2027) == sorted(numbers)
    # both processes really issued, interleaved
    assert all(len(out.split()) == each for out, _err in outputs)


def test_the_command_line_writes_an_invoice_and_a_credit_note(
    tmp_path: Path, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    invoice = written_invoice(0)
    profile = tmp_path / "profil.json"
    profile.write_text(json.dumps(storage.invoice_to_json(invoice)["seller"]), "utf-8")
    described = storage.invoice_to_json(invoice)
    for name in ("seller", "number", "issue_date", "delivery_date", "payment"):
        described.pop(name)
    described["payment"] = {"means": "30"}
    source = tmp_path / "facture.json"
    source.write_text(json.dumps(described), "utf-8")

    def bordereau(*args: str) -> dict[str, object]:
        done = subprocess.run(
            [*bordereau_cmd, "invoice", *args],
            env=subprocess_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    bordereau("profile", "--json", str(profile))
    made = bordereau("new", "--json", str(source), "--out", str(tmp_path))
    year = date.today().year
    assert made["number"] == f"{year}-0001" and made["type"] == "380"
    pdf = Path(str(made["pdf"]))
    assert pdf.name == f"Facture {year}-0001.pdf" and pdf.read_bytes().startswith(b"%PDF")
    credit = bordereau("credit", f"{year}-0001", "--out", str(tmp_path))
    assert credit["number"] == f"{year}-0002" and credit["type"] == "381"
    assert credit["total_ttc"] == made["total_ttc"]  # the whole invoice, credited

    wrong = subprocess.run(
        [*bordereau_cmd, "invoice", "credit", "1999-0001"],
        env=subprocess_env,
        capture_output=True,
        text=True,
    )
    assert (
        wrong.returncode == 3
        and "Aucune facture émise ne porte le numéro 1999-0001" in wrong.stderr
    )
    unreadable = tmp_path / "illisible.json"
    unreadable.write_text('{"customer": {"kind": "inconnu"}}', "utf-8")
    refused = subprocess.run(
        [*bordereau_cmd, "invoice", "new", "--json", str(unreadable)],
        env=subprocess_env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 3 and "Facture illisible" in refused.stderr


def test_a_public_customer_is_named_by_siret_and_service_in_the_xml() -> None:
    invoice = next(
        made
        for made in map(written_invoice, range(40))
        if made.customer.kind is CustomerKind.PUBLIC and made.customer.code_service
    )
    xml = written_cii(invoice)
    assert (
        f"<ram:BuyerReference>{invoice.customer.code_service}</ram:BuyerReference>".encode() in xml
    )
    assert f'schemeID="0009">{invoice.customer.siret}<'.encode() in xml


def test_a_written_invoice_goes_to_chorus_pro_is_paid_then_credited(services: Services) -> None:
    """A written invoice to a public structure (demo platform on loopback) goes as its
    Factur-X through deposer/flux and the outbox, is integrated with every line, is followed
    to MISE_EN_PAIEMENT by the sync; a credit note for it is deposited after it."""
    from app.domain.enums import TypeFacture
    from tests.integration.test_deposit_facturx import fast_clock
    from tests.support.chorus import admin

    brest = siret_for(4, "2129")  # in the demo directory: COMMUNE DE BREST, service CULTURE
    services.context.flux_wait_seconds = 60
    model = next(
        made
        for made in map(written_invoice, range(60))
        if made.customer.kind is CustomerKind.PUBLIC and made.regime.value == "standard"
    )
    invoice = replace(
        model,
        number=None,
        customer=replace(
            model.customer,
            siret=brest,
            name="COMMUNE DE BREST",
            code_service="CULTURE",
            engagement=None,
        ),
    )
    today = date.today()
    issued = services.invoicing.write_new(invoice, today=today)
    number = issued.invoice.number or ""
    assert not [issue for issue in services.invoicing.deposit_issues(number) if issue.blocking]
    with fast_clock(services):
        outcome = services.invoicing.send_to_chorus(issued.invoice.number or "")
    assert outcome.state == "done", outcome.message
    platform = services.context.demo_platform()
    with platform.state.lock:
        [flux] = platform.state.fluxes.values()
        assert flux.syntax == "IN_DP_E2_CII_FACTURX" and flux.final_state == "IN_INTEGRE"
        received = platform.state.invoices[outcome.chorus_invoice_id or 0]
        assert received.number == issued.invoice.number
        assert received.total_ttc == totals_of(issued.invoice).grand_total

    admin(platform, f"factures/{outcome.chorus_invoice_id}/action", {"statut": "MISE_EN_PAIEMENT"})
    services.sync.run()
    with services.context.database.session() as session:
        row = session.get(models.Invoice, outcome.invoice_id)
        assert row is not None and row.status == "MISE_EN_PAIEMENT"
        written = session.scalars(
            select(models.WrittenInvoice).where(
                models.WrittenInvoice.number == issued.invoice.number
            )
        ).one()
        assert written.deposit_invoice_id == outcome.invoice_id

    credit = services.invoicing.credit_note(
        issued.invoice.number or "", line_numbers=[1], today=today
    )
    with fast_clock(services):
        credited = services.invoicing.send_to_chorus(credit.invoice.number or "")
    assert credited.state == "done", credited.message
    with platform.state.lock:
        on_platform = platform.state.invoices[credited.chorus_invoice_id or 0]
        assert on_platform.type_facture == TypeFacture.AVOIR.value
        assert on_platform.origin_number == issued.invoice.number


def test_a_public_customer_s_service_or_engagement_is_asked_as_the_directory_says(
    services: Services,
) -> None:
    """The directory's rules apply to a written invoice as to a dropped one: Brest wants a
    service or an engagement number; without either, the invoice is not issued."""
    brest = siret_for(4, "2129")
    assert services.directory.lookup_online(brest) is not None
    model = next(
        made
        for made in map(written_invoice, range(60))
        if made.customer.kind is CustomerKind.PUBLIC
    )
    bare = replace(
        model,
        number=None,
        issue_date=date.today(),
        customer=replace(model.customer, siret=brest, code_service=None, engagement=None),
    )
    problems = services.invoicing.form_problems(bare)
    assert [p.field for p in problems] == ["customer.code_service"]
    assert "service" in problems[0].message
    with pytest.raises(InvoiceRefused):
        services.invoicing.write_new(bare, today=date.today())
    with_service = replace(bare, customer=replace(bare.customer, code_service="CULTURE"))
    assert services.invoicing.form_problems(with_service) == []
    # a subcontractor's invoice (cadre A9) names the structure that validates it
    subcontracted = replace(with_service, cadre="A9_FACTURE_SOUSTRAITANT")
    assert [p.field for p in services.invoicing.form_problems(subcontracted)] == ["validator_siret"]
    validated = replace(subcontracted, validator_siret=siret_for(7, "2133"))
    assert services.invoicing.form_problems(validated) == []
    xml = written_cii(replace(validated, number="2026-0099"))
    assert b"<ram:BusinessProcessSpecifiedDocumentContextParameter>" in xml
    assert b"<ram:ID>S5</ram:ID>" in xml  # BT-23: the reform's subcontracting (Chorus Pro A9)


def test_the_prefill_reads_the_page_alone_without_the_xml(tmp_path: Path) -> None:
    """The printed page says everything too: with the XML removed, the prefill reads every
    field of an invoice of each regime and of a credit note (bench/invoicing.py: 40)."""
    from app.invoicing.pdf import page_pdf
    from app.prefill.engine import prefill

    for index in (0, 1, 2, 3, 4, 6):
        invoice = written_invoice(index)
        page = tmp_path / f"{index}.pdf"
        page.write_bytes(page_pdf(invoice))  # no Factur-X inside
        result = prefill(page, own_siret=invoice.seller.siret)
        read = {name: result.value(name) for name in expected_prefill(invoice)}
        assert read == expected_prefill(invoice), (index, invoice.regime)
