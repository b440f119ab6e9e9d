"""Each check before sending, with its French message at its field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.deposit.checks import CheckContext, Issue, blocking, check_invoice
from app.directory.store import Service, Structure
from app.domain.cadres import CadreFacturation
from app.domain.enums import TypeFacture, TypeTva
from app.domain.identifiers import STATE_SIRET
from app.domain.invoice import AttachmentRef, Invoice, Recipient, References, Totals, VatLine
from app.simulator.seed import siret_for

TODAY = date(2026, 11, 22)
COMMUNE = siret_for(1, "2169")
WRONG_KEY = COMMUNE[:-1] + str((int(COMMUNE[-1]) + 1) % 10)
MENTIONS = (
    "TVA non applicable, art. 293 B du CGI. Pénalités de retard : 3 fois le taux d'intérêt "
    "légal. Indemnité forfaitaire pour frais de recouvrement : 40 €."
)


def good_invoice() -> Invoice:
    return Invoice(
        number="F2026-042",
        issue_date=date(2026, 11, 20),
        recipient=Recipient(siret=COMMUNE, code_service="SERV_TECH"),
        references=References(engagement_number="EJ123"),
        totals=Totals(
            total_ht=Decimal("900.00"),
            total_tva=Decimal("0.00"),
            total_ttc=Decimal("900.00"),
            amount_due=Decimal("900.00"),
        ),
        vat_lines=[VatLine(Decimal(0), Decimal("900.00"), Decimal("0.00"))],
        main_attachment=AttachmentRef("F2026-042.pdf", "0" * 64, 50_000),
    )


def good_context(**changes: object) -> CheckContext:
    context = CheckContext(
        today=TODAY,
        recipient=Structure(COMMUNE, "COMMUNE DE SAINT-GENIS-LAVAL", service_required=True),
        recipient_services=[Service("SERV_TECH", "Services techniques")],
        document_text=MENTIONS,
    )
    for name, value in changes.items():
        setattr(context, name, value)
    return context


def test_a_correct_invoice_passes() -> None:
    assert check_invoice(good_invoice(), good_context()) == []


def _with(**changes: object) -> Callable[[Invoice], None]:
    def change(invoice: Invoice) -> None:
        for path, value in changes.items():
            target: object = invoice
            *parents, last = path.split("__")
            for parent in parents:
                target = getattr(target, parent)
            setattr(target, last, value)

    return change


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (_with(number=""), "number", "obligatoire"),
        (_with(number="F" * 21), "number", "dépasse 20 caractères"),
        (_with(number="F 2026#1"), "number", "lettres, des chiffres"),
        (_with(issue_date=None), "issue_date", "obligatoire"),
        (_with(issue_date=TODAY + timedelta(days=1)), "issue_date", "dans le futur"),
        (_with(recipient__siret=WRONG_KEY), "recipient.siret", "clé de contrôle"),
        (_with(recipient__siret=COMMUNE[:13]), "recipient.siret", "14 chiffres"),
        (_with(recipient__code_service=None), "recipient.code_service", "exige un code service"),
        (_with(recipient__code_service="NOPE"), "recipient.code_service", "n'existe pas"),
        (
            _with(recipient__code_service="FACTURES_PUBLIQUES"),
            "recipient.code_service",
            "réservé aux factures entre entités publiques",
        ),
        (
            _with(references__engagement_number="E" * 51),
            "references.engagement_number",
            "dépasse 50",
        ),
        (
            _with(totals__total_ttc=Decimal("901.00"), totals__amount_due=Decimal("901.00")),
            "totals.total_ttc_before_discount",
            "HT + TVA",
        ),
        (
            _with(
                totals__entered_ttc_before_discount=Decimal("900.00"),
                totals__global_discount_ttc=Decimal("10.00"),
                totals__global_discount_reason="Remise fidélité",
                totals__amount_due=Decimal("890.00"),
            ),
            "totals.total_ttc_after_discount",
            "TTC avant remise − remise",
        ),
        (_with(totals__amount_due=Decimal("950.00")), "totals.amount_due", "dépasse le TTC"),
        (_with(totals__total_ht=Decimal("-900.00")), "totals", "toujours positifs"),
        (
            _with(
                totals__global_discount_ttc=Decimal("10.00"),
                totals__total_ttc=Decimal("890.00"),
                totals__amount_due=Decimal("890.00"),
            ),
            "totals.global_discount_reason",
            "motif de la remise",
        ),
        (
            _with(vat_lines=[VatLine(Decimal(20), Decimal("800.00"), Decimal("0.00"))]),
            "vat_lines",
            "détail de la TVA",
        ),
        (_with(main_attachment=None), "main_attachment", "Joignez le PDF"),
        (
            _with(main_attachment=AttachmentRef("f" * 47 + ".pdf", "0" * 64, 10)),
            "attachments",
            "plus de 50 caractères",
        ),
        (
            _with(main_attachment=AttachmentRef("gros.pdf", "0" * 64, 11 * 1024 * 1024)),
            "attachments",
            "dépasse 10 Mo",
        ),
        (
            _with(
                other_attachments=[
                    AttachmentRef(f"piece-{i}.pdf", "0" * 64, 9 * 1024 * 1024) for i in range(14)
                ]
            ),
            "attachments",
            "120 Mo au total",
        ),
        (
            _with(references__invoice_type=TypeFacture.AVOIR),
            "references.original_invoice_number",
            "numéro de la facture qu'il corrige",
        ),
        (
            _with(references__vat_type=TypeTva.EXONERATION),
            "references.vat_exemption_reason",
            "motif d'exonération",
        ),
        (
            _with(framework__code=CadreFacturation.A9),
            "framework.validator_siret",
            "SIRET du valideur",
        ),
    ],
)
def test_each_blocking_check_names_its_field(
    change: Callable[[Invoice], None], field: str, message: str
) -> None:
    invoice = good_invoice()
    change(invoice)
    issues = blocking(check_invoice(invoice, good_context()))
    assert any(i.field == field and message in i.message for i in issues), issues


def test_duplicate_numbers_locally_and_on_the_platform() -> None:
    local = check_invoice(good_invoice(), good_context(deposited_numbers={"F2026-042"}))
    online = check_invoice(good_invoice(), good_context(number_on_platform=True))
    for issues in (local, online):
        assert issues == [Issue("number", issues[0].message)]
        assert "déjà été déposée" in issues[0].message


def test_the_state_needs_service_and_engagement() -> None:
    invoice = good_invoice()
    invoice.recipient = Recipient(siret=STATE_SIRET, code_service="MINARM75")
    invoice.references.engagement_number = None
    context = good_context(
        recipient=Structure(STATE_SIRET, "ETAT"),
        recipient_services=[Service("MINARM75", "Armées", engagement_required=True)],
    )
    issues = blocking(check_invoice(invoice, context))
    assert [i.field for i in issues] == ["references.engagement_number"]


def test_inactive_recipient_blocks_and_unknown_recipient_warns() -> None:
    inactive = good_context(recipient=Structure(COMMUNE, "ANCIENNE COMMUNE", active=False))
    assert any("inactive" in i.message for i in blocking(check_invoice(good_invoice(), inactive)))
    unknown = check_invoice(good_invoice(), good_context(recipient=None, recipient_services=[]))
    assert unknown and not blocking(unknown) and "pas dans l'annuaire" in unknown[0].message


def test_mandatory_mentions_are_advice_not_blocking() -> None:
    issues = check_invoice(good_invoice(), good_context(document_text="Facture F2026-042"))
    assert {i.field for i in issues} == {"mentions"} and not blocking(issues)
    texts = " ".join(i.message for i in issues)
    assert "293 B" in texts and "pénalités de retard" in texts and "40 €" in texts


def test_mentions_present_give_no_advice() -> None:
    text = (
        "TVA non applicable, art. 293 B du CGI. Pénalités de retard : trois fois le taux "
        "d'intérêt légal. Indemnité forfaitaire pour frais de recouvrement : 40 €."
    )
    assert check_invoice(good_invoice(), good_context(document_text=text)) == []


def test_an_old_invoice_is_only_a_warning() -> None:
    invoice = replace(good_invoice(), issue_date=TODAY - timedelta(days=400))
    issues = check_invoice(invoice, good_context())
    assert issues and not blocking(issues) and "plus d'un an" in issues[0].message
