"""An invoice left waiting by a previous run leaves when the window opens."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import models
from app.domain.invoice import AttachmentRef, Invoice, Recipient, Totals, VatLine
from app.services import Services
from app.simulator.seed import siret_for
from tests.support.invoice_factory import make_invoice, render
from ui.main_window import MainWindow

pytestmark = pytest.mark.both_databases  # the views, the dashboard and the outbox


def test_waiting_invoice_is_sent_at_start(qtbot: QtBot, services: Services, tmp_path: Path) -> None:
    pdf = tmp_path / "facture.pdf"
    rng = random.Random(1)
    pdf.write_bytes(render(make_invoice(1, "deux_colonnes", rng), rng))
    invoice = Invoice(
        number="ATTENTE-1",
        issue_date=date(2026, 11, 20),
        recipient=Recipient(siret=siret_for(4, "2129"), code_service="CULTURE"),
        totals=Totals(
            Decimal("100.00"), Decimal("0.00"), Decimal("100.00"), amount_due=Decimal("100.00")
        ),
        vat_lines=[VatLine(Decimal(0), Decimal("100.00"), Decimal("0.00"))],
        main_attachment=AttachmentRef(pdf.name, "", pdf.stat().st_size),
    )
    services.context.outbox().enqueue(invoice, pdf)  # as if the app had been closed before sending

    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "envoyée" in window.statusBar().currentMessage(), timeout=20000)
    with services.context.database.session() as session:
        row = session.scalars(
            select(models.Invoice).where(models.Invoice.number == "ATTENTE-1")
        ).one()
        assert row.status == "DEPOSEE" and row.chorus_invoice_id
    assert services.context.outbox().unfinished() == []
