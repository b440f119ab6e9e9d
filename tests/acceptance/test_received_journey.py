"""Issue 35, with real input: the suppliers' invoices the demo Plateforme Agréée delivers are
found in Rechercher › Reçues, opened, one refused with the norm's reason, another approved
then declared paid, and the year exported and opened — clicks and keys, not slots."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services import Services
from tests.support.file_chooser import type_path, when_file_dialog
from tests.support.ui_input import click, click_button, type_text
from ui.main_window import MainWindow
from ui.widgets.received_panel import ReceivedPanel


def _when_shown(name: str, then: object, tries: int = 1200) -> None:
    """Once the top-level dialog ``name`` is up, ``then(dialog)``."""

    def look(left: int) -> None:
        box = next(
            (
                widget
                for widget in QApplication.topLevelWidgets()
                if widget.objectName() == name and widget.isVisible()
            ),
            None,
        )
        if box is None:
            if left:
                QTimer.singleShot(50, lambda: look(left - 1))
            return
        then(box)  # type: ignore[operator]

    QTimer.singleShot(50, lambda: look(tries))


def _open(qtbot: QtBot, panel: ReceivedPanel, number: str) -> QDialog:
    """Type the number in the search field, click its row, press Enter."""
    panel.search.setFocus()
    panel.search.selectAll()
    type_text(panel.search, number)
    qtbot.waitUntil(lambda: panel.table.rowCount() >= 1)
    cell = panel.table.item(0, 2)
    assert cell is not None and cell.text() == number
    click(panel.table.viewport(), panel.table.visualItemRect(cell).center())
    QTest.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible())
    assert panel.dialog is not None
    return panel.dialog


def _status_of(panel: ReceivedPanel, number: str) -> str:
    for row in range(panel.table.rowCount()):
        if (item := panel.table.item(row, 2)) is not None and item.text() == number:
            status = panel.table.item(row, 6)
            return status.text() if status is not None else ""
    return ""


def test_find_open_refuse_approve_pay_and_export(
    qtbot: QtBot,
    window: MainWindow,
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(window, "open_external", lambda url: opened.append(url) or True)

    # Rechercher › Reçues (Alt+R, then the « Reçues » switch), « Relever les factures reçues »
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    click(window.tabs.tabBar(), window.tabs.tabBar().tabRect(1).center())
    panel = window.rechercher.received_panel
    assert panel is not None
    click(window.rechercher.received_button)
    assert window.rechercher.direction.currentWidget() is panel
    assert "Aucune facture reçue" in panel.summary.text()
    click(panel.fetch_button)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 7, timeout=30000)
    assert "7 facture(s) reçue(s)" in panel.summary.text()
    assert "2 alerte(s)" in panel.summary.text()

    # the invoice with wrong VAT: opened, what is wrong said, refused with a reason
    dialog = _open(qtbot, panel, "ABO-2026-0512")
    page = dialog.findChild(QWidget, "page_recue")
    assert page is not None and "BR-CO-14" in page.toPlainText()  # type: ignore[attr-defined]

    def give_reason(box: QDialog) -> None:
        reasons = box.findChild(QComboBox, "motif")
        assert reasons is not None
        reasons.setFocus()
        index = reasons.findData("TX_TVA_ERR")
        for _ in range(index):  # the keyboard, down the list
            QTest.keyClick(reasons, Qt.Key.Key_Down)
        assert reasons.currentData() == "TX_TVA_ERR"
        comment = box.findChild(QLineEdit, "commentaire")
        assert comment is not None
        click(comment)
        type_text(comment, "TVA à 20 % attendue, 25 % facturée")
        click_button(box, "Refuser la facture")

    _when_shown("motif_reponse", give_reason)
    click(dialog.buttons["refuse"])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: _status_of(panel, "ABO-2026-0512") == "Refusée", timeout=30000)
    assert "envoyé au fournisseur" in panel.progress.text()

    # the subcontractor's invoice: approved (asked first), then « Paiement transmis »
    if panel.dialog is not None:
        panel.dialog.close()
    dialog = _open(qtbot, panel, "2026-031")
    _when_shown("confirmer_approbation", lambda box: click_button(box, "Approuver"))
    click(dialog.buttons["approve"])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: _status_of(panel, "2026-031") == "Approuvée", timeout=30000)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible())
    _when_shown("date_paiement_recue", lambda box: click_button(box, "Déclarer le paiement"))
    click(panel.dialog.buttons["paid"])  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: _status_of(panel, "2026-031") == "Paiement transmis", timeout=30000)
    panel.dialog.close()  # type: ignore[union-attr]

    # the year for the accountant: chosen in the list, the folder given, the workbook opened
    export_dir = tmp_path / "compta"
    export_dir.mkdir()

    def accept_year(tries: int = 200) -> None:
        box = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog)
             and w.isVisible()),
            None,
        )  # fmt: skip
        if box is None:
            if tries:
                QTimer.singleShot(50, lambda: accept_year(tries - 1))
            return
        QTest.keyClick(box, Qt.Key.Key_Return)
        when_file_dialog(choose_folder, 400)

    def choose_folder(box: QFileDialog) -> None:
        """The folder chooser: the export folder's path typed, then Enter."""
        type_path(box, str(export_dir))
        if box.isVisible():  # Enter went into the folder: « Choisir » takes it
            click_button(box, "Choisir")

    QTimer.singleShot(50, accept_year)
    click(panel.export_button)
    qtbot.waitUntil(
        lambda: any(url.toLocalFile().endswith(".xlsx") for url in opened), timeout=30000
    )
    workbook = Path(
        next(url.toLocalFile() for url in opened if url.toLocalFile().endswith(".xlsx"))
    )
    sheet = load_workbook(workbook).active
    assert sheet is not None
    lines = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {line[3] for line in lines} >= {"ABO-2026-0512", "2026-031", "2026-044"}
    statuses = {line[3]: line[13] for line in lines}
    assert statuses["ABO-2026-0512"] == "Refusée"
    assert statuses["2026-031"] == "Paiement transmis"
    assert len(list((export_dir / workbook.stem).iterdir())) == 7

    # the Synthèse says what remains, and leads back here
    click(window.tabs.tabBar(), window.tabs.tabBar().tabRect(0).center())
    window.synthese.refresh()
    banner = window.synthese.received_label.text()
    assert "5 à approuver ou refuser" in banner and "alerte" in banner
