"""Typed work is never dropped (issue 32): « Saisir une facture » asks before closing on its
« Fermer » button and on Escape, and keeps a draft by itself a few seconds after the last
change; quitting the program with an invoice open in Déposer, read but never saved, asks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.services import Services
from tests.acceptance.test_invoice_editor import fill, open_editor, type_cell
from tests.support.ui_input import click, click_button
from tests.ui.test_deposer_tab import TEXT_INVOICE, drop, wait_filled
from ui.main_window import MainWindow


def _drafts(services: Services) -> int:
    return sum(row.status == "draft" for row in services.invoicing.rows())


def _question(qtbot: QtBot, holder: object, name: str) -> QMessageBox:
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(holder, name, None), QMessageBox)
            and getattr(holder, name).isVisible()
        )
    )
    box: QMessageBox = getattr(holder, name)
    return box


def test_closing_the_editor_with_typed_work_asks_and_keeps_a_draft(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    editor = open_editor(qtbot, window)
    fill(editor.customer_name, "SARL Les Tilleuls")
    type_cell(editor.lines_table, 0, 0, "Pose de rayonnages")
    type_cell(editor.lines_table, 0, 3, "400")
    qtbot.waitUntil(lambda: editor.dirty)
    QTest.keyClick(editor, Qt.Key.Key_Escape)  # asks, and « Annuler » keeps it open
    box = _question(qtbot, editor, "close_question")
    assert "L'enregistrer en brouillon" in box.text()
    click_button(box, "Annuler")
    assert editor.isVisible() and _drafts(services) == 0
    close = next(b for b in editor.findChildren(QPushButton) if b.text() == "Fermer")
    click(close)
    click_button(_question(qtbot, editor, "close_question"), "Enregistrer en brouillon")
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _drafts(services) == 1
    draft = next(row for row in services.invoicing.rows() if row.status == "draft")
    assert draft.customer_name == "SARL Les Tilleuls"


def test_the_editor_keeps_a_draft_by_itself(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    editor = open_editor(qtbot, window)
    fill(editor.customer_name, "Mairie de Pessac")
    qtbot.waitUntil(lambda: _drafts(services) == 1, timeout=15000)  # nobody clicked
    assert not editor.dirty
    click(next(b for b in editor.findChildren(QPushButton) if b.text() == "Fermer"))
    qtbot.waitUntil(lambda: not editor.isVisible())  # saved: nothing to ask


def test_quitting_with_an_invoice_read_but_never_saved_asks(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    window.show_deposer()
    drop(window.deposer.drop_zone, TEXT_INVOICE)
    wait_filled(qtbot, window)
    assert window.deposer.unsaved_work()
    window.close()  # Ctrl+Q and the window's close button both come here
    box = _question(qtbot, window, "quit_question")
    click_button(box, "Annuler")
    assert window.isVisible()
    window.close()
    click_button(_question(qtbot, window, "quit_question"), "Enregistrer en brouillon")
    qtbot.waitUntil(lambda: not window.isVisible())
    assert len(services.deposit.drafts()) == 1


def test_alt_t_goes_to_the_vat_regime(qtbot: QtBot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window)
    label = next(
        caption for caption in editor.findChildren(QLabel) if caption.text() == "Régime de &TVA"
    )
    assert label.buddy() is editor.regime  # the « & » is a mnemonic, not a character shown
    QTest.keyClick(editor, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: editor.regime.hasFocus())


def test_the_lines_table_lets_the_keyboard_out_and_never_picks_a_choice_by_typing(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QApplication, QComboBox

    from ui.widgets.lines_table import LinesTable

    editor = open_editor(qtbot, window)
    table = editor.lines_table
    assert isinstance(table, LinesTable)
    unit = table.cellWidget(0, 2)
    assert isinstance(unit, QComboBox)
    chosen = unit.currentText()
    unit.setFocus()
    qtbot.waitUntil(unit.hasFocus)
    QTest.keyClicks(unit, "pose")  # typed on the unit: its list opens, nothing is picked
    assert unit.currentText() == chosen
    qtbot.waitUntil(lambda: unit.view().isVisible())
    QTest.keyClick(unit.view(), Qt.Key.Key_Escape)
    assert unit.currentText() == chosen
    table.setFocus()
    table.setCurrentCell(0, 0)
    QTest.keyClick(table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not table.hasFocus())  # Ctrl+Tab leaves the table
    outside = QApplication.focusWidget()
    assert outside is not None and not table.isAncestorOf(outside)
    table.setFocus()
    table.setCurrentCell(0, table.columnCount() - 1)
    QTest.keyClick(table, Qt.Key.Key_Tab)  # Tab from the last cell leaves it too
    qtbot.waitUntil(lambda: not table.hasFocus())
