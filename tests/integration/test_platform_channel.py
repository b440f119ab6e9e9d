"""Issue 34: invoices to companies through a Plateforme Agréée (the demo PA on loopback, built
from the XP Z12-013 OpenAPI): routed by the customer, sent exactly once through the outbox,
followed from Déposée to Encaissée by the lifecycle flows (CDAR), and « Encaissée » sent by
Bordereau — every CDAR judged by the official XSD and BR-FR-CDV schematron."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import models
from app.deposit.official_rules import lifecycle_report
from app.errors import ValidationProblem
from app.invoices.rows import WorkCategory
from app.invoicing.model import Address, Customer, CustomerKind, VatRegime, WrittenInvoice
from app.pa.cdar import read_statuses
from app.services import Services
from app.simulator.pa import UNREACHABLE_DEMO_SIREN, PaSimulator
from tests.support.pa import admin, connect
from tests.support.written_invoices import written_invoice

TILLEULS = Customer(
    CustomerKind.COMPANY,
    "SARL Les Tilleuls",
    Address("4 place du Marché", "33600", "Pessac"),
    siren="443061841",
    vat_number="FR64443061841",
)


def company_invoice(index: int = 0, customer: Customer = TILLEULS) -> WrittenInvoice:
    model = next(
        made
        for made in map(written_invoice, range(index, index + 80))
        if made.regime is VatRegime.STANDARD and not made.is_credit_note and not made.prepaid
    )
    return replace(model, number=None, customer=customer)


def history(services: Services, invoice_id: int) -> list[str]:
    with services.context.database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        return [line.status for line in row.history]


def assert_official(xml: bytes) -> None:
    report = lifecycle_report(xml)
    assert report.broken == [], report.broken


def test_a_company_invoice_goes_to_the_pa_and_is_followed_to_encaissee(
    services: Services,
) -> None:
    pa = services.context.demo_pa()
    pa.state.config.lifecycle_schedule = ()  # the customer acts when the test says
    issued = services.invoicing.write_new(company_invoice(), today=date.today())
    number = issued.invoice.number or ""

    sent = services.invoicing.send(number)
    assert (sent.channel, sent.state) == ("pa", "done"), sent.message
    [flow] = [f for f in admin(pa, "/flows") if f["flowType"] == "CustomerInvoice"]
    assert flow["flowId"] == sent.flow_id and flow["trackingId"] == issued.pdf_sha256
    assert pa.state.flows[flow["flowId"]].content == issued.pdf  # the issued bytes, as issued
    summary = services.invoices.summary(sent.invoice_id)
    assert (summary.channel, summary.status, summary.status_label) == ("pa", "PA_200", "Déposée")

    for code in ("202", "203", "204", "205", "211"):
        admin(pa, "/lifecycle", {"number": number, "code": code})
    report = services.sync.run()
    assert [change.current for change in report.changes if change.channel == "pa"] == [
        "PA_202",
        "PA_203",
        "PA_204",
        "PA_205",
        "PA_211",
    ]
    for stored in pa.state.flows.values():  # what the simulated customer's side wrote
        if stored.meta["flowSyntax"] == "CDAR":
            assert_official(stored.content)
    summary = services.invoices.summary(sent.invoice_id)
    assert summary.status_label == "Paiement transmis"
    assert summary.schedule.paid_on == date.today()  # the payment deadline tools apply

    paid = services.platform.record_paid(number)
    assert paid.state == "done", paid.message
    [cdar] = [
        stored
        for stored in pa.state.flows.values()
        if stored.meta["flowSyntax"] == "CDAR" and stored.meta["flowDirection"] == "Out"
    ]
    assert cdar.meta["acknowledgement"]["status"] == "Ok"
    assert cdar.meta["trackingId"] == paid.tracking_id
    assert_official(cdar.content)  # Bordereau's own « Encaissée », judged again here
    [message] = read_statuses(cdar.content)
    assert (message.code, message.invoice_number) == ("212", number)
    assert sum(part.amount for part in message.paid) == summary.total_ttc
    assert services.invoices.summary(sent.invoice_id).status_label == "Encaissée"
    again = services.platform.record_paid(number)
    assert again.state == "done" and "déjà" in again.message
    assert len([f for f in pa.state.flows.values() if f.meta["flowDirection"] == "Out"]) == 2
    assert history(services, sent.invoice_id)[-1] == "PA_212"

    with pytest.raises(ValidationProblem, match="déjà été envoyée"):
        services.invoicing.send(number)


def test_a_refused_invoice_is_corrected_by_a_credit_note_and_a_new_invoice(
    services: Services,
) -> None:
    pa = services.context.demo_pa()
    pa.state.config.lifecycle_schedule = ()
    issued = services.invoicing.write_new(company_invoice(3), today=date.today())
    number = issued.invoice.number or ""
    sent = services.invoicing.send(number)
    assert sent.state == "done", sent.message
    admin(
        pa,
        "/lifecycle",
        {"number": number, "code": "210", "reason": "TX_TVA_ERR", "comment": "TVA 10 %"},
    )
    services.sync.run()
    views = services.invoices.views()
    row = views.rows([sent.invoice_id])[sent.invoice_id]
    assert row.status_label == "Refusée" and row.category is WorkCategory.REJECTED
    assert row.status_comment == "taux de TVA erroné — TVA 10 %"
    with pytest.raises(ValidationProblem, match="refusée"):
        services.platform.record_paid(number)

    credit = services.invoicing.credit_note(number, today=date.today())
    credited = services.invoicing.send(credit.invoice.number or "")
    assert (credited.channel, credited.state) == ("pa", "done"), credited.message
    corrected = services.invoicing.write_new(company_invoice(3), today=date.today())
    resent = services.invoicing.send(corrected.invoice.number or "")
    assert resent.state == "done", resent.message
    invoices = [f for f in admin(pa, "/flows") if f["flowType"] == "CustomerInvoice"]
    assert len(invoices) == 3 and all(f["acknowledgement"]["status"] == "Ok" for f in invoices)


def test_a_customer_the_directory_cannot_reach_is_said_before_sending(
    services: Services,
) -> None:
    pa = services.context.demo_pa()
    unreachable = replace(TILLEULS, name="Boulangerie Dupain", siren=UNREACHABLE_DEMO_SIREN,
                          vat_number=None)  # fmt: skip
    issued = services.invoicing.write_new(company_invoice(5, unreachable), today=date.today())
    with pytest.raises(ValidationProblem, match="ne reçoit pas encore"):
        services.invoicing.send(issued.invoice.number or "")
    unknown = replace(TILLEULS, name="Inconnue SAS", siren="732829320", vat_number=None)
    other = services.invoicing.write_new(company_invoice(6, unknown), today=date.today())
    with pytest.raises(ValidationProblem, match="ne connaît pas"):
        services.invoicing.send(other.invoice.number or "")
    assert [flow for flow in admin(pa, "/flows") if flow["flowDirection"] == "Out"] == []
    with services.context.database.session() as session:
        assert session.scalars(select(models.OutboxEntry)).all() == []


def test_thirty_invoices_reach_the_pa_exactly_once_through_lost_answers_and_a_kill(
    services: Services, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    """30 invoices while 30 % of the answers are lost after the PA recorded the flow, one
    sender SIGKILLed while its flow is in flight: each trackingId recorded once, every
    invoice ends with its flow id."""
    from app.simulator.pa import seed_demo_directory

    pa = PaSimulator().start()
    seed_demo_directory(pa.state)
    try:
        connect(services, pa)
        numbers = [
            services.invoicing.write_new(company_invoice(index), today=date.today()).invoice.number
            or ""
            for index in range(30)
        ]
        admin(pa, "/faults", {"lose_after_record": 0.3})
        killed = numbers[7]
        for number in numbers:
            if number == killed:
                _send_and_kill(pa, services, number, bordereau_cmd, subprocess_env)
                continue
            result = services.invoicing.send(number)
            assert result.state == "done", result.message
        admin(pa, "/faults", {"lose_after_record": 0, "slow_seconds": 0})
        resumed = services.platform.resume_outbox()
        assert [outcome.state for outcome in resumed] == ["done"]

        recorded: dict[str, int] = {}
        for flow in admin(pa, "/flows"):
            assert flow["acknowledgement"]["status"] == "Ok", flow
            recorded[flow["trackingId"]] = recorded.get(flow["trackingId"], 0) + 1
        assert len(recorded) == 30 and set(recorded.values()) == {1}
        with services.context.database.session() as session:
            rows = session.scalars(
                select(models.Invoice).where(models.Invoice.channel == "pa")
            ).all()
            assert sorted(row.number for row in rows) == sorted(numbers)
            assert all(row.pa_flow_id and row.status == "PA_200" for row in rows)
            flows = {row.pa_flow_id for row in rows}
        assert flows == {flow["flowId"] for flow in admin(pa, "/flows")}
        for number in numbers[:3]:  # sending again never sends twice
            with pytest.raises(ValidationProblem, match="déjà été envoyée"):
                services.invoicing.send(number)
        assert len(admin(pa, "/flows")) == 30
    finally:
        pa.stop()


def _send_and_kill(
    pa: PaSimulator,
    services: Services,
    number: str,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
) -> None:
    """`bordereau invoice send` killed while its createFlow is held by the (slow) PA; the
    PA records the flow once the pause is over."""
    admin(pa, "/faults", {"slow_seconds": 3})
    process = subprocess.Popen(
        [*bordereau_cmd, "invoice", "send", number, "--json"],
        env=subprocess_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with services.context.database.session() as session:
            state = session.scalar(
                select(models.OutboxEntry.state)
                .join(models.Invoice, models.Invoice.id == models.OutboxEntry.invoice_id)
                .where(models.Invoice.number == number)
            )
        if state == "submitting":
            break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the sender never reached createFlow")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    admin(pa, "/faults", {"slow_seconds": 0})
    time.sleep(3.5)  # the PA finishes the request it held, and records the flow
    assert any(
        flow.get("trackingId") for flow in admin(pa, "/flows") if flow["name"].endswith(".pdf")
    )


def test_the_command_line_sends_and_records_the_payment(
    services: Services, bordereau_cmd: list[str], subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    """`bordereau invoice send --json` and `invoice paid --json` against a PA configured with
    `pa set` (the secret on stdin), as a script or the independent PA's tests use them."""
    from app.simulator.pa import seed_demo_directory

    pa = PaSimulator().start()
    seed_demo_directory(pa.state)
    try:
        config = pa.state.config
        number = services.invoicing.write_new(company_invoice(9), today=date.today()).invoice.number
        services.close()

        def bordereau(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*bordereau_cmd, *args],
                env=subprocess_env,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=120,
            )

        configured = bordereau(
            "pa", "set", "--name", "PA de test", "--flow-url", pa.flow_url,
            "--directory-url", pa.directory_url, "--token-url", pa.token_url,
            "--client-id", config.client_id, stdin=config.client_secret + "\n",
        )  # fmt: skip
        assert configured.returncode == 0, configured.stderr
        assert config.client_secret not in configured.stdout + configured.stderr
        sent = bordereau("invoice", "send", str(number), "--json")
        assert sent.returncode == 0, sent.stderr
        answer = json.loads(sent.stdout)
        assert answer["channel"] == "pa" and answer["state"] == "done"
        assert answer["flow_id"] and answer["status_label"] == "Déposée"

        admin(pa, "/lifecycle", {"number": number, "code": "211"})
        synced = bordereau("sync", "--json")
        assert synced.returncode == 0, synced.stderr
        changes = json.loads(synced.stdout)["changements"]
        assert {"canal": "pa", "apres": "PA_211", "libelle": "Paiement transmis"}.items() <= (
            changes[-1].items()
        )
        paid = bordereau("invoice", "paid", str(number), "--date", date.today().isoformat(),
                         "--json")  # fmt: skip
        assert paid.returncode == 0, paid.stderr
        assert json.loads(paid.stdout)["state"] == "done"
        listed = bordereau("invoices", "list", "--json")
        [line] = [item for item in json.loads(listed.stdout) if item["numero"] == number]
        assert (line["canal"], line["etat"], line["libelle_etat"]) == ("pa", "PA_212", "Encaissée")
        assert line["identifiant_flux"] == answer["flow_id"]
        future = bordereau("invoice", "paid", str(number), "--date", "2999-01-01")
        assert future.returncode == 3 and "futur" in future.stderr
    finally:
        pa.stop()
