"""Keyboard only: from Ctrl+O to the result page, and every mnemonic of a window unique
(issue 21)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.simulator.seed import siret_for
from tests.conftest import CORPUS_SAMPLES
from tests.support.file_chooser import answer_file_chooser
from tests.support.ui_input import tab_to, type_text
from ui.main_window import MainWindow

TEXT_INVOICE = CORPUS_SAMPLES / "inv_101_003.pdf"
BREST = siret_for(4, "2129")
MNEMONIC = re.compile(r"&([^&\s])")


def test_a_deposit_with_the_keyboard_only(qtbot: QtBot, window: MainWindow) -> None:
    answer_file_chooser(str(TEXT_INVOICE))
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    tab = window.deposer
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)
    # The window manager gives the window back its focus once the chooser is closed (the
    # offscreen test platform has none: done here).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    # The recipient's SIRET on this invoice is not a public buyer: typed over, then Tab on.
    siret = tab.form.recipient_siret
    tab_to(window, siret)
    QTest.keyClick(siret, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(siret, BREST)
    QTest.keyClick(siret, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: tab.form.recipient_name.text() == "COMMUNE DE BREST", timeout=5000)
    code = tab.form.code_service
    tab_to(window, code)
    type_text(code.lineEdit(), "CULTURE")
    popup = QApplication.activePopupWidget()  # the list of services that matched, if shown
    QTest.keyClick(popup or code.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: tab.send_button.isEnabled(), timeout=20000)
    tab.run_checks()
    qtbot.waitUntil(lambda: not [i for i in tab.issues if i.blocking], timeout=20000)

    # Alt+V (« Valider et envoyer »), then Enter on the confirmation's default button.
    QTest.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: tab.confirm_dialog is not None and tab.confirm_dialog.isVisible(), timeout=20000
    )
    assert tab.confirm_dialog.send_button.isDefault()
    QTest.keyClick(tab.confirm_dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.result_page, timeout=30000)
    assert tab.outcome is not None and tab.outcome.state == "done"


def _mnemonics(widget: QWidget) -> list[str]:
    found = []
    for child in widget.findChildren(QWidget):
        if not child.isVisible():
            continue
        if isinstance(child, QAbstractButton | QGroupBox):
            text = child.text() if isinstance(child, QAbstractButton) else child.title()
        elif isinstance(child, QLabel) and child.buddy() is not None:
            text = child.text()
        else:
            continue
        found += [letter.lower() for letter in MNEMONIC.findall(text)]
    return found


def test_every_mnemonic_of_each_page_is_unique(qtbot: QtBot, window: MainWindow) -> None:
    window_level = [
        letter.lower()
        for action in window.menuBar().actions()
        for letter in MNEMONIC.findall(action.text())
    ] + [
        letter.lower()
        for index in range(window.tabs.count())
        for letter in MNEMONIC.findall(window.tabs.tabText(index))
    ]
    pages = {window.tabs.tabText(i): window.tabs.widget(i) for i in range(window.tabs.count())}
    window.open_files([TEXT_INVOICE])
    qtbot.waitUntil(lambda: window.deposer.prefill_result is not None, timeout=60000)
    for name, page in pages.items():
        window.tabs.setCurrentWidget(page)
        qtbot.wait(10)
        letters = window_level + _mnemonics(page)
        duplicates = {letter for letter in letters if letters.count(letter) > 1}
        assert not duplicates, f"{name} : Alt+{sorted(duplicates)} sert deux fois"


def test_a_date_typed_over_the_selected_date_replaces_it(qtbot: QtBot, window: MainWindow) -> None:
    window.open_files([TEXT_INVOICE])
    tab = window.deposer
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)
    field = tab.form.issue_date
    for typed, expected in (("16/07/2026", "16/07/2026"), ("5/3/2025", "05/03/2025")):
        field.setFocus()
        QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(field, typed)
        QTest.keyClick(field, Qt.Key.Key_Tab)
        assert field.date().toString("dd/MM/yyyy") == expected


def test_enter_on_the_focused_send_button_sends(qtbot: QtBot, window: MainWindow) -> None:
    window.open_files([TEXT_INVOICE])
    tab = window.deposer
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)
    window.activateWindow()
    tab.form.recipient_siret.setFocus()
    tab.form.recipient_siret.selectAll()
    type_text(tab.form.recipient_siret, BREST)
    qtbot.waitUntil(lambda: tab.form.recipient_name.text() == "COMMUNE DE BREST", timeout=5000)
    type_text(tab.form.code_service.lineEdit(), "CULTURE")
    qtbot.waitUntil(lambda: not [i for i in tab.run_checks() if i.blocking], timeout=20000)
    tab_to(window, tab.send_button)
    QTest.keyClick(tab.send_button, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: tab.confirm_dialog is not None and tab.confirm_dialog.isVisible(), timeout=20000
    )
