"""Sollicitations: each template from real invoice rows (amounts, dates, interest to the
cent), tracking and the portal's three views, the CSV, the letter read back from its PDF, and
`bordereau tickets list --json`."""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pymupdf
import pytest

from app.db import models
from app.errors import ValidationProblem
from app.services import Services
from app.tickets.catalogue import TO_PUBLIC_ENTITY, TO_RECIPIENT, TicketStatus, TicketView
from app.tickets.templates import Template
from tests.conftest import CORPUS_SAMPLES

SUPPLIER_SIRET = "81234567600017"
COMMUNE = "21290019000010"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_invoice(
    services: Services,
    number: str,
    history: list[tuple[str, date, str | None]],
    *,
    ttc: str = "1200.00",
    recipient: str = "COMMUNE DE BREST",
) -> int:
    with services.context.database.session() as session:
        supplier = session.query(models.SupplierStructure).filter_by(environment="demo").first()
        if supplier is None:
            supplier = models.SupplierStructure(
                environment="demo", siret=SUPPLIER_SIRET, name="ATELIER MARTIN"
            )
            session.add(supplier)
            session.flush()
        status, last_day, comment = history[-1]
        row = models.Invoice(
            local_uid=f"uid-{number}",
            environment="demo",
            supplier_structure_id=supplier.id,
            number=number,
            issue_date=history[0][1],
            recipient_siret=COMMUNE,
            recipient_name=recipient,
            code_service="CULTURE",
            engagement_number="EJ-2024-77",
            total_ht=Decimal(ttc),
            total_ttc=Decimal(ttc),
            amount_due=Decimal(ttc),
            status=status,
            status_at=at(last_day),
            status_comment=comment,
            chorus_invoice_id=abs(hash(number)) % 10_000_000,
            chorus_number=f"CPP-{number}",
            deposit_date=history[0][1],
        )
        for event, day, text in history:
            row.history.append(
                models.StatusHistory(status=event, occurred_at=at(day), comment=text)
            )
        session.add(row)
        session.flush()
        return row.id


def paid_late(services: Services) -> int:
    """domain.md's worked example: 1 200 € to a commune, made available 2024-07-01, paid
    2024-08-30 at 12.25 %: 30 days late, 12.08 € + 40 €."""
    return add_invoice(
        services,
        "F2024-031",
        [
            ("DEPOSEE", date(2024, 6, 28), None),
            ("MISE_A_DISPOSITION", date(2024, 7, 1), None),
            ("MISE_EN_PAIEMENT", date(2024, 8, 30), None),
        ],
    )


def test_late_payment_template_states_the_facts_to_the_cent(services: Services) -> None:
    invoice_id = paid_late(services)
    assert Template.LATE_PAYMENT in services.tickets.templates(invoice_id)
    ticket_id = services.tickets.from_invoice(invoice_id, Template.LATE_PAYMENT)
    record = services.tickets.get(ticket_id)
    draft = record.draft
    assert (draft.category, draft.subcategory) == ("Factures émises", TO_RECIPIENT)
    assert (draft.object_type, draft.object_number) == ("Facture", "F2024-031")
    assert (draft.supplier_siret, draft.supplier_name) == (SUPPLIER_SIRET, "ATELIER MARTIN")
    assert (draft.recipient_siret, draft.recipient_name) == (COMMUNE, "COMMUNE DE BREST")
    assert draft.title == "Retard de paiement de la facture F2024-031 : intérêts moratoires"
    text = draft.description.replace("\u202f", " ").replace("\xa0", " ")
    for fact in (
        "déposée sur Chorus Pro le 28/06/2024 (n° Chorus Pro CPP-F2024-031)",
        "mise à votre disposition le 01/07/2024",
        "délai global de paiement de 30 jours expirait le 31/07/2024",
        "mise en paiement le 30/08/2024, soit 30 jours après cette échéance",
        "intérêts moratoires de 12,08 € : 1 200,00 € × 12,25 % × 30 / 365",
        "second semestre 2024",
        "indemnité forfaitaire pour frais de recouvrement de 40,00 €",
        "Soit un total de 52,08 €.",
        "R.2192-36",
    ):
        assert fact in text
    assert text.startswith("Madame, Monsieur,") and text.rstrip().endswith(
        f"SIRET {SUPPLIER_SIRET}"
    )
    assert record.status is TicketStatus.DRAFT


def test_late_payment_of_an_unpaid_invoice_counts_to_today(services: Services) -> None:
    today = datetime.now(UTC).astimezone().date()
    available = today - timedelta(days=75)
    invoice_id = add_invoice(
        services,
        "F2026-090",
        [
            ("DEPOSEE", available - timedelta(days=1), None),
            ("MISE_A_DISPOSITION", available, None),
        ],
        ttc="3450.00",
    )
    record = services.tickets.get(services.tickets.from_invoice(invoice_id, Template.LATE_PAYMENT))
    text = record.draft.description.replace("\u202f", " ").replace("\xa0", " ")
    days = 45
    facts = services.tickets.facts(invoice_id)
    rate = facts.invoice.schedule.rate
    assert rate is not None
    interest = (Decimal("3450.00") * rate.percent / 100 * days / 365).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    euros = f"{interest:,.2f}".replace(",", " ").replace(".", ",")
    assert f"le retard atteint {days} jours" in text
    assert f"intérêts moratoires de {euros} €" in text
    assert "sans délai au paiement de la facture" in text
    assert f"arrêté au {today:%d/%m/%Y}" in text


def test_a_template_that_does_not_fit_is_refused(services: Services) -> None:
    on_time = add_invoice(
        services,
        "F2026-100",
        [("DEPOSEE", date(2026, 11, 20), None), ("MISE_A_DISPOSITION", date(2026, 11, 21), None)],
    )
    assert services.tickets.templates(on_time) == [Template.ROUTING_REQUEST]
    with pytest.raises(ValidationProblem, match="pas en retard"):
        services.tickets.from_invoice(on_time, Template.LATE_PAYMENT)


def test_rejection_question_quotes_the_reason(services: Services) -> None:
    invoice_id = add_invoice(
        services,
        "F2026-041",
        [
            ("DEPOSEE", date(2026, 10, 2), None),
            ("MISE_A_DISPOSITION", date(2026, 10, 3), None),
            ("REJETEE", date(2026, 10, 9), "Numéro d'engagement inconnu du service"),
        ],
    )
    assert Template.REJECTION_QUESTION in services.tickets.templates(invoice_id)
    draft = services.tickets.get(
        services.tickets.from_invoice(invoice_id, Template.REJECTION_QUESTION)
    ).draft
    assert draft.title == "Question sur le rejet de la facture F2026-041"
    assert draft.subcategory == TO_RECIPIENT
    assert "a été rejetée le 09/10/2026" in draft.description
    assert "« Numéro d'engagement inconnu du service »" in draft.description
    assert "code service CULTURE, engagement n° EJ-2024-77" in draft.description
    assert "1\u202f200,00\u00a0€ TTC" in draft.description or "1 200,00 € TTC" in (
        draft.description.replace("\u202f", " ").replace("\xa0", " ")
    )


def test_suspended_invoice_lists_the_documents_sent(services: Services) -> None:
    invoice_id = add_invoice(
        services,
        "F2026-052",
        [
            ("DEPOSEE", date(2026, 9, 1), None),
            ("MISE_A_DISPOSITION", date(2026, 9, 2), None),
            ("SUSPENDUE", date(2026, 9, 20), "Bon de livraison manquant"),
            ("COMPLETEE", date(2026, 9, 24), "Bon de livraison signé joint."),
        ],
    )
    stored = services.deposit.store_attachment(CORPUS_SAMPLES / "inv_101_003.pdf")
    with services.context.database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        row.attachments.append(
            models.Attachment(
                role="completer",
                file_name="bon-de-livraison.pdf",
                sha256=stored.sha256,
                size=stored.size,
            )
        )
    assert Template.SUSPENDED_DOCUMENTS in services.tickets.templates(invoice_id)
    record = services.tickets.get(
        services.tickets.from_invoice(invoice_id, Template.SUSPENDED_DOCUMENTS)
    )
    text = record.draft.description
    assert record.draft.title == "Facture F2026-052 suspendue : pièces transmises"
    assert "suspendue le 20/09/2026 avec le motif suivant : « Bon de livraison manquant »" in text
    assert "complété la facture sur Chorus Pro le 24/09/2026" in text
    assert "- bon-de-livraison.pdf" in text
    assert "« Bon de livraison signé joint. »" in text
    assert [item.file_name for item in record.files] == ["bon-de-livraison.pdf"]
    assert (
        services.tickets.file_path(record.id, record.files[0].id).read_bytes().startswith(b"%PDF")
    )


def test_routing_request_goes_to_the_public_entity(services: Services) -> None:
    invoice_id = add_invoice(services, "F2026-060", [("BROUILLON", date(2026, 11, 2), None)])
    draft = services.tickets.get(
        services.tickets.from_invoice(invoice_id, Template.ROUTING_REQUEST)
    ).draft
    assert draft.subcategory == TO_PUBLIC_ENTITY
    assert draft.recipient_siret == COMMUNE
    assert "le code service à indiquer" in draft.description
    assert "numéro d'engagement juridique" in draft.description
    assert "(SIRET 21290019000010)" in draft.description


def test_tracking_moves_tickets_between_the_portal_views(services: Services) -> None:
    late = services.tickets.from_invoice(paid_late(services), Template.LATE_PAYMENT)
    other = services.tickets.new()
    counts = services.tickets.counts()
    assert counts[TicketView.ACTION_REQUIRED] == 2 and counts[TicketView.CLOSED] == 0

    with pytest.raises(ValidationProblem, match="CPROCS"):
        services.tickets.track(late, "12345", TicketStatus.DRAFT)
    services.tickets.track(late, " cprocs0012345 ", TicketStatus.DRAFT)
    record = services.tickets.get(late)
    assert record.portal_number == "CPROCS0012345"
    assert record.status is TicketStatus.OPEN  # a number from the portal: it was sent
    assert [r.id for r in services.tickets.rows(TicketView.ACTION_REQUIRED)] == [other]
    assert {r.id for r in services.tickets.rows(TicketView.NOT_CLOSED)} == {late, other}

    services.tickets.track(late, "CPROCS0012345", TicketStatus.WAITING_FOR_INFORMATION)
    services.tickets.add_note(late, "Le service demande le RIB : envoyé par le portail.")
    assert late in {r.id for r in services.tickets.rows(TicketView.ACTION_REQUIRED)}
    services.tickets.track(late, "CPROCS0012345", TicketStatus.CLOSED)
    assert [r.id for r in services.tickets.rows(TicketView.CLOSED)] == [late]
    assert late not in {r.id for r in services.tickets.rows(TicketView.NOT_CLOSED)}
    notes = [note.text for note in services.tickets.get(late).notes]
    assert notes == [
        "Sollicitation préparée.",
        "Créée sur le portail sous le numéro CPROCS0012345.",
        "Statut : Brouillon → Ouvert.",
        "Statut : Ouvert → En attente d'informations.",
        "Le service demande le RIB : envoyé par le portail.",
        "Statut : En attente d'informations → Fermé.",
    ]
    # keyword search, without case or accents
    assert [r.id for r in services.tickets.rows(None, "interets F2024-031")] == [late]
    assert [r.id for r in services.tickets.rows(None, "cprocs0012345")] == [late]
    assert services.tickets.rows(None, "introuvable") == []
    services.tickets.delete(other)
    assert [r.id for r in services.tickets.rows()] == [late]


def test_portal_text_csv_and_letter(services: Services, tmp_path: Path) -> None:
    ticket_id = services.tickets.from_invoice(paid_late(services), Template.LATE_PAYMENT)
    services.tickets.track(ticket_id, "CPROCS0099", TicketStatus.OPEN)
    services.tickets.add_file(ticket_id, CORPUS_SAMPLES / "inv_101_003.pdf")
    text = services.tickets.portal_text(ticket_id)
    order = [
        "Catégorie : Factures émises",
        f"Sous-catégorie : {TO_RECIPIENT}",
        "Type d'objet : Facture",
        "N° objet : F2024-031",
        f"Structure émettrice : ATELIER MARTIN (SIRET {SUPPLIER_SIRET})",
        f"Organisation destinataire : COMMUNE DE BREST (SIRET {COMMUNE})",
        "Titre : Retard de paiement",
        "Description :",
        "Pièces jointes : inv_101_003.pdf",
    ]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)

    target = services.tickets.export(services.tickets.rows(), tmp_path / "sollicitations.csv")
    with target.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream, delimiter=";"))
    assert lines[0][:3] == ["N° de sollicitation", "Statut", "Titre"]
    assert lines[1][:2] == ["CPROCS0099", "Ouvert"] and lines[1][6] == "F2024-031"

    letter = services.tickets.export_letter(ticket_id, tmp_path / "lettre.pdf")
    with pymupdf.open(letter) as document:
        extracted = " ".join(page.get_text() for page in document)
    words = " ".join(extracted.replace("\u202f", " ").replace("\xa0", " ").split())
    for fact in (
        "Mise en demeure",
        "Lettre recommandée avec accusé de réception",
        "ATELIER MARTIN",
        f"SIRET {COMMUNE}",
        "Facture n° F2024-031",
        "sollicitation Chorus Pro n° CPROCS0099",
        "31/07/2024",
        "12,08 €",
        "40,00 €",
        "52,08 €",
        "Pièces jointes : inv_101_003.pdf",
    ):
        assert fact in words, fact


def test_long_letters_flow_onto_more_pages(services: Services, tmp_path: Path) -> None:
    ticket_id = services.tickets.new()
    record = services.tickets.get(ticket_id)
    paragraph = "Nous détaillons ici chaque échange avec le service. " * 12
    long = "\n\n".join(f"{n}. {paragraph}" for n in range(30))
    from dataclasses import replace

    services.tickets.save(ticket_id, replace(record.draft, title="Historique", description=long))
    letter = services.tickets.export_letter(ticket_id, tmp_path / "long.pdf")
    with pymupdf.open(letter) as document:
        assert document.page_count > 2
        assert "29. Nous détaillons" in document[-1].get_text()


def test_tickets_list_json_on_the_command_line(
    services: Services, subprocess_env: dict[str, str], bordereau_cmd: list[str]
) -> None:
    ticket_id = services.tickets.from_invoice(paid_late(services), Template.LATE_PAYMENT)
    services.tickets.track(ticket_id, "CPROCS0042", TicketStatus.OPEN)
    services.close()
    result = subprocess.run(
        [*bordereau_cmd, "tickets", "list", "--json"],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    listed = json.loads(result.stdout)
    assert listed == [
        {
            "id": ticket_id,
            "portal_number": "CPROCS0042",
            "status": "OUVERT",
            "status_label": "Ouvert",
            "title": "Retard de paiement de la facture F2024-031 : intérêts moratoires",
            "category": "Factures émises",
            "subcategory": TO_RECIPIENT,
            "object_type": "Facture",
            "object_number": "F2024-031",
            "recipient_siret": COMMUNE,
            "recipient_name": "COMMUNE DE BREST",
            "created_at": listed[0]["created_at"],
            "updated_at": listed[0]["updated_at"],
        }
    ]
    datetime.fromisoformat(listed[0]["updated_at"])
    closed = subprocess.run(
        [*bordereau_cmd, "tickets", "list", "--view", "clotures", "--json"],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(closed.stdout) == []
