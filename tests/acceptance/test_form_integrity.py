"""Nothing changes a value the user did not mean to change: the wheel over a field being
scrolled past, Enter on a question about deleting, a close that would lose a read invoice;
and the last look before sending shows everything that will be sent (issue 21)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDateEdit, QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import models
from app.prefill.parsing import format_date_fr
from app.services import Services
from tests.conftest import CORPUS_SAMPLES
from tests.support.ui_input import click, click_button, wheel
from ui.main_window import MainWindow

TEXT_INVOICE = CORPUS_SAMPLES / "inv_101_003.pdf"


def _open_invoice(qtbot: QtBot, window: MainWindow) -> None:
    window.show_deposer()
    window.open_files([TEXT_INVOICE])
    qtbot.waitUntil(lambda: window.deposer.prefill_result is not None, timeout=60000)


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QDateEdit):
        return widget.date()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText())
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    raise TypeError(widget)


def _wheel_fields(root: QWidget) -> list[QWidget]:
    return [
        widget
        for widget in root.findChildren(QWidget)
        if isinstance(widget, QAbstractSpinBox | QComboBox) and widget.isVisible()
    ]


def _wheel_over_every_field(qtbot: QtBot, root: QWidget) -> int:
    fields = _wheel_fields(root)
    before = {id(field): _value(field) for field in fields}
    for field in fields:
        field.ensurePolished()
        for steps in (1, -1, -2):  # up, then down: the form ends further down
            wheel(field, steps)
        qtbot.wait(1)
    changed = [
        field.objectName() or type(field).__name__
        for field in fields
        if _value(field) != before[id(field)]
    ]
    assert not changed, f"la molette a changé : {changed}"
    return len(fields)


def test_the_wheel_over_the_deposit_form_changes_nothing(qtbot: QtBot, window: MainWindow) -> None:
    _open_invoice(qtbot, window)
    tab = window.deposer
    qtbot.waitUntil(lambda: tab.supplier is not None, timeout=20000)  # its choices are in
    date_before = tab.form.issue_date.date()
    invoice_before = tab.form.invoice()
    scroll = tab.edit_page.findChild(QWidget, "deposer_formulaire")
    bar = scroll.verticalScrollBar()  # type: ignore[attr-defined]
    bar.setValue(0)
    count = _wheel_over_every_field(qtbot, tab.form)
    assert count >= 4  # date, VAT type, payment mode, cadre… every one of them
    assert tab.form.issue_date.date() == date_before
    assert tab.form.invoice() == invoice_before
    assert bar.maximum() == 0 or bar.value() > 0  # the wheel scrolled the form instead
    # A field the user is in (tabbed or clicked into) takes the wheel: that is deliberate.
    combo = tab.form.findChild(QComboBox, "champ_references_payment_mode")
    assert combo is not None
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    before = _value(combo)
    wheel(combo, -1 if combo.currentIndex() == 0 else 1)
    assert _value(combo) != before


def test_the_wheel_changes_nothing_in_the_other_forms_and_dialogs(
    qtbot: QtBot, window: MainWindow
) -> None:
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        _wheel_over_every_field(qtbot, window.tabs.currentWidget())
    dialog: QDialog = window.open_account_dialog()
    qtbot.waitUntil(dialog.isVisible)
    _wheel_over_every_field(qtbot, dialog)
    dialog.reject()


def test_the_confirmation_shows_everything_that_will_be_sent(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.confirm_deposit_dialog import ConfirmDepositDialog

    _open_invoice(qtbot, window)
    tab = window.deposer
    qtbot.waitUntil(lambda: tab.send_button.isEnabled(), timeout=20000)
    click(tab.send_button)
    qtbot.waitUntil(lambda: tab.findChild(ConfirmDepositDialog) is not None, timeout=20000)
    dialog = tab.findChild(ConfirmDepositDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    shown = dialog.values
    for label in (
        "Numéro de facture",
        "Type",
        "Date de facture",
        "Cadre de facturation",
        "Destinataire",
        "Code service",
        "Numéro d'engagement",
        "Montant HT",
        "Montant TVA",
        "Net à payer",
        "Régime de TVA",
        "Mode de paiement",
        "Facture (PDF)",
        "Pièces jointes",
        "Format d'envoi",
    ):
        assert label in shown, label
    invoice = tab.form.invoice()
    assert shown["Numéro de facture"] == invoice.number
    assert invoice.issue_date is not None
    assert shown["Date de facture"] == format_date_fr(invoice.issue_date)
    assert shown["Mode de paiement"] == invoice.references.payment_mode.label
    assert shown["Facture (PDF)"] == TEXT_INVOICE.name or shown["Facture (PDF)"].endswith(".pdf")
    click_button(dialog, "Revenir au formulaire")
    assert not dialog.isVisible()


def test_closing_a_read_invoice_asks_before_throwing_it_away(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    _open_invoice(qtbot, window)
    tab = window.deposer
    number = tab.form.number.text()
    click(tab.close_button)
    box = tab.close_question
    assert box is not None and box.isVisible()
    assert box.defaultButton().text() == "Enregistrer en brouillon"
    click_button(box, "Annuler")
    assert tab.current_path is not None  # still open, nothing lost
    click(tab.close_button)
    QTest.keyClick(tab.close_question, Qt.Key.Key_Return)  # the default: keep it as a draft
    qtbot.waitUntil(lambda: tab.current_path is None)
    with services.context.database.session() as session:
        drafts = session.scalars(
            select(models.Invoice.number).where(models.Invoice.status == "BROUILLON")
        ).all()
    assert number in drafts


def test_enter_on_deleting_a_draft_cancels(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    _open_invoice(qtbot, window)
    tab = window.deposer
    click(tab.draft_button)
    number = tab.form.number.text()
    click(tab.close_button)  # saved: closes without a question
    assert tab.current_path is None
    window.refresh_views()
    synthese = window.synthese
    window.tabs.setCurrentWidget(synthese)
    row = next(
        r
        for r in range(synthese.model.rowCount())
        if (found := synthese.model.row_of(r)) is not None and found.number == number
    )
    synthese.table.selectRow(row)
    synthese.delete_selected_draft()
    box = synthese.question
    assert box.defaultButton().text() == "Annuler"
    QTest.keyClick(box, Qt.Key.Key_Return)
    with services.context.database.session() as session:
        kept = session.scalars(
            select(models.Invoice.number).where(models.Invoice.number == number)
        ).all()
    assert kept == [number]
