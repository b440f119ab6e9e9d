"""Suivi against the simulator: buyers move invoices over simulated weeks; after a sync the
Synthèse, Rechercher and the dashboard show what the platform holds, and each Synthèse action
goes to the platform and back."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.invoice import Invoice, Recipient, Totals
from app.domain.statuses import StatusGroup
from app.invoices.rows import WorkCategory
from app.services import Services
from tests.conftest import CORPUS_SAMPLES
from tests.integration.test_sync import BREST, deposit, rows
from tests.support.chorus import admin
from ui.main_window import MainWindow
from ui.tabs.synthese import SyntheseTab

pytestmark = pytest.mark.both_databases  # the views, the dashboard and the outbox

PDF = CORPUS_SAMPLES / "inv_101_003.pdf"


def select(tab: SyntheseTab, number: str) -> None:
    for row in range(tab.model.rowCount()):
        found = tab.model.row_of(row)
        if found is not None and found.number == number:
            tab.table.selectRow(row)
            return
    raise AssertionError(f"{number} n'est pas dans la Synthèse")


def click(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text() == text)
    button.click()


def shown_numbers(tab: SyntheseTab) -> dict[str, str]:
    found = (tab.model.row_of(row) for row in range(tab.model.rowCount()))
    return {row.number: row.status for row in found if row is not None}


def test_views_follow_the_simulator_and_each_synthese_action_works(
    qtbot: QtBot, window: MainWindow, services: Services, tmp_path: Path
) -> None:
    simulator = services.context.demo_platform()
    admin(
        simulator,
        "comportements",
        {"prochains": ["payee_en_retard", "suspendue", "a_recycler", "rejetee"]},
    )
    ids = {f"SUIVI-{n}": deposit(services, f"SUIVI-{n}") for n in range(4)}
    draft_id = services.deposit.save_draft(
        Invoice(
            number="BROUILLON-1",
            issue_date=date(2026, 11, 21),
            recipient=Recipient(BREST, "CULTURE", "COMMUNE DE BREST"),
            totals=Totals(Decimal("90.00"), Decimal("0"), Decimal("90.00")),
        )
    )
    admin(simulator, "horloge", {"jours": 75})
    services.sync.run()
    window.refresh_views()
    platform = {number: simulator.state.invoices[cid].status for number, cid in ids.items()}
    assert platform["SUIVI-0"] == "MISE_EN_PAIEMENT"

    # Synthèse: what needs the user, exactly as the platform says.
    synthese = window.synthese
    expected = {n: s for n, s in platform.items() if n != "SUIVI-0"} | {"BROUILLON-1": "BROUILLON"}
    assert shown_numbers(synthese) == expected
    assert synthese.category_buttons[WorkCategory.RECYCLE].text() == "À recycler · 1"
    synthese.category_buttons[WorkCategory.DRAFT].setChecked(False)
    assert "BROUILLON-1" not in shown_numbers(synthese)
    synthese.category_buttons[WorkCategory.DRAFT].setChecked(True)

    # Rechercher: everything, the quick search, the CSV export.
    rechercher = window.rechercher
    rechercher.refresh()
    assert rechercher.model.rowCount() == 5
    rechercher.search_edit.setText("suivi-2")
    rechercher.apply_criteria()
    assert rechercher.model.rowCount() == 1
    assert rechercher.model.row_of(0).status == platform["SUIVI-2"]  # type: ignore[union-attr]
    rechercher.reset_criteria()
    export = tmp_path / "export.csv"
    rechercher.export_to(export)
    qtbot.waitUntil(lambda: export.exists(), timeout=20000)
    with export.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream, delimiter=";"))
    assert len(lines) == 6 and {line[0] for line in lines[1:]} == set(expected) | {"SUIVI-0"}
    pdf = tmp_path / "suivi-0.pdf"
    rechercher.download_to([rows(services)["SUIVI-0"].id], pdf)
    qtbot.waitUntil(lambda: pdf.exists(), timeout=20000)
    assert pdf.read_bytes().startswith(b"%PDF")

    # Tableau de bord: one paid (late), three at the user, the late interest owed.
    dashboard = window.tableau_de_bord
    dashboard.board = None
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.board is not None, timeout=20000)
    board = dashboard.board
    assert board is not None
    assert board.group(StatusGroup.PAYEE).count == 1
    assert board.group(StatusGroup.A_TRAITER).count == 3
    assert [item.number for item in board.late] == ["SUIVI-0"]
    assert dashboard.late_table.item(0, 0).text() == "SUIVI-0"  # type: ignore[union-attr]

    # Recycler: the same routing checked against the directory, then sent again.
    select(synthese, "SUIVI-2")
    synthese.recycle_selected()
    dialog = synthese.recycle_dialog
    assert dialog.ok_button.isEnabled()
    dialog.siret_edit.setText("123")
    assert not dialog.check()  # a wrong SIRET is refused before anything is sent
    dialog.siret_edit.setText(BREST)
    dialog.service_combo.setEditText("CULTURE")
    assert dialog.check()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not synthese.busy, timeout=20000)
    recycled = simulator.state.invoices[ids["SUIVI-2"]]
    assert recycled.status not in ("A_RECYCLER", "EN_ATTENTE_RECYCLAGE_FOURNISSEUR")
    assert rows(services)["SUIVI-2"].status == recycled.status
    assert "SUIVI-2" not in shown_numbers(synthese)

    # Compléter: a document and a comment, uploaded then ``completer``.
    select(synthese, "SUIVI-1")
    synthese.complete_selected()
    complete = synthese.complete_dialog
    assert not complete.ok_button.isEnabled()
    complete.add_files([PDF])
    complete.comment_edit.setPlainText("Bon de livraison signé joint.")
    complete.ok_button.click()
    qtbot.waitUntil(lambda: not synthese.busy, timeout=20000)
    completed = simulator.state.invoices[ids["SUIVI-1"]]
    assert completed.status not in ("SUSPENDUE", "A_COMPLETER")
    assert len(completed.other_attachment_ids) == 1
    assert rows(services)["SUIVI-1"].status == completed.status
    assert "SUIVI-1" not in shown_numbers(synthese)

    # Traiter le rejet, then a new invoice with the next number, opened in Déposer.
    select(synthese, "SUIVI-3")
    synthese.treat_rejection_selected()
    assert "Motif" in synthese.question.text()
    click(synthese.question, "Traiter le rejet")
    qtbot.waitUntil(lambda: simulator.state.invoices[ids["SUIVI-3"]].rejet_traite, timeout=20000)
    qtbot.waitUntil(lambda: synthese.question.text().startswith("Préparer"), timeout=20000)
    assert rows(services)["SUIVI-3"].rejection_acknowledged
    click(synthese.question, "Créer une nouvelle facture")
    assert window.tabs.currentWidget() is window.deposer
    assert window.deposer.form.invoice().number == "SUIVI-4"
    assert rows(services)["SUIVI-4"].status == "BROUILLON"
    window.deposer.close_current()

    # Supprimer a draft: asked first.
    window.refresh_views()
    select(synthese, "BROUILLON-1")
    synthese.delete_selected_draft()
    click(synthese.question, "Supprimer")
    assert "BROUILLON-1" not in rows(services)
    assert draft_id not in {row.id for row in rows(services).values()}


def test_old_rejections_are_hidden_and_a_refused_action_keeps_everything(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    simulator = services.context.demo_platform()
    admin(simulator, "comportements", {"prochains": ["rejetee", "a_recycler"]})
    deposit(services, "VIEUX-REJET")
    chorus_id = deposit(services, "A-RECYCLER")
    admin(simulator, "horloge", {"jours": 30})
    services.sync.run()
    window.refresh_views()
    synthese = window.synthese
    # The rejection dates from the simulated clock, weeks ahead of today: shown.
    assert "VIEUX-REJET" in shown_numbers(synthese)
    services.context.settings.hide_rejected_after_days = 0
    with services.context.database.session() as session:
        from app.db import models

        row = session.query(models.Invoice).filter_by(number="VIEUX-REJET").one()
        row.status_at = row.status_at.replace(year=2025)  # type: ignore[union-attr]
    synthese.refresh()
    assert "VIEUX-REJET" not in shown_numbers(synthese)
    synthese.hide_rejected.setChecked(False)
    assert "VIEUX-REJET" in shown_numbers(synthese)

    # The platform goes away mid-action: a French message, the invoice unchanged.
    admin(simulator, "pannes", {"taux": 1.0, "types": ["500"]})
    select(synthese, "A-RECYCLER")
    synthese.recycle_selected()
    dialog = synthese.recycle_dialog
    assert dialog is not None
    dialog.ok_button.click()
    # Said in the dialog, which stays open with what was typed.
    qtbot.waitUntil(dialog.issues_label.isVisible, timeout=30000)
    assert "Chorus Pro" in dialog.issues_label.text() and dialog.isVisible()
    dialog.reject()
    admin(simulator, "pannes", {"taux": 0.0})
    assert simulator.state.invoices[chorus_id].status == "A_RECYCLER"
    assert rows(services)["A-RECYCLER"].status == "A_RECYCLER"
    assert "A-RECYCLER" in shown_numbers(synthese)


def test_demo_account_fills_every_view(qtbot: QtBot, services: Services) -> None:
    services.context.settings.demo_sample = True
    report = services.sync.run()
    assert report.imported == 21
    views = services.invoices.views()
    from app.invoices.rows import Criteria

    counts = views.work_counts(Criteria(work=tuple(WorkCategory)))
    assert counts[WorkCategory.RECYCLE] == 1 and counts[WorkCategory.SUSPENDED] == 1
    board = services.invoices.dashboard()
    assert board.group(StatusGroup.PAYEE).count == 13
    assert len(board.late) == 3 and len(board.unpaid_late) == 1
    assert board.owed == sum((item.schedule.owed for item in board.late), Decimal(0))
