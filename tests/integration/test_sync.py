"""Sync against the simulator: buyers move invoices over simulated weeks; a sync brings every
change home once, imports what was deposited on the portal, and asks only what it needs."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.db import models
from app.domain.invoice import Invoice, Recipient, Totals, VatLine
from app.services import Services
from app.simulator.seed import siret_for
from tests.conftest import CORPUS_SAMPLES
from tests.support.chorus import admin, make_client, soumettre_request, upload_pdf

pytestmark = pytest.mark.both_databases

PDF = CORPUS_SAMPLES / "inv_101_003.pdf"
BREST = siret_for(4, "2129")


def deposit(services: Services, number: str) -> int:
    invoice = Invoice(
        number=number,
        issue_date=date(2026, 11, 20),
        recipient=Recipient(BREST, "CULTURE", "COMMUNE DE BREST"),
        totals=Totals(
            Decimal("250.00"), Decimal("0.00"), Decimal("250.00"), amount_due=Decimal("250.00")
        ),
        vat_lines=[VatLine(Decimal(0), Decimal("250.00"), Decimal("0.00"))],
    )
    outcome = services.deposit.submit(invoice, PDF)
    assert outcome.state == "done", outcome.message
    assert outcome.chorus_invoice_id is not None
    return outcome.chorus_invoice_id


def rows(services: Services) -> dict[str, models.Invoice]:
    with services.context.database.session() as session:
        found = session.scalars(select(models.Invoice)).all()
        session.expunge_all()
        return {row.number: row for row in found}


def test_sync_follows_the_buyers_and_imports_portal_deposits(services: Services) -> None:
    simulator = services.context.demo_platform()
    admin(simulator, "comportements", {"prochains": ["payee", "suspendue", "rejetee"]})
    ids = [deposit(services, f"SYNC-{n}") for n in range(3)]
    # Deposited on the portal (not from Bordereau): the sync must import it.
    with make_client(simulator) as other:
        supplier = services.context.supplier_id(other)
        attachment = upload_pdf(other)
        other.soumettre(
            soumettre_request(
                "PORTAIL-1",
                supplier_id=supplier,
                recipient_siret=BREST,
                attachment_id=attachment,
                service="CULTURE",
            )
        )

    first = services.sync.run()
    assert first.since is None
    assert {c.number for c in first.changes if c.previous is None} == {"PORTAIL-1"}
    assert first.imported == 1

    admin(simulator, "horloge", {"jours": 60})
    second = services.sync.run()
    moved = {c.number: c.current for c in second.changes}
    expected = {
        number: simulator.state.invoices[chorus_id].status
        for number, chorus_id in zip(("SYNC-0", "SYNC-1", "SYNC-2"), ids, strict=True)
    }
    assert {number: moved[number] for number in expected} == expected
    assert expected["SYNC-0"] == "MISE_EN_PAIEMENT"
    assert expected["SYNC-1"] in ("SUSPENDUE", "A_COMPLETER")
    assert expected["SYNC-2"] == "REJETEE"
    assert second.history_calls == len(second.changes)

    local = rows(services)
    for number, status in expected.items():
        assert local[number].status == status
    with services.context.database.session() as session:
        history = session.scalars(
            select(models.StatusHistory.status)
            .join(models.Invoice)
            .where(models.Invoice.number == "SYNC-0")
        ).all()
    assert {"DEPOSEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT"} <= set(history)
    assert len(history) == len(set(history))  # each status once, whatever the order it came

    third = services.sync.run()
    assert third.changes == [] and third.history_calls == 0
    assert len(rows(services)) == 4  # nothing duplicated


def test_sync_offline_says_so_and_keeps_everything(services: Services) -> None:
    deposit(services, "HORS-LIGNE-1")
    services.sync.run()
    simulator = services.context.demo_platform()
    admin(simulator, "pannes", {"taux": 1.0, "types": ["500"]})
    from app.chorus.errors import ChorusError

    with pytest.raises(ChorusError) as caught:
        services.sync.run()
    assert "Chorus Pro" in caught.value.message
    admin(simulator, "pannes", {"taux": 0.0})
    assert rows(services)["HORS-LIGNE-1"].status == "DEPOSEE"
    services.sync.run()
    assert len(rows(services)) == 1


def run_bordereau(
    bordereau_cmd: list[str], env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*bordereau_cmd, *args], env=env, capture_output=True, timeout=120, check=False
    )


def test_sync_command_line(
    services: Services, subprocess_env: dict[str, str], bordereau_cmd: list[str]
) -> None:
    result = run_bordereau(bordereau_cmd, subprocess_env, "sync", "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["factures_lues"] == 0 and data["changements"] == []


def test_invoices_list_gives_deadlines_interest_and_a_spreadsheet_csv(
    services: Services, subprocess_env: dict[str, str], bordereau_cmd: list[str]
) -> None:
    simulator = services.context.demo_platform()
    admin(simulator, "comportements", {"prochains": ["paiement_non_remonte"]})
    chorus_id = deposit(services, "RETARD-1")
    admin(simulator, "horloge", {"jours": 90})
    services.sync.run()
    [late] = [item for item in services.invoices.summaries() if item.number == "RETARD-1"]
    history = simulator.state.invoices[chorus_id].history
    made_available = next(h.at for h in history if h.code == "MISE_A_DISPOSITION")
    assert late.schedule.started_on == made_available.date()
    assert late.schedule.due_on is not None and late.schedule.deadline_days == 30
    services.close()  # the subprocess reads the same files

    listed = run_bordereau(bordereau_cmd, subprocess_env, "invoices", "list", "--json")
    assert listed.returncode == 0, listed.stderr.decode()
    [row] = json.loads(listed.stdout)
    assert row["numero"] == "RETARD-1" and row["echeance"] == late.schedule.due_on.isoformat()
    assert row["interets_moratoires"] == str(late.schedule.interest)

    exported = run_bordereau(bordereau_cmd, subprocess_env, "invoices", "list", "--csv")
    assert exported.returncode == 0
    text = exported.stdout.decode("utf-8")
    assert text.startswith("\ufeffNuméro;Type;Destinataire;")
    header, line = text.lstrip("\ufeff").split("\r\n")[:2]
    cells = dict(zip(header.split(";"), line.split(";"), strict=True))
    assert cells["Montant TTC"] == "250,00" and cells["Destinataire"] == "COMMUNE DE BREST"
    assert cells["Date de facture"] == "20/11/2026"
    assert cells["Échéance de paiement"] == late.schedule.due_on.strftime("%d/%m/%Y")


def _platform_invoice(services: Services, number: str) -> int:
    """An invoice the buyer will not move by itself, on the demo platform."""
    from app.simulator.checks import Submission
    from app.simulator.handlers_factures import file_invoice
    from app.simulator.seed import seed_directory

    state = services.context.demo_platform().state
    recipient = next(
        s
        for s in seed_directory()
        if s.active and not (s.service_required or s.engagement_required or s.service_or_engagement)
    )
    with state.lock:
        invoice = file_invoice(state, Submission.entered(number, recipient.siret, Decimal(500)))
        invoice.plan = []
    return invoice.id


def _local_status(services: Services, number: str) -> str:
    with services.context.database.session() as session:
        return session.scalars(
            select(models.Invoice.status).where(models.Invoice.number == number)
        ).one()


def _report_late(services: Services, chorus_id: int, status: str, days_ago: int) -> None:
    """The platform records ``status`` now but dates it ``days_ago`` days in the past."""
    from datetime import UTC, datetime, timedelta

    from app.simulator.buyer import force_status

    state = services.context.demo_platform().state
    with state.lock:
        dated = datetime.now(UTC) - timedelta(days=days_ago)
        force_status(state, state.invoices[chorus_id], status, None, dated)


def test_a_status_reported_late_with_a_past_date_is_not_missed(services: Services) -> None:
    from datetime import UTC, datetime, timedelta

    from app.db.shared import set_shared_setting

    first = _platform_invoice(services, "TARD-1")
    second = _platform_invoice(services, "TARD-2")
    services.sync.run()
    assert _local_status(services, "TARD-1") == "DEPOSEE"

    # Dated two days back: inside the overlap of the incremental search.
    _report_late(services, first, "MISE_A_DISPOSITION", days_ago=2)
    report = services.sync.run()
    assert _local_status(services, "TARD-1") == "MISE_A_DISPOSITION"
    assert not report.rechecked

    # Dated twenty days back: outside any window of the incremental search…
    _report_late(services, second, "MISE_EN_PAIEMENT", days_ago=20)
    services.sync.run()
    assert _local_status(services, "TARD-2") == "DEPOSEE"
    # … and found by the re-check of unfinished invoices, once it is due.
    earlier = datetime.now(UTC) - timedelta(hours=7)
    set_shared_setting(services.context.database, "last_recheck:demo", earlier.isoformat())
    report = services.sync.run()
    assert report.rechecked
    assert _local_status(services, "TARD-2") == "MISE_EN_PAIEMENT"
    assert [c.number for c in report.changes if c.previous is not None] == ["TARD-2"]


def test_the_first_sync_makes_the_list_usable_before_the_histories(services: Services) -> None:
    from app.sync.invoices import LIST_READY

    moving = _platform_invoice(services, "LISTE-1")
    rejected = _platform_invoice(services, "LISTE-2")
    _report_late(services, rejected, "REJETEE", days_ago=1)
    said: list[str] = []
    report = services.sync.run(said.append)
    ready = said.index(LIST_READY)
    assert all(not text.startswith("Historique") for text in said[:ready])
    assert report.imported >= 2 and report.list_seconds > 0
    with services.context.database.session() as session:
        rows = {
            row.number: row
            for row in session.scalars(
                select(models.Invoice).where(models.Invoice.number.in_(["LISTE-1", "LISTE-2"]))
            )
        }
        assert [h.status for h in rows["LISTE-1"].history] == ["DEPOSEE"]  # read during the sync
        assert rows["LISTE-2"].history == []  # finished: read when opened
        rejected_row = rows["LISTE-2"].id
    opened = services.invoices.history(rejected_row)
    assert {line.status for line in opened} >= {"REJETEE", "DEPOSEE"}
    assert moving in services.context.demo_platform().state.invoices
