"""Issue 34, with real input: connect the demo Plateforme Agréée with its assistant, write an
invoice to a company, send it, see its statuses after a sync, record the payment."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from app.services import Services
from app.simulator.pa import ADMIN_HEADER
from tests.acceptance.test_invoice_editor import (
    fill,
    issue,
    open_editor,
    type_cell,
    type_the_seller,
)
from tests.support.ui_input import click, click_button
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    return tmp_path / "maison" / "Documents"


def _answer_payment_date(tries: int = 1200) -> None:
    """When « Encaissement de la facture … » is up, confirm today's date with its button."""

    def look(left: int) -> None:
        box = next(
            (
                widget
                for widget in QApplication.topLevelWidgets()
                if isinstance(widget, QDialog)
                and widget.objectName() == "date_encaissement"
                and widget.isVisible()
            ),
            None,
        )
        if box is None:
            if left:
                QTimer.singleShot(50, lambda: look(left - 1))
            return
        click_button(box, "Déclarer encaissée")

    QTimer.singleShot(50, lambda: look(tries))


def _toolbar_button(window: MainWindow, name: str) -> QToolButton:
    toolbar = window.findChild(QToolBar, "barre_outils")
    assert toolbar is not None
    action = next(a for a in toolbar.actions() if a.objectName() == name)
    button = toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    return button


def test_connect_the_demo_pa_write_send_follow_and_record_the_payment(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    pa = services.context.demo_pa()
    pa.state.config.lifecycle_schedule = ()  # the customer answers when the test says

    # Compte › Plateforme agréée…: the demo platform, « Tester la connexion »
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    QTest.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_P)
    qtbot.waitUntil(lambda: getattr(window, "platform_dialog", None) is not None)
    dialog = window.platform_dialog
    qtbot.waitExposed(dialog)
    assert dialog.demo.isChecked() and not dialog.fields.isEnabled()
    click(dialog.test_button)
    qtbot.waitUntil(
        lambda: "Votre SIREN dans l'annuaire" in dialog.result_label.text(), timeout=20000
    )
    assert "✔ Plateforme joignable" in dialog.result_label.text()
    assert "reçoit vos factures" in dialog.result_label.text()
    click_button(dialog, "Fermer")

    # « Saisir une facture » to SARL Les Tilleuls, issued
    editor = open_editor(qtbot, window)
    type_the_seller(editor)
    click(editor.company_choice)
    fill(editor.customer_name, "SARL Les Tilleuls")
    fill(editor.customer_street, "3 place du Marché")
    fill(editor.customer_postcode, "33600")
    fill(editor.customer_city, "Pessac")
    fill(editor.customer_siren, "443061841")
    type_cell(editor.lines_table, 0, 0, "Création du site vitrine")
    type_cell(editor.lines_table, 0, 3, "1 200,00")
    issue(qtbot, editor)
    number = editor.issued.invoice.number if editor.issued else None
    assert number

    # « Envoyer par la plateforme agréée »
    assert editor.chorus_button.text().replace("&", "") == "Envoyer par la plateforme agréée"
    click(editor.chorus_button)
    qtbot.waitUntil(
        lambda: "envoyée à la plateforme agréée" in editor.result_label.text(), timeout=30000
    )
    editor.close()

    # the customer approves it and its bank transfers the money; « Synchroniser »
    for code in ("205", "211"):
        httpx.post(
            f"{pa.base_url}/_pa/lifecycle",
            json={"number": number, "code": code},
            headers={ADMIN_HEADER: pa.state.config.admin_token},
        ).raise_for_status()
    click(_toolbar_button(window, "action_synchroniser"))
    qtbot.waitUntil(lambda: "Synchronisé à" in window.sync_label.text(), timeout=60000)
    model = window.rechercher.model
    qtbot.waitUntil(
        lambda: any(
            (row := model.row_of(index)) is not None
            and row.number == number
            and row.status_label == "Paiement transmis"
            for index in range(model.rowCount())
        ),
        timeout=20000,
    )

    # Fichier › Factures écrites: « Déclarer encaissée… », today's date
    listing = window.open_written_invoices()
    qtbot.waitExposed(listing)
    row = next(
        i for i in range(listing.table.rowCount()) if listing.table.item(i, 0).text() == number
    )
    click(
        listing.table.viewport(), listing.table.visualItemRect(listing.table.item(row, 0)).center()
    )
    assert "Paiement transmis" in listing.table.item(row, 5).text()
    paid = listing.paid_button
    assert isinstance(paid, QPushButton) and paid.isVisible() and paid.isEnabled()
    _answer_payment_date()
    click(paid)
    qtbot.waitUntil(lambda: "déclarée encaissée" in listing.status.text(), timeout=30000)
    row = next(
        i for i in range(listing.table.rowCount()) if listing.table.item(i, 0).text() == number
    )
    assert listing.table.item(row, 5).text() == "Plateforme : Encaissée"
    sent_out = [f for f in pa.state.flows.values() if f.meta["flowDirection"] == "Out"]
    assert sorted(f.meta["flowSyntax"] for f in sent_out) == ["CDAR", "Factur-X"]
    listing.close()


def test_a_refusal_from_the_customer_s_platform_says_what_to_do_in_the_synthese(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    from datetime import date

    from app.invoices.rows import WorkCategory
    from tests.integration.test_platform_channel import company_invoice

    pa = services.context.demo_pa()
    pa.state.config.lifecycle_schedule = ()
    issued = services.invoicing.write_new(company_invoice(2), today=date.today())
    number = issued.invoice.number or ""
    assert services.invoicing.send(number).state == "done"
    httpx.post(
        f"{pa.base_url}/_pa/lifecycle",
        json={"number": number, "code": "210", "reason": "DOUBLON"},
        headers={ADMIN_HEADER: pa.state.config.admin_token},
    ).raise_for_status()
    click(_toolbar_button(window, "action_synchroniser"))
    qtbot.waitUntil(lambda: "Synchronisé à" in window.sync_label.text(), timeout=60000)
    synthese = window.synthese
    window.tabs.setCurrentWidget(synthese)
    model = synthese.model
    qtbot.waitUntil(
        lambda: any((r := model.row_of(i)) and r.number == number for i in range(model.rowCount()))
    )
    row = next(i for i in range(model.rowCount()) if (r := model.row_of(i)) and r.number == number)
    assert model.row_of(row).category is WorkCategory.REJECTED
    synthese.table.selectRow(row)
    assert not synthese.action_buttons["completer"].isVisible()
    click(synthese.action_buttons["traiter_rejet"])
    qtbot.waitUntil(lambda: synthese.question.isVisible())
    text = synthese.question.text()
    assert "« Refusée »" in text and "facture en double" in text and "avoir" in text
    click_button(synthese.question, "Marquer comme traitée")
    qtbot.waitUntil(
        lambda: all(
            (r := model.row_of(i)) is None or r.number != number for i in range(model.rowCount())
        )
    )
