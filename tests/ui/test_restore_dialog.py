"""Fichier › « Restaurer une sauvegarde… » with clicks (issue 31): an older copy restored,
the invoice issued since taken back from the archive; a damaged database said in the
message bar with the way out; unfinished drafts said too."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.paths import resolve_paths
from app.services import Services
from tests.support.issuing import damage_one_page
from tests.support.ui_input import click, click_button
from tests.support.windows import shown_window
from tests.support.written_invoices import written_invoice
from ui.dialogs.restore_dialog import RestoreDialog
from ui.main_window import MainWindow


def _issue(services: Services, index: int) -> str:
    invoice = written_invoice(index)
    invoice = replace(invoice, number=None, credited_number=None, credited_date=None)
    invoice = replace(invoice, document_type=written_invoice(0).document_type)
    issued = services.invoicing.write_new(invoice, today=invoice.issue_date)
    assert issued.invoice.number is not None
    return issued.invoice.number


def test_an_older_backup_restored_with_clicks_keeps_every_issued_invoice(
    window: MainWindow, services: Services, qtbot: QtBot
) -> None:
    first = _issue(services, 0)
    backups = services.context.backups_dir
    newest = services.context.backups()[0].path
    older = backups / "copie-manuelle.sqlite3"
    shutil.copyfile(newest, older)
    second = _issue(services, 1)
    action = window.findChild(QAction, "action_restaurer")
    assert action is not None and action.text().replace("&", "") == "Restaurer une sauvegarde…"
    action.trigger()
    dialog = window.findChild(RestoreDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    names = [dialog.table.item(row, 3).text() for row in range(dialog.table.rowCount())]
    assert "copie-manuelle.sqlite3" in names
    assert dialog.table.item(names.index("copie-manuelle.sqlite3"), 1).text() == first
    dialog.table.selectRow(names.index("copie-manuelle.sqlite3"))
    click(dialog.findChild(QPushButton, "restaurer"))
    qtbot.waitUntil(lambda: isinstance(getattr(dialog, "confirm_box", None), QMessageBox))
    assert "gardée à part" in dialog.confirm_box.text()
    click_button(dialog.confirm_box, "Restaurer")
    qtbot.waitUntil(lambda: dialog.report_text is not None, timeout=30_000)
    assert second in (dialog.report_text or "")  # taken back from the archive
    qtbot.waitUntil(lambda: "restaurée" in window.message_bar.text.text())
    numbers = [item.number for item in services.invoicing.issued_list()]
    assert numbers == sorted([first, second])
    assert any(p.name.startswith("avant-restauration-") for p in Path(backups).iterdir())


def test_a_damaged_database_is_said_with_the_way_out(
    qtbot: QtBot, isolated_environment: Path
) -> None:
    paths = resolve_paths(isolated_environment)
    services = Services(paths)
    services.context.open_database()
    _issue(services, 0)
    services.close()
    damage_one_page(paths.database_file)
    damaged = Services(paths)
    damaged.context.open_database()
    try:
        window = shown_window(qtbot, damaged)
        text = window.message_bar.text.text()
        assert "endommagée" in text and "lecture seule" in text
        assert window.message_bar.isVisible()
        assert window.message_bar.action_button.text() == "Restaurer une sauvegarde…"
    finally:
        damaged.close()


def test_unfinished_drafts_are_said_at_start(qtbot: QtBot, services: Services) -> None:
    services.invoicing.save_draft(written_invoice(0))
    window = shown_window(qtbot, services)
    assert "pas encore émise" in window.message_bar.text.text()
