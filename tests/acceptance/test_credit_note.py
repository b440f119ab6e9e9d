"""Issue 32, with real input: a credit note of part of a line — 2 hours of 8 typed in the
quantity cell, the other line unticked — its total following each change, then issued."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from app.invoicing.model import Line, VatRegime
from app.invoicing.totals import totals_of
from app.services import Services
from tests.support.ui_input import click, click_button
from tests.support.written_invoices import written_invoice
from ui.main_window import MainWindow


def test_two_hours_of_eight_credited_with_the_keyboard(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    model = next(
        made
        for made in map(written_invoice, range(80))
        if made.regime is VatRegime.STANDARD and not made.is_credit_note and not made.prepaid
    )
    lines = (
        Line("Pose de rayonnages", Decimal(8), "HUR", Decimal("45.00"), Decimal(20)),
        Line("Déplacement", Decimal(1), "LS", Decimal("60.00"), Decimal(20)),
    )
    issued = services.invoicing.write_new(
        replace(model, number=None, lines=lines, adjustments=()), today=date.today()
    )
    listing = window.open_written_invoices()
    qtbot.waitExposed(listing)
    table = listing.table
    row = next(
        r for r in range(table.rowCount()) if table.item(r, 0).text() == issued.invoice.number
    )
    click(table.viewport(), table.visualItemRect(table.item(row, 2)).center())
    click(listing.credit_button)
    qtbot.waitUntil(lambda: listing.credit_dialog is not None and listing.credit_dialog.isVisible())
    dialog = listing.credit_dialog
    grid = dialog.findChild(QTableWidget, "lignes_avoir")
    total = dialog.findChild(QLabel, "total_avoir")
    assert grid is not None and total is not None
    assert "504,00" in total.text()  # all of it: 360 + 60 HT, 504 TTC

    # the quantity cell of the first line: a click, then « 2 » typed over it, and Enter
    cell = grid.visualItemRect(grid.item(0, 2))
    click(grid.viewport(), cell.center())
    assert (grid.currentRow(), grid.currentColumn()) == (0, 2)
    QTest.keyClick(grid, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: grid.findChild(QLineEdit) is not None)
    editor = grid.findChild(QLineEdit)
    assert editor is not None
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.item(0, 3).text() == "90,00")
    # the second line unticked: a click on its box
    box = grid.visualItemRect(grid.item(1, 0))
    QTest.mouseClick(
        grid.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(box.left() + 10, box.center().y())
    )
    assert grid.item(1, 0).checkState() == Qt.CheckState.Unchecked
    said = total.text().replace("\xa0", " ")
    assert "90,00 € HT" in said and "108,00 € TTC" in said

    click_button(dialog, "Émettre l'avoir")
    qtbot.waitUntil(lambda: "Avoir" in listing.status.text())
    credit_number = listing.status.text().split()[1]
    credit = services.invoicing.issued(credit_number)
    [line] = credit.invoice.lines
    assert (line.description, line.quantity) == ("Pose de rayonnages", Decimal(2))
    assert totals_of(credit.invoice).grand_total == Decimal("108.00")
    listing.close()
