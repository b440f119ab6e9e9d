"""Issue 35: suppliers' invoices received through the Plateforme Agréée (the demo PA on
loopback): fetched once, read exactly whatever their syntax, checked (duplicate, changed bank
details, arithmetic, official rules), answered by CDAR messages the official XSD and
BR-FR-CDV accept — exactly once through lost answers and a killed process — kept unchanged,
and exported for the accountant."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import subprocess
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.db import models
from app.deposit.official_rules import lifecycle_report
from app.einvoice.reading import read_document
from app.errors import ValidationProblem
from app.pa.cdar import read_statuses
from app.services import Services
from app.simulator.pa import PaSimulator, seed_demo_directory
from app.simulator.pa_incoming import (
    IncomingInvoice,
    IncomingLine,
    write_cii,
    write_facturx,
    write_ubl,
)
from tests.support.pa import admin, connect

TODAY = date.today()


def by_number(services: Services) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(services.received.rows(), key=lambda row: row["id"]):  # in arrival order
        found.setdefault(row["numero"], []).append(row)
    return found


def answers_at(pa: PaSimulator) -> list[Any]:
    return [
        flow
        for flow in pa.state.flows.values()
        if flow.meta["flowSyntax"] == "CDAR" and flow.meta["flowDirection"] == "Out"
    ]


# --- reading exactly what a supplier's software wrote, in each syntax ----------------------

SUPPLIER = IncomingInvoice(
    number="F-2026-0931",
    issue_date=date(2026, 11, 4),
    seller_name="Électricité Kerbrat & Fils",
    seller_siren="732829320",
    seller_vat="FR44732829320",
    seller_city="Morlaix",
    buyer_name="ATELIER MARTIN",
    buyer_siren="812345676",
    iban="FR7612548029981234567890161",
    lines=(
        IncomingLine("Câble 3G2,5 <100 m>", Decimal("2.5"), Decimal("118.40")),
        IncomingLine("Main d'œuvre", Decimal(7), Decimal("52.00"), Decimal("10"), "HUR"),
        IncomingLine("Remise en état tableau", Decimal(1), Decimal("0.35"), Decimal("5.5")),
    ),
    due_days=45,
)


def _credit() -> IncomingInvoice:
    return replace(
        SUPPLIER,
        number="AV-2026-0012",
        credit_note=True,
        preceding="F-2026-0931",
        lines=(IncomingLine("Câble repris", Decimal(1), Decimal("59.20")),),
    )


WRITERS = {"CII": write_cii, "UBL": write_ubl, "Factur-X": write_facturx}


@pytest.mark.parametrize("credit", [False, True], ids=["invoice", "credit-note"])
@pytest.mark.parametrize("syntax", list(WRITERS))
def test_every_business_term_read_exactly(syntax: str, credit: bool) -> None:
    facts = _credit() if credit else SUPPLIER
    document = read_document(WRITERS[syntax](facts))
    assert document.syntax == syntax
    assert (document.number, document.issue_date, document.type_code) == (
        facts.number,
        facts.issue_date,
        facts.type_code,
    )
    assert document.is_credit_note is credit
    assert document.due_date == facts.due_date
    assert document.currency == "EUR"
    assert (document.seller.name, document.seller.siren, document.seller.vat_number) == (
        facts.seller_name,
        facts.seller_siren,
        facts.seller_vat,
    )
    assert document.seller.address.city == facts.seller_city
    assert (document.buyer.name, document.buyer.siren) == (facts.buyer_name, facts.buyer_siren)
    assert document.seller.electronic_address == facts.seller_siren
    assert document.payment.iban == facts.iban and document.payment.means_code == "58"
    assert [
        (line.name, line.quantity, line.net_price, line.net_amount, line.vat_rate, line.unit)
        for line in document.lines
    ] == [
        (line.name, line.quantity, line.unit_price, line.net, line.vat_rate, line.unit)
        for line in facts.lines
    ]
    assert [(part.rate, part.basis, part.tax, part.category) for part in document.vat] == [
        (rate, basis, tax, "S") for rate, basis, tax in facts.vat_parts()
    ]
    totals = document.totals
    assert (totals.lines, totals.without_vat, totals.vat, totals.with_vat, totals.due) == (
        facts.net_total,
        facts.net_total,
        facts.vat_total,
        facts.grand_total,
        facts.grand_total,
    )
    assert document.preceding == ([(facts.preceding, None)] if facts.preceding else [])
    assert document.notes == list(facts.notes)
    assert (document.pdf is not None) == (syntax == "Factur-X")
    terms = document.business_terms()
    assert terms["BT-1"] == facts.number and terms["BT-115"] == f"{facts.grand_total:.2f}"


# --- fetched, checked, kept --------------------------------------------------------------------


def test_what_arrives_is_fetched_once_read_and_checked(services: Services) -> None:
    report = services.received.fetch()
    assert len(report.new) == 7 and report.errors == []
    assert services.received.fetch().new == []  # a second look brings nothing twice
    rows = by_number(services)
    syntaxes = sorted(row["syntaxe"] for group in rows.values() for row in group)
    assert syntaxes == ["CII", "CII", "Factur-X", "Factur-X", "UBL", "UBL", "UBL"]
    assert all(row["lisible"] and row["libelle"] == "Mise à disposition" for g in rows.values()
               for row in g)  # fmt: skip

    first, second = rows["FM-2026-118842"]
    assert [a["code"] for a in second["alertes"]] == ["DOUBLON"] and first["alertes"] == []
    [changed] = rows["2026-044"]
    [alert] = changed["alertes"]
    assert alert["code"] == "IBAN-CHANGE" and "appelez le fournisseur" in alert["message"]
    assert rows["2026-031"][0]["alertes"] == []  # the first invoice of that supplier
    [wrong] = rows["ABO-2026-0512"]
    detail = services.received.detail(wrong["id"])
    codes = {finding["code"] for finding in detail.findings}
    assert {"BR-CO-14"} <= codes  # Bordereau's check and the official rule both say it
    assert any("Règle officielle BR-CO-14" in f["message"] for f in detail.findings)
    [credit] = rows["AV-2026-004"]
    assert credit["type"] == "avoir"
    assert detail.as_json()["facture"]["business_terms"]["BT-1"] == "ABO-2026-0512"

    pa = services.context.demo_pa()
    for group in rows.values():  # the original kept unchanged, with its hash
        for row in group:
            _name, content = services.received.original(row["id"])
            assert hashlib.sha256(content).hexdigest() == row["sha256"]
            assert content == pa.state.flows[row["identifiant_flux"]].content
    archived = sorted((services.context.paths.archive_dir / "recues").rglob("*.*"))
    assert len(archived) == 7


def test_a_file_nobody_can_read_is_kept_shown_and_not_answered(services: Services) -> None:
    pa = services.context.demo_pa()
    admin(
        pa,
        "/incoming",
        {
            "name": "facture.xml",
            "syntax": "UBL",
            "content": base64.b64encode(b"<Invoice>").decode(),
        },
    )
    services.received.fetch()
    [row] = [row for row in services.received.rows() if not row["lisible"]]
    detail = services.received.detail(row["id"])
    assert detail.document is None and "illisible" in (detail.read_error or "")
    with pytest.raises(ValidationProblem, match="illisible"):
        services.received.answer(row["id"], "refuse", reason="NON_CONFORME")


def test_damaged_original_is_said_not_given(services: Services) -> None:
    services.received.fetch()
    row = services.received.rows()[0]
    with services.context.database.session() as session:
        stored = session.get(models.StoredFile, row["sha256"])
        assert stored is not None
        stored.content = b"x" + bytes(stored.content)[1:]
    with pytest.raises(ValidationProblem, match="endommagé"):
        services.received.original(row["id"])


# --- answered ----------------------------------------------------------------------------------


def test_answers_are_cdar_messages_the_official_rules_accept(services: Services) -> None:
    pa = services.context.demo_pa()
    services.received.fetch()
    rows = by_number(services)
    wrong = rows["ABO-2026-0512"][0]["id"]
    good = rows["2026-031"][0]["id"]
    duplicate = rows["FM-2026-118842"][1]["id"]
    disputed = rows["2026-044"][0]["id"]

    refused = services.received.answer(wrong, "refuse", reason="TX_TVA_ERR", comment="TVA 25 %")
    assert refused.state == "done", refused.message
    with pytest.raises(ValidationProblem, match="doublon"):
        services.received.answer(duplicate, "approve")  # said, never paid twice
    assert services.received.answer(duplicate, "refuse", reason="DOUBLON").state == "done"
    assert services.received.answer(disputed, "dispute", reason="COORD_BANC_ERR").state == "done"
    assert services.received.answer(good, "approve").state == "done"
    assert services.received.to_pay() == (1, Decimal("525.60"), Decimal(0))  # the dashboard's
    paid = services.received.answer(good, "paid", paid_on=TODAY - timedelta(days=1))
    assert paid.state == "done", paid.message

    sent = answers_at(pa)
    assert len(sent) == 5
    for flow in sent:
        assert flow.meta["flowType"] == "SupplierInvoiceLC"
        assert flow.meta["acknowledgement"]["status"] == "Ok", flow.meta
        assert lifecycle_report(flow.content).broken == []
    messages = {(m.code, m.invoice_number): m for flow in sent for m in read_statuses(flow.content)}
    refusal = messages["210", "ABO-2026-0512"]
    assert (refusal.reason, refusal.comment) == ("TX_TVA_ERR", "TVA 25 %")
    assert refusal.seller.siren == "443061841"
    assert messages["210", "FM-2026-118842"].reason == "DOUBLON"
    assert messages["207", "2026-044"].reason == "COORD_BANC_ERR"
    assert sum(part.amount for part in messages["211", "2026-031"].paid) == Decimal("525.60")

    after = {row["id"]: row for row in services.received.rows()}
    assert after[wrong]["libelle"] == "Refusée"
    assert after[good]["libelle"] == "Paiement transmis"
    assert after[good]["paye_le"] == (TODAY - timedelta(days=1)).isoformat()
    assert after[disputed]["libelle"] == "En litige"

    again = services.received.answer(good, "approve")
    assert again.state == "done" and "déjà" in again.message
    with pytest.raises(ValidationProblem, match="refusée"):
        services.received.answer(wrong, "approve")
    with pytest.raises(ValidationProblem, match="motif"):
        services.received.answer(disputed, "refuse")
    with pytest.raises(ValidationProblem, match="inconnu"):
        services.received.answer(disputed, "refuse", reason="PRIX_ERR")
    with pytest.raises(ValidationProblem, match="futur"):
        services.received.answer(disputed, "paid", paid_on=TODAY + timedelta(days=2))
    # the supplier says the money arrived: followed in the received invoice's history
    admin(pa, "/supplier-status", {"number": "2026-031", "code": "212"})
    followed = services.received.fetch()
    assert followed.statuses == 1 and followed.errors == []
    detail = services.received.detail(good)
    assert detail.summary["libelle"] == "Encaissée"
    assert [item["libelle"] for item in detail.history][-3:] == [
        "Approuvée",
        "Paiement transmis",
        "Encaissée",
    ]
    assert detail.history[-1]["par"] == "Menuiserie Le Goff"
    assert services.received.fetch().statuses == 0  # read once
    with services.context.database.session() as session:
        acknowledged = {
            (entry.payload or {}).get("acknowledged")
            for entry in session.scalars(select(models.OutboxEntry))
            if entry.operation == "pa_answer"
        }
    assert acknowledged == {"Ok"}

    original = rows["FM-2026-118842"][0]["id"]
    assert services.received.answer(original, "approve").state == "done"
    assert len(answers_at(pa)) == 6  # nothing more left


def test_answers_leave_exactly_once_through_lost_answers_and_a_kill(
    services: Services, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    """Every received invoice answered while 30 % of the PA's answers are lost after it
    recorded the message, one `bordereau received approve` SIGKILLed while its message is in
    flight, then the outbox resumed: each answer recorded once by the PA."""
    pa = PaSimulator().start()
    seed_demo_directory(pa.state)
    for index in range(20):
        invoice = replace(SUPPLIER, number=f"F-2026-{index:04d}")
        admin(
            pa,
            "/incoming",
            {
                "name": f"{invoice.number}.xml",
                "syntax": "UBL",
                "content": base64.b64encode(write_ubl(invoice)).decode(),
                "number": invoice.number,
            },
        )
    try:
        connect(services, pa)
        assert len(services.received.fetch().new) == 20
        ids = [row["id"] for row in services.received.rows()]
        killed = ids[5]
        admin(pa, "/faults", {"lose_after_record": 0.3})
        for received_id in ids:
            if received_id == killed:
                _approve_and_kill(pa, services, received_id, bordereau_cmd, subprocess_env)
                continue
            result = services.received.answer(received_id, "approve")
            assert result.state == "done", result.message
        admin(pa, "/faults", {"lose_after_record": 0, "slow_seconds": 0})
        resumed = services.platform.resume_outbox()
        assert [outcome.state for outcome in resumed] == ["done"]

        recorded: dict[str, int] = {}
        for flow in answers_at(pa):
            assert flow.meta["acknowledgement"]["status"] == "Ok", flow.meta
            recorded[flow.meta["trackingId"]] = recorded.get(flow.meta["trackingId"], 0) + 1
            assert lifecycle_report(flow.content).broken == []
        assert len(recorded) == 20 and set(recorded.values()) == {1}
        with services.context.database.session() as session:
            entries = session.scalars(
                select(models.OutboxEntry).where(models.OutboxEntry.operation == "pa_answer")
            ).all()
            assert len(entries) == 20 and {entry.state for entry in entries} == {"done"}
        assert {row["libelle"] for row in services.received.rows()} == {"Approuvée"}
        for received_id in ids[:3]:
            assert "déjà" in services.received.answer(received_id, "approve").message
        assert len(answers_at(pa)) == 20
    finally:
        pa.stop()


def _approve_and_kill(
    pa: PaSimulator,
    services: Services,
    received_id: int,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
) -> None:
    admin(pa, "/faults", {"slow_seconds": 3})
    process = subprocess.Popen(
        [*bordereau_cmd, "received", "approve", str(received_id), "--json"],
        env=subprocess_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with services.context.database.session() as session:
            state = session.scalar(
                select(models.OutboxEntry.state).where(
                    models.OutboxEntry.received_id == received_id
                )
            )
        if state == "submitting":
            break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the answer never reached createFlow")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    admin(pa, "/faults", {"slow_seconds": 0})
    time.sleep(3.5)  # the PA finishes the request it held, and records the message


# --- kept and exported ---------------------------------------------------------------------------


def test_the_year_is_exported_for_the_accountant(services: Services, tmp_path: Path) -> None:
    services.received.fetch()
    rows = by_number(services)
    services.received.answer(rows["2026-031"][0]["id"], "paid", paid_on=TODAY)
    year = date.fromisoformat(rows["2026-031"][0]["date"]).year
    result = services.received.export(year, tmp_path / "export")
    assert result.invoices == 7 and result.files_written == 7
    sheet = load_workbook(result.xlsx).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    header, lines = table[0], table[1:]
    assert header[:4] == ("Fournisseur", "SIREN fournisseur", "N° TVA fournisseur", "Numéro")
    paid = next(line for line in lines if line[3] == "2026-031")
    assert paid[9:13] == (Decimal("438.00"), Decimal("87.60"), Decimal("525.60"),
                          Decimal("525.60")) or paid[9:13] == (438, 87.6, 525.6, 525.6)  # fmt: skip
    assert paid[13] == "Paiement transmis" and paid[14] is not None
    text = result.csv.read_text("utf-8-sig")
    assert "Menuiserie Le Goff;732829320;FR44732829320;2026-031;Facture" in text
    assert "525,60" in text
    originals = sorted(result.originals.iterdir())
    assert len(originals) == 7
    for row in (row for group in rows.values() for row in group):
        assert any(hashlib.sha256(p.read_bytes()).hexdigest() == row["sha256"] for p in originals)
    again = services.received.export(year, tmp_path / "export")
    assert again.files_written == 0  # the same files are not written twice
    with pytest.raises(ValidationProblem, match="Aucune facture reçue en 1999"):
        services.received.export(1999, tmp_path / "vide")


def test_the_command_line(
    services: Services, bordereau_cmd: list[str], subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    services.close()

    def bordereau(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*bordereau_cmd, *args], env=subprocess_env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip

    listed = bordereau("received", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    invoices = json.loads(listed.stdout)["factures"]
    assert len(invoices) == 7
    wrong = next(row for row in invoices if row["numero"] == "ABO-2026-0512")
    shown = bordereau("received", "show", "ABO-2026-0512", "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["facture"]["business_terms"]["BT-112"] == "30.00"
    assert detail["facture"]["seller"]["siren"] == "443061841"
    assert any(problem["code"] == "BR-CO-14" for problem in detail["problemes"])

    refused = bordereau("received", "refuse", str(wrong["id"]), "--reason", "TX_TVA_ERR",
                        "--comment", "TVA fausse", "--json")  # fmt: skip
    assert refused.returncode == 0, refused.stderr
    assert json.loads(refused.stdout)["libelle"] == "Refusée"
    unknown = bordereau("received", "dispute", str(wrong["id"]), "--reason", "N_IMPORTE")
    assert unknown.returncode == 3 and "refusée" in unknown.stderr
    missing = bordereau("received", "show", "INEXISTANTE")
    assert missing.returncode == 3 and "Aucune facture reçue" in missing.stderr
    approved = bordereau("received", "approve", "2026-031")
    paid = bordereau("received", "paid", "2026-031", "--date", TODAY.isoformat(), "--json")
    assert approved.returncode == 0 and paid.returncode == 0, (approved.stderr, paid.stderr)
    exported = bordereau("received", "export", "--year", wrong["date"][:4], "--out",
                         str(tmp_path / "compta"))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "compta" / f"factures-recues-{wrong['date'][:4]}.xlsx").exists()
    for output in (listed, shown, refused, approved, paid, exported):
        assert "Traceback" not in output.stderr
        assert "secret" not in output.stdout + output.stderr
